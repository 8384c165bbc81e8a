#!/bin/sh
# Runs the database migrations, then the command (gunicorn by default) as PID 1.
set -o errexit -o nounset
# Quiet (verbosity 0): the container's log is JSON lines only; a failure still stops the start.
python3 manage.py migrate --noinput --verbosity 0
exec "$@"
