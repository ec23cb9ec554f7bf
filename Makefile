# Two commands for learners:  make lab   and   make test
# Everything installs into .venv from the pinned versions in requirements.lock.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.dlnotes-installed
PORT   ?= 8888
# make test runs in smoke mode (short but real training); `make test SMOKE=0` runs full size.
SMOKE  ?= 1
PYTEST_ARGS ?=
BENCH_ARGS ?=
# Two pytest workers: one core runs a notebook while the other runs the next test file.
WORKERS ?= 2
# With two workers on two cores, one BLAS thread each avoids oversubscription (4x faster here).
TEST_ENV = DLNOTES_SMOKE=$(SMOKE) OPENBLAS_NUM_THREADS=1
LAB_ARGS ?=
# `make lab EDITION=zh` opens the Chinese edition's index (notebooks/zh/).
EDITION ?= en
INDEX := $(if $(filter zh,$(EDITION)),notebooks/zh/00_index.ipynb,notebooks/00_index.ipynb)
# Jupyter refuses to run as root without this flag (containers, CI runners).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help install lab test unit notebooks bench sweeps book book-check lock clean

help:
	@echo "make lab     install into $(VENV) (first time only) and open JupyterLab on the index"
	@echo "             (make lab EDITION=zh: the Chinese edition, notebooks/zh/)"
	@echo "make test    install, then run every test: unit tests and every notebook (smoke mode)"
	@echo "make bench   run the benchmarks and write benchmarks/results/"
	@echo "make sweeps  train chapter 08's default sweeps and the chapters' comparison runs into data/sweeps.json"
	@echo "make book    the static HTML book of every chapter, both editions, executed in full mode"
	@echo "             (make book SMOKE=1: smoke mode, quick); output in build/book/<mode>/html"
	@echo "make lock    re-resolve the newest allowed versions into requirements.lock"
	@echo "make clean   remove $(VENV), caches and generated results"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency files change.
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	@touch $@

install: $(STAMP)

lab: install
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		--ServerApp.root_dir=$(CURDIR) $(ROOT_FLAG) $(LAB_ARGS) $(INDEX)

test: install
	$(TEST_ENV) $(BIN)/python -m pytest -n $(WORKERS) --dist loadscope \
		--nbval-lax --nbval-cell-timeout=900 tests notebooks $(PYTEST_ARGS)

unit: install
	$(TEST_ENV) $(BIN)/python -m pytest tests $(PYTEST_ARGS)

notebooks: install
	$(TEST_ENV) $(BIN)/python -m pytest --nbval-lax --nbval-cell-timeout=900 notebooks $(PYTEST_ARGS)

# make bench BENCH_ARGS=--full also times every notebook in full mode (slow: real training).
bench: install
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# The hyperparameter explorer's default sweeps and chapters 08-09's full-mode comparison runs, trained
# once and shipped (data/sweeps.json); only what the file lacks for the installed versions is trained.
sweeps: install
	$(BIN)/python -m benchmarks.sweeps
	$(BIN)/python -m benchmarks.readme

# The static book (Sphinx + myst-nb, configured in notebooks/_book/conf.py). Full mode unless
# SMOKE is given on the command line or in the environment; each mode has its own output and
# execution cache, so a second build re-executes only the chapters whose code changed.
BOOK_SMOKE := $(if $(filter command line environment,$(origin SMOKE)),$(SMOKE),0)
BOOK_MODE  := $(if $(filter 0,$(BOOK_SMOKE)),full,smoke)
BOOK_DIR   := build/book/$(BOOK_MODE)
BOOK_STAMP := $(VENV)/.dlnotes-book-installed

$(BOOK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test,book]'
	@touch $@

book: $(BOOK_STAMP)
	DLNOTES_SMOKE=$(BOOK_SMOKE) $(BIN)/python -m sphinx -b html -q \
		-c notebooks/_book -d $(BOOK_DIR)/.doctrees notebooks $(BOOK_DIR)/html
	$(BIN)/python notebooks/_book/check.py $(BOOK_DIR)/html
	DLNOTES_BOOK_HTML=$(BOOK_DIR)/html $(BIN)/python -m pytest -q -p no:cacheprovider tests/browser/test_book_pages.py
	@echo "The book: $(BOOK_DIR)/html/00_index.html"

# Check a built book again without building it: every page's files (images, internal links, math),
# then every page in Chromium (images shown, math typeset, explorer pictures, search; screenshots).
book-check:
	$(PYTHON) notebooks/_book/check.py $(BOOK_DIR)/html
	DLNOTES_BOOK_HTML=$(BOOK_DIR)/html $(BIN)/python -m pytest -q -p no:cacheprovider tests/browser/test_book_pages.py

# Refresh the lock: resolve the newest versions pyproject.toml allows in a scratch venv.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[test,book]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^dlnotes' > requirements.lock
	rm -rf .lock-venv
	@echo "requirements.lock refreshed; run make test, then commit it."

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info benchmarks/results/*.json test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
