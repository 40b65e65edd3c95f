# Two commands are the whole set-up: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/enser
TEST_CACHE_URL ?= redis://127.0.0.1:6379/1
# Two workers (pytest-xdist), each with its own database and Redis database.
# PYTEST_ARGS replaces them: `make test PYTEST_ARGS=tests/meters` runs one
# folder serially, `make test PYTEST_ARGS="-n 2 tests/meters"` in parallel.
PYTEST_ARGS ?= -n 2

.PHONY: run serve test lint format bench bench-import bench-load bench-queue bench-notices lock webfonts clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Кабинет: http://$(HOST):$(PORT)/   администрирование: http://$(HOST):$(PORT)/admin/"
	@echo "Письма: var/mail/, SMS: var/sms/"
	@# On PostgreSQL letters and SMS wait in the queue: a worker runs beside
	@# the server and stops with it. The embedded SQLite sends them inline.
	@case "$${DATABASE_URL:-}" in \
	postgres*|pgsql*) trap 'kill 0' EXIT; \
		$(BIN)/python manage.py procrastinate worker --concurrency 4 & \
		$(BIN)/python manage.py runserver $(HOST):$(PORT) ;; \
	*) $(BIN)/python manage.py runserver $(HOST):$(PORT) ;; \
	esac

# Production settings on this machine's PostgreSQL and Redis, over plain HTTP
# on HOST:PORT (HTTPS is the proxy's: SECURE_SSL_REDIRECT and HSTS stay off
# here unless set). gunicorn with 2 × CPUs + 1 workers and a queue worker
# beside it; SECRET_KEY from the environment or var/secret-key (made once).
SERVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/enser
SERVE_CACHE_URL ?= redis://127.0.0.1:6379/0
serve: $(STAMP)
	@mkdir -p var && [ -s var/secret-key ] || (umask 077 && $(BIN)/python -c \
		"import secrets; print(secrets.token_urlsafe(50))" > var/secret-key)
	@set -e; export DEBUG=false DATABASE_URL=$${DATABASE_URL:-$(SERVE_DATABASE_URL)} \
		CACHE_URL=$${CACHE_URL:-$(SERVE_CACHE_URL)} SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret-key)} \
		SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} SECURE_HSTS_SECONDS=$${SECURE_HSTS_SECONDS:-0} \
		SECURE_COOKIES=$${SECURE_COOKIES:-false}; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0; \
	echo "Кабинет: http://$(HOST):$(PORT)/ (gunicorn, DEBUG=false; демо-данные: manage.py seed_demo)"; \
	trap 'kill 0' EXIT; \
	$(BIN)/python manage.py procrastinate worker --concurrency 4 & \
	$(BIN)/gunicorn enser_cabinet.wsgi --bind $(HOST):$(PORT) --workers $$(( 2 * $$(nproc) + 1 )) \
		--timeout 30 --graceful-timeout 30 --keep-alive 5 --access-logfile - \
		--access-logformat '%(h)s "%(r)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s]'

test: $(STAMP)
	$(BIN)/ruff check .
	@# The production settings pass Django's deployment checklist.
	DEBUG=false SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") \
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CACHE_URL=$${CACHE_URL:-$(TEST_CACHE_URL)} \
	$(BIN)/python manage.py check --deploy --fail-level WARNING
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CACHE_URL=$${CACHE_URL:-$(TEST_CACHE_URL)} \
	DJANGO_ALLOW_ASYNC_UNSAFE=true \
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m bench

# The billing import at full scale (20 000 contracts, 1 000 000 invoice
# lines) in a database of its own next to DATABASE_URL's; about half an hour.
bench-import: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m bench.billing $(BENCH_ARGS)

# Serving under load (bench/load.py): gunicorn with production settings on a
# database of its own next to DATABASE_URL's, driven by wrk.
bench-load: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m bench.load $(BENCH_ARGS)

# 10 000 letters through the queue to a local SMTP server, one worker and two;
# on a database of its own (bench_queue) on DATABASE_URL's server.
bench-queue: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m bench queue $(BENCH_ARGS)

# Notifications (bench/notices.py): the readings window opening for 20 000
# contracts with two people each, queued and sent through one and two workers.
bench-notices: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m bench notices $(BENCH_ARGS)

# After editing requirements.in or requirements-dev.in: the whole tree,
# pinned with hashes, in requirements.txt and requirements-dev.txt.
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: $(STAMP)
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

# After changing the DejaVu TTFs or the ranges in tools/webfonts.py: the WOFF2
# subsets the browser loads (static/fonts/*.woff2, committed).
webfonts: $(STAMP)
	$(BIN)/python tools/webfonts.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
