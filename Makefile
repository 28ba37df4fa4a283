# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run serve test browser-tools screenshots bench bench-import loadtest install lint format migrate demo backup \
	restore vendor clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --editable . --group dev
	touch $(STAMP)

install: $(STAMP)

migrate: .env $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo_data

## Serve the site with demo data on http://127.0.0.1:$(PORT)
run: .env demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# True when the variable is set in the environment or in .env, which the settings read too (the
# environment wins): `make serve` fills in its defaults only where neither says.
configured = [ -n "$${$(1):-}" ] || grep -Eqs '^[[:space:]]*(export[[:space:]]+)?$(1)=.' .env

## Serve the site as in production on http://127.0.0.1:$(PORT): gunicorn (gunicorn.conf.py),
## debugging off, static files compressed with hashed names, persistent database connections.
## Behind a proxy that ends TLS; for plain http on your machine: DJANGO_SECURE_COOKIES=0 make serve
serve: .env $(STAMP)
	@export DJANGO_DEBUG=0 PORT=$(PORT); \
	$(call configured,DJANGO_CONN_MAX_AGE) || export DJANGO_CONN_MAX_AGE=600; \
	$(call configured,DJANGO_SECRET_KEY) || { \
		echo "DJANGO_SECRET_KEY is not set: a random one for this run (sessions end with it)"; \
		export DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	}; \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	exec $(BIN)/gunicorn --config gunicorn.conf.py reviewsite.wsgi

## Run the whole test suite (set DATABASE_URL to run it on PostgreSQL). The browser tests
## (tests/e2e/) need the tools below; without them they are skipped, or fail when CI=true.
test: $(STAMP) browser-tools
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-insecure-key-for-tests-only} \
		$(BIN)/python -m pytest -n auto

## Back up the database and the uploaded media into one file, and print its path:
## backups/marquee-YYYYmmdd-HHMMSS.tar.gz (PostgreSQL: pg_dump, from postgresql-client)
backup: .env $(STAMP)
	$(BIN)/python manage.py backup_site

## Put a backup back, database and media exactly as they were: make restore BACKUP=path.
## It asks first, keeps a safety copy of the current state (backups/pre-restore-*.tar.gz), then
## checks the stored counters.
restore: .env $(STAMP)
	@test -n "$(BACKUP)" || { \
		echo "Name the backup: make restore BACKUP=backups/marquee-....tar.gz" >&2; exit 2; }
	$(BIN)/python manage.py restore_site "$(BACKUP)"

NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

# $(call debian_tool,package,commands...): when none of the commands is found, install the
# Debian package with apt-get (as root), or say which tests will skip. Never fails the build.
debian_tool = for command in $(2); do command -v $$command >/dev/null 2>&1 && exit 0; done; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's $(1) for the browser tests"; \
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; }; } || \
		echo "$(1) could not be installed: the tests that need it will skip"; \
	else echo "$(1) is missing (apt-get install $(1)): the tests that need it will skip"; fi

## The browser tests' tools: Debian's chromium, and java for the W3C Nu HTML checker (both with
## apt-get when run as root), and from npm (package.json) axe-core and the checker (vnu-jar).
## What cannot be installed makes its tests skip, or fail when CI=true.
browser-tools:
	@($(call debian_tool,chromium,chromium chromium-browser))
	@($(call debian_tool,default-jre-headless,java))
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) -s --no-print-directory $(NODE_STAMP) || \
		echo "npm ci failed: the accessibility and HTML checks will skip"; \
	else echo "npm is missing: the accessibility and HTML checks will skip"; fi

# A development configuration (debugging on) for a fresh clone; edit it to taste.
.env:
	cp .env.example .env

## Benchmarks. `make bench`: the pages under load (bench/pages.py: a scale-1 PostgreSQL database,
## `make serve`, wrk; BENCH_ARGS="--scale 0.05 --duration 5" for a quick run).
## `make bench-import`: how long import_movielens takes on a MovieLens "small"-sized folder.
bench: $(STAMP)
	$(BIN)/python -m bench.pages $(BENCH_ARGS)

bench-import: $(STAMP)
	$(BIN)/python -m bench.import_movielens

## `make loadtest`: 5 minutes of mixed browsing, searching, reviewing and posting against
## `make serve` (bench/loadtest.py: its own PostgreSQL database at scale 0.05, limits lifted);
## zero errors and every acknowledged write stored, or it fails. LOADTEST_ARGS="--duration 30"
## for a quick run; LOADTEST_ARGS=--restart-postgres restarts PostgreSQL halfway through.
loadtest: $(STAMP)
	$(BIN)/python -m bench.loadtest $(LOADTEST_ARGS)

## Screenshots of the main pages (desktop and phone) into docs/screenshots/, from the demo data
screenshots: $(STAMP) browser-tools
	$(BIN)/python -m bench.screenshots

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Refresh Bootstrap in static/vendor/ from its npm package
vendor:
	rm -rf /tmp/marquee-vendor && mkdir -p /tmp/marquee-vendor
	cd /tmp/marquee-vendor && npm install --silent --no-audit --no-fund bootstrap@5.3
	cp /tmp/marquee-vendor/node_modules/bootstrap/dist/css/bootstrap.min.css* static/vendor/bootstrap/
	cp /tmp/marquee-vendor/node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* static/vendor/bootstrap/
	cp /tmp/marquee-vendor/node_modules/bootstrap/LICENSE static/vendor/bootstrap/

clean:
	rm -rf $(VENV) staticfiles
