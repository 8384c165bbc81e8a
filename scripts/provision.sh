#!/usr/bin/env bash
# Lays out the server folders of runbook Phase 1 under ROOT (default /), as milestone M1 needs:
#   ROOT/srv/inquirycircle/{backend,frontend,caddy,compose}, caddy/site/dist, caddy/logs
#   ROOT/var/lib/inquirycircle/backend/sqlite   (the database; only its owner may enter)
#   ROOT/etc/inquirycircle                      (secrets; never world-readable)
# Usage: scripts/provision.sh [ROOT]   or   make provision ROOT=/tmp/x
# Owner: IC_OWNER (user[:group]), default the invoking user (SUDO_USER under sudo).
set -o errexit -o pipefail -o nounset

ROOT=${1:-${ROOT:-/}}
OWNER=${IC_OWNER:-${SUDO_USER:-$(id -un)}}
[ -d "$ROOT" ] || { echo "provision: $ROOT does not exist" >&2; exit 1; }
ROOT=$(cd "$ROOT" && pwd)
prefix=${ROOT%/}

make_dir() { # mode, path
  install -d -m "$1" "$prefix$2"
  chown "$OWNER" "$prefix$2"
  chmod "$1" "$prefix$2" # install -d leaves an existing folder's mode alone
  printf '  %s  %s\n' "$1" "$prefix$2"
}

echo "Provisioning InquiryCircle folders under $ROOT for $OWNER"
for dir in /srv/inquirycircle /srv/inquirycircle/backend /srv/inquirycircle/frontend \
  /srv/inquirycircle/caddy /srv/inquirycircle/compose /srv/inquirycircle/caddy/site \
  /srv/inquirycircle/caddy/site/dist /srv/inquirycircle/caddy/logs; do
  make_dir 0755 "$dir"
done
make_dir 0755 /var/lib/inquirycircle
make_dir 0755 /var/lib/inquirycircle/backend
make_dir 0750 /var/lib/inquirycircle/backend/sqlite
make_dir 0750 /var/lib/inquirycircle/backups
make_dir 0750 /etc/inquirycircle

# The backend container runs as uid/gid 10001 (backend/Dockerfile): it must write the database
# and the backups. The folders stay the deploying user's; the container's group may write them
# (setgid, so files made there keep that group). Needs root, as chgrp to another group does.
BACKEND_GID=${IC_BACKEND_GID:-10001}
for dir in /var/lib/inquirycircle/backend/sqlite /var/lib/inquirycircle/backups; do
  if chgrp "$BACKEND_GID" "$prefix$dir" 2>/dev/null; then
    chmod 2770 "$prefix$dir"
    printf '  2770  %s  (group %s: the backend container)\n' "$prefix$dir" "$BACKEND_GID"
  else
    echo "provision: could not give group $BACKEND_GID (the backend container) $prefix$dir;" \
      "run as root (sudo make provision) or the backend cannot write its database" >&2
  fi
done
