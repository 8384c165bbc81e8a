#!/usr/bin/env bash
# `make up`: the whole stack on this machine, wired as the containers are.
# Installs what is missing (Debian as root) or says how, builds the SPA into caddy/site/dist,
# migrates, seeds the demo circle, prints the URL and demo keys, then runs the backend, the backup
# scheduler and Caddy (which serves caddy/site/dist) with honcho. Ctrl-C stops them all. Running
# it again reuses the database.
set -o errexit -o pipefail -o nounset
cd "$(dirname "$0")/.."
ROOT=$PWD

HTTP_PORT=${IC_HTTP_PORT:-8080}
BACKEND_PORT=${IC_BACKEND_PORT:-8000}
PYTHON=${PYTHON:-python3.11}
VENV=$ROOT/.venv
STATE=$ROOT/.local

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'make up: %s\n' "$*" >&2; exit 1; }

is_debian_root() { [ -f /etc/debian_version ] && [ "$(id -u)" = 0 ]; }

require_command() { # name, Debian package, how to get it elsewhere
  command -v "$1" >/dev/null 2>&1 && return 0
  if is_debian_root && [ -n "$2" ]; then
    say "Installing $2 (Debian package)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    command -v "$1" >/dev/null 2>&1 && return 0
  fi
  die "$1 is missing. Install it: $3"
}

port_free() {
  "$PYTHON" - "$1" <<'PY'
import socket, sys
with socket.socket() as s:
    # As the servers do: connections of a previous run lingering in TIME_WAIT are no obstacle.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PY
}

# 1. What the machine needs
require_command "$PYTHON" "" "Python 3.11 (Debian bookworm: apt-get install python3 python3-venv)"
require_command node "" "Node.js 20.19 or newer (https://nodejs.org or your package manager)"
require_command npm "" "npm, which comes with Node.js"
require_command caddy caddy "sudo apt-get install caddy (Debian/Ubuntu) or see https://caddyserver.com/docs/install"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js $(node --version) is too old: the frontend build needs 20.19 or newer."
for port in "$HTTP_PORT" "$BACKEND_PORT"; do
  port_free "$port" || die "port $port on 127.0.0.1 is in use (set IC_HTTP_PORT or IC_BACKEND_PORT)."
done

# 2. Python packages, reinstalled only when the requirements change
stamp_of() { cat "$@" | sha256sum | cut -c1-16; }
[ -x "$VENV/bin/python" ] || { say "Creating $VENV"; "$PYTHON" -m venv "$VENV"; }
py_stamp=$(stamp_of scripts/requirements-up.txt backend/requirements.txt)
if [ "$(cat "$VENV/.up-stamp" 2>/dev/null)" != "$py_stamp" ]; then
  say "Installing the backend's Python packages"
  "$VENV/bin/pip" install --quiet --upgrade pip 2>&1 | sed "/^WARNING: Location/d"
  "$VENV/bin/pip" install --quiet -r scripts/requirements-up.txt 2>&1 | sed "/^WARNING: Location/d"
  echo "$py_stamp" > "$VENV/.up-stamp"
fi

# 3. The single-page app, built and copied where Caddy serves it
npm run --prefix frontend build:site

# 4. Local secrets, made once and kept (the key pepper must not change, or keys stop working),
# read by the backend from their files.
mkdir -p "$STATE" caddy/logs
PYTHON="$PYTHON" bash scripts/local-secrets.sh
export SECRET_KEY_FILE="$STATE/secrets/secret_key" IC_KEY_PEPPER_FILE="$STATE/secrets/key_pepper"

# 5. Configuration: production settings, but plain HTTP on loopback
JITSI_DOMAIN=${JITSI_DOMAIN:-meet.jit.si}
export DJANGO_SETTINGS_MODULE=ic_core.settings.production
export DEBUG=False IC_SECURE_COOKIES=False IC_SECURE_SSL_REDIRECT=False IC_HSTS_SECONDS=0
export IC_WORKERS=${IC_WORKERS:-2}
# honcho gives each process 5 s after Ctrl-C; open streams must not hold gunicorn longer.
export IC_GRACEFUL_TIMEOUT=${IC_GRACEFUL_TIMEOUT:-3}
export ALLOWED_HOSTS="localhost,127.0.0.1"
export CSRF_TRUSTED_ORIGINS="http://localhost:$HTTP_PORT,http://127.0.0.1:$HTTP_PORT"
export IC_BIND="127.0.0.1:$BACKEND_PORT"
export SITE_ADDRESS="http://localhost:$HTTP_PORT, http://127.0.0.1:$HTTP_PORT"
export CADDY_BIND=127.0.0.1 CADDY_ADMIN=off
export BACKEND_HOST=127.0.0.1 BACKEND_PORT
export SITE_ROOT="$ROOT/caddy/site/dist" CADDY_LOG_DIR="$ROOT/caddy/logs"
export JITSI_DOMAIN JITSI_ORIGIN="https://$JITSI_DOMAIN"
export PATH="$VENV/bin:$PATH"

# 6. Database and demo data
say "Migrating the database"
(cd backend && python manage.py migrate --noinput)
demo=$(cd backend && python manage.py seed_demo)

cat <<TXT

  InquiryCircle is starting at  http://localhost:$HTTP_PORT
  (Caddy serves caddy/site/dist; backend 127.0.0.1:$BACKEND_PORT; Jitsi: $JITSI_DOMAIN)

$(printf '%s\n' "$demo" | sed 's/^/  /')

  Open the URL in two browser windows: the facilitator key in one, a participant key in the
  other. These demo keys replace the ones a previous \`make up\` printed. Ctrl-C stops everything.

TXT

# 7. The services of the Procfile, with one log stream; honcho stops them all on Ctrl-C
exec honcho start -f Procfile
