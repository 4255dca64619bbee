# Two commands do all set-up on a fresh machine (Python 3.10-3.13 and make):
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

.PHONY: help install teach-env assignments nbgrader lab test test-unit test-notebooks test-browser bench lint format nav html a11y site-assets screenshots train translations font clean

help:
	@echo "make lab          open the notebooks in JupyterLab (sets everything up first)"
	@echo "make test         run every test (sets everything up first)"
	@echo "make PYTHON=python3.12 lab   build .venv with that Python (3.10-3.13)"
	@echo "make bench        print speed figures"
	@echo "make lint         ruff, and the layer contracts (import-linter, tools/layer_rules.py)"
	@echo "make html         execute the series into build/html for reading without running"
	@echo "make a11y         check every page of build/html with axe-core (after make html)"
	@echo "make site-assets  refresh the site's vendored JavaScript from npm (tools/site_assets)"
	@echo "make screenshots  save pictures of the explorers into docs/img"
	@echo "make translations list the Chinese cells (notebooks/zh) whose English cell changed"
	@echo "make assignments  write the nbgrader course build/course (a teachers' .venv-teach, Python 3.11+)"
	@echo "make nbgrader ARGS=\"autograde 04_pooling\"   run nbgrader in build/course"
	@echo "make font         remake cnnlib's Chinese font subset (after new Chinese text; needs fonts-noto-cjk)"
	@echo "make nav          rewrite the navigation cells and 00_index's contents (after adding a notebook)"

# Every install first runs tools/ensure_venv.sh: it checks $(PYTHON) before anything is created
# (and names a Python to use instead), and rebuilds a .venv with no pip, no python, another
# Python version or a half-finished install, saying why in one line. Then a second make decides
# afresh whether the packages need installing: when the venv is new or a dependency file changed.
ENSURE_VENV = PYTHON='$(PYTHON)' VENV='$(VENV)' STAMP='$(STAMP)' GOAL='$(or $(MAKECMDGOALS),install)' \
	PYTHON_ASKED='$(if $(filter file default undefined,$(origin PYTHON)),,1)' sh tools/ensure_venv.sh

install:
	@$(ENSURE_VENV)
	@$(MAKE) --no-print-directory -q $(STAMP) || $(MAKE) --no-print-directory $(STAMP)

$(STAMP): requirements.txt requirements-runtime.txt pyproject.toml tools/overrides.json
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp tools/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

# The teachers' environment: nbgrader (Python 3.11+) in .venv-teach, which sees .venv's packages
# after its own; nbgrader's lab and server extensions stay out of .venv, so `make lab` never
# loads them. Rebuilt when requirements-teach.txt changes (tools/assignments.py says why not).
teach-env: install
	@$(PY) -m tools.assignments teach-env

# The nbgrader course: build/course/source/<NN_slug>/ for both editions, from the notebooks and
# the answer key, then each released without its answers (build/course/release/).
assignments: teach-env
	$(PY) -m tools.assignments --release

# Any nbgrader command, run in build/course with the teachers' environment first on PATH:
#   make nbgrader ARGS="autograde 04_pooling"     make nbgrader ARGS="export"
nbgrader: teach-env
	$(PY) -m tools.assignments nbgrader $(ARGS)

# Opens on the contents page, which links both editions (English, and Chinese in notebooks/zh).
lab: install
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		--ServerApp.root_dir=notebooks --LabApp.default_url=/lab/tree/00_index.ipynb $(ROOT_FLAG)

# Unit tests and notebooks share both cores (one file per worker); `notebooks` takes in the
# Chinese edition (notebooks/zh) too. The browser tests run after, alone, since they time redraws
# and run one JupyterLab for the whole session. The teachers' environment is made first (on Python
# 3.11+) for tests/test_assignments.py, which grades a course with the real nbgrader.
test: install
	@$(PY) -m tools.assignments teach-env --if-supported
	$(BIN)/lint-imports --no-logo
	CNNLIB_QUICK=1 $(PY) -m pytest -n 2 --dist loadfile tests notebooks tools/notebook_template.ipynb --ignore=tests/browser $(PYTEST_ARGS)
	CNNLIB_QUICK=1 $(PY) -m pytest tests/browser $(PYTEST_ARGS)

test-unit: install
	CNNLIB_QUICK=1 $(PY) -m pytest tests --ignore=tests/browser $(PYTEST_ARGS)

test-notebooks: install
	CNNLIB_QUICK=1 $(PY) -m pytest notebooks tools/notebook_template.ipynb $(PYTEST_ARGS)

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

# Navigation cells at the top and bottom of every notebook, and the index's table of contents,
# from the notebooks' titles; then every notebook is stripped again.
nav: install
	$(PY) -m tools.nav

html: install
	$(PY) -m tools.build_html

# axe-core (WCAG 2.1 A and AA) over every page of build/html, after `make html`: the serious and
# critical violations per page (the site test checks the pages it builds on every run).
a11y: install
	$(PY) -m tools.a11y build/html

# The pages' JavaScript is committed; this re-fetches the pinned npm versions (needs npm).
site-assets: install
	$(PY) -m tools.vendor_site_assets

# Full size, so notebook 07's model reads the drawn digit right (takes several minutes).
screenshots: install
	$(PY) -m tools.screenshots

# Every Chinese markdown cell whose English cell changed since it was translated (exit 1 if any).
translations: install
	$(PY) -m tools.translations

# The Chinese font cnnlib ships (cnnlib/text/fontdata): a subset of Debian's Noto Sans CJK SC
# holding every character of notebooks/zh and the Chinese catalogue; tests/test_fonts.py says when.
font: install
	$(PY) -m tools.font_subset

clean:
	rm -rf build .pytest_cache .hypothesis
