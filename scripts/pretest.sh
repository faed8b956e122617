#!/usr/bin/env bash
# What `npm test` does before vitest, at once rather than one after the other: the test bed
# (scripts/testbed.sh, mostly waiting on apt, dockerd and image builds) in the foreground, and beside
# it the type check, ESLint, the Prettier check and the build (each single-threaded, so on two cores
# they overlap instead of queueing). Each check's output is shown when it fails; any failure fails
# the whole step once every part has ended.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT

declare -A CHECKS=(
  [typecheck]='npx tsc -p tsconfig.json --noEmit'
  [eslint]='npx eslint .'
  [prettier]='npx prettier --check .'
  [build]='node scripts/build.mjs'
)
declare -A PIDS=()
for name in "${!CHECKS[@]}"; do
  bash -c "${CHECKS[$name]}" >"$LOGS/$name.log" 2>&1 </dev/null &
  PIDS[$name]=$!
done

status=0
bash scripts/testbed.sh || status=$?

for name in typecheck eslint prettier build; do
  if wait "${PIDS[$name]}"; then
    printf 'pretest: %s ok\n' "$name" >&2
  else
    printf 'pretest: %s FAILED: %s\n' "$name" "${CHECKS[$name]}" >&2
    cat "$LOGS/$name.log" >&2
    status=1
  fi
done
exit "$status"
