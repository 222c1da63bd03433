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
# Python that gets the Jupyter kernel (`make kernel PY=python` inside a conda env).
PY      ?= $(BIN)/python
# JupyterLab: address and port (`make lab LAB_IP=0.0.0.0` to reach it from outside a container).
LAB_IP   ?= 127.0.0.1
LAB_PORT ?= 8888
# Jupyter refuses to run as root unless told; root is normal in containers and CI.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup kernel data fetch build demo test lab verken bench lint clean-data report reports site browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m compileall -q src
	$(MAKE) --no-print-directory kernel PY=$(BIN)/python
	touch $(STAMP)

setup: $(STAMP)

## kernel: register the "Python 3 (analysekit)" Jupyter kernel in $(PY)'s environment.
kernel:
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (analysekit)" >/dev/null

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

## test: everything .ci/run runs: install, data, Chromium (`make browser`), the whole suite.
## The browser test fails (it does not skip) when Chromium is missing under `make test`.
## A subset: `make test PYTEST_ARGS="-k cli"`.
test: data browser
	ANALYSEKIT_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q $(PYTEST_ARGS)

## report: one report for $(GEMEENTE); reports: all gemeenten; site: the static site.
report: data
	$(AK) report "$(GEMEENTE)" --notebook $(NOTEBOOK) --reports $(REPORTS)

reports: data
	$(AK) batch --all --notebook $(NOTEBOOK) --workers $(WORKERS) --reports $(REPORTS)

site: reports
	$(AK) publish --notebook $(NOTEBOOK) --reports $(REPORTS) --site $(SITE)

## browser: headless Chromium for the browser test (Debian package `chromium`; needs root).
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Chromium installeren (Debian-pakket chromium) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "Chromium ontbreekt (nodig voor de browsertest): installeer het met 'sudo make browser' of 'sudo apt-get install chromium' en start 'make test' opnieuw." >&2; \
	  exit 1; \
	fi

## lab: JupyterLab on http://$(LAB_IP):$(LAB_PORT)/lab (no browser opened; Ctrl-C stops it).
lab: data
	@echo "JupyterLab start op http://$(LAB_IP):$(LAB_PORT)/lab (de link met token volgt hieronder; stoppen met Ctrl-C)"
	$(BIN)/jupyter lab --no-browser --ip=$(LAB_IP) --port=$(LAB_PORT) $(ROOT_FLAG) notebooks/

## verken: the verkenner (notebooks/verkenner.ipynb) as a local web page through Voilà, on
## http://$(VERKEN_IP):$(VERKEN_PORT)/ (no code shown, nothing from the internet; Ctrl-C stops it).
VERKEN_IP   ?= 127.0.0.1
VERKEN_PORT ?= 8866
verken: data
	$(AK) verken --ip $(VERKEN_IP) --port $(VERKEN_PORT) --reports $(REPORTS)

bench: data
	$(BIN)/python benchmarks/run_all.py

lint: setup
	$(BIN)/ruff check src tests benchmarks

clean-data:
	rm -rf data/raw/* data/processed/*
