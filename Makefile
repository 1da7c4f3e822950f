# Tavolo metropolitano — the two commands of the README, and a few helpers.
#   make run    set up everything and serve the portal on http://127.0.0.1:8000
#   make test   run the whole test suite (SQLite, or DATABASE_URL when set)
#   make serve  run it for real: gunicorn and the task worker (needs the production variables)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run serve bench test install install-test lint format messages clean

$(PY):
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

install-test: $(TEST_STAMP)

run: $(STAMP)
	$(PY) manage.py createcachetable
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_territory
	$(PY) manage.py load_plan data/strategic-plan/axes.csv --in-force PSM-2024-2026 --superseded PSM-2021-2023
	$(PY) manage.py seed_demo
	@echo "Serving the portal on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

# Production: checks DATABASE_URL and DJANGO_SECRET_KEY (refuses without them), migrates,
# collects the static files, then runs gunicorn and the task worker together (deploy/serve.py;
# Ctrl-C stops both). See the README, "Running in production", and deploy/env.example.
serve: $(STAMP)
	$(PY) deploy/serve.py

# The suite runs on every core (pytest-xdist; each worker has its own test database).
TEST_WORKERS ?= auto

test: $(TEST_STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(TEST_STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Refresh the Italian catalogue after changing strings (needs GNU gettext), then translate
# the new entries in locale/it/LC_MESSAGES/django.po and compile.
messages: $(STAMP)
	$(PY) manage.py makemessages -l it --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(PY) manage.py compilemessages -l it --ignore '.venv' --ignore 'staticfiles'

# The benchmark (not part of the tests): builds a large data set in its own PostgreSQL database
# (BENCH_DATABASE_URL, dropped and created again), serves it under gunicorn and prints a table
# of requests per second, latencies and queries per page. See the README, "Benchmark".
bench: $(STAMP)
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
