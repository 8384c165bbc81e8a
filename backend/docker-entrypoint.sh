#!/bin/sh
# Runs the database migrations, then the command (gunicorn by default) as PID 1.
set -o errexit -o nounset
python3 manage.py migrate --noinput
exec "$@"
