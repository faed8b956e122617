#!/usr/bin/env bash
# Multi-node test bed: a swarm of real Docker Engines on this one machine, beside (and apart from)
# the single-node test bed of scripts/testbed.sh. Each node is its own dockerd in its own network
# namespace, with its own data root, exec root, socket, pid file and hostname (unshare --uts); the
# nodes reach each other over veth links to a bridge that lives in one more namespace, so nothing
# is added to the host's own network namespace, its iptables or its daemon.
#
#   testbed-nodes.sh up [N] [--managers M] [--bed NAME] [--owner ID]   N nodes (default 3), M managers (default 1)
#   testbed-nodes.sh down [--bed NAME | --all [--owner ID]] stops every Engine of the bed, removes its namespaces and state
#   testbed-nodes.sh up ... --user TOKEN / release --user TOKEN [--bed NAME] [--owner ID]
#                                                          a test file holds the bed while it runs; the last
#                                                          release takes it down (when --owner built it)
#   testbed-nodes.sh env [--bed NAME]                      prints the facts tests need (one KEY=VALUE a line)
#   testbed-nodes.sh stop-engine NODE [--bed NAME]         a real node failure: the node's dockerd is stopped
#   testbed-nodes.sh start-engine NODE [--bed NAME]        starts it again (it rejoins with its state on disk)
#   testbed-nodes.sh link-down|link-up NODE [--bed NAME]   pauses / restores the node's network link
#   testbed-nodes.sh load NODE IMAGE... [--bed NAME]       copies images from the host Engine (docker save | load)
#
# `up` is idempotent: a bed already up with the same shape is reused in well under a second. Nodes
# are named n1..nN (hostname dokroll-<bed>-nK, node label dokroll.node=nK); n1 is the first manager.
# Fixture images of scripts/testbed.sh are loaded on every node. State: .testbed-nodes/<bed>/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE="$ROOT/.testbed-nodes"
DOCKER=/usr/bin/docker
FIXTURE_REPO=dokroll-fixture
PACKAGES=(iproute2 util-linux docker.io)

die() { printf 'testbed-nodes: ERROR: %s\n' "$*" >&2; exit 1; }
log() { printf 'testbed-nodes: %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, dockerd)"

cmd=${1:-}
[ -n "$cmd" ] && shift
BED=multi
COUNT=3
MANAGERS=1
ALL=no
OWNER=
USER_TOKEN=
NODE=
IMAGES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bed) BED=${2:?--bed needs a name}; shift 2 ;;
    --managers) MANAGERS=${2:?--managers needs a number}; shift 2 ;;
    --all) ALL=yes; shift ;;
    --owner) OWNER=${2:?--owner needs an id}; shift 2 ;;
    --user) USER_TOKEN=${2:?--user needs a token (PID:anything)}; shift 2 ;;
    [0-9]*) [ "$cmd" = up ] && COUNT=$1 || IMAGES+=("$1"); shift ;;
    *)
      if [ -z "$NODE" ] && [[ "$cmd" =~ ^(stop-engine|start-engine|link-down|link-up|load)$ ]]; then NODE=$1; else IMAGES+=("$1"); fi
      shift
      ;;
  esac
done
[[ "$BED" =~ ^[a-z0-9]{1,8}$ ]] || die "bed name must be 1-8 lowercase letters or digits: $BED"
[[ "$COUNT" =~ ^[1-9]$ ]] || die "node count must be 1-9: $COUNT"
[[ "$MANAGERS" =~ ^[1-9]$ ]] && [ "$MANAGERS" -le "$COUNT" ] || die "managers must be 1-$COUNT: $MANAGERS"

DIR="$BASE/$BED"
# Namespaces are machine-wide: their names carry a hash of this checkout so two checkouts never meet.
TAG=$(printf '%s' "$ROOT" | sha256sum | cut -c1-6)
ns_of() { echo "dokroll-$TAG-$BED-$1"; }
BRIDGE_NS=$(ns_of br)
# 10.250.<n>.0/24, n from the checkout and bed (the bed's namespaces are private anyway).
SUBNET_OCTET=$(( (16#$(printf '%s/%s' "$ROOT" "$BED" | sha256sum | cut -c1-4)) % 250 + 1 ))
addr_of() { echo "10.250.$SUBNET_OCTET.$((10 + ${1#n}))"; }

wait_until() { # SECONDS CMD...
  local deadline=$(( $(date +%s) + $1 ))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

node_docker() { local node=$1; shift; "$DOCKER" -H "unix://$DIR/$node/docker.sock" "$@"; }
engine_pid() { local pid; pid=$(cat "$DIR/$1/docker.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null && echo "$pid"; }
engine_answers() { node_docker "$1" version -f '{{.Server.Version}}' >/dev/null 2>&1; }
swarm_active() { [ "$(node_docker "$1" info -f '{{.Swarm.LocalNodeState}}' 2>/dev/null)" = active ]; }
nodes_of_bed() { local d; for d in "$DIR"/n[0-9]; do [ -d "$d" ] && basename "$d"; done; }

ensure_packages() {
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  mkdir -p "$BASE"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$BASE/apt.log" 2>&1 || die "apt-get update failed (log: .testbed-nodes/apt.log)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$BASE/apt.log" 2>&1 \
    || die "apt-get install failed (log: .testbed-nodes/apt.log)"
}

# start_engine NODE: dockerd in the node's network namespace, under its own hostname.
start_engine() {
  local node=$1 nd="$DIR/$1"
  engine_pid "$node" >/dev/null && return 0
  mkdir -p "$nd/data" "$nd/exec"
  rm -f "$nd/docker.sock" "$nd/docker.pid"
  # NOT `ip netns exec`: it remounts /sys and dockerd loses the cgroup mounts.
  setsid nohup unshare --uts sh -c 'hostname "$0" && exec nsenter --net="$1" dockerd \
      --data-root "$2/data" --exec-root "$2/exec" -H "unix://$2/docker.sock" --pidfile "$2/docker.pid" \
      --shutdown-timeout 2 --iptables=true --ip-masq=false --userland-proxy=false --log-level warn' \
    "dokroll-$BED-$node" "/var/run/netns/$(ns_of "$node")" "$nd" >>"$nd/dockerd.log" 2>&1 </dev/null 9>&- &
}

stop_engine() {
  local node=$1 pid
  pid=$(engine_pid "$node") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_until 20 bash -c "! kill -0 $pid 2>/dev/null" || { kill -KILL "$pid" 2>/dev/null || true; }
}

ensure_network() {
  ip netns list | grep -qw "$BRIDGE_NS" || ip netns add "$BRIDGE_NS"
  ip -n "$BRIDGE_NS" link show br0 >/dev/null 2>&1 || ip -n "$BRIDGE_NS" link add br0 type bridge
  ip -n "$BRIDGE_NS" link set lo up
  ip -n "$BRIDGE_NS" link set br0 up
  local i node ns
  for i in $(seq 1 "$COUNT"); do
    node=n$i
    ns=$(ns_of "$node")
    ip netns list | grep -qw "$ns" || ip netns add "$ns"
    if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
      ip -n "$BRIDGE_NS" link add "$node" type veth peer name eth0 netns "$ns"
      ip -n "$BRIDGE_NS" link set "$node" master br0
      ip -n "$ns" addr add "$(addr_of "$node")/24" dev eth0
    fi
    ip -n "$BRIDGE_NS" link set "$node" up
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
  done
}

bed_shape_ok() {
  [ -f "$DIR/shape" ] && [ "$(cat "$DIR/shape")" = "$COUNT $MANAGERS" ] || return 1
  local i
  for i in $(seq 1 "$COUNT"); do swarm_active "n$i" || return 1; done
}

load_images() { # NODE IMAGE...
  local node=$1
  shift
  "$DOCKER" save "$@" | node_docker "$node" load -q >/dev/null
}

print_env() {
  local node
  echo "DOKROLL_NODES_BED=$BED"
  echo "DOKROLL_NODES_DIR=$DIR"
  echo "DOKROLL_NODES_SHAPE=$(cat "$DIR/shape" 2>/dev/null || true)"
  for node in $(nodes_of_bed); do
    echo "DOKROLL_NODE_${node}=unix://$DIR/$node/docker.sock $(addr_of "$node") dokroll-$BED-$node"
  done
}

down_bed() {
  local node ns
  local stops=() pid
  for node in $(nodes_of_bed); do stop_engine "$node" & stops+=($!); done
  for pid in "${stops[@]}"; do wait "$pid" || true; done
  for node in $(nodes_of_bed); do
    # Mounts a killed daemon may leave behind (network namespaces of its sandboxes, overlay layers).
    { grep -o " $DIR/$node/[^ ]*" /proc/self/mounts 2>/dev/null || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  done
  for ns in $(ip netns list | awk '{print $1}' | grep "^dokroll-$TAG-$BED-" || true); do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$DIR"
}

up_bed() {
  ensure_packages
  if bed_shape_ok; then log "bed '$BED' already up ($COUNT nodes, $MANAGERS managers)"; return 0; fi
  [ -d "$DIR" ] && { log "bed '$BED' has another shape or is broken: rebuilding it"; down_bed; }
  mkdir -p "$DIR"
  ensure_network
  local i node started=$(date +%s%N)
  for i in $(seq 1 "$COUNT"); do start_engine "n$i"; done
  for i in $(seq 1 "$COUNT"); do
    wait_until 60 engine_answers "n$i" || { tail -20 "$DIR/n$i/dockerd.log" >&2; die "the Engine of n$i did not answer within 60 s"; }
  done
  # Images first, in parallel with nothing else to do: one save, N loads.
  local fixtures=("$FIXTURE_REPO:v1" "$FIXTURE_REPO:v2" "$FIXTURE_REPO:bad-health")
  local loads=()
  for i in $(seq 1 "$COUNT"); do load_images "n$i" "${fixtures[@]}" & loads+=($!); done
  # (not a bare `wait`: the Engines are children of this script too)
  for i in "${loads[@]}"; do wait "$i" || die "loading the fixture images failed"; done
  node_docker n1 swarm init --advertise-addr "$(addr_of n1)" --listen-addr "$(addr_of n1):2377" >/dev/null
  local manager_token worker_token token
  manager_token=$(node_docker n1 swarm join-token -q manager)
  worker_token=$(node_docker n1 swarm join-token -q worker)
  for i in $(seq 2 "$COUNT"); do
    node=n$i
    token=$worker_token
    [ "$i" -le "$MANAGERS" ] && token=$manager_token
    # Managers join one at a time (each must be part of the raft quorum before the next).
    node_docker "$node" swarm join --token "$token" --advertise-addr "$(addr_of "$node")" \
      --listen-addr "$(addr_of "$node"):2377" "$(addr_of n1):2377" >/dev/null
  done
  for i in $(seq 1 "$COUNT"); do
    node=n$i
    local id
    id=$(node_docker "$node" info -f '{{.Swarm.NodeID}}')
    node_docker n1 node update --label-add "dokroll.node=$node" "$id" >/dev/null
  done
  ready_count() { [ "$(node_docker n1 node ls -f role=manager -q | wc -l)" -eq "$MANAGERS" ] \
    && [ "$(node_docker n1 node ls --format '{{.Status}}' | grep -c Ready)" -eq "$COUNT" ]; }
  wait_until 30 ready_count || die "not every node is Ready after 30 s"
  echo "$COUNT $MANAGERS" >"$DIR/shape"
  [ -z "$OWNER" ] || echo "$OWNER" >"$DIR/owner"
  log "bed '$BED' up: $COUNT nodes, $MANAGERS managers in $(( ($(date +%s%N) - started) / 1000000 )) ms"
}

need_node() {
  [ -n "$NODE" ] || die "$cmd needs a node name (n1..n9)"
  [ -d "$DIR/$NODE" ] || die "no node $NODE in bed '$BED'"
}

mkdir -p "$BASE"
# One change of a bed at a time (two test files may ask for the same bed at once).
exec 9>"$BASE/.lock"
flock -w 180 9 || die "another run held .testbed-nodes/.lock for more than 180 s"

# The test files holding a bed: one `PID:token` a line in $DIR/users; those whose process is gone
# no longer count (a worker killed mid-file).
live_users() {
  local line
  [ -f "$DIR/users" ] || return 0
  while read -r line; do
    [ -n "$line" ] && kill -0 "${line%%:*}" 2>/dev/null && echo "$line"
  done <"$DIR/users"
  return 0
}

release_bed() {
  [ -d "$DIR" ] || return 0
  { live_users | grep -vxF -- "$USER_TOKEN" || true; } >"$DIR/users.new"
  mv "$DIR/users.new" "$DIR/users"
  [ -s "$DIR/users" ] && return 0
  [ "${DOKROLL_NODES_KEEP:-}" = 1 ] && return 0
  # Only a bed this run built goes down with its last user (one kept from another run stays).
  [ -n "$OWNER" ] && [ "$(cat "$DIR/owner" 2>/dev/null || true)" = "$OWNER" ] || return 0
  log "bed '$BED': no test file holds it any more: taking it down"
  down_bed
}

case "$cmd" in
  up)
    up_bed
    [ -z "$USER_TOKEN" ] || echo "$USER_TOKEN" >>"$DIR/users"
    print_env
    ;;
  release) release_bed ;;
  env) print_env ;;
  down)
    if [ "$ALL" = yes ]; then
      # --owner: only the beds that run built (a test run tears down what it started, nothing else).
      for d in "$BASE"/*/; do
        [ -d "$d" ] || continue
        [ -z "$OWNER" ] || [ "$(cat "$d/owner" 2>/dev/null || true)" = "$OWNER" ] || continue
        BED=$(basename "$d"); DIR="$BASE/$BED"; down_bed
      done
    else
      down_bed
    fi
    ;;
  stop-engine) need_node; stop_engine "$NODE" ;;
  start-engine)
    need_node
    start_engine "$NODE"
    wait_until 60 engine_answers "$NODE" || die "the Engine of $NODE did not answer within 60 s"
    ;;
  link-down) need_node; ip -n "$BRIDGE_NS" link set "$NODE" down ;;
  link-up) need_node; ip -n "$BRIDGE_NS" link set "$NODE" up ;;
  load) need_node; [ ${#IMAGES[@]} -gt 0 ] || die "load needs image names"; load_images "$NODE" "${IMAGES[@]}" ;;
  *) die "usage: testbed-nodes.sh up|down|env|stop-engine|start-engine|link-down|link-up|load …" ;;
esac
