# Opora: `make run` serves the demo on SQLite, `make test` runs every check (SQLite and PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_PORT ?= 55432
PG_URL := postgres://postgres@127.0.0.1:$(PG_PORT)/opora

.PHONY: run test lint test-sqlite test-postgres system-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	@echo "Опора: http://127.0.0.1:$(PORT)/"
	@# The task worker loads uploaded result files in the background; it stops with the server.
	$(BIN)/python manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev system-deps lint test-sqlite test-postgres

system-deps:
	@scripts/system-deps.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-sqlite: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

test-postgres: $(VENV)/.installed-dev
	scripts/test-postgres.sh start $(PG_PORT)
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/identify_db.py
	$(BIN)/python bench/early_warning_check.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
