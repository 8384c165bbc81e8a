#!/usr/bin/env bash
# `make test`: every tox env (lint, backend, frontend, caddy, jitsi-standin, acceptance in local
# mode), then the backend tests and the local acceptance suite on PostgreSQL (tox -e
# backend-postgres,acceptance-postgres) when a PostgreSQL server answers at IC_TEST_POSTGRES_URL
# (default: the one .ci/run starts), then the acceptance suite against the containers (tox -e
# acceptance-compose) when this machine has a Docker engine. A mode that cannot run is not run,
# and the summary says so; in CI (CI=true) that is a failure.
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

# The same default as tox.ini's [postgres] url.
export IC_TEST_POSTGRES_URL=${IC_TEST_POSTGRES_URL:-postgres://inquirycircle:inquirycircle@127.0.0.1:5432/inquirycircle}

postgres_missing() { # prints why there is no server to test against; fails when there is one
  if ! command -v pg_isready >/dev/null; then
    echo "there is no pg_isready command to look for a server (apt-get install postgresql)"
  elif ! pg_isready -q -d "$IC_TEST_POSTGRES_URL" -t 3; then
    echo "no PostgreSQL server answers at ${IC_TEST_POSTGRES_URL#*@} (start one as .ci/run does, or set IC_TEST_POSTGRES_URL)"
  else
    return 1
  fi
}

# run_mode NAME MISSING UNTESTED ENVS: runs the tox ENVS unless the function MISSING prints why
# they cannot run; then the summary says UNTESTED, and in CI the run fails.
run_mode() {
  local name=$1 missing=$2 untested=$3 envs=$4 why status
  if why=$($missing); then
    if [ "${CI:-}" = "true" ]; then
      summary+=("$name mode: FAILED to run: $why (CI must run it)")
      failed=1
    else
      summary+=("$name mode: NOT RUN, $why; $untested")
    fi
    return
  fi
  "$TOX" run -e "$envs"
  status=$?
  summary+=("$name mode (tox -e $envs): $([ $status = 0 ] && echo passed || echo FAILED)")
  [ $status = 0 ] || failed=1
}

failed=0
"$TOX" run || failed=1
summary=("tox envs (local mode): $([ $failed = 0 ] && echo passed || echo FAILED)")
run_mode postgres postgres_missing "nothing was tested on PostgreSQL" backend-postgres,acceptance-postgres
run_mode compose engine_missing "the containers were not tested" acceptance-compose

echo
echo "make test summary"
printf '  %s\n' "${summary[@]}"
[ $failed = 0 ]
