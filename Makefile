# kmsguard.alarms: every command the README names. Each target bootstraps what it needs itself.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# A Python >= 3.12 for .venv: found by tools/find-python, or `make test PYTHON=/path/to/python3.12`.
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
# The stages of `make test`, in order. Molecule scenarios run in the molecule stage.
TEST_STAGES := lint sanity unit integration test-reliability molecule


.PHONY: help venv lint ruff ansible-lint changelog-lint sanity unit integration test-reliability reliability-report molecule test demo bench clean
.PHONY: why-not-amazon-aws ee

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt tools/requirements-sanity.txt
	@test -n "$(PYTHON)" || { echo "no Python >= 3.12 found: run make PYTHON=/path/to/python3.12" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -r tools/requirements-sanity.txt
	touch $@

# The link every make target needs before it runs anything; Python code that may run without make (tests, demo,
# bench) makes the same link itself with tests/support/collection_link.py.
venv: $(VENV)/.installed  ## create .venv with the runtime and test requirements
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)

lint: ruff ansible-lint changelog-lint  ## ruff, ansible-lint (production profile), changelog fragments

ruff: venv  ## ruff lint and format check of the Python code
	status=0; ruff check . || status=1; ruff format --check . || status=1; exit $$status

ansible-lint: venv  ## ansible-lint, production profile, offline (.ansible-lint)
	ansible-lint --profile production

changelog-lint: venv  ## antsibull-changelog lint of changelogs/
	antsibull-changelog lint && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

# ansible-test shares its sanity virtual environments (~/.ansible/test/venv) between runs and builds them without
# locking: the lock keeps two runs of this target from building the same one at the same time.
sanity: venv  ## ansible-test sanity, offline, on a copy of the collection's files
	python tools/prepare_sanity.py --tree $(SANITY_TREE)
	cd $(SANITY_TREE) && flock $$HOME/.ansible/test/sanity.lock \
		ansible-test sanity --python $$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# pytest exits 5 when it collects no test: for these suites that is a defect, and make fails on it.
unit: venv  ## pytest unit tests (no network)
	python -m pytest -q tests/unit

integration: venv  ## real ansible-playbook runs against a moto server on 127.0.0.1 (without the reliability runs)
	python -m pytest -q -n $(PYTEST_WORKERS) -m "not reliability" tests/integration

# The heavy runs: site.yml under throttling and 503s (5 seeds, both topologies), killed at 10 points and re-run.
# Every test of test_reliability.py (these and the lighter ones make integration runs) writes its figures to
# tests/output/reliability/; reliability-report turns them into docs/reliability.md.
test-reliability: venv  ## fault-injection and kill runs (part of make test); figures in tests/output/reliability
	python -m pytest -q -n $(PYTEST_WORKERS) -m reliability tests/integration

reliability-report: venv  ## docs/reliability.md from the figures of the last make test-reliability
	python tools/reliability_report.py

# Scenarios live in extensions/molecule/<scenario>/; from the collection root molecule finds them all.
molecule: venv  ## molecule scenarios, against moto on 127.0.0.1
	molecule test --all

test:  ## bootstrap .venv, then every check: lint, sanity, unit, integration, reliability, molecule (times each stage)
	@MAKE="$(MAKE)" tools/run-stages venv -- $(TEST_STAGES)

demo: venv  ## deploy to 3 regions of a local moto server, re-run (0 changed), --check --diff, summary
	python tools/demo.py

# A quick run: make bench BENCH_ARGS="--rounds 1 --regions 1,4 --output -" (tools/bench.py --help lists the options).
why-not-amazon-aws: venv  ## show on moto what amazon.aws/community.aws modules do differently (README)
	python tools/why_not_amazon_aws.py

bench: venv  ## the role against a plain amazon.aws playbook, 1 and 16 regions; writes docs/benchmarks.md
	python tools/bench.py $(BENCH_ARGS)

# Building the image needs podman or docker: ansible-builder build -f execution-environment.yml -c .build/ee -t TAG
ee: venv  ## the execution environment's build context (ansible-builder create) in .build/ee
	ansible-builder create -f execution-environment.yml -c .build/ee --output-filename Containerfile

clean:  ## remove .venv, .build and test output
	rm -rf $(VENV) .build tests/output .pytest_cache .ruff_cache
