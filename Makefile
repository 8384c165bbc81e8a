# The README's commands. `make test` works on a fresh clone: it makes .venv, installs tox there,
# and runs every tox env.
PYTHON ?= python3.11
VENV := .venv
TOX_VERSION := 4.67.15

.PHONY: test lint bench clean

test: $(VENV)/.tox-installed
	$(VENV)/bin/tox run $(TOXARGS)

lint: $(VENV)/.tox-installed
	$(VENV)/bin/tox run -e lint

$(VENV)/.tox-installed:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet tox==$(TOX_VERSION)
	touch $@

clean:
	rm -rf $(VENV) .tox .pytest_cache .ruff_cache

# Benchmarks print figures; they are not pass/fail tests.
bench: $(VENV)/.tox-installed
	$(VENV)/bin/tox run -e bench
