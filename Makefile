# Two commands cover the quick start: `make serve` to read, `make test` to check everything.
# Each target is idempotent: the venv is only touched when a requirements file changed.

PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
# Three pinned sets, each a superset of the one before (requirements/*.in say what is in each).
DOCS_STAMP := $(VENV)/.docs-installed
CHECK_STAMP := $(VENV)/.check-installed
ALL_STAMP := $(VENV)/.frameworks-installed
NPM_STAMP := node_modules/.installed
PIP_INSTALL := $(BIN)/python -m pip install --quiet --require-hashes
LOCK := $(BIN)/uv pip compile --quiet --universal --python-version 3.12 --generate-hashes \
	--custom-compile-command "make lock"
NODE_MIN := 22

.DEFAULT_GOAL := help
.PHONY: help serve check test site notebooks samples bench speed canary lock clean

help:  ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

serve: $(DOCS_STAMP)  ## Serve the site on http://127.0.0.1:8000 (docs dependencies only)
	LLMS_TXT=false $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

check: $(CHECK_STAMP) $(NPM_STAMP)  ## The fast checks: everything that needs no framework
	$(BIN)/pytest -m "not frameworks"

test: $(ALL_STAMP) $(NPM_STAMP)  ## Run the whole test suite (installs everything first)
	$(BIN)/pytest $(PYTEST_ARGS)

site: $(DOCS_STAMP)  ## Build a copy to read from disk (file://), search included
	OFFLINE=true $(BIN)/mkdocs build --site-dir site-offline
	@echo "Open file://$(CURDIR)/site-offline/index.html"

notebooks: $(ALL_STAMP)  ## Re-execute every notebook and store its outputs
	$(BIN)/python tools/notebooks.py run

samples: $(ALL_STAMP)  ## Re-run every sample and store what each section prints
	$(BIN)/python tools/run_sample.py --store

bench: $(ALL_STAMP) $(NPM_STAMP)  ## Measure build times, page weight, Lighthouse and search latency
	$(BIN)/python tools/bench.py

speed: $(ALL_STAMP)  ## Time eager vs compiled training steps; rewrite the Measured page's record and figures
	$(BIN)/python bench/eager_vs_compiled.py

canary: $(ALL_STAMP)  ## Try the newest releases in .venv-canary; report what changed in canary-report/
	$(BIN)/python tools/canary.py --python $(PYTHON)

lock: $(CHECK_STAMP)  ## Re-pin requirements/*.txt (with hashes) from requirements/*.in
	$(LOCK) requirements/docs.in -o requirements/docs.txt
	$(LOCK) requirements/docs.in requirements/tests.in -c requirements/docs.txt \
		-o requirements/check.txt
	$(LOCK) requirements/docs.in requirements/tests.in requirements/frameworks.in \
		-c requirements/check.txt -o requirements/frameworks.txt

clean:  ## Remove the venv, node_modules and built sites
	rm -rf $(VENV) .venv-canary node_modules site site-offline .cache

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(DOCS_STAMP): requirements/docs.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements/docs.txt
	touch $@

$(CHECK_STAMP): requirements/docs.txt requirements/check.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements/check.txt
	touch $(DOCS_STAMP) $@

$(ALL_STAMP): requirements/docs.txt requirements/check.txt requirements/frameworks.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements/frameworks.txt
	touch $(DOCS_STAMP) $(CHECK_STAMP) $@

$(NPM_STAMP): package.json package-lock.json
	@node -e 'const v = +process.versions.node.split(".")[0]; if (v < $(NODE_MIN)) { console.error(`Node.js $${process.versions.node} is past its end of life: install Node.js $(NODE_MIN) or newer (an LTS release; .nvmrc names the one CI uses).`); process.exit(1) }'
	npm ci --no-audit --no-fund
	touch $@
