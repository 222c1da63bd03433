# analysekit — a small DAG: setup → fetch → build → report/publish; tests on top.
# Two commands on a fresh machine:  `make demo`  and  `make test`.

PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
AK      := $(BIN)/analysekit
GEMEENTE ?= Tilburg
REPORTS  ?= reports
SITE     ?= site
WORKERS  ?= $(shell nproc 2>/dev/null || echo 2)
NOTEBOOK ?= foto-sociaal-domein
STAMP   := $(VENV)/.installed

.PHONY: setup data fetch build demo test lab bench lint clean-data report reports site browser

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

## report: one report for $(GEMEENTE); reports: all gemeenten; site: the static site.
report: data
	$(AK) report "$(GEMEENTE)" --notebook $(NOTEBOOK) --reports $(REPORTS)

reports: data
	$(AK) batch --all --notebook $(NOTEBOOK) --workers $(WORKERS) --reports $(REPORTS)

site: reports
	$(AK) publish --notebook $(NOTEBOOK) --reports $(REPORTS) --site $(SITE)

browser:
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

lab: data
	$(BIN)/jupyter lab notebooks/

bench: data
	$(BIN)/python benchmarks/run_all.py

lint: setup
	$(BIN)/ruff check src tests benchmarks

clean-data:
	rm -rf data/raw/* data/processed/*
