# Onramp: every target installs what it needs into .venv first. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NODE   := web/node_modules/.installed-$(shell cksum web/package-lock.json | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install serve build test test-fast test-js vectors bench fuzz lint validate clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "$(PYTHON) cannot create virtualenvs: on Debian, apt-get install -y python3-venv" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

# The site's JavaScript (web/): esbuild and nothing else, exactly as web/package-lock.json pins it.
$(NODE): web/package.json web/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for the site's JavaScript: on Debian, apt-get install -y nodejs npm" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error
	rm -f web/node_modules/.installed-* && touch $@

install: $(STAMP) $(NODE) ## create .venv and web/node_modules: Onramp, its test tools and esbuild

serve: $(STAMP) $(NODE) ## build the catalog site and serve it at http://127.0.0.1:8000 with live reload
	$(BIN)/onramp serve --host $(HOST) --port $(PORT)

build: $(STAMP) $(NODE) ## strict build of the site into site/
	$(BIN)/onramp build

validate: $(STAMP) ## check every record (exit 1 on any problem)
	$(BIN)/onramp validate

test: $(STAMP) $(NODE) ## run the whole test suite: node's test runner, then pytest (browser tests need chromium)
	cd web && node --test test/
	$(BIN)/python -m pytest

test-fast: $(STAMP) $(NODE) ## run the tests that need no browser
	cd web && node --test test/
	$(BIN)/python -m pytest -m "not browser"

test-js: $(NODE) ## run the JavaScript tests in node's test runner
	cd web && node --test test/

vectors: $(STAMP) ## regenerate web/test/vectors.json from the real catalog (after changing the rules)
	$(BIN)/python -m onramp.webdata

BENCH_NODE := bench/node_modules/.installed-$(shell cksum bench/package-lock.json | cut -d' ' -f1)

# Lighthouse, for the bench only (the site and the tests do not need it).
$(BENCH_NODE): bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	rm -f bench/node_modules/.installed-* && touch $@

bench: $(STAMP) $(NODE) $(BENCH_NODE) ## measure speed, page weight and Lighthouse against targets (ARGS=--quick: smaller)
	$(BIN)/python -u -m onramp.bench $(ARGS)

fuzz: $(STAMP) ## run the property-based (hypothesis) suites 20 times longer than make test does
	ONRAMP_FUZZ=20 $(BIN)/python -m pytest -q -m "not browser" tests/test_load.py tests/test_gate.py \
		tests/test_profile.py tests/test_match.py tests/test_gaps.py tests/test_design.py

lint: $(STAMP) ## ruff over the code and tests
	$(BIN)/ruff check scripts tests

clean: ## remove the virtualenv, build output and caches
	rm -rf $(VENV) web/node_modules site .pytest_cache .hypothesis .ruff_cache tests/screenshots
