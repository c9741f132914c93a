# Carrefour des innovations sociales — set-up, run and test.
# `make run` and `make test` work on a fresh Debian machine with Python 3.11, Node/npm and make.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CARREFOUR := $(BIN)/carrefour
DEMO := demo/corpus.jsonl.gz

.PHONY: run setup test test-sqlite test-postgres lint lock demo bench clean system-test-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps make a second run quick: dependencies are reinstalled only when a lock file changes.
$(VENV)/.runtime: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

setup: $(VENV)/.runtime node_modules/.package-lock.json
	$(CARREFOUR) migrate --noinput
	$(CARREFOUR) territories load
	$(CARREFOUR) import $(DEMO)
	$(CARREFOUR) index rebuild --if-stale
	$(CARREFOUR) dumps build --if-stale

run: setup
	$(CARREFOUR) serve

system-test-deps:
	@bash scripts/system-test-deps.sh

test: test-sqlite test-postgres

test-sqlite: $(VENV)/.dev node_modules/.package-lock.json system-test-deps
	$(BIN)/python -m pytest

test-postgres: $(VENV)/.dev node_modules/.package-lock.json system-test-deps
	@bash scripts/with-postgres.sh $(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy carrefour
	$(BIN)/lint-imports

lock: $(VENV)/.dev
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --strip-extras -o requirements.lock requirements.in
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --strip-extras -o requirements-dev.lock requirements-dev.in

demo: $(VENV)/.runtime node_modules/.package-lock.json
	bash scripts/build-demo.sh

bench: $(VENV)/.dev node_modules/.package-lock.json
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules var
