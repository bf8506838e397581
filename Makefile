# Opora: `make run` serves the demo on SQLite, `make test` runs every check (SQLite and PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_PORT ?= 55432
PG_URL := postgres://postgres@127.0.0.1:$(PG_PORT)/opora

.PHONY: run test lint test-sqlite test-postgres system-deps bench backup restore clean

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
	@# A job that a killed worker left running is failed first, and its file deleted.
	$(BIN)/python manage.py recover_imports
	$(BIN)/python manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev system-deps lint test-sqlite test-postgres

system-deps:
	@scripts/system-deps.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two processes: the machines that run the tests have two cores (TEST_PROCESSES=1 for one).
TEST_PROCESSES ?= 2

test-sqlite: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n $(TEST_PROCESSES)

test-postgres: $(VENV)/.installed-dev
	scripts/test-postgres.sh start $(PG_PORT)
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -n $(TEST_PROCESSES)

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/identify_db.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/early_warning_check.py
	$(BIN)/python bench/load.py --json /tmp/opora-load/load.json

# The database named by DATABASE_URL (SQLite or PostgreSQL) and MEDIA_ROOT, in one tar.
backup: $(VENV)/.installed
	$(BIN)/python manage.py backup --output backups/

restore: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "Укажите архив: make restore FILE=backups/opora-….tar"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
