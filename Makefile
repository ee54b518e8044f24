# Roster. The two commands that matter: `make run` and `make test` (logic lives in scripts/).
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help run test install lint bench

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

run: ## install, seed the demo workspace, print sign-in links, serve on http://127.0.0.1:8000
	@scripts/run.sh

test: ## install, then the whole suite on SQLite and on PostgreSQL (PYTEST_ARGS=... to filter)
	@scripts/test.sh

install: ## create .venv (Python 3.11) and pip install -e '.[dev]' when pyproject.toml changed
	@scripts/bootstrap.sh

lint: install ## ruff check
	@.venv/bin/ruff check .

bench: install ## SCIM load benchmark against a local server (BENCH_ARGS="--users 5000")
	@.venv/bin/python bench/scim_load.py $(BENCH_ARGS)
