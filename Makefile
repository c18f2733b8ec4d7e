# Onramp: every target installs what it needs into .venv first. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install serve build test test-fast bench lint validate clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "$(PYTHON) cannot create virtualenvs: on Debian, apt-get install -y python3-venv" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## create .venv and install Onramp with its test tools

serve: $(STAMP) ## build the catalog site and serve it at http://127.0.0.1:8000 with live reload
	$(BIN)/onramp serve --host $(HOST) --port $(PORT)

build: $(STAMP) ## strict build of the site into site/
	$(BIN)/onramp build

validate: $(STAMP) ## check every record (exit 1 on any problem)
	$(BIN)/onramp validate

test: $(STAMP) ## run the whole test suite (browser tests need Debian's chromium)
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## run the tests that need no browser
	$(BIN)/python -m pytest -m "not browser"

bench: $(STAMP) ## print benchmark ratios against baselines measured in the same run
	$(BIN)/python -u -m onramp.bench

lint: $(STAMP) ## ruff over the code and tests
	$(BIN)/ruff check scripts tests

clean: ## remove the virtualenv, build output and caches
	rm -rf $(VENV) site .pytest_cache .hypothesis .ruff_cache tests/screenshots
