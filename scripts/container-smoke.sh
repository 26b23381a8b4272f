#!/usr/bin/env bash
# Container smoke test: the Dockerfile and docker-compose.yml, built and run for real with Debian's podman,
# on a machine with no Docker engine and no container registry. docs/containers.md says what it proves and
# what it does not.
#
#   bash scripts/container-smoke.sh              # as root; .ci/run runs it after the tests
#   bash scripts/container-smoke.sh --no-compose # image + containers only
#   bash scripts/container-smoke.sh --purge      # remove everything it keeps between runs, then exit
#
# Stages, each timed:
#   install  apt-get installs podman, runc, netavark, debootstrap, docker-compose, redis-server if missing
#   podman   a private podman setup (containers.conf via CONTAINERS_CONF, own image store, see below)
#   base     the Dockerfile's FROM image: pulled when a registry answers, else built locally (debootstrap
#            minbase of the same Debian suite from the machine's own apt mirror + the host's Node + npm 10
#            + a `node` user with uid 1000 + the machine's extra CA certificates), cached by input hash
#   build    `podman build` of the Dockerfile, unchanged
#   run      gateway (the image's CMD) and worker (compose's command) with host networking against a host
#            redis-server and the MongoDB stand-in; ready < 60 s, HEALTHCHECK, non-root user, one
#            click → postback → forward to a receiver, SIGTERM → exit 0
#   compose  `docker-compose config`, then `docker-compose build` and `up` of docker-compose.yml against
#            `podman system service` (mongo:7 and redis:7 are local stand-ins when they cannot be pulled),
#            its own healthchecks run by hand, one forward, `stop` → exit 0
#
# Kept between runs (the cache; `--purge` removes it): the image store in $RICOCHET_SMOKE_STATE
# (/var/lib/ricochet-container-smoke) and podman's config and run state in /run/ricochet-container-smoke.
# Everything else it creates (containers, networks, volumes, run tags, the podman service, the host
# redis-server, temp dirs) is removed on exit, failed or not.
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$REPO/scripts/container-smoke
STATE=${RICOCHET_SMOKE_STATE:-/var/lib/ricochet-container-smoke}
RUNDIR=${RICOCHET_SMOKE_RUNDIR:-/run/ricochet-container-smoke}
READY_TIMEOUT=${RICOCHET_SMOKE_READY_TIMEOUT:-60}     # seconds for a container to answer /health/ready
FORWARD_TIMEOUT=${RICOCHET_SMOKE_FORWARD_TIMEOUT:-30} # seconds for the forward to reach the receiver
PULL_TIMEOUT=${RICOCHET_SMOKE_PULL_TIMEOUT:-20}       # seconds before a registry counts as unreachable
SUBNET_POOL=${RICOCHET_SMOKE_SUBNET_POOL:-10.213.0.0/16} # podman networks come from here (compose's too)
BASE_RECIPE=2 # bump when the local base image recipe changes: it is part of the cache key
RUN_ID="$(date +%H%M%S)-$$"
T0=$(date +%s)

DO_COMPOSE=1
case "${1:-}" in
  '') ;;
  --no-compose) DO_COMPOSE=0 ;;
  --purge) PURGE=1 ;;
  -h | --help)
    sed -n '2,/^set -E/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "unknown option: $1 (try --help)" >&2
    exit 2
    ;;
esac

# --- output, timing, cleanup -------------------------------------------------------------------------

log() { printf '[container-smoke %4ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
warn() { log "WARNING: $*" >&2; }
die() {
  log "FAILED: $*" >&2
  exit 1
}

STAGE_NAMES=()
STAGE_SECONDS=()
STAGE=''
STAGE_T=0
stage() {
  stage_end
  STAGE=$1
  STAGE_T=$(date +%s)
  echo
  log "=== $1: $2"
}
stage_end() {
  if [ -n "$STAGE" ]; then
    local took=$(($(date +%s) - STAGE_T))
    STAGE_NAMES+=("$STAGE")
    STAGE_SECONDS+=("$took")
    log "--- $STAGE done in ${took}s"
    STAGE=''
  fi
}

CLEANUPS=()
on_cleanup() { CLEANUPS+=("$*"); }
WORK=''
SERVICE_PID=''
HEALTH_PID=''
finish() {
  local code=$?
  trap - EXIT INT TERM
  set +e
  if [ "$code" -ne 0 ] && [ -n "$STAGE" ]; then
    log "stage '$STAGE' failed after $(($(date +%s) - STAGE_T))s"
  fi
  STAGE=''
  if [ "${#CLEANUPS[@]}" -gt 0 ]; then
    log "cleaning up what this run created"
    local i t
    for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
      t=$(date +%s)
      eval "${CLEANUPS[$i]}" >/dev/null 2>&1
      [ $(($(date +%s) - t)) -lt 5 ] || log "  (${CLEANUPS[$i]} took $(($(date +%s) - t))s)"
    done
  fi
  [ -n "$WORK" ] && rm -rf "$WORK"
  if [ "${#STAGE_NAMES[@]}" -gt 0 ]; then
    echo
    log "timings:"
    for i in "${!STAGE_NAMES[@]}"; do printf '    %-8s %4ss\n' "${STAGE_NAMES[$i]}" "${STAGE_SECONDS[$i]}"; done
    printf '    %-8s %4ss\n' total "$(($(date +%s) - T0))"
  fi
  if [ "${PURGE:-0}" -eq 1 ]; then
    :
  elif [ "$code" -eq 0 ]; then
    log "container smoke test passed"
  else
    log "container smoke test FAILED (exit $code)"
  fi
  exit "$code"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Prints the last lines of a log, indented, to explain a failure.
show_tail() {
  [ -f "$1" ] || return 0
  echo "    --- last ${2:-40} lines of $(basename "$1")" >&2
  tail -n "${2:-40}" "$1" | sed 's/^/    | /' >&2
}

# HTTP status of GET http://$1:$2$3 with bash alone ('000' when nothing answers).
http_status() {
  local code
  code=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$3" "$1" >&3
    head -n 1 <&3' _ "$1" "$2" "$3" 2>/dev/null | awk '{print $2}') || true
  echo "${code:-000}"
}

# $1 free TCP ports on 127.0.0.1, as the kernel hands them out.
free_ports() {
  node -e '
    const net = require("node:net");
    (async () => {
      const servers = [];
      for (let i = 0; i < Number(process.argv[1]); i++) {
        const s = net.createServer();
        await new Promise((resolve) => s.listen(0, "127.0.0.1", resolve));
        servers.push(s);
      }
      console.log(servers.map((s) => s.address().port).join(" "));
      servers.forEach((s) => s.close());
    })();' "$1"
}

sha() { sha256sum "$@" | cut -c1-64; }

[ "$(id -u)" -eq 0 ] || die "run as root (podman rootful, apt-get, debootstrap)"
[ "$(uname -s)" = Linux ] || die "Linux only"

if [ "${PURGE:-0}" -eq 1 ]; then
  exec 9>"$RUNDIR.lock"
  flock -n 9 || die "a container smoke test is running"
  if command -v podman >/dev/null && [ -f "$RUNDIR/containers.conf" ] && [ -f "$RUNDIR/storage.conf" ]; then
    export CONTAINERS_CONF=$RUNDIR/containers.conf CONTAINERS_STORAGE_CONF=$RUNDIR/storage.conf
    podman system reset -f >/dev/null 2>&1 || true
  fi
  rm -rf "$STATE" "$RUNDIR"
  log "purged $STATE and $RUNDIR"
  exit 0
fi

# --- install -------------------------------------------------------------------------------------------

stage install "Debian packages"
PKGS=(podman runc netavark aardvark-dns iptables debootstrap redis-server)
[ "$DO_COMPOSE" -eq 1 ] && PKGS+=(docker-compose)
missing=()
for pkg in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  # No recommends: they would pull in docker.io, containerd, criu, apparmor and more, none needed here.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "already installed: ${PKGS[*]}"
fi
command -v node >/dev/null || die "node is not on PATH"
log "$(podman --version), runc $(runc --version | awk 'NR==1{print $3}'), redis $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/')"

# --- podman --------------------------------------------------------------------------------------------

stage podman "private podman configuration"
mkdir -p "$STATE/storage" "$STATE/networks" "$RUNDIR"
exec 9>"$RUNDIR.lock"
flock -n 9 || die "another container smoke test holds $RUNDIR.lock"

# Quirks of these VMs (docs/containers.md): crun 1.8 refuses their hybrid cgroup v1/v2 mounts, so runc;
# no systemd, so cgroupfs and file events; root lacks CAP_SYS_RESOURCE, so podman's default ulimits
# (nofile/nproc 1048576) cannot be set and containers get the current hard limits instead (podman itself
# lowers its RLIMIT_NPROC to kernel.pid_max first, so nproc is capped there).
NOFILE=$(ulimit -Hn)
NPROC=$(ulimit -Hu)
PID_MAX=$(cat /proc/sys/kernel/pid_max)
[ "$NOFILE" = unlimited ] && NOFILE=1048576
if [ "$NPROC" = unlimited ] || [ "$NPROC" -gt "$PID_MAX" ]; then NPROC=$PID_MAX; fi
if ip -4 route | awk '{print $1}' | grep -q "^${SUBNET_POOL%.*.*}\."; then
  die "the host already routes addresses in $SUBNET_POOL: set RICOCHET_SMOKE_SUBNET_POOL to a free /16"
fi
cat >"$RUNDIR/containers.conf" <<EOF
# Written by scripts/container-smoke.sh; used through CONTAINERS_CONF only.
[containers]
default_ulimits = ["nofile=$NOFILE:$NOFILE", "nproc=$NPROC:$NPROC"]
log_driver = "k8s-file"

[network]
network_backend = "netavark"
network_config_dir = "$STATE/networks"
default_subnet_pools = [{"base" = "$SUBNET_POOL", "size" = 24}]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$RUNDIR/libpod"
EOF
cat >"$RUNDIR/storage.conf" <<EOF
# Written by scripts/container-smoke.sh; used through CONTAINERS_STORAGE_CONF only.
[storage]
driver = "${RICOCHET_SMOKE_STORAGE_DRIVER:-overlay}"
graphroot = "$STATE/storage"
runroot = "$RUNDIR/storage"
EOF
export CONTAINERS_CONF=$RUNDIR/containers.conf CONTAINERS_STORAGE_CONF=$RUNDIR/storage.conf
podman info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}} {{.Host.NetworkBackend}}' \
  >"$RUNDIR/info" 2>&1 || {
  show_tail "$RUNDIR/info"
  die "podman does not work with this configuration"
}
log "runtime, storage, network: $(cat "$RUNDIR/info"); ulimits nofile=$NOFILE nproc=$NPROC; store $STATE"
WORK=$(mktemp -d /var/tmp/ricochet-container-smoke.XXXXXX)
mkdir -p "$WORK/logs"

# A run that was killed (no trap) may have left containers, networks, volumes, run tags or its podman
# service behind; this store is the script's own, so they are all its leftovers.
if [ -f "$RUNDIR/service.pid" ]; then
  old=$(cat "$RUNDIR/service.pid")
  if [ -n "$old" ] && grep -q "$RUNDIR/podman.sock" "/proc/$old/cmdline" 2>/dev/null; then kill "$old" || true; fi
  rm -f "$RUNDIR/service.pid" "$RUNDIR/podman.sock"
fi
leftovers=$(podman ps -aq | wc -l)
if [ "$leftovers" -gt 0 ]; then
  log "removing $leftovers container(s) left by an earlier run"
  podman ps -aq | xargs -r podman rm -f -t 0 >/dev/null 2>&1 || true
fi
podman network prune -f >/dev/null 2>&1 || true
podman volume prune -f >/dev/null 2>&1 || true
for ref in $(podman images --format '{{.Repository}}:{{.Tag}}' | grep -E '^(localhost/ricochet-smoke/(app|build|mongo-standin):|.*ricochet-smoke-[0-9-]+_(gateway|worker):)' || true); do
  podman untag "$ref" "$ref" >/dev/null 2>&1 || true
done

# Names this run borrows (the Dockerfile's FROM, redis:7, mongo:7) point at local images only while it
# runs: a later `podman build` or `docker-compose up` on this store must never meet a stand-in silently.
borrow_tag() { # image name
  podman tag "$1" "$2"
  on_cleanup "podman untag '$1' '$2'"
}

# --- base ----------------------------------------------------------------------------------------------

stage base "the Dockerfile's base image"
# External images only: `FROM <stage>` names an earlier stage (`AS <stage>`).
mapfile -t FROMS < <(awk 'toupper($1) == "FROM" { if (!($2 in stage)) print $2; if (toupper($3) == "AS") stage[$4] = 1 }' \
  "$REPO/Dockerfile" | sort -u)
[ "${#FROMS[@]}" -eq 1 ] || die "expected every FROM of the Dockerfile to name one image, got: ${FROMS[*]}"
FROM_IMAGE=${FROMS[0]}
# node:<major>-<suite>-slim: which Node and which Debian the base must have.
[[ "$FROM_IMAGE" =~ ^node:([0-9]+)-([a-z]+)(-slim)?$ ]] || die "cannot read a Node major and a Debian suite from FROM $FROM_IMAGE"
NODE_MAJOR=${BASH_REMATCH[1]}
SUITE=${BASH_REMATCH[2]}
BASE_KIND=''

# Leftover local tag of the FROM name (a killed run): it is ours if it carries our label.
if [ -n "$(podman image inspect --format '{{index .Config.Labels "io.ricochet.smoke.base-key"}}' "localhost/$FROM_IMAGE" 2>/dev/null)" ]; then
  podman untag "localhost/$FROM_IMAGE" "localhost/$FROM_IMAGE" >/dev/null 2>&1 || true
fi
if podman image exists "$FROM_IMAGE"; then
  BASE_KIND=real
  log "$FROM_IMAGE is in the store (pulled by an earlier run)"
else
  log "podman pull $FROM_IMAGE (at most ${PULL_TIMEOUT}s)"
  if timeout "$PULL_TIMEOUT" podman pull -q "$FROM_IMAGE" >"$WORK/logs/pull.log" 2>&1; then
    BASE_KIND=real
    log "pulled the real $FROM_IMAGE"
  else
    log "cannot pull it: $(grep -v '^Resolved\|^Trying' "$WORK/logs/pull.log" | tail -n 1 | cut -c1-200)"
  fi
fi

# A base image is usable when it runs node and npm of the wanted major and has the node user (uid 1000).
base_works() {
  local out
  out=$(podman run --rm --pull never --network none "$1" sh -c 'node --version && npm --version && id -u node' 2>&1) &&
    [[ "$(echo "$out" | tr '\n' ' ')" =~ ^v$NODE_MAJOR\.[^\ ]+\ [0-9][^\ ]*\ 1000\ $ ]] || {
    echo "$out" | tail -n 5 | sed 's/^/    | /' >&2
    return 1
  }
}

if [ -z "$BASE_KIND" ]; then
  # The apt mirror this machine already uses: the first `deb` source with a bare suite (no -updates,
  # -security) in sources.list or sources.list.d, one-line or deb822 format.
  MIRROR=$(
    {
      cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -E 's/\[[^]]*\]//' | awk '$1 == "deb" && $3 ~ /^[a-z]+$/ { print $2 }'
      for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'BEGIN { RS = ""; FS = "\n" }
          {
            types = ""; uris = ""; suites = ""; enabled = "yes"
            for (i = 1; i <= NF; i++) {
              if ($i ~ /^Types:/) types = $i
              else if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
              else if ($i ~ /^Suites:/) suites = $i
              else if ($i ~ /^Enabled:[ \t]*no/) enabled = "no"
            }
            if (enabled == "yes" && types ~ /(^|[ \t])deb([ \t]|$)/ && suites ~ /[ \t][a-z]+([ \t]|$)/) {
              split(uris, u, /[ \t]+/); print u[1]
            }
          }' "$f"
      done
    } | grep -E '^(https?|file)://' | head -n 1
  )
  [ -n "$MIRROR" ] || die "found no Debian mirror in /etc/apt/sources.list{,.d}"
  NODE_BIN=$(readlink -f "$(command -v node)")
  NODE_VERSION=$(node -p 'process.versions.node')
  [ "${NODE_VERSION%%.*}" = "$NODE_MAJOR" ] ||
    die "the host's Node is $NODE_VERSION but the Dockerfile's FROM wants Node $NODE_MAJOR"
  # The CA certificates this machine's npm traffic needs (a TLS-inspecting proxy): NODE_EXTRA_CA_CERTS,
  # else npm's own cafile setting.
  EXTRA_CA=''
  for ca in "${NODE_EXTRA_CA_CERTS:-}" "$(cd / && npm config get cafile 2>/dev/null)"; do
    if [ -n "$ca" ] && [ "$ca" != null ] && [ "$ca" != undefined ] && [ -r "$ca" ]; then
      EXTRA_CA=$ca
      break
    fi
  done
  NPM_REGISTRY=$(cd / && npm config get registry)
  ARCH=$(dpkg --print-architecture)
  BASE_KEY=$(
    printf '%s\n' "recipe=$BASE_RECIPE" "from=$FROM_IMAGE" "suite=$SUITE" "arch=$ARCH" "mirror=$MIRROR" \
      "node=$(sha "$NODE_BIN")" "npm=10" "registry=$NPM_REGISTRY" "ca=${EXTRA_CA:+$(sha "$EXTRA_CA")}" |
      sha256sum | cut -c1-16
  )
  BASE_CACHE=localhost/ricochet-smoke/base:$BASE_KEY
  if podman image exists "$BASE_CACHE" && ! base_works "$BASE_CACHE"; then
    warn "the cached $BASE_CACHE does not work: rebuilding it"
    podman rmi -f "$BASE_CACHE" >/dev/null 2>&1 || true
  fi
  if podman image exists "$BASE_CACHE"; then
    BASE_KIND=local-cached
    log "local base image cached as $BASE_CACHE (same inputs)"
  else
    BASE_KIND=local-built
    log "building a local base: debootstrap --variant=minbase $SUITE from $MIRROR, Node $NODE_VERSION, npm 10"
    ROOTFS=$WORK/rootfs
    # The debootstrap result is cached on its own (suite, arch, mirror), so a new host Node or CA
    # bundle rebuilds the base in seconds.
    ROOTFS_TAR=$STATE/cache/debootstrap-$SUITE-$ARCH-$(printf '%s\n' "$BASE_RECIPE" "$MIRROR" | sha256sum | cut -c1-12).tar
    mkdir -p "$STATE/cache" "$ROOTFS"
    if [ -f "$ROOTFS_TAR" ]; then
      tar --numeric-owner -xpf "$ROOTFS_TAR" -C "$ROOTFS"
      log "debootstrap result cached as $ROOTFS_TAR"
    else
      t=$(date +%s)
      debootstrap --variant=minbase --arch="$ARCH" "$SUITE" "$ROOTFS" "$MIRROR" >"$WORK/logs/debootstrap.log" 2>&1 || {
        show_tail "$WORK/logs/debootstrap.log"
        die "debootstrap failed"
      }
      log "debootstrap took $(($(date +%s) - t))s"
      # Slim like the official image: no downloaded packages or package lists.
      rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS/etc/hostname"
      rm -f "$STATE"/cache/debootstrap-*.tar
      tar --numeric-owner -cf "$ROOTFS_TAR.tmp" -C "$ROOTFS" . && mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
    fi
    install -m 0755 "$NODE_BIN" "$ROOTFS/usr/local/bin/node"
    (cd "$WORK" && npm pack npm@10 --silent >"$WORK/logs/npm-pack.log" 2>&1) || {
      show_tail "$WORK/logs/npm-pack.log"
      die "npm pack npm@10 failed"
    }
    mkdir -p "$ROOTFS/usr/local/lib/node_modules/npm" "$ROOTFS/usr/local/etc"
    tar -xzf "$WORK"/npm-10.*.tgz -C "$ROOTFS/usr/local/lib/node_modules/npm" --strip-components=1
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
    printf 'registry=%s\n' "$NPM_REGISTRY" >"$ROOTFS/usr/local/etc/npmrc"
    # The official image's user: uid/gid 1000, home /home/node, bash.
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$(command -v chroot)" "$ROOTFS" groupadd --gid 1000 node
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$(command -v chroot)" "$ROOTFS" \
      useradd --uid 1000 --gid node --shell /bin/bash --create-home node
    NPM_VERSION=$(node -p 'require(process.argv[1]).version' "$ROOTFS/usr/local/lib/node_modules/npm/package.json")
    changes=(
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
      --change "ENV NODE_VERSION=$NODE_VERSION"
      --change 'CMD ["node"]'
      --change "LABEL io.ricochet.smoke.base-key=$BASE_KEY"
      --change "LABEL io.ricochet.smoke.base=debootstrap-minbase-$SUITE+node-$NODE_VERSION+npm-$NPM_VERSION"
    )
    if [ -n "$EXTRA_CA" ]; then
      mkdir -p "$ROOTFS/usr/local/share/ca-certificates"
      cp "$EXTRA_CA" "$ROOTFS/usr/local/share/ca-certificates/node-extra-ca-certs.pem"
      changes+=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/node-extra-ca-certs.pem')
    fi
    tar --numeric-owner -C "$ROOTFS" -cf "$WORK/base.tar" .
    rm -rf "$ROOTFS"
    podman import -q "${changes[@]}" "$WORK/base.tar" "$BASE_CACHE" >/dev/null
    rm -f "$WORK/base.tar"
    base_works "$BASE_CACHE" || {
      podman rmi "$BASE_CACHE" >/dev/null 2>&1 || true
      die "the imported base image does not run node, npm and a node user"
    }
    # Older local bases (other inputs) are this script's own and no longer used.
    for old in $(podman images --format '{{.Repository}}:{{.Tag}}' | grep '^localhost/ricochet-smoke/base:' | grep -v ":$BASE_KEY$" || true); do
      podman rmi "$old" >/dev/null 2>&1 || true
    done
    log "imported $BASE_CACHE: Debian $SUITE minbase, Node $NODE_VERSION, npm $NPM_VERSION, user node (1000)${EXTRA_CA:+, NODE_EXTRA_CA_CERTS}"
  fi
  borrow_tag "$BASE_CACHE" "$FROM_IMAGE"
  log "NOTE: $FROM_IMAGE is the LOCAL base image ($BASE_KIND), not Docker's official one"
fi
BASE_ID=$(podman image inspect --format '{{.Id}}' "$FROM_IMAGE")

# --- build ---------------------------------------------------------------------------------------------

stage build "podman build of the Dockerfile, unchanged"
APP_IMAGE=localhost/ricochet-smoke/app:$RUN_ID
BUILD_IMAGE=localhost/ricochet-smoke/build:$RUN_ID
# Untag, not rmi: rmi would also delete the untagged parent layers, i.e. the build cache of the next run.
on_cleanup "podman untag '$APP_IMAGE' '$APP_IMAGE'"
on_cleanup "podman untag '$BUILD_IMAGE' '$BUILD_IMAGE'"
# --format docker keeps HEALTHCHECK (OCI images have no such field); host networking for npm ci.
build() { # log-name, podman build arguments...
  local name=$1
  shift
  podman build --pull=never --format docker --network host "$@" >"$WORK/logs/$name.log" 2>&1 || {
    show_tail "$WORK/logs/$name.log" 60
    return 1
  }
}
t=$(date +%s)
build app -t "$APP_IMAGE" -f "$REPO/Dockerfile" "$REPO" || die "the image does not build"
log "built $APP_IMAGE in $(($(date +%s) - t))s ($(grep -c 'Using cache' "$WORK/logs/app.log" || true) cached steps)"
USER_IN_IMAGE=$(podman image inspect --format '{{.Config.User}}' "$APP_IMAGE")
HEALTH_IN_IMAGE=$(podman image inspect --format '{{if .HealthCheck}}{{json .HealthCheck.Test}}{{end}}' "$APP_IMAGE" 2>/dev/null || true)
[ "$USER_IN_IMAGE" = node ] || die "the image's USER is '$USER_IN_IMAGE', not node"
[ -n "$HEALTH_IN_IMAGE" ] || die "the image has no HEALTHCHECK"
log "image USER $USER_IN_IMAGE, HEALTHCHECK present, size $(podman image inspect --format '{{.Size}}' "$APP_IMAGE" | awk '{printf "%d MB", $1/1e6}')"

# The MongoDB stand-in image: the in-repo wire-protocol stand-in on the build stage (ts-node, bson, mingo).
build build-stage --target build -t "$BUILD_IMAGE" -f "$REPO/Dockerfile" "$REPO" || die "the build stage does not build"
MONGO_STANDIN=localhost/ricochet-smoke/mongo-standin:$RUN_ID
on_cleanup "podman untag '$MONGO_STANDIN' '$MONGO_STANDIN'"
mkdir -p "$WORK/mongo-context"
cp -r "$REPO/test/mongo-standin" "$REPO/tsconfig.json" "$HERE/mongosh" "$WORK/mongo-context/"
build mongo-standin --build-arg "BUILD_IMAGE=$BUILD_IMAGE" -t "$MONGO_STANDIN" \
  -f "$HERE/mongo-standin.Containerfile" "$WORK/mongo-context" || die "the MongoDB stand-in image does not build"
log "built the MongoDB stand-in image $MONGO_STANDIN"

# --- run -----------------------------------------------------------------------------------------------

stage run "gateway and worker containers, host networking"
read -r GW_PORT WK_PORT REDIS_PORT MONGO_PORT < <(free_ports 4)
ADMIN_KEY="smoke-admin-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
CTR=ricochet-smoke-$RUN_ID

mkdir -p "$WORK/redis"
# config/redis.conf as compose mounts it, but on loopback and in a temp dir: this one runs on the host.
sed -E "s|^dir /data\$|dir $WORK/redis|" "$REPO/config/redis.conf" |
  redis-server - --bind 127.0.0.1 --protected-mode yes --port "$REDIS_PORT" --daemonize no \
    --logfile "$WORK/logs/redis.log" >"$WORK/logs/redis.stdout.log" 2>&1 &
REDIS_PID=$!
on_cleanup "kill $REDIS_PID; wait $REDIS_PID"
# podman run's stderr goes to a log: without systemd it complains about healthcheck timers each time.
prun() { podman run -d --network host --pull never "$@" 2>>"$WORK/logs/podman-run.log" >/dev/null || {
  show_tail "$WORK/logs/podman-run.log" 10
  die "podman run $1 $2 failed"
}; }
prun --name "$CTR-mongo" "$MONGO_STANDIN" \
  node_modules/.bin/ts-node --transpile-only test/mongo-standin/main.ts --host 127.0.0.1 --port "$MONGO_PORT"
on_cleanup "podman rm -f -t 0 '$CTR-mongo'"
cat >"$WORK/app.env" <<EOF
HOST=127.0.0.1
PORT=$GW_PORT
WORKER_PORT=$WK_PORT
MONGO_URL=mongodb://127.0.0.1:$MONGO_PORT/ricochet_smoke
REDIS_URL=redis://127.0.0.1:$REDIS_PORT
ADMIN_API_KEYS=$ADMIN_KEY
FORWARD_ALLOWLIST=127.0.0.1/32
LOG_LEVEL=info
EOF
log "host redis-server :$REDIS_PORT (config/redis.conf on loopback); MongoDB = the in-repo STAND-IN :$MONGO_PORT, not MongoDB"
deps_up() {
  [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && (exec 3<>"/dev/tcp/127.0.0.1/$MONGO_PORT") 2>/dev/null
}
for _ in $(seq 1 150); do deps_up && break || kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.2; done
deps_up || {
  show_tail "$WORK/logs/redis.log" 10
  podman logs --tail 20 "$CTR-mongo" 2>&1 | sed 's/^/    | /' >&2
  die "redis-server or the MongoDB stand-in did not come up within 30s"
}

# Waits for /health/ready = 200 on 127.0.0.1:$3, at most READY_TIMEOUT seconds from $4 (epoch ms).
wait_ready() { # label container port started-ms
  local now
  while :; do
    now=$(date +%s%3N)
    if [ "$(http_status 127.0.0.1 "$3" /health/ready)" = 200 ]; then
      log "$1 ready in $(((now - $4) / 1000)).$((((now - $4) % 1000) / 100))s"
      return 0
    fi
    if [ "$(podman inspect --format '{{.State.Running}}' "$2" 2>/dev/null)" != true ]; then
      podman logs --tail 30 "$2" 2>&1 | sed 's/^/    | /' >&2
      die "$1 exited before it was ready"
    fi
    if [ $((now - $4)) -gt $((READY_TIMEOUT * 1000)) ]; then
      podman logs --tail 30 "$2" 2>&1 | sed 's/^/    | /' >&2
      die "$1 not ready within ${READY_TIMEOUT}s"
    fi
    sleep 0.2
  done
}

started=$(date +%s%3N)
prun --name "$CTR-gateway" --env-file "$WORK/app.env" "$APP_IMAGE"
on_cleanup "podman rm -f -t 0 '$CTR-gateway'"
prun --name "$CTR-worker" --env-file "$WORK/app.env" "$APP_IMAGE" node dist/apps/worker/src/main.js
on_cleanup "podman rm -f -t 0 '$CTR-worker'"
log "gateway: the image's CMD on :$GW_PORT; worker: compose's command on :$WK_PORT"
wait_ready gateway "$CTR-gateway" "$GW_PORT" "$started"
wait_ready worker "$CTR-worker" "$WK_PORT" "$started"

for role in gateway worker; do
  podman healthcheck run "$CTR-$role" >/dev/null 2>&1 || die "the Dockerfile's HEALTHCHECK fails in the $role container"
  uid=$(podman exec "$CTR-$role" id -u)
  user=$(podman exec "$CTR-$role" id -un)
  [ "$uid" = 1000 ] && [ "$user" = node ] || die "the $role runs as $user ($uid), not node (1000)"
  log "$role: HEALTHCHECK healthy, runs as $user (uid $uid)"
done

log "click → postback → forward"
node "$HERE/drive.mjs" --gateway "http://127.0.0.1:$GW_PORT" --admin-key "$ADMIN_KEY" --listen 127.0.0.1 \
  --timeout "$FORWARD_TIMEOUT" || die "the forward did not arrive"

for role in worker gateway; do
  t=$(date +%s%3N)
  podman kill --signal TERM "$CTR-$role" >/dev/null
  code=$(timeout 40 podman wait "$CTR-$role") || die "the $role did not stop within 40s of SIGTERM"
  took=$(($(date +%s%3N) - t))
  [ "$code" = 0 ] || {
    podman logs --tail 20 "$CTR-$role" 2>&1 | sed 's/^/    | /' >&2
    die "the $role exited $code on SIGTERM"
  }
  log "$role: SIGTERM → exit 0 in $((took / 1000)).$(((took % 1000) / 100))s"
done
podman rm -f -t 0 "$CTR-gateway" "$CTR-worker" "$CTR-mongo" >/dev/null 2>&1 || true
kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null || true

# --- compose -------------------------------------------------------------------------------------------

if [ "$DO_COMPOSE" -eq 1 ]; then
  stage compose "docker-compose.yml with docker-compose $(docker-compose version --short 2>/dev/null) against podman"
  cd "$REPO"
  docker-compose -f docker-compose.yml config -q || die "docker-compose config rejects docker-compose.yml"
  log "docker-compose config: valid ($(docker-compose -f docker-compose.yml config --services | tr '\n' ' '))"

  SOCK=$RUNDIR/podman.sock
  rm -f "$SOCK"
  podman system service --time=0 "unix://$SOCK" >"$WORK/logs/podman-service.log" 2>&1 &
  SERVICE_PID=$!
  echo "$SERVICE_PID" >"$RUNDIR/service.pid"
  on_cleanup "kill $SERVICE_PID; wait $SERVICE_PID; rm -f '$SOCK' '$RUNDIR/service.pid'"
  export DOCKER_HOST=unix://$SOCK COMPOSE_HTTP_TIMEOUT=900
  for _ in $(seq 1 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
  [ -S "$SOCK" ] || die "podman system service did not open $SOCK"

  PROJECT=ricochet-smoke-$RUN_ID
  read -r PUBLISHED_PORT < <(free_ports 1)
  export COMPOSE_PROJECT_NAME=$PROJECT ADMIN_API_KEYS=$ADMIN_KEY GATEWAY_PORT=$PUBLISHED_PORT
  # The receiver listens on the host end of the project's network; every podman network here comes from
  # SUBNET_POOL, so that is the one private range forwarding may reach.
  export FORWARD_ALLOWLIST=$SUBNET_POOL
  on_cleanup "docker-compose -f '$REPO/docker-compose.yml' down -v --rmi local --remove-orphans -t 5"

  MONGO_KIND='real mongo:7'
  REDIS_KIND='real redis:7'
  if [ "$BASE_KIND" = real ] && timeout $((PULL_TIMEOUT * 3)) docker-compose pull -q mongo redis >"$WORK/logs/compose-pull.log" 2>&1; then
    log "pulled the real mongo:7 and redis:7"
  else
    [ "$BASE_KIND" = real ] && log "cannot pull mongo:7 and redis:7: using local stand-ins"
    # redis:7 → Debian's redis-server on the base image, cached by its inputs.
    REDIS_CACHE=localhost/ricochet-smoke/redis-standin:$(printf '%s\n' "$BASE_ID" "$(sha "$HERE/redis-standin.Containerfile")" | sha256sum | cut -c1-16)
    if ! podman image exists "$REDIS_CACHE"; then
      t=$(date +%s)
      build redis-standin --build-arg "BASE_IMAGE=$FROM_IMAGE" -t "$REDIS_CACHE" -f "$HERE/redis-standin.Containerfile" "$HERE" ||
        die "the redis:7 stand-in does not build"
      for old in $(podman images --format '{{.Repository}}:{{.Tag}}' | grep '^localhost/ricochet-smoke/redis-standin:' | grep -v "^$REDIS_CACHE$" || true); do
        podman rmi "$old" >/dev/null 2>&1 || true
      done
      log "built the redis:7 stand-in in $(($(date +%s) - t))s"
    fi
    podman image exists redis:7 && die "redis:7 already exists in $STATE: run with --purge"
    podman image exists mongo:7 && die "mongo:7 already exists in $STATE: run with --purge"
    borrow_tag "$REDIS_CACHE" redis:7
    borrow_tag "$MONGO_STANDIN" mongo:7
    MONGO_KIND='STAND-IN: the in-repo MongoDB wire-protocol stand-in (test/mongo-standin), NOT MongoDB 7'
    REDIS_KIND="stand-in: Debian's redis-server $(podman run --rm --pull never redis:7 redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/'), not the official image"
  fi
  log "NOTE: service mongo = $MONGO_KIND"
  log "NOTE: service redis = $REDIS_KIND, with config/redis.conf"

  # No systemd, so podman cannot schedule healthchecks: run the compose file's own checks by hand, every
  # 3 s (the file says 10 s; retries count the same way), for as long as the project has containers.
  (
    while :; do
      for c in $(podman ps -q --filter "label=com.docker.compose.project=$PROJECT" 2>/dev/null); do
        podman healthcheck run "$c" >/dev/null 2>&1 &
      done
      wait
      sleep 3
    done
  ) &
  HEALTH_PID=$!
  on_cleanup "kill $HEALTH_PID; wait $HEALTH_PID"

  # `up --build` in two timed steps: the build through podman's Docker API, then up.
  t=$(date +%s)
  timeout 900 docker-compose -f docker-compose.yml build >"$WORK/logs/compose-build.log" 2>&1 || {
    show_tail "$WORK/logs/compose-build.log" 40
    die "docker-compose build failed"
  }
  same=$([ "$(podman image inspect --format '{{.Id}}' "${PROJECT}_gateway")" = "$(podman image inspect --format '{{.Id}}' "$APP_IMAGE")" ] && echo "the very image podman build made" || echo "not the image podman build made")
  log "docker-compose build: gateway and worker in $(($(date +%s) - t))s ($(grep -c 'Using cache' "$WORK/logs/compose-build.log" || true) cached steps; $same)"
  t=$(date +%s)
  log "docker-compose up -d (healthchecks run by hand; depends_on waits for mongo and redis healthy)"
  timeout 900 docker-compose -f docker-compose.yml up -d >"$WORK/logs/compose-up.log" 2>&1 || {
    show_tail "$WORK/logs/compose-up.log" 40
    for c in $(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT"); do
      echo "    --- $(podman inspect --format '{{.Name}} {{.State.Status}} health={{.State.Health.Status}}' "$c")" >&2
      podman logs --tail 15 "$c" 2>&1 | sed 's/^/    | /' >&2
    done
    die "docker-compose up failed"
  }
  up_done=$(date +%s%3N)
  log "docker-compose up returned after $(($(date +%s) - t))s"

  # Every service healthy by its own healthcheck, within READY_TIMEOUT of `up` returning.
  while :; do
    states=$(podman ps -a --filter "label=com.docker.compose.project=$PROJECT" \
      --format '{{index .Labels "com.docker.compose.service"}}: {{.Status}}' | sort)
    healthy=$(grep -c '(healthy)' <<<"$states" || true)
    [ "$healthy" -eq 4 ] && break
    now=$(date +%s%3N)
    if grep -Eq 'Exited|unhealthy' <<<"$states" || [ $((now - up_done)) -gt $((READY_TIMEOUT * 1000)) ]; then
      echo "$states" | sed 's/^/    /' >&2
      for c in $(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT"); do
        echo "    --- $(podman inspect --format '{{.Name}}' "$c")" >&2
        podman logs --tail 15 "$c" 2>&1 | sed 's/^/    | /' >&2
      done
      die "the compose services are not all healthy within ${READY_TIMEOUT}s"
    fi
    sleep 0.5
  done
  now=$(date +%s%3N)
  log "all 4 services healthy by the compose file's healthchecks, $(((now - up_done) / 1000)).$((((now - up_done) % 1000) / 100))s after up returned"
  [ "$(http_status 127.0.0.1 "$PUBLISHED_PORT" /health/ready)" = 200 ] ||
    die "the gateway's published port $PUBLISHED_PORT does not answer /health/ready"

  NETWORK_GW=$(podman network inspect "${PROJECT}_default" --format '{{range .Subnets}}{{.Gateway}} {{end}}' | awk '{print $1}')
  [ -n "$NETWORK_GW" ] || die "cannot read the gateway address of network ${PROJECT}_default"
  log "click → postback → forward (gateway via published port $PUBLISHED_PORT, receiver on the host at $NETWORK_GW)"
  node "$HERE/drive.mjs" --gateway "http://127.0.0.1:$PUBLISHED_PORT" --admin-key "$ADMIN_KEY" \
    --listen "$NETWORK_GW" --timeout "$FORWARD_TIMEOUT" || die "the forward did not arrive"

  t=$(date +%s)
  kill "$HEALTH_PID" 2>/dev/null && wait "$HEALTH_PID" 2>/dev/null || true
  docker-compose -f docker-compose.yml stop >"$WORK/logs/compose-stop.log" 2>&1 || {
    show_tail "$WORK/logs/compose-stop.log"
    die "docker-compose stop failed"
  }
  codes=$(podman ps -a --filter "label=com.docker.compose.project=$PROJECT" \
    --format '{{index .Labels "com.docker.compose.service"}}={{.ExitCode}}' | sort | tr '\n' ' ')
  for role in gateway worker; do
    grep -q "$role=0 " <<<"$codes " || die "docker-compose stop: the $role did not exit 0 ($codes)"
  done
  log "docker-compose stop (SIGTERM) in $(($(date +%s) - t))s, exit codes: $codes"
fi

stage_end
