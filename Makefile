# kmsguard.alarms: every command the README names. Each target bootstraps what it needs itself.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell tools/find-python)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# ansible-test and ansible-playbook need the checkout at a path ending in ansible_collections/kmsguard/alarms.
COLLECTIONS := $(CURDIR)/.build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/kmsguard/alarms
SANITY_TREE := $(CURDIR)/.build/sanity/ansible_collections/kmsguard/alarms
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PATH := $(BIN):$(PATH)
PYTEST_WORKERS ?= 2

.PHONY: help venv lint sanity unit integration molecule test demo bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "no Python >= 3.12 found: run make PYTHON=/path/to/python3.12" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

venv: $(VENV)/.installed $(COLLECTION_LINK)  ## create .venv with the runtime and test requirements

lint: venv  ## ansible-lint (production profile) and ruff
	$(BIN)/ruff check plugins tests tools
	$(BIN)/ansible-lint --profile production

sanity: venv  ## ansible-test sanity, offline-capable, on a copy of the tracked files
	$(BIN)/python tools/prepare_sanity.py --tree $(SANITY_TREE)
	cd $(SANITY_TREE) && $(BIN)/ansible-test sanity --python $$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') --color no

unit: venv  ## pytest unit tests (no network)
	$(BIN)/python -m pytest -q tests/unit

integration: venv  ## real ansible-playbook runs against a moto server on 127.0.0.1
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) tests/integration

test: lint sanity unit integration  ## every check: lint, sanity, unit, integration, molecule

clean:  ## remove .venv, .build and test output
	rm -rf $(VENV) .build tests/output .pytest_cache
