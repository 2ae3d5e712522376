# Two commands cover the quick start: `make serve` to read, `make test` to check everything.
# Each target is idempotent: the venv is only touched when a requirements file changed.

PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
DOCS_STAMP := $(VENV)/.docs-installed
ALL_STAMP := $(VENV)/.frameworks-installed
NPM_STAMP := node_modules/.installed

.DEFAULT_GOAL := help
.PHONY: help serve test site notebooks bench lock clean

help:  ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

serve: $(DOCS_STAMP)  ## Serve the site on http://127.0.0.1:8000 (docs dependencies only)
	LLMS_TXT=false $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

test: $(ALL_STAMP) $(NPM_STAMP)  ## Run the whole test suite (installs everything first)
	$(BIN)/pytest

site: $(DOCS_STAMP)  ## Build a copy to read from disk (file://), search included
	OFFLINE=true $(BIN)/mkdocs build --site-dir site-offline
	@echo "Open file://$(CURDIR)/site-offline/index.html"

notebooks: $(ALL_STAMP)  ## Re-execute every notebook and store its outputs
	$(BIN)/python tools/notebooks.py run

bench: $(ALL_STAMP) $(NPM_STAMP)  ## Measure build times, page weight, Lighthouse and search latency
	$(BIN)/python tools/bench.py

lock:  ## Re-pin requirements/*.txt from requirements/*.in in fresh venvs
	$(PYTHON) tools/lock.py

clean:  ## Remove the venv, node_modules and built sites
	rm -rf $(VENV) node_modules site site-offline .cache

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DOCS_STAMP): requirements/docs.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/docs.txt
	touch $@

$(ALL_STAMP): requirements/docs.txt requirements/frameworks.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/frameworks.txt
	touch $(DOCS_STAMP) $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@
