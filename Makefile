# Two commands do all set-up on a fresh machine (Python 3.11+, nothing else):
#   make run   — venv, install, migrate SQLite, load the demo world, print tokens, serve GraphiQL
#                (with the notices worker and a local mail sink beside it, stopped with it)
#   make test  — venv with test extras, ruff, the whole pytest suite (SQLite, and PostgreSQL when reachable)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The development mail sink's port; the worker of `make run` sends there (as SMTP_PORT).
MAIL_PORT ?= 8025
SINK_READY := data/.mail-sink-ready

.PHONY: run test lint schema bench bench-typename bench-import bench-workers bench-peer bench-tasks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Dependencies from the lock files (exact versions with hashes, as the image installs them),
# then the project itself without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/surveil migrate
	$(BIN)/surveil seed --demo --print-tokens
	@echo "GraphiQL: http://$(HOST):$(PORT)/graphql  (paste a token above as the Authorization header)"
	@echo "Mail sink: smtp://127.0.0.1:$(MAIL_PORT), messages in data/mail/new (the worker sends there)"
	@rm -f $(SINK_READY)
	$(BIN)/surveil mail-sink --port $(MAIL_PORT) --ready-file $(SINK_READY) & sink=$$!; \
	trap 'kill $$sink 2>/dev/null; wait' EXIT INT TERM; \
	while [ ! -f $(SINK_READY) ]; do \
	  if ! kill -0 $$sink 2>/dev/null; then \
	    echo "make run: the mail sink could not listen on port $(MAIL_PORT) (another sink?); stopped, so" \
	      "the worker does not mail into someone else's. Try: make run MAIL_PORT=8026" >&2; exit 1; \
	  fi; sleep 0.2; \
	done; \
	SMTP_HOST=127.0.0.1 SMTP_PORT=$(MAIL_PORT) $(BIN)/surveil worker & worker=$$!; \
	trap 'kill $$worker $$sink 2>/dev/null; wait' EXIT INT TERM; \
	$(BIN)/surveil serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile

# One worker per core (pytest-xdist): each builds its own template worlds, then takes tests as
# they come. A single file runs faster without: `.venv/bin/pytest tests/api/test_x.py`.
test: lint
	$(BIN)/pytest -n auto

schema: $(VENV)/.installed
	$(BIN)/surveil schema export

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

# `{ __typename }` with a token vs the plain route: GraphQL's fixed cost per request.
bench-typename: $(VENV)/.installed-test
	$(BIN)/python bench/typename.py

bench-import: $(VENV)/.installed-test
	$(BIN)/python bench/import_bench.py

# The bench query with 1 and 2 API processes, alternating (PostgreSQL and Redis on loopback).
bench-workers: $(VENV)/.installed-test
	$(BIN)/python bench/workers.py

# Our API and PostGraphile 4 (installed from npm into bench/postgraphile/node_modules) on the same
# PostgreSQL world and query, alternating; skips with the reason where node/npm or PostgreSQL is missing.
bench-peer: $(VENV)/.installed-test
	$(BIN)/python bench/peer.py

# tasks(first: 50) { totalCount } at 10k and 1M tasks on SQLite and PostgreSQL (a few minutes).
bench-tasks: $(VENV)/.installed-test
	$(BIN)/python bench/tasks_scale.py

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
