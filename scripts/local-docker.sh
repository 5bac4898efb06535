#!/usr/bin/env bash
# Makes Docker usable on a machine that cannot pull from any registry (see docs/operations.md, "Docker without a
# registry"): installs docker.io, docker-compose (v1) and debootstrap when missing, starts dockerd when it is not
# running, and builds the local base images the Dockerfile and the compose stack are pointed at:
#   local/debian:bookworm      debootstrap minbase
#   local/jre17:bookworm       + openjdk-17-jre-headless   (BASE_IMAGE for ./Dockerfile)
#   local/prometheus:bookworm  + Debian's prometheus       (PROMETHEUS_IMAGE for docker-compose.yml)
# Every step is skipped when its result is already there, so running it twice costs a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[local-docker] $*" >&2; }

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# /usr/bin/docker (Debian's client) talks to the Debian engine; another client earlier on PATH may lack BuildKit.
docker() { /usr/bin/docker "$@"; }

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  nohup dockerd >/tmp/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start; see /tmp/dockerd.log"; tail -20 /tmp/dockerd.log >&2; exit 1; }
fi

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

if ! has_image local/debian:bookworm; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  rootfs=$(mktemp -d /tmp/rootfs.XXXXXX)
  log "debootstrap bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/tmp/debootstrap.log 2>&1 \
    || { tail -20 /tmp/debootstrap.log >&2; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  rm -f "$rootfs"/etc/apt/sources.list
  printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$mirror" >"$rootfs"/etc/apt/sources.list.d/debian.sources
  tar -C "$rootfs" -c . | docker import -c 'CMD ["bash"]' - local/debian:bookworm >/dev/null
  rm -rf "$rootfs"
fi

if ! has_image local/jre17:bookworm; then
  log "building local/jre17:bookworm"
  docker build -q -t local/jre17:bookworm -f docker/base/jre17.Dockerfile docker/base >/dev/null
fi

if ! has_image local/prometheus:bookworm; then
  log "building local/prometheus:bookworm"
  docker build -q -t local/prometheus:bookworm -f docker/base/prometheus.Dockerfile docker/base >/dev/null
fi
log "ready: $(docker version --format '{{.Server.Version}}') with local/jre17:bookworm and local/prometheus:bookworm"
