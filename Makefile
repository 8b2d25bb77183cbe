# Every target does its own setup: a .venv, the Debian packages, and the
# Python 2.7 libfaketimefs, so that a fresh machine needs only `make demo`
# or `make test`.

SHELL := /bin/bash
# The Python of .venv and of the AWS CLIs: 3.10 where pyenv has it, else python3.
# Under libfaketime driven by libfaketimefs, Python 3.11 reads the faked clock
# (each time the mount's faketimerc) some 4,500 times while it imports boto3,
# 3.13 some 2,000, 3.9 and 3.10 about 20: their faked processes start seven times
# faster. The matrix runs the others, 3.11 among them.
PYTHON ?= $(or $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10.*/bin/python3.10)),python3)
PYTHON2 ?= $(HOME)/.pyenv/versions/2.7.18/bin/python2.7
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
# uv makes every virtual environment and install: it is installed first, by pip.
UV_VERSION := 0.13.9
UV := $(TOOLS)/uv/bin/uv
# Compiled at install, as pip does: the tests' faked processes write no .pyc
# (PYTHONDONTWRITEBYTECODE), and would compile botocore at every start.
export UV_COMPILE_BYTECODE := 1
# What is costly to build and the same for every clone (the AWS CLIs, built
# once per version and Python) lies in the machine's cache, each entry made
# under a temporary name and renamed (tests/harness/cache-entry); the clone's
# .tools takes it from there, with this package put in afresh.
CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/libfaketimefs-botocore
CACHE_ENTRY := tests/harness/cache-entry
LIBFAKETIMEFS := $(TOOLS)/libfaketimefs/bin/libfaketimefs
PACKAGE_FILES := pyproject.toml $(shell find libfaketimefs_botocore startup -name '*.py' -o -name '*.pth')
# The real AWS CLI v1 (pip's), in a venv of the clone's whose Python also finds
# the cached install: this package in the venv, the AWS CLI beside it.
AWSCLI_V1 := 1.46.3
AWSCLI_V1_CACHE := $(CACHE)/awscli-$(AWSCLI_V1)-python$(PYTHON_VERSION)
AWSCLI := $(TOOLS)/awscli/bin/aws
# The AWS CLI v2 from its source: installed from source with this package beside
# it, and built into the frozen binary that the official installer ships,
# installed as that installer does. The source is ../shared's copy when there is
# one (or AWSCLI_V2_TARBALL), else AWS's published source release.
AWSCLI_V2 := 2.36.7
AWSCLI_V2_TARBALL ?= $(wildcard ../shared/awscli-$(AWSCLI_V2)-source.tar.xz)
AWSCLI_V2_URL := https://awscli.amazonaws.com/awscli-$(AWSCLI_V2).tar.gz
AWSCLI_V2_SOURCE_TREE := $(TOOLS)/awscli-$(AWSCLI_V2)
AWSCLI_V2_SOURCE_CACHE := $(CACHE)/awscli-$(AWSCLI_V2)-source-python$(PYTHON_VERSION)
AWSCLI_V2_SOURCE := $(TOOLS)/awscli-v2-source/bin/aws
AWSCLI_V2_SOURCE_PACKAGE := $(TOOLS)/awscli-v2-source/.libfaketimefs-botocore
# The frozen build (PyInstaller's folder and the installer beside it) is cached;
# the clone's copy is installed from it by that installer.
AWSCLI_V2_FROZEN_CACHE := $(CACHE)/awscli-$(AWSCLI_V2)-frozen-python$(PYTHON_VERSION)
AWSCLI_V2_EXE := $(TOOLS)/awscli-v2-exe/bin/aws
# faketime: the command the README's shell examples run (tests/end_to_end/test_examples.py).
DEBIAN_PACKAGES := libfaketime faketime libfuse2 fuse3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The matrix's interpreters: pyenv's, put on PATH for nox.
PYENV_PATH := $(subst $(eval) ,:,$(wildcard $(HOME)/.pyenv/versions/3.*/bin))
# Test workers: most tests wait on a faked subprocess, a mount or a server, so
# more workers than cores pays.
WORKERS ?= 4
PYTEST_OPTIONS ?= -n $(WORKERS) --durations=20

.PHONY: test-sid sid-rebuild generate demo test test-matrix botocore-suite botocore-suite-full lint docs docs-fit bench tools awscli-v2 debs venv clean clean-cache

# The start-up hook's list of packages, from the integrations' registry.
generate: venv
	$(PY) startup/generate.py

demo: tools
	PYTHONPATH=. $(PY) demo/demo.py

test: tools
	$(PY) -m pytest $(PYTEST_OPTIONS)

test-matrix: debs venv $(LIBFAKETIMEFS)
	PATH="$(PYENV_PATH):$$PATH" $(VENV)/bin/nox

# botocore's own tests with this package in place (tests/botocore_suite/run.py):
# tests/unit of the oldest and the newest botocore, and the newest's
# tests/functional where it signs, judges credentials and builds endpoints.
# botocore-suite-full runs all of tests/functional (59,000 tests).
botocore-suite: venv
	PATH="$(PYENV_PATH):$$PATH" $(VENV)/bin/nox -s botocore-suite-oldest botocore-suite-newest

botocore-suite-full: venv
	PATH="$(PYENV_PATH):$$PATH" $(VENV)/bin/nox -s botocore-suite-oldest botocore-suite-newest \
	  -- full

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict
	$(VENV)/bin/lint-imports --no-cache

# The manual: warnings are errors, and with them every internal link and
# anchor that does not resolve (MyST) and every API reference (nitpicky).
# It runs `check` under libfaketime for the output it shows.
docs: debs venv
	$(VENV)/bin/python -m sphinx -E -a -W --keep-going -b html docs docs/_build/html

# Every page at 1280 pixels in headless Chromium (Debian's chromium, installed
# here if missing): tables and figures that do not fit, screenshots to look at.
docs-fit: docs
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium)
	$(UV) pip install --python $(VENV)/bin/python --group docs-fit
	$(VENV)/bin/python docs/_tools/fit.py --shots docs/_build/fit

bench: tools
	PYTHONPATH=. $(PY) benchmarks/bench.py

# Everything the tests need, side by side: mostly downloads, and one PyInstaller run.
tools:
	@$(MAKE) --no-print-directory -j6 debs venv $(LIBFAKETIMEFS) \
	  $(AWSCLI) $(AWSCLI_V2_SOURCE_PACKAGE) $(AWSCLI_V2_EXE) $(AARCH64_WHEELS) $(UPGRADE_WHEELS)

# The aarch64 wheels of the native clients installed here, at the same versions,
# and obstore 0.12.1's (its RELRO ends in the page of .data on a 64 KiB kernel):
# their shared objects' clock slots are read as files by tests/unit/test_native_elf.py,
# against readelf -r, on a machine that is not aarch64.
AARCH64_WHEELS := $(TOOLS)/aarch64-wheels/.downloaded
$(AARCH64_WHEELS): $(VENV)/.installed-python$(PYTHON_VERSION)
	rm -rf $(TOOLS)/aarch64-wheels
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
	  $(foreach v,2014 _2_24 _2_28,--platform manylinux$(v)_aarch64) --python-version 3.11 \
	  -d $(TOOLS)/aarch64-wheels $$($(PY) -c 'import importlib.metadata as m; \
	    print(*(f"{p}=={m.version(p)}" for p in ("obstore", "pyarrow")))')
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
	  $(foreach v,2014 _2_24 _2_28,--platform manylinux$(v)_aarch64) --python-version 3.11 \
	  -d $(TOOLS)/aarch64-wheels obstore==0.12.1
	touch $@

# obstore 0.12.1's x86_64 wheel: its object is renamed over a loaded 0.11.1's (an upgrade in
# place) by tests/end_to_end/test_native_clients.py.
UPGRADE_WHEELS := $(TOOLS)/upgrade-wheels/.downloaded
$(UPGRADE_WHEELS): $(VENV)/.installed-python$(PYTHON_VERSION)
	rm -rf $(TOOLS)/upgrade-wheels
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
	  --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --python-version 3.11 \
	  -d $(TOOLS)/upgrade-wheels obstore==0.12.1
	touch $@

# Debian sid's Python 3.14 and 3.15 and its libfaketime 0.9.12, in a chroot built with
# debootstrap once per machine (about 100 s) and cached; sid moves daily, so it is built
# again when older than a week, or with `make sid-rebuild`. Its versions: $(SID_ROOT)/.versions.
# Named by the build script's hash, so that a change to what it installs builds anew.
SID_ROOT := $(CACHE)/debian-sid-$(shell sha256sum tests/sid/build.sh | cut -c1-12)
SID_PYTHONS := 3.14 3.15
test-sid: venv $(LIBFAKETIMEFS) $(UV)
	@if [ ! -f $(SID_ROOT)/.versions ] || [ -n "$$(find $(SID_ROOT)/.versions -mtime +7)" ]; then \
	  bash tests/sid/build.sh $(SID_ROOT); fi
	@status=0; for version in $(SID_PYTHONS); do \
	  bash tests/sid/run.sh $(SID_ROOT) $$version $(PYTHON2) || status=1; done; exit $$status

sid-rebuild:
	bash tests/sid/build.sh $(SID_ROOT)

awscli-v2: $(AWSCLI_V2_SOURCE_PACKAGE) $(AWSCLI_V2_EXE)

debs:
	@missing=""; \
	for package in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
	  --target $(TOOLS)/uv "uv==$(UV_VERSION)"

$(LIBFAKETIMEFS):
	@test -x $(PYTHON2) || { echo "Python 2.7 not found at $(PYTHON2) (set PYTHON2=...)"; exit 1; }
	PYENV_VERSION=2.7.18 $(PYTHON2) -m pip install --quiet --disable-pip-version-check \
	  --no-warn-script-location --target $(TOOLS)/libfaketimefs libfaketimefs==0.0.4

# $(call overlay_venv,VENV,CACHED): a venv of the clone's whose Python also finds
# the cached venv's packages (a .pth adds them as a site folder, after its own),
# with this package and what it needs in the venv, as `pip install` puts them:
# at the versions the cached venv has, where it has them.
define overlay_venv
rm -rf $(1)
$(UV) venv --quiet --seed --python $(PYTHON) $(1)
echo "import site; site.addsitedir('$(2)/lib/python$(PYTHON_VERSION)/site-packages')" \
  > $(1)/lib/python$(PYTHON_VERSION)/site-packages/00-cached-install.pth
$(UV) pip freeze --python $(2)/bin/python | grep -v ' @ ' > $(1)/cached-versions.txt
$(UV) pip install --quiet --python $(1)/bin/python --constraint $(1)/cached-versions.txt .
endef

# $(call cached_script,CACHED,VENV,SCRIPT): the cached install's script, run by the venv's Python.
define cached_script
sed '1s|^#!.*|#!$(abspath $(2))/bin/python3|' $(1)/bin/$(notdir $(3)) > $(3)
chmod +x $(3)
endef

$(AWSCLI_V1_CACHE): | $(UV)
	$(CACHE_ENTRY) $@ '$(UV) venv --quiet --allow-existing --python $(PYTHON) "$$BUILD" && \
	  $(UV) pip install --quiet --python "$$BUILD/bin/python" awscli==$(AWSCLI_V1)'

$(AWSCLI): $(AWSCLI_V1_CACHE) $(PACKAGE_FILES) | $(UV)
	$(call overlay_venv,$(TOOLS)/awscli,$(AWSCLI_V1_CACHE))
	$(call cached_script,$(AWSCLI_V1_CACHE),$(TOOLS)/awscli,$@)

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

# A source install, as Homebrew and Linux distributions make it, from a copy of
# the source (the frozen build below builds in a copy of its own at the same time).
$(AWSCLI_V2_SOURCE_CACHE): | $(UV) $(AWSCLI_V2_SOURCE_TREE)/configure
	$(CACHE_ENTRY) $@ 'cp -a $(AWSCLI_V2_SOURCE_TREE) "$$BUILD/source" && \
	  $(UV) venv --quiet --allow-existing --python $(PYTHON) "$$BUILD" && \
	  $(UV) pip install --quiet --python "$$BUILD/bin/python" "$$BUILD/source" && \
	  rm -rf "$$BUILD/source"'

$(AWSCLI_V2_SOURCE_PACKAGE): $(AWSCLI_V2_SOURCE_CACHE) $(PACKAGE_FILES) | $(UV)
	$(call overlay_venv,$(TOOLS)/awscli-v2-source,$(AWSCLI_V2_SOURCE_CACHE))
	$(call cached_script,$(AWSCLI_V2_SOURCE_CACHE),$(TOOLS)/awscli-v2-source,$(AWSCLI_V2_SOURCE))
	touch $@

# The frozen binary (PyInstaller, with the Python that builds it), built in a
# copy of the source; the cache keeps what the build makes for the installer.
$(AWSCLI_V2_FROZEN_CACHE): | $(AWSCLI_V2_SOURCE_TREE)/configure
	$(CACHE_ENTRY) $@ 'cp -a $(AWSCLI_V2_SOURCE_TREE) "$$BUILD/source" && cd "$$BUILD/source" && \
	  ./configure --quiet PYTHON="$$(command -v $(PYTHON))" \
	    --with-install-type=portable-exe --with-download-deps && \
	  env -u MAKEFLAGS -u MAKELEVEL $(MAKE) --no-print-directory && \
	  mv build/exe/aws "$$BUILD/aws" && cd "$$BUILD" && rm -rf source'

# Installed by the installer the build makes: bin/aws -> v2/current/bin/aws -> dist/aws.
$(AWSCLI_V2_EXE): $(AWSCLI_V2_FROZEN_CACHE)
	rm -rf $(TOOLS)/awscli-v2-exe
	$(AWSCLI_V2_FROZEN_CACHE)/aws/install \
	  -i $(abspath $(TOOLS)/awscli-v2-exe) -b $(abspath $(TOOLS)/awscli-v2-exe/bin) >/dev/null
	touch $@

venv: $(VENV)/.installed-python$(PYTHON_VERSION)

# Named for its Python: another PYTHON makes it anew.
$(VENV)/.installed-python$(PYTHON_VERSION): pyproject.toml startup/* | $(UV)
	rm -rf $(VENV)
	$(UV) venv --quiet --seed --python $(PYTHON) $(VENV)
	$(UV) pip install --quiet --python $(PY) -e . --group dev
	touch $@

clean:
	rm -rf $(VENV) $(TOOLS) .nox .mypy_cache .ruff_cache .pytest_cache dist build docs/_build

# The AWS CLIs built for every clone of this machine, and the sid chroot: never through
# the mounts a killed `make test-sid` may have left inside it (the clone, /dev).
clean-cache:
	@if grep -q " $(CACHE)/" /proc/self/mounts; then \
	  echo "mounts under $(CACHE) (a make test-sid killed?): unmount them first" >&2; exit 1; fi
	rm -rf $(CACHE)
