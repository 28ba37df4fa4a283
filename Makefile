# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test bench install lint format migrate demo vendor clean

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

## Run the whole test suite (set DATABASE_URL to run it on PostgreSQL)
test: $(STAMP)
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-insecure-key-for-tests-only} \
		$(BIN)/python -m pytest -n auto

# A development configuration (debugging on) for a fresh clone; edit it to taste.
.env:
	cp .env.example .env

## Benchmarks: how long import_movielens takes on a MovieLens "small"-sized folder
bench: $(STAMP)
	$(BIN)/python -m bench.import_movielens

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
