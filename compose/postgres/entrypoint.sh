#!/bin/sh
# Entrypoint of ic-postgres:bookworm (scripts/images-offline.sh), Debian bookworm's postgresql-15
# made into a drop-in for the official postgres:15 image as compose/docker-compose.postgres.yml
# uses it: POSTGRES_USER, POSTGRES_DB and POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE, a file
# holding it) make the cluster on an empty volume at $PGDATA, and the server then listens on
# every address, password required.
# Not supported from the official image: /docker-entrypoint-initdb.d, POSTGRES_INITDB_ARGS,
# the other *_FILE variables.
set -eu

PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA

# As the official image: `command: -c name=value` means the server with those options.
case ${1:-} in -*) set -- postgres "$@" ;; esac

# Any other command (psql, pg_dump, a shell) runs as given, as whichever user started it,
# and does not touch $PGDATA.
[ "${1:-}" = postgres ] || exec "$@"

# As the official image: the password from a file (a compose secret, so that it is in no
# container's configuration), read while still root: the file need not be the postgres user's.
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    echo "ic-postgres: POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are both set; keep one." >&2
    exit 1
  fi
  POSTGRES_PASSWORD=$(cat -- "$POSTGRES_PASSWORD_FILE") ||
    { echo "ic-postgres: POSTGRES_PASSWORD_FILE=$POSTGRES_PASSWORD_FILE cannot be read." >&2; exit 1; }
  export POSTGRES_PASSWORD
  unset POSTGRES_PASSWORD_FILE
fi

if [ "$(id -u)" = 0 ]; then
  # A new volume is owned by root, and a volume written by another image (postgres:15 runs as
  # uid 999) by another uid; the server insists on owning its data folder, mode 0700. Only
  # what postgres does not own yet is changed, so a restart costs one walk of the folder.
  # The socket folder is where Debian's build puts the socket (and pg_isready looks for it).
  mkdir -p "$PGDATA" /var/run/postgresql
  find "$PGDATA" /var/run/postgresql ! -user postgres -exec chown postgres:postgres {} +
  chmod 700 "$PGDATA"
  # Then again as postgres. setpriv (util-linux, in every Debian) only gives privileges up,
  # so it works under no-new-privileges, where a setuid helper such as su or sudo cannot.
  HOME=/var/lib/postgresql
  export HOME
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    cat >&2 <<'EOF'
ic-postgres: the database is not initialised and POSTGRES_PASSWORD is not set.
  Set POSTGRES_PASSWORD_FILE (a file holding the password of POSTGRES_USER) or POSTGRES_PASSWORD
  to make the cluster on this empty volume; other containers connect with it over TCP.
EOF
    exit 1
  fi
  POSTGRES_USER=${POSTGRES_USER:-postgres}
  POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}

  # The password goes to initdb in a file of our own (mode 0600, from mktemp), never on a
  # command line or in the output, and the file is removed as soon as initdb has read it.
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  # Socket connections inside the container are trusted (the healthcheck, an operator's
  # `docker exec psql`); TCP ones need the password. The locale is the official image's
  # (en_US.utf8, its LANG), so text sorts the same in both and a volume moves either way.
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=en_US.utf8 >/dev/null
  rm -f "$pwfile"
  trap - EXIT

  # The database is made with a server on the socket only, so that the healthcheck (over TCP)
  # does not call this container healthy before the database exists.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  if [ "$POSTGRES_DB" != postgres ]; then
    createdb --username="$POSTGRES_USER" -- "$POSTGRES_DB"
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop

  # initdb allows TCP from localhost only; the backends are other containers on the network.
  echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
  echo "ic-postgres: initialised $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
fi

# The server becomes PID 1, so `docker stop` signals it directly (SIGINT, the image's
# STOPSIGNAL: a fast shutdown).
shift
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
