# The README's commands. `make run` for the site with its demo article, `make test` for the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEV := DEBUG=1

.PHONY: install install-dev run test lint format migrations-check clean serve bench bench-import bench-scale worker lighthouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

run: install  ## the development site with the demo article on SQLite
	$(DEV) $(BIN)/python manage.py migrate --no-input
	$(DEV) $(BIN)/python manage.py load_demo --with-admin
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Production settings on this machine: DEBUG off, static files collected for whitenoise
# (hashed names, gzip and brotli), then deploy/stack.py: Varnish on BIND (default
# 127.0.0.1:8000) in front of gunicorn on APP_BIND (default 127.0.0.1:8001), and the mail
# worker. Varnish is installed from Debian's packages when missing. A SECRET_KEY is made up
# for the run unless you set one, and HTTPS=0 because nothing here terminates TLS; in
# production set both (README, "Running in production").
serve: install  ## the production stack on http://127.0.0.1:8000
	@export DEBUG=0 HTTPS=$${HTTPS:-0} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	  SECRET_KEY=$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')} && \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0 && \
	exec $(BIN)/python deploy/stack.py serve

# The mail queue's worker (comments/mail.py): sends every queued email, retries failures.
# Development settings unless DEBUG=0 (then set SECRET_KEY and the EMAIL_* settings).
worker: install  ## send the queued emails (README, "Emails and the worker")
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py db_worker --queue-name mail --no-reload

bench: install  ## the article page under load: Varnish, gunicorn, PostgreSQL, Redis, nginx, wrk (docs/benchmarks.md)
	$(BIN)/python bench/run.py

bench-import: install  ## import_wordpress with 10,000 comments, timed (docs/wordpress.md)
	$(BIN)/python bench/wordpress_import.py

# 10,001 articles and 200,000 comments in a PostgreSQL database of its own (cms_scale), then
# the time, queries and bytes of each kind of page (README, "Benchmarks").
bench-scale: install  ## the site at a publisher's scale: bench/scale.py
	$(BIN)/python bench/scale.py

# Lighthouse (npm, pinned, installed once into ~/.cache/cms-e2e/) on the demo article served
# with the production settings (DEBUG off, whitenoise, gunicorn on a free loopback port, a
# throwaway SQLite database): prints the four scores for desktop and mobile, fails under 100.
lighthouse: install  ## Lighthouse's four scores on the article page (docs/testing.md, "Checks")
	$(BIN)/python -m tests.e2e.lighthouse

test: install-dev  ## the whole suite (browser tests included when Chromium is there)
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install-dev
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
