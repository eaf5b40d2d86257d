# The front door: `make run` builds the warehouse, `make test` tests it. Both set everything up first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 3000
ROWS ?= 10000000
TARGET ?= duckdb_file
RANDOM ?=
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: install run test check lint ui serve shell bench bench-explorer eval-extract clean

install: $(VENV)/.installed

# Exact versions come from requirements.lock: a fresh install resolves to what was tested.
$(VENV)/.installed: pyproject.toml requirements.lock pipelines/explore/vendor.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required: run make PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	$(BIN)/python -m pipelines.explore.vendor
	@touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster-instance.yaml
	@mkdir -p $(DAGSTER_HOME)
	cp dagster-instance.yaml $@

run: install $(DAGSTER_HOME)/dagster.yaml  ## build and publish the warehouse from data/raw, then show it
	$(BIN)/regind refresh

# pytest-xdist workers for make test: one more than the cores. Tests wait on subprocesses, PostgreSQL, the browser and the
# session's shared refresh; with one worker per core those waits left 16% of two cores idle (make test: 5% faster). Two
# more than the cores was slower again (32:29 against 30:29, 6% more CPU: python -m tests.timeline).
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

test: install  ## run the tests (the browser test needs Debian's chromium, the lake tests its PostgreSQL: installed here once, from apt)
	tests/install-debian.sh
	$(BIN)/pytest --numprocesses $(WORKERS) --dist worksteal

# make check: a pytest worker per core (two cores: 2:14 against 2:57 in one process, and 2:32 with three workers)
CHECK_WORKERS ?= $(shell nproc)

check: install  ## the fast lane for a change (under 3 min): unit tests and tests that read one shared refresh; not the slow or lake (PostgreSQL) ones
	$(BIN)/pytest -m "not slow and not lake" --numprocesses $(CHECK_WORKERS)

lint: install  ## ruff on the Python (formatting, then lint rules and import order), sqlfluff on sql/ (config in pyproject.toml)
	$(BIN)/ruff format --check
	$(BIN)/ruff check
	$(BIN)/sqlfluff lint sql/

ui: install $(DAGSTER_HOME)/dagster.yaml  ## the Dagster UI on http://127.0.0.1:$(PORT) (with the daemon: schedules run)
	$(BIN)/dagster dev -h 127.0.0.1 -p $(PORT)

serve: install  ## the explorer: search, region, indicator (map) and series pages and an HTTP API on http://127.0.0.1:8000
	$(BIN)/regind serve

shell: install  ## the DuckDB shell on the published warehouse, read-only
	$(BIN)/duckdb -readonly data/warehouse/warehouse.duckdb

bench: install  ## time a full refresh of ROWS synthetic rows against a bare DuckDB load (see BENCHMARKS.md); TARGET=ducklake publishes to a lake too, RANDOM=1 draws the figures at random as before 2026-12-06
	REGIND_TARGET=$(TARGET) $(BIN)/python bench/bench.py --rows $(ROWS) $(if $(RANDOM),--random)

bench-explorer: install  ## the explorer's API latency (p50/p95 per request kind) on the warehouse make bench ROWS=$(ROWS) published
	$(BIN)/python bench/explorer.py --rows $(ROWS)

eval-extract: install  ## score `regind extract` on the gold set in tests/gold (and the seed page): precision and recall per pattern
	@test -f data/warehouse/warehouse.duckdb || $(MAKE) run
	$(BIN)/python -m pipelines.prose.extract_eval $(ARGS)

clean:  ## remove the built warehouse (not the raw data, not the run history)
	rm -f data/warehouse/*.duckdb data/warehouse/.warehouse.*.duckdb data/warehouse/*.wal data/warehouse/.*.wal data/warehouse/last_refresh.json data/warehouse/publish_lake.log
