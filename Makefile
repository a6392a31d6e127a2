# InterviewPrep: `make run` to try it, `make test` to check it.
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Development defaults; production sets these in its environment instead.
export DJANGO_DEBUG ?= 1

.PHONY: install migrate load run serve worker expire-attempts bench-autosave bench test lint format messages clean createsuperuser backup restore screenshots bench-scheduler lock audit
WORKERS ?= 2
THREADS ?= 4
BIND ?= 127.0.0.1:8000

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs exactly what requirements-dev.lock pins, every file checked against its hash; the
# project itself goes in editable without resolving anything again. Production installs
# requirements.lock the same way (README, Deployment).
$(VENV)/.installed: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Regenerates both lock files from pyproject.toml (after changing a dependency there), for
# every platform and Python 3.12+, with hashes. Commit the result.
lock: install
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes \
		--no-header --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 \
		--generate-hashes --no-header --quiet -o requirements-dev.lock

# Known vulnerabilities in the pinned dependencies (needs a machine that reaches PyPI's
# advisory data; SECURITY.md, V14).
audit: install
	$(BIN)/pip-audit --requirement requirements.lock --require-hashes --disable-pip --progress-spinner off

migrate: install
	$(MANAGE) migrate --no-input

load: migrate
	$(MANAGE) load_bank
	$(MANAGE) load_interview_templates

run: load
	$(MANAGE) runserver 127.0.0.1:8000

# Production-style: gunicorn, DEBUG off, compressed static files. Needs DJANGO_SECRET_KEY and
# DJANGO_ALLOWED_HOSTS (and DATABASE_URL, REDIS_URL, TASKS_BACKEND=database in production).
# With more than one worker, `check --deploy` refuses a cache in each worker's memory for
# signed-in users: set REDIS_URL, or WORKERS=1.
serve: export DJANGO_DEBUG = 0
serve: export WEB_CONCURRENCY = $(WORKERS)
serve: install
	$(MANAGE) check --deploy --fail-level ERROR
	$(MANAGE) migrate --no-input
	$(MANAGE) collectstatic --no-input --verbosity 0
	$(MANAGE) load_bank
	$(MANAGE) load_interview_templates
	$(BIN)/gunicorn interviewprep.wsgi --workers $(WORKERS) --worker-class gthread \
		--threads $(THREADS) --bind $(BIND) --access-logfile -

# The first account, for the admin (asks for email and password).
createsuperuser: migrate
	$(MANAGE) createsuperuser

# Django's serialiser, on any database (PostgreSQL also has pg_dump; see the README).
BACKUP ?= backup.json
backup: install
	$(MANAGE) dumpdata --natural-foreign --natural-primary \
		--exclude=contenttypes --exclude=auth.permission --exclude=sessions \
		--exclude=admin.logentry --output=$(BACKUP)

restore: install
	$(MANAGE) flush --no-input
	$(MANAGE) loaddata $(BACKUP)

# README screenshots: home, list, question, practice, interview, review and report at 1280x800
# and 390x844 (docs/screenshots/), taken by the browser suite in Debian's Chromium.
screenshots: install
	SAVE_SCREENSHOTS=1 $(BIN)/pytest -q tests/browser/test_main_pages.py tests/browser/test_journeys.py

# Finishes interview attempts whose deadline passed and nobody came back to (run from cron).
expire-attempts: migrate
	$(MANAGE) expire_attempts

# LEARNERS simulated learners autosaving for a minute against gunicorn (as make serve runs it)
# on PostgreSQL; writes bench/results/autosave-LEARNERS.txt.
LEARNERS ?= 200
bench-autosave: install
	$(BIN)/python bench/autosave_load.py $(LEARNERS) --workers $(WORKERS) --threads $(THREADS)

# Default vs fitted FSRS parameters on simulated learners: bench/results/scheduler_fit.txt.
bench-scheduler: install
	$(BIN)/python bench/scheduler_fit.py

# Runs queued background tasks when TASKS_BACKEND=database.
worker: install
	$(MANAGE) db_worker

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python .ci/check_layers.py --root .

test: lint
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(MANAGE) makemessages --locale zh_Hans --ignore "$(VENV)/*" --no-obsolete
	$(MANAGE) compilemessages --locale zh_Hans --ignore "$(VENV)/*"

# Page benchmark on PostgreSQL with a generated 100,000-question bank (bench/run_bench.py):
# loads the bank into the perf_bench database once, starts gunicorn on 127.0.0.1, measures
# with wrk, writes bench/results/bench.txt and bench.md.
bench: install
	$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles
