# The README's commands. `make run` for the site with its demo article, `make test` for the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEV := DEBUG=1

# BIND is the public address, where readers arrive (runserver for `make run`, Varnish for
# `make serve`); APP_BIND is gunicorn's, behind Varnish (gunicorn.conf.py, deploy/stack.py).
BIND ?= 127.0.0.1:8000

.PHONY: install install-dev run test lint format migrations-check ci clean serve servers \
	bench bench-import bench-scale bench-images worker lighthouse lock drill

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The virtualenv installs the lock files, every package pinned with its hashes; the stamps
# make it install again whenever a lock file changes.
$(VENV)/.runtime: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# requirements.txt and requirements-dev.txt are the lists we edit; `make lock` writes the
# lock files from them with pip-tools, kept in a virtualenv of its own (not the project's).
# Pins already in a lock file stay unless an input changes them; UPGRADE="pkg ..." lifts
# the pins of those packages (e.g. a dependency of a dependency) to their newest release.
LOCK_TOOLS := $(HOME)/.cache/cms-lock-tools
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_TOOLS)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	$(foreach package,$(UPGRADE),--upgrade-package $(package))

$(LOCK_TOOLS)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/pip install --quiet --disable-pip-version-check pip-tools==7.7.0

lock: $(LOCK_TOOLS)/bin/pip-compile  ## requirements*.txt -> requirements*.lock (docs/operations.md)
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt

# The development site on SQLite, with the demo article, and the mail worker beside it:
# development settings print every email to this terminal (console backend) once the
# worker takes it from the queue. Ctrl-C stops both.
run: install  ## the development site with the demo article on SQLite, and the mail worker
	$(DEV) $(BIN)/python manage.py migrate --no-input
	$(DEV) $(BIN)/python manage.py load_demo --with-admin
	@echo "The mail worker runs beside the site: the emails it sends are printed here."
	@$(DEV) $(BIN)/python manage.py mail_worker --queue-name mail,schedule --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' INT TERM EXIT; \
	$(DEV) $(BIN)/python manage.py runserver $(BIND)

# The Debian packages of the servers around Django (Varnish and its xkey module), installed
# when missing by deploy/install-servers.sh (apt-get, as root or through sudo).
servers:  ## install Varnish if it is missing (make serve and make bench call this)
	@deploy/install-servers.sh cache || { echo "make servers: could not install Varnish;" \
	  "install Debian's varnish and varnish-modules, then run this again." >&2; exit 1; }

# Production settings on this machine: DEBUG off, static files collected for whitenoise
# (hashed names, gzip and brotli), then deploy/stack.py: Varnish on BIND (default
# 127.0.0.1:8000) in front of gunicorn on APP_BIND (default 127.0.0.1:8001), and the mail
# worker. A SECRET_KEY is made up for the run unless you set one, and HTTPS=0 because
# nothing here terminates TLS; in production set both (docs/operations.md).
serve: install servers  ## the production stack on http://127.0.0.1:8000
	@export DEBUG=0 HTTPS=$${HTTPS:-0} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	  SECRET_KEY=$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')} && \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0 && \
	BIND=$(BIND) exec $(BIN)/python deploy/stack.py serve

# The task worker: sends every queued email and retries failures (comments/mail.py),
# carries out scheduled updates and withdrawals at their time (articles/schedule.py),
# takes up a task a killed worker left running, and writes its heartbeat (mail_worker).
# Development settings unless DEBUG=0 (then set SECRET_KEY and the EMAIL_* settings).
worker: install  ## send the queued emails, carry out scheduled changes (docs/operations.md)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py mail_worker --queue-name mail,schedule --no-reload

bench: install servers  ## the article page under load: Varnish, gunicorn, PostgreSQL, Redis, nginx, wrk (docs/benchmarks.md)
	@deploy/install-servers.sh bench || { echo "make bench: could not install wrk and nginx;" \
	  "install Debian's wrk and nginx, then run this again." >&2; exit 1; }
	$(BIN)/python bench/run.py

bench-import: install  ## import_wordpress: 10,000 comments, then 200 images from a local server, timed (docs/wordpress.md)
	$(BIN)/python bench/wordpress_import.py

# 10,001 articles and 200,000 comments in a PostgreSQL database of its own (cms_scale), then
# the time, queries and bytes of each kind of page (docs/benchmarks.md).
bench-scale: install  ## the site at a publisher's scale: bench/scale.py
	$(BIN)/python bench/scale.py

# A 24-megapixel photo through the media library's store_image: time and peak memory of one
# upload with its renditions, in a throwaway folder (docs/benchmarks.md, docs/images.md).
bench-images: install  ## a 24-megapixel upload: time until its renditions are ready, peak memory
	$(BIN)/python bench/images.py

# Lighthouse (npm, pinned, installed once into ~/.cache/cms-e2e/) on the demo article served
# with the production settings (DEBUG off, whitenoise, gunicorn on a free loopback port, a
# throwaway SQLite database): prints the four scores for desktop and mobile, fails under 100.
lighthouse: install  ## Lighthouse's four scores on the article page (docs/testing.md, "Checks")
	$(BIN)/python -m tests.e2e.lighthouse

# The fault drill (bench/drill.py): the production stack on loopback, on a throwaway SQLite
# database with Redis and SMTP servers of its own; each fault in turn, then a table of
# what readers saw and what was lost (docs/operations.md, "Fault drill"). About 2 minutes.
drill: install-dev servers  ## kill and cut each part of the stack in turn; print what readers saw
	$(BIN)/python bench/drill.py

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

# What CI runs (.ci/run, after it has installed the Debian packages and started PostgreSQL
# and Redis): lint, the migrations check, the suite on SQLite, then on PostgreSQL with Redis.
CI_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
CI_REDIS_URL ?= redis://127.0.0.1:6379/15
ci:  ## lint, migrations check, the suite on SQLite and on PostgreSQL with Redis
	@echo "== Lint"
	$(MAKE) lint
	$(MAKE) migrations-check
	@echo "== Test suite on SQLite"
	env -u DATABASE_URL -u REDIS_URL $(MAKE) test
	@echo "== Test suite on PostgreSQL with Redis"
	DATABASE_URL=$(CI_DATABASE_URL) REDIS_URL=$(CI_REDIS_URL) $(MAKE) test

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
