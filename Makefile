# cioctl — common tasks. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint typecheck unit demo bench schema clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	bash .ci/node-tools
	touch $(STAMP)

## test: the whole suite — pytest, ruff and mypy (what CI runs)
test: $(STAMP) unit lint typecheck

unit: $(STAMP)
	$(BIN)/pytest -n auto -q

lint: $(STAMP)
	$(BIN)/ruff check cioctl tests

typecheck: $(STAMP)
	$(BIN)/mypy cioctl

## demo: the main job on the embedded workspace with the bundled example
demo: $(STAMP)
	@$(BIN)/python -m cioctl.demo

## bench: performance figures (printed, never asserted)
bench: $(STAMP)
	$(BIN)/python -m cioctl.bench

## schema: regenerate schemas/ from the models
schema: $(STAMP)
	$(BIN)/cioctl schema

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
