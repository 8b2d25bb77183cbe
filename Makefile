# Every target does its own setup: a .venv, the Debian packages, and the
# Python 2.7 libfaketimefs, so that a fresh machine needs only `make demo`
# or `make test`.

SHELL := /bin/bash
PYTHON ?= python3
PYTHON2 ?= $(HOME)/.pyenv/versions/2.7.18/bin/python2.7
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
LIBFAKETIMEFS := $(TOOLS)/libfaketimefs/bin/libfaketimefs
# The real AWS CLI with this package beside it, for the unmodified-program tests.
AWSCLI := $(TOOLS)/awscli/bin/aws
DEBIAN_PACKAGES := libfaketime libfuse2 fuse3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The matrix's interpreters: pyenv's, put on PATH for nox.
PYENV_PATH := $(subst $(eval) ,:,$(wildcard $(HOME)/.pyenv/versions/3.*/bin))

.PHONY: demo test test-matrix lint bench tools debs venv clean

demo: tools venv
	PYTHONPATH=. $(PY) demo/demo.py

test: tools venv
	$(PY) -m pytest

test-matrix: tools venv
	PATH="$(PYENV_PATH):$$PATH" $(VENV)/bin/nox

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict

bench: tools venv
	PYTHONPATH=. $(PY) benchmarks/bench.py

tools: debs $(LIBFAKETIMEFS) $(AWSCLI)

debs:
	@missing=""; \
	for package in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(LIBFAKETIMEFS):
	@test -x $(PYTHON2) || { echo "Python 2.7 not found at $(PYTHON2) (set PYTHON2=...)"; exit 1; }
	PYENV_VERSION=2.7.18 $(PYTHON2) -m pip install --quiet --disable-pip-version-check \
	  --no-warn-script-location --target $(TOOLS)/libfaketimefs libfaketimefs==0.0.4

$(AWSCLI): pyproject.toml libfaketimefs_botocore/*.py startup/*
	$(PYTHON) -m venv $(TOOLS)/awscli
	$(TOOLS)/awscli/bin/pip install --quiet --disable-pip-version-check awscli .
	touch $@

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml startup/*
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --upgrade "pip>=25.1"
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e . --group dev
	touch $@

clean:
	rm -rf $(VENV) $(TOOLS) .nox .mypy_cache .ruff_cache .pytest_cache dist build
