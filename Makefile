# Opora: `make run` serves the demo on SQLite, `make test` runs every check (SQLite and PostgreSQL).
# Both install the exact versions of requirements.lock; `make lock` updates it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_PORT ?= 55432
PG_URL := postgres://postgres@127.0.0.1:$(PG_PORT)/opora
LOCK := requirements.lock
LOCK_VENV := $(or $(TMPDIR),/tmp)/opora-lock-venv

.PHONY: run test lint test-sqlite test-postgres system-deps bench backup restore clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# pyproject.toml says what Opora needs; the lock, which versions: those the tests passed with.
$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(LOCK) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(LOCK) $(VENV)/.installed
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $@

# Resolves the lock again in a throwaway venv with every extra: locked versions stay, packages
# added to or removed from pyproject.toml come and go. UPGRADE=1: the newest versions allowed.
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/pip install --quiet $(if $(UPGRADE),,-c $(LOCK)) -e '.[dev,deploy]'
	{ echo "# Exact versions for pip install -c: written by make lock from pyproject.toml" \
	  "(docs/operations.md)."; $(LOCK_VENV)/bin/pip freeze --exclude-editable; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf $(LOCK_VENV)

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

# Each benchmark also writes its figures into BENCH_RESULTS; bench/table.py prints issue 21's table
# from them, every row against its peer of the same run (PostgreSQL rows with DATABASE_URL set).
BENCH_RESULTS ?= /tmp/opora-bench-results

bench: $(VENV)/.installed-dev
	mkdir -p $(BENCH_RESULTS)
	$(BIN)/python bench/run.py --json $(BENCH_RESULTS)/run.json
	$(BIN)/python bench/identify_db.py --json $(BENCH_RESULTS)/identify.json
	$(BIN)/python bench/import_db.py --json $(BENCH_RESULTS)
	scripts/test-postgres.sh start $(PG_PORT)
	$(BIN)/python bench/import_db.py --database $(PG_URL) --json $(BENCH_RESULTS)
	$(BIN)/python bench/report.py
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/early_warning_check.py
	$(BIN)/python bench/load.py --json $(BENCH_RESULTS)/load.json
	case "$$DATABASE_URL" in postgres*) $(BIN)/python bench/task_queue.py --json $(BENCH_RESULTS)/queue.json;; esac
	$(BIN)/python bench/table.py --dir $(BENCH_RESULTS)

# The database named by DATABASE_URL (SQLite or PostgreSQL) and MEDIA_ROOT, in one tar.
backup: $(VENV)/.installed
	$(BIN)/python manage.py backup --output backups/

restore: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "Укажите архив: make restore FILE=backups/opora-….tar"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
