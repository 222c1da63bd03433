# analysekit — a small DAG: setup → fetch → build → report/publish; tests on top.
# Two commands on a fresh machine:  `make demo`  and  `make test`.

PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
AK      := $(BIN)/analysekit
GEMEENTE ?= Tilburg
STAMP   := $(VENV)/.installed

.PHONY: setup data fetch build demo test test-fast lab bench lint clean-data

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (analysekit)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

fetch: setup
	$(AK) data fetch

build: fetch
	$(AK) data build

data: build

## demo: set up, get the data (CBS when reachable, else the offline mirror), build the
## tables, print a summary for $(GEMEENTE) and write its report + the site.
demo: data
	$(AK) data summary "$(GEMEENTE)"
	$(AK) report "$(GEMEENTE)"
	$(AK) publish

## test: the whole suite on the real mirror (data built first).
test: data
	$(BIN)/python -m pytest -q

lab: data
	$(BIN)/jupyter lab notebooks/

bench: data
	$(BIN)/python benchmarks/run_all.py

lint: setup
	$(BIN)/ruff check src tests benchmarks

clean-data:
	rm -rf data/raw/* data/processed/*
