# suivi: `make serve` installs, ingests corpus/ and opens Datasette; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= reports.db
PORT ?= 8001
STAMP := $(VENV)/.installed

.PHONY: install ingest serve test test-fast bench bench-pages screenshots export clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

ingest: install
	$(BIN)/suivi ingest corpus/ --db $(DB)

serve: ingest
	$(BIN)/suivi serve --db $(DB) --port $(PORT)

export: install
	$(BIN)/suivi export --db $(DB) --out exports/

test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not browser"

# the corpus (a file that fails is reported, the others are shot) with the example
# statuses of docs/statuts-exemple.csv, so that the pages show a status timeline
screenshots: install
	-$(BIN)/suivi ingest corpus/ --db $(DB)
	$(BIN)/suivi status import docs/statuts-exemple.csv --db $(DB)
	$(BIN)/python -m pipeline.screenshots --db $(DB) --out docs/ --corpus corpus/

# ingest speed and memory (pipeline/bench.py), then the Datasette pages on a generated
# 1,000-report database (bench/pages.py; bench-pages alone)
bench: install
	$(BIN)/python -m pipeline.bench
	$(BIN)/python -m bench.pages

bench-pages: install
	$(BIN)/python -m bench.pages

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm exports .pytest_cache
