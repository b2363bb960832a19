# The two commands a new user runs: `make up` (the engine with its demo) and `make test` (every test).
# The interpreter the venv is built on: the system's python3 when it is 3.11 or newer, else the python3 on PATH
# (`make install PYTHON=...` chooses another). Debian's python3, like the official Docker image the Dockerfile starts
# from, is built with profile-guided and link-time optimization; a plain source build (pyenv's default, first on
# PATH on these machines) ran detect's scoring 10-15 % slower, the same code in the same minutes (docs/detect.md).
SYSTEM_PYTHON := $(shell /usr/bin/python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' \
                   >/dev/null 2>&1 && echo /usr/bin/python3)
PYTHON ?= $(or $(SYSTEM_PYTHON),python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up test install lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel setuptools
	$(BIN)/pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

up: $(STAMP)
	$(BIN)/rrm up

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf var .pytest_cache
