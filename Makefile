# Quick start: `make run` (the kiosk on the demo content) and `make test` (the whole suite).
# Each target sets itself up on a fresh Linux machine: checks Python 3.11+, makes .venv,
# installs the project with its extras, and the system packages the tests need (via apt).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test setup bench validate screenshots clean

run: $(STAMP)
	@tools/system-packages.sh run
	$(PY) main.py run

test: $(STAMP)
	@tools/system-packages.sh test
	KIOSK_TEST_POSTGRES_URL=$${KIOSK_TEST_POSTGRES_URL:-$$(tools/postgres-for-tests.sh)} \
	  SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(PY) -m pytest

bench: $(STAMP)
	$(PY) main.py bench

validate: $(STAMP)
	$(PY) main.py validate

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version 2>&1)). Install it, or run: make PYTHON=python3.12"; exit 1; }
	@tools/system-packages.sh venv
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,postgres]'
	@rm -f $(VENV)/.installed-*
	@touch $@

clean:
	rm -rf $(VENV) out .pytest_cache
