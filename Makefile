# The README's commands. `make test` works on a fresh clone: it makes .venv, installs tox there,
# and runs every tox env.
PYTHON ?= python3.11
VENV := .venv
TOX_VERSION := 4.67.15

.PHONY: mutants up secrets provision build-frontend images-offline status snapshot smoke test test-frontend lint bench clean

# Start the whole stack on this machine: http://localhost:8080 (IC_HTTP_PORT to change).
up:
	bash scripts/up.sh

# The secrets `make up` and the dev compose stack read: .local/secrets/, made once and kept.
secrets:
	bash scripts/local-secrets.sh

# Lay out the runbook's server folders under ROOT (default /): make provision ROOT=/tmp/x
provision:
	bash scripts/provision.sh $(ROOT)

# Build the SPA and put it where `make up`'s Caddy serves it (runbook Phase 6: caddy/site/dist/);
# the containers serve what the frontend image publishes instead.
build-frontend:
	npm run --prefix frontend build:site

# Every tox env, then the compose mode when there is a Docker engine (scripts/test.sh).
test: $(VENV)/.tox-installed
	TOX=$(VENV)/bin/tox TOXARGS="$(TOXARGS)" bash scripts/test.sh

# The deliberate breakages of tests/mutants/breakages.toml, each against the scenario that must
# catch it; prints caught/survived (slow, not part of make test): make mutants MUTANTS_ARGS="--only feed"
mutants: $(VENV)/.tox-installed
	$(VENV)/bin/tox run -e mutants -- $(MUTANTS_ARGS)

# The three images with no container registry: Debian-made bases, host-built wheels and SPA.
images-offline:
	bash scripts/images-offline.sh

lint: $(VENV)/.tox-installed
	$(VENV)/bin/tox run -e lint

$(VENV)/.tox-installed:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet tox==$(TOX_VERSION)
	touch $@

clean:
	rm -rf $(VENV) .tox .pytest_cache .ruff_cache

# On the server: containers, health, disk and the last backup's age (exit 1 if any is wrong).
#   make status STATUS_ARGS="--url https://catbench.com"   (scripts/status.py --help)
status:
	@python3 scripts/status.py $(STATUS_ARGS)

# What is running: commits, build time, Python, Django, database, Caddy, Node, images.
#   make snapshot SNAPSHOT_ARGS="--json"   (scripts/snapshot.py --help)
snapshot:
	@python3 scripts/snapshot.py $(SNAPSHOT_ARGS)

# The @smoke scenarios against a deployed stack: make smoke BASE_URL=https://icircle.example
# (keys for the smoke circle in IC_SMOKE_CIRCLE, IC_SMOKE_FACILITATOR_KEY, IC_SMOKE_PARTICIPANT_KEY)
smoke: $(VENV)/.tox-installed
	@test -n "$(BASE_URL)" || { echo "make smoke needs BASE_URL=..."; exit 2; }
	BASE_URL=$(BASE_URL) $(VENV)/bin/tox run -e smoke

# Benchmarks print figures; they are not pass/fail tests.
bench: $(VENV)/.tox-installed
	$(VENV)/bin/tox run -e bench
