# Laoyuan (老院). `make demo` runs the demo; `make test` runs every check the project has.
# Everything a fresh Debian machine lacks is installed by these targets (see README.md).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PY := .venv/bin/python
RUFF := .venv/bin/ruff
VENV := .venv/.laoyuan-synced
PYTEST := $(PY) -m pytest -q -p no:cacheprovider
export PORT ?= 8000

.PHONY: help demo test test-sqlite test-postgres check bench lint fmt messages clean system-deps \
	runtime-deps

help:
	@echo "make demo    set up, load the demo and serve it on http://127.0.0.1:$(PORT)"
	@echo "make test    lint, migration check, the test suite on SQLite and on PostgreSQL"
	@echo "make bench   page, roster-import, voices, case-work, Open311, public-notice and vote-tally benchmarks"
	@echo "make lint    ruff check and format check;  make fmt  reformat"
	@echo "make messages  extract the Chinese message ids to laoyuan/locale/en and compile them"
	@echo "make clean   remove caches and build leftovers (keeps var/ data and .venv)"

# The virtualenv, exactly as requirements.lock pins it; redone when the lock changes.
$(VENV): requirements.lock pyproject.toml scripts/setup-venv.sh
	@scripts/setup-venv.sh
	@touch $@

system-deps:
	@scripts/system-deps.sh

runtime-deps:
	@scripts/system-deps.sh --runtime

demo: $(VENV) runtime-deps
	@scripts/demo.sh

test: $(VENV) system-deps check test-sqlite test-postgres

check: $(VENV)
	@echo "== ruff check"
	@$(RUFF) check .
	@echo "== makemigrations --check"
	@DJANGO_SETTINGS_MODULE=tests.settings $(PY) -m django makemigrations --check --dry-run -v1
	@echo "== template and system checks"
	@DJANGO_SETTINGS_MODULE=tests.settings $(PY) -m django check

test-sqlite: $(VENV)
	@echo "== tests on SQLite"
	@env -u DATABASE_URL $(PYTEST) tests

test-postgres: $(VENV)
	@echo "== tests on PostgreSQL (a throwaway cluster)"
	@scripts/with-postgres.sh $(PYTEST) tests

bench: $(VENV) system-deps
	@$(PY) bench/pages.py
	@$(PY) bench/import_roster.py
	@$(PY) bench/voices.py
	@$(PY) bench/voices_db.py
	@$(PY) bench/cases.py
	@$(PY) bench/open311.py
	@scripts/with-postgres.sh $(PY) bench/open311.py
	@$(PY) bench/notices.py
	@$(PY) bench/votes.py
	@$(PY) bench/renewal.py

lint: $(VENV)
	@$(RUFF) check .
	@$(RUFF) format --check .

fmt: $(VENV)
	@$(RUFF) format .
	@$(RUFF) check --fix .

# Message ids are Chinese; English is the translation (docs/ARCHITECTURE.md, "Languages").
messages: $(VENV)
	@command -v xgettext >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext)
	@mkdir -p laoyuan/locale
	@DJANGO_SETTINGS_MODULE=tests.settings $(PY) -m django makemessages -l en --no-obsolete \
		--ignore=.venv --ignore=tests --ignore=bench --ignore=var --ignore=scripts
	@DJANGO_SETTINGS_MODULE=tests.settings $(PY) -m django compilemessages -l en --ignore=.venv

clean:
	rm -rf .pytest_cache .ruff_cache .hypothesis test-results var/static *.egg-info
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
