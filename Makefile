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
PACKAGE_FILES := pyproject.toml $(shell find libfaketimefs_botocore startup -name '*.py' -o -name '*.pth')
# The AWS CLI v2 from its source: installed from source with this package beside
# it, and built into the frozen binary that the official installer ships,
# installed as that installer does. The source is ../shared's copy when there is
# one (or AWSCLI_V2_TARBALL), else AWS's published source release.
AWSCLI_V2 := 2.36.7
AWSCLI_V2_TARBALL ?= $(wildcard ../shared/awscli-$(AWSCLI_V2)-source.tar.xz)
AWSCLI_V2_URL := https://awscli.amazonaws.com/awscli-$(AWSCLI_V2).tar.gz
AWSCLI_V2_SOURCE_TREE := $(TOOLS)/awscli-$(AWSCLI_V2)
AWSCLI_V2_SOURCE := $(TOOLS)/awscli-v2-source/bin/aws
AWSCLI_V2_SOURCE_PACKAGE := $(TOOLS)/awscli-v2-source/.libfaketimefs-botocore
AWSCLI_V2_EXE := $(TOOLS)/awscli-v2-exe/bin/aws
# faketime: the command the README's shell examples run (tests/test_examples.py).
DEBIAN_PACKAGES := libfaketime faketime libfuse2 fuse3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The matrix's interpreters: pyenv's, put on PATH for nox.
PYENV_PATH := $(subst $(eval) ,:,$(wildcard $(HOME)/.pyenv/versions/3.*/bin))

.PHONY: demo test test-matrix botocore-suite lint docs bench tools awscli-v2 debs venv clean

demo: tools venv
	PYTHONPATH=. $(PY) demo/demo.py

test: tools venv
	$(PY) -m pytest

test-matrix: tools venv
	PATH="$(PYENV_PATH):$$PATH" $(VENV)/bin/nox

# botocore's own tests with this package in place: see tests/botocore_suite/run.py.
botocore-suite: venv
	PATH="$(PYENV_PATH):$$PATH" $(VENV)/bin/nox -s botocore-suite-oldest botocore-suite-newest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict

# The manual: warnings are errors, and with them every internal link and
# anchor that does not resolve (MyST) and every API reference (nitpicky).
# It runs `check` under libfaketime for the output it shows.
docs: debs venv
	$(VENV)/bin/python -m sphinx -E -a -W --keep-going -b html docs docs/_build/html

bench: tools venv
	PYTHONPATH=. $(PY) benchmarks/bench.py

tools: debs $(LIBFAKETIMEFS) $(AWSCLI) $(AWSCLI_V2_SOURCE_PACKAGE) $(AWSCLI_V2_EXE)

awscli-v2: $(AWSCLI_V2_SOURCE_PACKAGE) $(AWSCLI_V2_EXE)

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

$(AWSCLI): $(PACKAGE_FILES)
	$(PYTHON) -m venv $(TOOLS)/awscli
	$(TOOLS)/awscli/bin/pip install --quiet --disable-pip-version-check awscli .
	touch $@

$(AWSCLI_V2_SOURCE_TREE)/configure:
	mkdir -p $(TOOLS)
	@if [ -n "$(AWSCLI_V2_TARBALL)" ]; then \
	  tar -xf "$(AWSCLI_V2_TARBALL)" -C $(TOOLS); \
	else \
	  echo "The AWS CLI v2 source is not in ../shared: taking $(AWSCLI_V2_URL)"; \
	  $(PYTHON) -c 'import sys, urllib.request; urllib.request.urlretrieve(*sys.argv[1:])' \
	    $(AWSCLI_V2_URL) $(TOOLS)/awscli-$(AWSCLI_V2).tar.gz && \
	  tar -xf $(TOOLS)/awscli-$(AWSCLI_V2).tar.gz -C $(TOOLS); \
	fi
	@test -f $@ || { echo "$@ is not in the AWS CLI v2 source (set AWSCLI_V2_TARBALL=...)"; exit 1; }
	touch $@

# A source install, as Homebrew and Linux distributions make it; this package
# is reinstalled on its own when it changes.
$(AWSCLI_V2_SOURCE): $(AWSCLI_V2_SOURCE_TREE)/configure
	rm -rf $(TOOLS)/awscli-v2-source
	$(PYTHON) -m venv $(TOOLS)/awscli-v2-source
	$(TOOLS)/awscli-v2-source/bin/pip install --quiet --disable-pip-version-check \
	  ./$(AWSCLI_V2_SOURCE_TREE)
	touch $@

$(AWSCLI_V2_SOURCE_PACKAGE): $(AWSCLI_V2_SOURCE) $(PACKAGE_FILES)
	$(TOOLS)/awscli-v2-source/bin/pip install --quiet --disable-pip-version-check .
	$(TOOLS)/awscli-v2-source/bin/pip install --quiet --disable-pip-version-check \
	  --force-reinstall --no-deps .
	touch $@

# The frozen binary (PyInstaller, with the Python that builds it), installed by
# the installer the build makes: bin/aws -> v2/current/bin/aws -> dist/aws.
$(AWSCLI_V2_EXE): $(AWSCLI_V2_SOURCE_TREE)/configure
	rm -rf $(TOOLS)/awscli-v2-exe $(AWSCLI_V2_SOURCE_TREE)/build
	cd $(AWSCLI_V2_SOURCE_TREE) && \
	  ./configure --quiet PYTHON="$$(command -v $(PYTHON))" \
	    --with-install-type=portable-exe --with-download-deps && \
	  env -u MAKEFLAGS -u MAKELEVEL $(MAKE) --no-print-directory
	$(AWSCLI_V2_SOURCE_TREE)/build/exe/aws/install \
	  -i $(abspath $(TOOLS)/awscli-v2-exe) -b $(abspath $(TOOLS)/awscli-v2-exe/bin)
	touch $@

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml startup/*
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --upgrade "pip>=25.1"
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e . --group dev
	touch $@

clean:
	rm -rf $(VENV) $(TOOLS) .nox .mypy_cache .ruff_cache .pytest_cache dist build docs/_build
