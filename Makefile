# Two commands: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint typecheck pytest serve clean bench

$(STAMP): pyproject.toml
	bash scripts/ensure-build-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/concord db upgrade
	$(BIN)/concord demo
	$(BIN)/concord serve --host $(HOST) --port $(PORT)

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check concord tests bench
	$(BIN)/ruff format --check concord tests bench

typecheck: $(STAMP)
	$(BIN)/mypy concord

pytest: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/import_persons.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
