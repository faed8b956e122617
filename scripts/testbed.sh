#!/usr/bin/env bash
# Real Docker Swarm test bed for the integration tests. Idempotent: a run where everything is
# already in place takes a few seconds and changes nothing.
#
#   - Debian packages (installed when missing, as root)
#   - dockerd (started when no daemon answers) and a single-node swarm
#   - fixture images dokroll-fixture:{v1,v2,bad-health} built FROM scratch with a static busybox
#   - sshd on 127.0.0.1:2222 with a test key, for ssh:// connections
#   - registries on 127.0.0.1:5000 (open) and 127.0.0.1:5001 (htpasswd auth)
#
# State, logs and keys live in .testbed/ at the repository root; the facts tests need are written
# to .testbed/env.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TB="$ROOT/.testbed"
DOCKER=/usr/bin/docker
SSH_PORT=2222
REGISTRY_PORT=5000
REGISTRY_AUTH_PORT=5001
REGISTRY_USER=dokroll
REGISTRY_PASSWORD=dokroll-test-pw
FIXTURE_REPO=dokroll-fixture
PACKAGES=(docker.io busybox-static docker-registry openssh-server apache2-utils tmux zsh)

START=$(date +%s%N)
log() { printf 'testbed: [%5s s] %s\n' "$(elapsed_s)" "$*" >&2; }
die() { printf 'testbed: ERROR: %s\n' "$*" >&2; exit 1; }
elapsed() { echo "$(( ($(date +%s%N) - START) / 1000000 )) ms"; }
elapsed_s() { local ms=$(( ($(date +%s%N) - START) / 1000000 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

[ "$(id -u)" = 0 ] || die "must run as root (installs packages, starts dockerd and sshd)"
mkdir -p "$TB"

# One run at a time: the daemon, ports and images are shared by everything on this host.
LOCK=/tmp/dokroll-testbed.lock
exec 9>"$LOCK"
flock -w 120 9 || die "another testbed run held $LOCK for more than 120 s"

# --- functions -------------------------------------------------------------------------------

# tcp_open PORT: something accepts connections on 127.0.0.1:PORT
tcp_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
port_closed() { ! tcp_open "$1"; }

# http_status PORT PATH: prints the HTTP status code of GET http://127.0.0.1:PORT/PATH (empty if none)
http_status() {
  timeout 3 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$1"' || exit 0
    printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "'"$2"'" >&3
    read -r _ code _ <&3 && printf "%s" "$code"' 2>/dev/null || true
}

# wait_until SECONDS CMD...: polls CMD every 0.1 s
wait_until() {
  local limit=$1 deadline
  shift
  deadline=$(( $(date +%s) + limit ))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# start_bg NAME CMD...: start a long-lived process detached from this script (own process group),
# logging to .testbed/NAME.log, its pid in .testbed/NAME.pid
start_bg() {
  local name=$1
  shift
  # fd 9 (the lock) must not outlive this script
  setsid nohup "$@" >>"$TB/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$TB/$name.pid"
}

# our_pid NAME: prints the pid from .testbed/NAME.pid when that process is alive
our_pid() {
  local pid
  pid=$(cat "$TB/$1.pid" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# stop_ours NAME PORT: stops a process we started and waits for its port to close
stop_ours() {
  local pid
  pid=$(our_pid "$1") || return 0
  kill "$pid"
  wait_until 5 port_closed "$2" || die "$1 (pid $pid) did not release 127.0.0.1:$2"
}

# install_if_changed NEW TARGET: moves NEW over TARGET; returns 0 when the content changed
install_if_changed() {
  if cmp -s "$1" "$2"; then rm -f "$1"; return 1; fi
  mv "$1" "$2"
}

# --- packages ------------------------------------------------------------------------------

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$TB/apt.log" 2>&1 || { tail -20 "$TB/apt.log" >&2; die "apt-get update failed (log: .testbed/apt.log)"; }
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$TB/apt.log" 2>&1 \
    || { tail -20 "$TB/apt.log" >&2; die "apt-get install failed (log: .testbed/apt.log)"; }
fi

# --- dockerd and swarm ---------------------------------------------------------------------

swarm_state() { "$DOCKER" info -f '{{.Swarm.LocalNodeState}}' 2>/dev/null; }

if ! state=$(swarm_state); then
  log "starting dockerd (log: .testbed/dockerd.log)"
  start_bg dockerd dockerd
  wait_until 30 swarm_state >/dev/null \
    || { tail -20 "$TB/dockerd.log" >&2; die "dockerd did not answer within 30 s (log: .testbed/dockerd.log)"; }
  state=$(swarm_state)
fi
# A daemon restarted with swarm state on disk reports "pending" for a moment while it rejoins.
if [ "$state" = pending ]; then
  wait_until 30 bash -c '[ "$("$0" info -f "{{.Swarm.LocalNodeState}}" 2>/dev/null)" = active ]' "$DOCKER" || true
  state=$(swarm_state)
fi
case "$state" in
  active) ;;
  inactive)
    log "initialising a single-node swarm"
    "$DOCKER" swarm init --advertise-addr 127.0.0.1 >/dev/null || die "docker swarm init failed"
    ;;
  *) die "swarm is in state '$state'; expected active or inactive" ;;
esac
# After a restart the manager needs a moment to elect itself leader: until then every swarm call fails.
manager_ready() { "$DOCKER" node ls -q >/dev/null 2>&1; }
wait_until 60 manager_ready || die "the swarm manager has no leader after 60 s (log: .testbed/dockerd.log)"

# --- fixture images ------------------------------------------------------------------------

IMAGES_DIR="$ROOT/test/fixtures/images"
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || BUSYBOX=/usr/bin/busybox
# (no `| grep -q` under pipefail: an early exit of grep would fail the pipeline with SIGPIPE)
applets=$("$BUSYBOX" --list 2>/dev/null || true)
[[ $'\n'"$applets"$'\n' == *$'\nhttpd\n'* ]] || die "$BUSYBOX is not a full static busybox (busybox-static)"
context_hash=$(cat "$IMAGES_DIR/Dockerfile" "$IMAGES_DIR/start.sh" "$BUSYBOX" | sha256sum | cut -c1-16)
FIXTURES=("v1 v1 ok" "v2 v2 ok" "bad-health bad-health absent") # TAG VERSION HEALTH

# One inspect for all tags: "<repo tags json> <hash label>" per image found.
present=$("$DOCKER" image inspect -f '{{json .RepoTags}} {{index .Config.Labels "dokroll.fixture.hash"}}' \
  "$FIXTURE_REPO:v1" "$FIXTURE_REPO:v2" "$FIXTURE_REPO:bad-health" 2>/dev/null || true)
to_build=()
for fixture in "${FIXTURES[@]}"; do
  read -r tag version health <<<"$fixture"
  want="$context_hash-$version-$health"
  found=no
  while read -r tags label; do
    [[ "$tags" == *"\"$FIXTURE_REPO:$tag\""* && "$label" == "$want" ]] && found=yes
  done <<<"$present"
  [ "$found" = yes ] || to_build+=("$tag $version $health")
done

if [ ${#to_build[@]} -gt 0 ]; then
  rm -rf "$TB/image-context"
  mkdir -p "$TB/image-context"
  cp "$IMAGES_DIR/Dockerfile" "$IMAGES_DIR/start.sh" "$TB/image-context/"
  cp "$BUSYBOX" "$TB/image-context/busybox"
  pids=()
  for fixture in "${to_build[@]}"; do
    read -r tag version health <<<"$fixture"
    log "building $FIXTURE_REPO:$tag"
    old_id=$("$DOCKER" image inspect -f '{{.Id}}' "$FIXTURE_REPO:$tag" 2>/dev/null || true)
    (
      DOCKER_BUILDKIT=0 "$DOCKER" build -q \
        --build-arg "FIXTURE_VERSION=$version" --build-arg "FIXTURE_HEALTH=$health" \
        --label "dokroll.fixture=1" --label "dokroll.fixture.hash=$context_hash-$version-$health" \
        -t "$FIXTURE_REPO:$tag" "$TB/image-context" >"$TB/build-$tag.log" 2>&1 || exit 1
      # Drop the replaced image unless something still uses it.
      if [ -n "$old_id" ]; then "$DOCKER" image rm "$old_id" >/dev/null 2>&1 || true; fi
    ) &
    pids+=("$!:$tag")
  done
  failed=()
  for entry in "${pids[@]}"; do
    wait "${entry%%:*}" || failed+=("${entry#*:}")
  done
  for tag in "${failed[@]}"; do cat "$TB/build-$tag.log" >&2; done
  [ ${#failed[@]} -eq 0 ] || die "building $FIXTURE_REPO:{${failed[*]}} failed (logs: .testbed/build-*.log)"
  log "fixture images built"
fi

# --- sshd on 127.0.0.1:2222 ----------------------------------------------------------------

SSH_DIR="$TB/ssh"
SSH_KEY="$SSH_DIR/id_ed25519"
HOST_KEY="$SSH_DIR/ssh_host_ed25519_key"
mkdir -p "$SSH_DIR"
chmod 700 "$SSH_DIR"
[ -f "$SSH_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C dokroll-test -f "$SSH_KEY"
[ -f "$HOST_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C dokroll-test-host -f "$HOST_KEY"
pubkey=$(cat "$SSH_KEY.pub")
mkdir -p /root/.ssh
chmod 700 /root/.ssh
touch /root/.ssh/authorized_keys
chmod 600 /root/.ssh/authorized_keys
grep -qxF "$pubkey" /root/.ssh/authorized_keys || { log "authorising the test key for root"; echo "$pubkey" >>/root/.ssh/authorized_keys; }
echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$HOST_KEY.pub")" >"$SSH_DIR/known_hosts.new"
install_if_changed "$SSH_DIR/known_hosts.new" "$SSH_DIR/known_hosts" || true

SSHD_CONFIG="$SSH_DIR/sshd_config"
# /usr/bin first so the `docker` an ssh login finds is the client that matches the daemon.
cat >"$SSHD_CONFIG.new" <<EOF
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey $HOST_KEY
PidFile $TB/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
AllowTcpForwarding yes
SetEnv PATH=/usr/sbin:/usr/bin:/sbin:/bin
MaxStartups 100:30:200
MaxSessions 50
LogLevel ERROR
EOF
ssh_config_changed=no
install_if_changed "$SSHD_CONFIG.new" "$SSHD_CONFIG" && ssh_config_changed=yes

ssh_docker() {
  ssh -i "$SSH_KEY" -p "$SSH_PORT" -o BatchMode=yes -o StrictHostKeyChecking=yes \
    -o UserKnownHostsFile="$SSH_DIR/known_hosts" -o ConnectTimeout=5 root@127.0.0.1 "$@" </dev/null
}
# The product reaches remote daemons through `docker system dial-stdio`: prove both work.
check_ssh_docker() {
  remote=$(ssh_docker docker version -f '{{.Server.APIVersion}}' 2>"$TB/ssh-check.log") \
    || { cat "$TB/ssh-check.log" >&2; die "docker over ssh://root@127.0.0.1:$SSH_PORT failed"; }
  ssh_docker docker system dial-stdio >/dev/null 2>>"$TB/ssh-check.log" \
    || { cat "$TB/ssh-check.log" >&2; die "docker system dial-stdio over ssh failed"; }
  log "docker over ssh answers (API $remote)"
}

[ "$ssh_config_changed" = yes ] && our_pid sshd >/dev/null && { log "sshd config changed: restarting our sshd"; stop_ours sshd "$SSH_PORT"; }
start_sshd() {
  log "starting sshd on 127.0.0.1:$SSH_PORT (log: .testbed/sshd.log)"
  mkdir -p /run/sshd
  /usr/sbin/sshd -t -f "$SSHD_CONFIG" || die "sshd config check failed ($SSHD_CONFIG)"
  /usr/sbin/sshd -f "$SSHD_CONFIG" -E "$TB/sshd.log" 9>&- || die "sshd did not start (log: .testbed/sshd.log)"
  wait_until 5 tcp_open "$SSH_PORT" || die "sshd did not listen on 127.0.0.1:$SSH_PORT"
  check_ssh_docker
}

# The host key the sshd on the port presents is ours (the tests check host keys against it).
presents_our_host_key() {
  [ "$(ssh-keyscan -p "$SSH_PORT" -t ed25519 127.0.0.1 2>/dev/null | awk '{print $3}')" = "$(cut -d' ' -f2 "$HOST_KEY.pub")" ]
}

if ! tcp_open "$SSH_PORT"; then
  start_sshd
elif ! our_pid sshd >/dev/null; then
  # Something we did not start (here) listens on the port. Another checkout's test bed sshd is
  # replaced by ours; anything else must at least be a usable sshd with our host key.
  if ! presents_our_host_key; then
    other=$(pgrep -f 'sshd -f .*/\.testbed/ssh/sshd_config' | head -n 1 || true)
    [ -n "$other" ] || die "127.0.0.1:$SSH_PORT is taken by an sshd that is not this test bed's (its host key differs): stop it"
    log "127.0.0.1:$SSH_PORT is another checkout's test bed sshd (pid $other): replacing it with ours"
    kill "$other"
    wait_until 5 port_closed "$SSH_PORT" || die "sshd (pid $other) did not release 127.0.0.1:$SSH_PORT"
    start_sshd
  else
    check_ssh_docker
  fi
fi

# --- registries ----------------------------------------------------------------------------

REG_DIR="$TB/registry"
HTPASSWD="$REG_DIR/htpasswd"
mkdir -p "$REG_DIR/plain" "$REG_DIR/auth"
if ! { [ -f "$HTPASSWD" ] && htpasswd -vb "$HTPASSWD" "$REGISTRY_USER" "$REGISTRY_PASSWORD" >/dev/null 2>&1; }; then
  htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASSWORD" >"$HTPASSWD" 2>/dev/null || die "htpasswd failed"
fi

write_registry_config() { # FILE PORT STORAGE [auth]
  {
    printf 'version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n'
    printf 'storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n' "$3"
    printf 'http:\n  addr: 127.0.0.1:%s\n' "$2"
    if [ "${4:-}" = auth ]; then
      printf 'auth:\n  htpasswd:\n    realm: dokroll-test\n    path: %s\n' "$HTPASSWD"
    fi
  } >"$1.new"
  install_if_changed "$1.new" "$1"
}

registry_up() { [ -n "$(http_status "$1" /v2/)" ]; }
ensure_registry() { # NAME PORT [auth]
  local name=registry-$1 port=$2 config="$REG_DIR/$1.yml"
  if write_registry_config "$config" "$port" "$REG_DIR/$1" "${3:-}" && our_pid "$name" >/dev/null; then
    log "$name config changed: restarting it"
    stop_ours "$name" "$port"
  fi
  registry_up "$port" && return 0
  tcp_open "$port" && die "127.0.0.1:$port is taken by something that does not answer /v2/"
  log "starting $name on 127.0.0.1:$port (log: .testbed/$name.log)"
  start_bg "$name" docker-registry serve "$config"
  wait_until 10 registry_up "$port" \
    || { tail -20 "$TB/$name.log" >&2; die "$name on 127.0.0.1:$port did not answer /v2/"; }
}
ensure_registry plain "$REGISTRY_PORT"
ensure_registry auth "$REGISTRY_AUTH_PORT" auth
[ "$(http_status "$REGISTRY_AUTH_PORT" /v2/)" = 401 ] || die "registry on 127.0.0.1:$REGISTRY_AUTH_PORT does not require auth"

# --- facts for tests -----------------------------------------------------------------------

cat >"$TB/env.new" <<EOF
DOKROLL_TESTBED_DOCKER=$DOCKER
DOKROLL_TESTBED_SSH_HOST=ssh://root@127.0.0.1:$SSH_PORT
DOKROLL_TESTBED_SSH_PORT=$SSH_PORT
DOKROLL_TESTBED_SSH_KEY=$SSH_KEY
DOKROLL_TESTBED_SSH_KNOWN_HOSTS=$SSH_DIR/known_hosts
DOKROLL_TESTBED_REGISTRY=127.0.0.1:$REGISTRY_PORT
DOKROLL_TESTBED_REGISTRY_AUTH=127.0.0.1:$REGISTRY_AUTH_PORT
DOKROLL_TESTBED_REGISTRY_USER=$REGISTRY_USER
DOKROLL_TESTBED_REGISTRY_PASSWORD=$REGISTRY_PASSWORD
EOF
mapfile -t fixture_ids < <("$DOCKER" image inspect -f '{{.Id}}' "$FIXTURE_REPO:v1" "$FIXTURE_REPO:v2" "$FIXTURE_REPO:bad-health")
[ ${#fixture_ids[@]} -eq 3 ] || die "fixture images missing after the build"
printf 'DOKROLL_TESTBED_FIXTURE_V1=%s\nDOKROLL_TESTBED_FIXTURE_V2=%s\nDOKROLL_TESTBED_FIXTURE_BAD_HEALTH=%s\n' \
  "${fixture_ids[@]}" >>"$TB/env.new"
install_if_changed "$TB/env.new" "$TB/env" || true

printf 'testbed: ready in %s\n' "$(elapsed)" >&2
