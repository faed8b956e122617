#!/usr/bin/env bash
# One command from a fresh machine to the console: make the local swarm ready, build dokroll-tui,
# deploy a demo service with three recorded versions, then open the console on it.
#
#   npm run demo                 # uses the default history file ($XDG_DATA_HOME/dokroll/history.db)
#   DOKROLL_DB=/tmp/x.db npm run demo
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DOCKER=/usr/bin/docker
SERVICE=${DOKROLL_DEMO_SERVICE:-dokroll-demo}

bash scripts/ensure-deps.sh
bash scripts/testbed.sh
if [ ! -f dist/cli/main.js ] || [ -n "$(find source -newer dist/cli/main.js -print -quit)" ]; then
  printf 'demo: building\n' >&2
  npm run --silent build
fi
dokroll() { node "$ROOT/dist/cli/main.js" "$@"; }

image() { $DOCKER image inspect -f '{{.Id}}' "dokroll-fixture:$1"; }
health=(--health-cmd 'timeout 2 wget -q -O- http://127.0.0.1:8080/health' --health-interval 1s
  --health-retries 2 --health-start-period 2s)
fast=(--update-parallelism 1 --update-delay 0s --update-monitor 2s --update-order start-first
  --update-failure-action rollback --rollback-order start-first --detach=false --quiet)

# Waits until the recorder has judged version $1 of the demo service (good or bad).
judged() {
  local deadline=$(( $(date +%s) + 60 ))
  until grep -qE "$SERVICE v$1 is (good|bad)" "$RECORDER_LOG"; do
    [ "$(date +%s)" -lt "$deadline" ] || { printf 'demo: v%s was not judged in time\n' "$1" >&2; return 0; }
    sleep 0.5
  done
}

# A demo service left by an earlier run whose history is not in this database (another --db or
# DOKROLL_DB, or a removed file) is deployed again, so the console has versions to show.
if $DOCKER service inspect "$SERVICE" >/dev/null 2>&1 && ! dokroll history "$SERVICE" --offline >/dev/null 2>&1; then
  printf 'demo: %s runs but has no history in this database: deploying it again\n' "$SERVICE" >&2
  $DOCKER service rm "$SERVICE" >/dev/null
  # Its rollback tags (dokroll/<service>:vN) name that other history's versions: untag them.
  tags=$($DOCKER image ls --format '{{.Repository}}:{{.Tag}}' "dokroll/$SERVICE")
  [ -z "$tags" ] || $DOCKER image rm $tags >/dev/null
  for _ in $(seq 100); do [ -z "$($DOCKER ps -q --filter "label=com.docker.swarm.service.name=$SERVICE")" ] && break; sleep 0.2; done
fi

if ! $DOCKER service inspect "$SERVICE" >/dev/null 2>&1; then
  printf 'demo: deploying %s with three versions (the recorder records and judges each)\n' "$SERVICE" >&2
  RECORDER_LOG=$(mktemp)
  node "$ROOT/dist/cli/main.js" record --stability 3 --service "$SERVICE" >"$RECORDER_LOG" 2>&1 &
  recorder=$!
  trap 'kill "$recorder" 2>/dev/null || true' EXIT
  $DOCKER service create --name "$SERVICE" --replicas 3 --publish mode=host,target=8080 \
    --env APP_VERSION=1 --env APP_MESSAGE=hello --env DB_PASSWORD=demo-secret-1 \
    --limit-memory 64M "${health[@]}" "${fast[@]}" "$(image v1)" >/dev/null
  judged 1
  $DOCKER service update --env-add APP_VERSION=2 --env-add APP_MESSAGE='hello again' \
    --env-add FEATURE_FLAG=on --limit-memory 96M "${fast[@]}" "$SERVICE" >/dev/null
  judged 2
  $DOCKER service update --image "$(image v2)" --env-add APP_VERSION=3 \
    --env-add DB_PASSWORD=demo-secret-2 "${fast[@]}" "$SERVICE" >/dev/null
  judged 3
  kill "$recorder" 2>/dev/null || true
  wait "$recorder" 2>/dev/null || true
  trap - EXIT
  grep -E "recorded|is (good|bad)" "$RECORDER_LOG" | sed 's/^/demo: /' >&2 || true
  rm -f "$RECORDER_LOG"
fi

if [ -t 0 ] && [ -t 1 ]; then
  exec node "$ROOT/dist/cli/main.js"
else
  dokroll history "$SERVICE"
fi
