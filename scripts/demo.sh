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

if ! $DOCKER service inspect "$SERVICE" >/dev/null 2>&1; then
  printf 'demo: deploying %s with three versions\n' "$SERVICE" >&2
  $DOCKER service create --name "$SERVICE" --replicas 3 --publish mode=host,target=8080 \
    --env APP_VERSION=1 --env APP_MESSAGE=hello --env DB_PASSWORD=demo-secret-1 \
    --limit-memory 64M "${health[@]}" "${fast[@]}" "$(image v1)" >/dev/null
  dokroll snapshot "$SERVICE" >&2
  $DOCKER service update --env-add APP_VERSION=2 --env-add APP_MESSAGE='hello again' \
    --env-add FEATURE_FLAG=on --limit-memory 96M "${fast[@]}" "$SERVICE" >/dev/null
  dokroll snapshot "$SERVICE" >&2
  $DOCKER service update --image "$(image v2)" --env-add APP_VERSION=3 \
    --env-add DB_PASSWORD=demo-secret-2 "${fast[@]}" "$SERVICE" >/dev/null
  dokroll snapshot "$SERVICE" >&2
fi

if [ -t 0 ] && [ -t 1 ]; then
  exec node "$ROOT/dist/cli/main.js"
else
  dokroll history "$SERVICE"
fi
