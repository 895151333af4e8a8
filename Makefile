# Quick start: `make run` (the kiosk on the demo content) and `make test` (the whole suite);
# `make test-fast` leaves out the tests marked slow (processes, ffmpeg, Chromium, soak, API fuzzing).
# Each target sets itself up on a fresh Linux machine: checks Python 3.11+, makes .venv,
# installs the project with its extras, and the system packages the tests need (via apt).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

# The suite on two worker processes, each test file on one of them (files share heavy module
# fixtures); -rfEs: the closing summary names every failure, and every skip with its reason.
# UTF-8 is set here because Python fixes its encoding as it starts; tests/conftest.py pins the
# rest that differs between machines (time zone, display, a station's own settings).
TEST_JOBS ?= 2
PYTEST := KIOSK_TEST_POSTGRES_URL=$${KIOSK_TEST_POSTGRES_URL:-$$(tools/postgres-for-tests.sh)} \
	LC_ALL=C.UTF-8 PYTHONUTF8=1 $(PY) -m pytest -n $(TEST_JOBS) --dist loadfile -rfEs

.PHONY: run test test-fast setup bench validate screenshots clean

run: $(STAMP)
	@tools/system-packages.sh run
	$(PY) main.py run

test: $(STAMP)
	@tools/system-packages.sh test
	$(PYTEST)

test-fast: $(STAMP)
	@tools/system-packages.sh test
	$(PYTEST) -m "not slow"

bench: $(STAMP)
	$(PY) main.py bench

validate: $(STAMP)
	$(PY) main.py validate

# Every step of every lesson at 1920x1080 and 1080x1920 (half size) in docs/screenshots/, indexed
# in its README.md; about 25 s, the same bytes every run (kiosk/screen_shots.py).
screenshots: $(STAMP)
	$(PY) main.py screenshot --all docs/screenshots

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
