#!/usr/bin/env bash
# The secrets of `make up` and of the dev compose stack, as files in .local/secrets/ (secret_key,
# key_pepper), made once and kept: a new key pepper would invalidate every key issued. The values
# of an older .local/secrets.env are carried over. Run by scripts/up.sh and `make secrets`.
set -o errexit -o pipefail -o nounset
cd "$(dirname "$0")/.."
DIR=.local/secrets
PYTHON=${PYTHON:-python3}
earlier() { [ -f .local/secrets.env ] && sed -n "s/^$1=//p" .local/secrets.env || true; }
mkdir -p .local
install -d -m 0700 "$DIR"
for pair in secret_key:SECRET_KEY key_pepper:IC_KEY_PEPPER; do
  file=$DIR/${pair%%:*}
  [ -s "$file" ] && continue
  value=$(earlier "${pair#*:}")
  [ -n "$value" ] || value=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')
  # 0644 inside a 0700 folder: nobody else here reaches it; the backend's uid 10001 can read it.
  (umask 022 && printf '%s' "$value" >"$file")
  echo "local secrets: wrote $file"
done
