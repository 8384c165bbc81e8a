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

# Which modes can run is decided in one place, tests/support/modes.py, which the conftests ask
# too: it prints why a mode cannot run and fails, or succeeds silently.
# The same default as tox.ini's [postgres] url.
export IC_TEST_POSTGRES_URL=${IC_TEST_POSTGRES_URL:-postgres://inquirycircle:inquirycircle@127.0.0.1:5432/inquirycircle}
mode_missing() { ! "${PYTHON:-python3}" tests/support/modes.py "$1"; }

# run_mode NAME UNTESTED ENVS: runs the tox ENVS unless tests/support/modes.py says why mode NAME
# cannot run; then the summary says UNTESTED, and in CI the run fails.
run_mode() {
  local name=$1 untested=$2 envs=$3 why status
  if why=$(mode_missing "$name"); then
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
run_mode postgres "nothing was tested on PostgreSQL" backend-postgres,acceptance-postgres
run_mode compose "the containers were not tested" acceptance-compose

echo
echo "make test summary"
printf '  %s\n' "${summary[@]}"
[ $failed = 0 ]
