#!/usr/bin/env bash
# `make test`: every tox env (lint, backend, frontend, caddy, jitsi-standin, acceptance in local
# mode), then the acceptance suite against the containers (tox -e acceptance-compose) when this
# machine has a Docker engine. Without one the compose mode is not run, and the summary says so;
# in CI (CI=true) a missing engine is a failure.
# TOXARGS (e.g. TOXARGS="-e backend") runs just those tox envs, as `tox run $TOXARGS`.
set -o nounset -o pipefail
cd "$(dirname "$0")/.."
TOX=${TOX:-.venv/bin/tox}

if [ -n "${TOXARGS:-}" ]; then
  # shellcheck disable=SC2086  # TOXARGS is a list of tox arguments
  exec "$TOX" run $TOXARGS
fi

engine_missing() { # prints why there is no usable engine; fails when there is one
  if ! command -v docker >/dev/null; then
    echo "there is no docker command (apt-get install docker.io)"
  elif ! docker info >/dev/null 2>&1; then
    echo "the Docker engine is not running (start dockerd)"
  else
    return 1
  fi
}

"$TOX" run
local_status=$?

compose_status=0
if why=$(engine_missing); then
  if [ "${CI:-}" = "true" ]; then
    compose_line="compose mode: FAILED to run: $why (CI must run it)"
    compose_status=1
  else
    compose_line="compose mode: NOT RUN, $why; the containers were not tested"
  fi
else
  "$TOX" run -e acceptance-compose
  compose_status=$?
  compose_line="compose mode (tox -e acceptance-compose): $([ $compose_status = 0 ] && echo passed || echo FAILED)"
fi

echo
echo "make test summary"
echo "  tox envs (local mode): $([ $local_status = 0 ] && echo passed || echo FAILED)"
echo "  $compose_line"
[ $local_status = 0 ] && [ $compose_status = 0 ]
