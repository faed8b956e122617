#!/usr/bin/env bash
# Install the npm dependencies from the lockfile when they are missing or older than the lockfile.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  printf 'deps: npm ci\n' >&2
  npm ci --no-audit --no-fund >&2
fi
