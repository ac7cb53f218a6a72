# Two commands do everything on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test lint install bench clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core, for the accessibility checks, comes pinned from the npm registry.
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility checks will fail until npm is installed"; fi

install: $(INSTALLED) $(AXE)

run: export DEBUG ?= 1
run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_catalog
	$(BIN)/python manage.py lay_out_plans
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Debian's Chromium for the browser tests, installed when missing and this machine lets us (root, apt-get).
CHROMIUM := $(or $(CHROMIUM_PATH),/usr/bin/chromium)
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "No Chromium at $(CHROMIUM): run 'sudo apt-get install chromium' (or set CHROMIUM_PATH); the browser tests fail until then."; fi; \
	fi

# Compiled modules and assertion-rewritten tests are kept between runs, though a machine may turn that off
# for itself (PYTHONDONTWRITEBYTECODE): each worker and server the suite starts then imports in a second less.
test: export PYTHONDONTWRITEBYTECODE :=
# Two workers share the suite, each taking the next test as it finishes one; the test that restarts
# PostgreSQL would cut the other worker's connections, so it runs alone after.
test: $(INSTALLED) $(AXE) chromium
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "not restarts_database"
	@case "$$DATABASE_URL" in postgres*) $(BIN)/python -m pytest -m restarts_database;; esac

# Load benchmark against the database DATABASE_URL names (see README): gunicorn + Debian's wrk, loopback only.
# Options go through BENCH_ARGS: make bench BENCH_ARGS="--users 10000" (bench/run.py --help lists them).
bench: $(INSTALLED)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
