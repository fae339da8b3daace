# The two commands of the README: `make run` and `make test`. Everything else is for them.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# `make test` runs the suite in this many processes (pytest-xdist); each has its own database and broker.
TEST_PROCESSES ?= 2

.PHONY: run test lint format system-deps venv migrate worker bench bench-scale crosswalk-doc clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

## System packages that pip cannot install: Chromium for browser tests, WeasyPrint's libraries, pdftotext.
system-deps:
	@scripts/system-deps

migrate: venv
	$(PY) manage.py migrate --noinput

## Embedded mode: SQLite, a filesystem Celery broker, web server and worker. Ctrl-C stops both.
run: venv system-deps migrate
	$(PY) manage.py load_catalogues
	$(PY) manage.py seed_demo
	@scripts/run-embedded

## The whole suite, on SQLite and the embedded broker unless DATABASE_URL / CELERY_BROKER_URL say otherwise.
test: venv system-deps
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist loadfile $(ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: venv
	$(VENV)/bin/celery -A grc_portal worker -Q default,pdf,packs --loglevel INFO

## Issue 14's benchmark: PostgreSQL (DATABASE_URL), gunicorn, 10,000 assets; options in ARGS (docs/performance.md).
bench-scale: venv
	$(PY) -m benchmarks.scale $(ARGS)

bench: venv
	$(PY) -m benchmarks

## Regenerate the crosswalk table in docs/crosswalk.md from the fixtures.
crosswalk-doc: venv
	$(PY) manage.py load_catalogues
	$(PY) manage.py crosswalk_doc

clean:
	rm -rf $(VENV) var .pytest_cache
