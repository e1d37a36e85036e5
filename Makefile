# The two commands of the README: `make run` and `make test`. Both build .venv first.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# The first Python >= 3.12 found: pyenv picks 3.13 through .python-version.
PYTHON := $(shell for p in python3.13 python3.12 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; \
	then echo $$p; break; fi; done)
# Test processes (pytest-xdist), one more than the machines' 2 cores: tests that wait on
# servers, workers and browsers leave a core idle. Work-stealing evens out the slow tests.
# SQLite suite on 2 cores: 562 s with 2 (load), 528 s with 3 (worksteal); PostgreSQL equal.
PYTEST_WORKERS ?= 3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint browser-test browser-deps pdf-deps messages clean bench

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python >= 3.12 found. Install Python 3.13 (e.g. 'pyenv install 3.13') and retry." >&2; \
		exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed modules are byte-compiled on both cores, not one by one as pip does (an install
# took 36 s instead of 52 s). Compiled here, not left to first use: these machines set
# PYTHONDONTWRITEBYTECODE, so every test process would compile what it imports again.
COMPILE := $(BIN)/python -m compileall -q -j 0 \
	"$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" >/dev/null

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --no-compile -r requirements.txt
	$(COMPILE)
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --no-compile -r requirements-dev.txt
	$(COMPILE)
	touch $@ $(VENV)/.installed-run

# Compiled only when a .po file is newer than its .mo (or the .mo is missing): starting
# Django to find nothing to do cost every `make test` seconds.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
messages: $(MO_FILES)

# Needs Django installed: a prerequisite, so that `make -j` cannot run it first.
$(MO_FILES): %.mo: %.po | $(VENV)/.installed-run
	$(BIN)/python manage.py compilemessages --locale $(word 2,$(subst /, ,$@)) \
		--ignore '.venv' --ignore 'node_modules' --verbosity 0

# Real-browser tests drive Debian's Chromium (never `playwright install`: it downloads).
browser-deps:
	@if [ ! -x /usr/lib/chromium/chromium ] && ! command -v chromium >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else echo "Browser tests need Debian's chromium: sudo apt-get install chromium fonts-noto-cjk" >&2; exit 1; fi; fi

# PDF documents (WeasyPrint): Pango and the CJK fonts that print Chinese, from Debian.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
pdf-deps:
	@if ! dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; \
		else echo "PDF documents need Debian's packages: sudo apt-get install $(PDF_PACKAGES)" >&2; exit 1; fi; fi

# Without the PDF packages the site still runs; the back office says what to install.
run: $(VENV)/.installed-run messages
	@$(MAKE) --no-print-directory pdf-deps || echo "Continuing without PDF documents." >&2
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py demo_user
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	@# The trap is reset first: `kill 0` signals this shell too, which would re-enter it.
	@trap 'trap - EXIT INT TERM; kill 0' EXIT INT TERM; \
	$(BIN)/python manage.py db_worker & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite, browser tests included.
test: $(VENV)/.installed-dev messages browser-deps pdf-deps
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

browser-test: $(VENV)/.installed-dev messages browser-deps pdf-deps
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

bench: $(VENV)/.installed-dev
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) staticfiles test-artifacts
