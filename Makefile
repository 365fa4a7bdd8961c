# Pasar Sentra: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app shop
TRANSLATIONS := shop/translations

.PHONY: run test test-deps test-sqlite test-postgres lint bench translations messages setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the dependency list changes (keeps a second `make run` fast).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

# Extract strings and merge them into the catalogues (a developer step, not part of run).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot shop catalog orders templates
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --width 100 -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

setup: translations
	$(FLASK) db upgrade
	$(FLASK) seed-places
	$(FLASK) seed-demo

run: setup
	$(FLASK) run --host 127.0.0.1 --port 5000

# One pytest worker per core (pytest-xdist), whole files per worker; each worker has its own
# database (on PostgreSQL: <database>_gw0, _gw1, ... made when missing). TEST_WORKERS=0: in-process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# Chromium for the browser tests: installed with apt when run as root, else named at the end.
test-deps:
	@bash .ci/test-deps

test: translations test-deps
	@if [ "$$CI" = "true" ] && [ -z "$$TEST_DATABASE_URL" ]; then \
		echo "CI needs TEST_DATABASE_URL (PostgreSQL)"; exit 1; fi
	$(BIN)/lint-imports --no-logo  # the layers of DESIGN.md, before the tests that depend on them
	$(PYTEST) tests -m "not postgres_only"
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		PASAR_TEST_DATABASE_URL="$$TEST_DATABASE_URL" $(PYTEST) tests -m "not nodb and not e2e and not sqlite_only"; \
	else \
		echo "== skipped: the PostgreSQL run (concurrency tests and the suite again on PostgreSQL)."; \
		echo "   Enable it with: make test TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test"; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo

# wrk loads the pages (a C load generator, so it shares no interpreter with what it measures):
# installed with apt when run as root, else named, and the page bench is skipped.
bench: setup
	@command -v wrk >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			echo "== installing wrk for the page bench (apt-get install wrk)"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq wrk >/dev/null || echo "!! could not install wrk"; \
		else \
			echo "!! wrk is missing: the page bench will be skipped (enable it with: sudo apt-get install wrk)"; \
		fi; }
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance/*.db
