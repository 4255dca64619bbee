# Two commands do all set-up on a fresh machine (Python >= 3.10 and make):
#   make lab    open the series in JupyterLab (127.0.0.1, with a token)
#   make test   run every test: unit tests, notebooks under nbval, browser tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
PORT ?= 8888
# JupyterLab refuses to run as root unless told; only then do we add the flag.
ROOT_FLAG := $(shell [ "$$(id -u 2>/dev/null)" = 0 ] && echo --allow-root)
PYTEST_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: help install lab test test-unit test-notebooks test-browser bench lint format html screenshots train clean

help:
	@echo "make lab          open the notebooks in JupyterLab (sets everything up first)"
	@echo "make test         run every test (sets everything up first)"
	@echo "make bench        print speed figures"
	@echo "make lint         ruff, and the layer contracts (import-linter, tools/layer_rules.py)"
	@echo "make html         execute the series into build/html for reading without running"
	@echo "make screenshots  save pictures of the explorers into docs/img"

# (Re)install when the venv is missing or a dependency file changed.
$(STAMP): requirements.txt pyproject.toml tools/overrides.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "cnn-notebooks needs Python >= 3.10: run make PYTHON=python3.11 ...")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp tools/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

install: $(STAMP)

lab: install
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		--ServerApp.root_dir=notebooks $(ROOT_FLAG)

# Unit tests and notebooks share both cores (one file per worker); the browser tests run after,
# alone, since they time redraws and run one JupyterLab for the whole session.
test: install
	$(BIN)/lint-imports --no-logo
	CNNLIB_QUICK=1 $(PY) -m pytest -n 2 --dist loadfile tests notebooks --ignore=tests/browser $(PYTEST_ARGS)
	CNNLIB_QUICK=1 $(PY) -m pytest tests/browser $(PYTEST_ARGS)

test-unit: install
	CNNLIB_QUICK=1 $(PY) -m pytest tests --ignore=tests/browser $(PYTEST_ARGS)

test-notebooks: install
	CNNLIB_QUICK=1 $(PY) -m pytest notebooks $(PYTEST_ARGS)

test-browser: install
	CNNLIB_QUICK=1 $(PY) -m pytest tests/browser $(PYTEST_ARGS)

bench: install
	$(PY) -m bench

lint: install
	$(BIN)/ruff check cnnlib tests bench tools notebooks
	$(BIN)/lint-imports --no-logo
	$(PY) -m tools.layer_rules

format: install
	$(BIN)/ruff check --fix cnnlib tests bench tools notebooks

train: install
	$(PY) -m cnnlib.train

html: install
	$(PY) -m tools.build_html

# Full size, so notebook 06's model reads the drawn digit right (takes several minutes).
screenshots: install
	$(PY) -m tools.screenshots

clean:
	rm -rf build .pytest_cache .hypothesis
