# RegNet Lab: the two commands (see README.md).
#
#   make book   set up .venv and the data, execute every chapter in the default budget
#               (REGNET_LAB_BUDGET, else "gpu" with CUDA and "cpu" without) and write _build/html
#   make test   the same set-up plus system packages, then: unit tests, every chapter under
#               nbval in the "ci" budget, the book built with warnings as errors ("ci" budget),
#               and the browser check of every page (screenshots in _build/screenshots)
#
# Each target does its own set-up, so both work on a fresh clone (Debian 12, python3, root for
# the apt-get steps). Smaller steps: make env | data | sync | unit | nbval | book-ci | browser.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
JB := $(VENV)/bin/jupyter-book
STAMP := $(VENV)/.regnet-lab-installed
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)

FMNIST_SYSTEM := /usr/share/datasets/fashion-mnist
FMNIST_DATA := data/fashion-mnist
FMNIST_FILES := train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz

CI_BUDGET := REGNET_LAB_BUDGET=ci
# Explorers (rl.explore) precompute their states into the static pages (book/_ext sets it too).
STATIC_EXPLORERS := REGNET_LAB_EXPLORERS=static

.PHONY: help book test env data system-deps sync unit nbval book-ci browser clean

help:
	@sed -n '3,11p' Makefile | sed 's/^# \{0,1\}//'

# ---- the two commands ---------------------------------------------------------------------

book: env data
	rm -rf _build/html
	$(STATIC_EXPLORERS) $(JB) build . --all
	@echo "Book written to _build/html: open _build/html/index.html, or serve it with"
	@echo "  $(PY) -m http.server -d _build/html 8000   and visit http://127.0.0.1:8000"

test: env data system-deps
	@start=$$(date +%s); \
	for step in unit nbval book-ci browser; do \
	  t=$$(date +%s); \
	  $(MAKE) --no-print-directory $$step; \
	  echo "== make $$step: $$(( $$(date +%s) - t )) s"; \
	done; \
	echo "make test: all checks passed in $$(( $$(date +%s) - start )) s (after set-up)"

# ---- set-up -------------------------------------------------------------------------------

env: $(STAMP)

# The virtual environment: requirements.txt plus the package itself, editable. Debian's python3
# needs python3-venv for `-m venv`; it is installed when missing and we are root.
$(STAMP): requirements.txt pyproject.toml
	@if [ ! -x $(PY) ]; then \
	  if ! $(PYTHON) -m venv $(VENV) 2>/dev/null; then \
	    rm -rf $(VENV); \
	    if [ "$(IS_ROOT)" = yes ] && command -v apt-get >/dev/null; then \
	      apt-get update -q && apt-get install -y -q python3-venv; \
	      $(PYTHON) -m venv $(VENV); \
	    else \
	      echo "could not create $(VENV): install python3-venv (Debian) and retry" >&2; exit 1; \
	    fi; \
	  fi; \
	fi
	$(PY) -m pip install -q -r requirements.txt -e .
	touch $@

# Fashion-MNIST into data/ (git-ignored): from Debian's dataset-fashion-mnist package, installed
# with apt-get when we are root and it is missing; otherwise regnet_lab downloads it through
# torchvision the first time a chapter needs it (where there is a network, e.g. on Colab).
data:
	@if [ -d $(FMNIST_SYSTEM) ] || [ -f $(FMNIST_DATA)/train-images-idx3-ubyte.gz ]; then :; \
	elif [ "$(IS_ROOT)" = yes ] && command -v apt-get >/dev/null; then \
	  { apt-get update -q && apt-get install -y -q dataset-fashion-mnist; } \
	    || echo "apt-get could not install dataset-fashion-mnist"; \
	fi
	@mkdir -p $(FMNIST_DATA)
	@for f in $(FMNIST_FILES); do \
	  if [ ! -f $(FMNIST_DATA)/$$f ] && [ -f $(FMNIST_SYSTEM)/$$f ]; then cp $(FMNIST_SYSTEM)/$$f $(FMNIST_DATA)/; fi; \
	done
	@if [ -f $(FMNIST_DATA)/train-images-idx3-ubyte.gz ]; then \
	  echo "Fashion-MNIST: $(FMNIST_DATA)"; \
	else \
	  echo "Fashion-MNIST not found locally: regnet_lab will download it through torchvision when needed"; \
	fi

# Debian packages the tests need: Chromium for the browser check (its driver too, for anyone
# who prefers Selenium), and the data set.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium fonts-liberation"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	[ -d $(FMNIST_SYSTEM) ] || missing="$$missing dataset-fashion-mnist"; \
	if [ -n "$$missing" ]; then \
	  if [ "$(IS_ROOT)" = yes ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	  else \
	    echo "missing Debian packages:$$missing (run as root, or install them)" >&2; exit 1; \
	  fi; \
	fi

# ---- pieces of `make test` ------------------------------------------------------------------

# Rewrite the chapters' Colab badge/setup cells from _config.yml and strip outputs.
sync: env
	$(PY) tools/sync_notebooks.py

unit:
	$(PY) -m pytest -q tests

# Every chapter runs top to bottom without an error in the "ci" budget; outputs are not compared
# (--nbval-lax), except in cells marked `# NBVAL_CHECK_OUTPUT`.
nbval:
	$(CI_BUDGET) $(PY) -m pytest -q -p no:cacheprovider --nbval-lax chapters

book-ci:
	rm -rf _build/html _build/screenshots
	$(CI_BUDGET) $(STATIC_EXPLORERS) $(JB) build . --all -W -n --keep-going

browser:
	$(PY) tests/browser/check_book.py _build/html

clean:
	rm -rf _build
