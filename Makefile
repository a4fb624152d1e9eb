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
# The oldest supported combination (requirements-oldest.txt: ansible 11.0.0 = ansible-core 2.18 with amazon.aws and
# community.aws 9.0.0) on the oldest Python it runs on, in a venv of its own.
OLDEST_PYTHON ?= python3.11
VENV_OLDEST := .venv-oldest
OLDEST_SANITY_TREE := $(CURDIR)/.build/sanity-oldest/ansible_collections/kmsguard/alarms
# The sanity tests whose result depends on the ansible-core and amazon.aws versions: can the modules and plugins be
# compiled and imported, do their docs load and agree with the argument specs. (Code style: `make sanity`.)
OLDEST_SANITY_TESTS := action-plugin-docs ansible-doc compile import runtime-metadata validate-modules yamllint
# The integration tests of the matrix: the modules that the role and the playbooks run, end to end on this combination
# (site and teardown in both topologies, the topic's key, the detailed notification, verify, investigate and
# cancel_deletion), the built tarball installed and run, metric_filter_test, each module's bad input, the action
# group, the exact IAM policy, the inventory plugin, and the lighter reliability cases (each protocol's throttling
# answer, IAM propagation, secrets with -vvv).
# The newest combination runs the rest as well, to keep `make test` within its time: each module's own edge cases
# (our own Python, which the unit tests also run here), the audit in depth, the AWX jobs, the execution environment
# (which pins its own ansible-core), the role's hardening cases and the measure of amazon.aws's own modules.
OLDEST_INTEGRATION := $(addprefix tests/integration/,test_role_pending_deletion_alarm.py test_role_topic_encryption.py \
	test_after_the_alarm.py test_release_artifact.py test_bad_input_matrix.py test_action_group.py \
	test_least_privilege.py test_reliability.py test_metric_filter_test.py test_aws_targets.py)
# galaxy-importer pins packages that conflict with .venv's: it has a venv of its own.
VENV_IMPORTER := .venv-importer
DIST := $(CURDIR)/.build/dist
VERSION = $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL = $(DIST)/kmsguard-alarms-$(VERSION).tar.gz
DOCS := $(CURDIR)/.build/docs
# antsibull-docs copies a dependency with `git ls-files` when it lies inside a git work tree (.venv does, where
# git ignores it): the ceiling makes it copy the ansible package's amazon.aws and community.aws as plain folders.
SITE_PACKAGES = $(shell $(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
ANTSIBULL_DOCS = GIT_CEILING_DIRECTORIES=$(realpath $(SITE_PACKAGES)) antsibull-docs
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PATH := $(BIN):$(PATH)
# One worker per core: the integration runs keep both busy (three workers on two cores took as long).
PYTEST_WORKERS ?= 2
# The slowest integration tests, listed at the end of each run: where `make test`'s time goes.
DURATIONS := --durations=15 --durations-min=20
# The fault runs wait part of the time (botocore's backoff after each injected fault): a third worker fills that.
RELIABILITY_WORKERS ?= 3
# The stages of `make test`, in order; a+b runs a and b at the same time (tools/run-stages). The linters each use one
# core, so the oldest combination's venv is built beside them. The reliability runs wait on retries and the oldest
# combination's sanity and unit tests use one core: molecule, the docs, the importer and the matrix run beside them.
TEST_STAGES := lint+sanity+venv-oldest unit integration test-reliability+molecule+docs-check+importer+test-matrix


.PHONY: help venv venv-oldest venv-importer lint ruff ansible-lint changelog-lint docs-lint sanity unit integration \
	test-reliability reliability-report molecule test-matrix build importer docs docs-check release test demo bench clean
.PHONY: why-not-amazon-aws ee

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

# --no-compile: pip would byte-compile every file of every package, the ansible package's thousands of modules of
# collections never imported here among them (a minute of CPU per venv); Python compiles what is imported, once.
PIP_INSTALL := -m pip install --quiet --no-compile
# ... provided Python may write what it compiled. Where the environment sets PYTHONDONTWRITEBYTECODE (some CI images
# do), every process compiled boto3, botocore, ansible and moto from source again: each ansible-playbook, each module
# run, each test worker. Measured on one lifecycle test: 58 s of CPU with it set, 40 s without.
unexport PYTHONDONTWRITEBYTECODE

$(VENV)/.installed: requirements.txt requirements-dev.txt tools/requirements-sanity.txt
	@test -n "$(PYTHON)" || { echo "no Python >= 3.12 found: run make PYTHON=/path/to/python3.12" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python $(PIP_INSTALL) --upgrade pip
	$(BIN)/python $(PIP_INSTALL) -r requirements-dev.txt -r tools/requirements-sanity.txt
	touch $@

# The link every make target needs before it runs anything; Python code that may run without make (tests, demo,
# bench) makes the same link itself with tests/support/collection_link.py.
venv: $(VENV)/.installed  ## create .venv with the runtime and test requirements
	@mkdir -p $(dir $(COLLECTION_LINK))
	@test "$$(readlink $(COLLECTION_LINK))" = "$(CURDIR)" || ln -sfn $(CURDIR) $(COLLECTION_LINK)

lint: ruff ansible-lint changelog-lint docs-lint  ## ruff, ansible-lint (production profile), changelog, docs

ruff: venv  ## ruff lint and format check of the Python code
	status=0; ruff check . || status=1; ruff format --check . || status=1; exit $$status

ansible-lint: venv  ## ansible-lint, production profile, offline (.ansible-lint)
	ansible-lint --profile production

changelog-lint: venv  ## antsibull-changelog lint of changelogs/, and galaxy.yml's version has its changelog
	antsibull-changelog lint && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
	python tools/release_check.py

docs-lint: venv  ## antsibull-docs lint of the extra docs and of every module's and role's documentation
	$(ANTSIBULL_DOCS) lint-collection-docs --plugin-docs --check-extra-docs-refs .

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
	python -m pytest -q $(DURATIONS) -n $(PYTEST_WORKERS) -m "not reliability" tests/integration

# The heavy runs: site.yml under throttling and 503s (5 seeds, both topologies), killed at 10 points and re-run.
# Every test of test_reliability.py (these and the lighter ones make integration runs) writes its figures to
# tests/output/reliability/; reliability-report turns them into docs/reliability.md.
test-reliability: venv  ## fault-injection and kill runs (part of make test); figures in tests/output/reliability
	python -m pytest -q $(DURATIONS) -n $(RELIABILITY_WORKERS) -m reliability tests/integration

reliability-report: venv  ## docs/reliability.md from the figures of the last make test-reliability
	python tools/reliability_report.py

# Scenarios live in extensions/molecule/<scenario>/; from the collection root molecule finds them all.
molecule: venv  ## molecule scenarios, against moto on 127.0.0.1
	molecule test --all

# The oldest supported combination in its own venv: sanity (the version-dependent tests), unit and integration.
$(VENV_OLDEST)/.installed: requirements-oldest.txt
	test -x $(VENV_OLDEST)/bin/python || $(OLDEST_PYTHON) -m venv $(VENV_OLDEST)
	$(VENV_OLDEST)/bin/python $(PIP_INSTALL) --upgrade pip
	$(VENV_OLDEST)/bin/python $(PIP_INSTALL) -r requirements-oldest.txt
	touch $@

venv-oldest: $(VENV_OLDEST)/.installed venv  ## create .venv-oldest: the oldest supported ansible on Python 3.11

test-matrix: venv-oldest  ## sanity, unit and integration tests on the oldest supported combination
	$(VENV_OLDEST)/bin/ansible --version | head -n 1
	$(VENV_OLDEST)/bin/python tools/prepare_sanity.py --tree $(OLDEST_SANITY_TREE)
	cd $(OLDEST_SANITY_TREE) && flock $$HOME/.ansible/test/sanity.lock $(CURDIR)/$(VENV_OLDEST)/bin/ansible-test \
		sanity --python 3.11 $(addprefix --test ,$(OLDEST_SANITY_TESTS))
	$(VENV_OLDEST)/bin/python -m pytest -q -p no:cacheprovider tests/unit
	$(VENV_OLDEST)/bin/python -m pytest -q -p no:cacheprovider $(DURATIONS) -n $(PYTEST_WORKERS) -m "not reliability" \
		$(OLDEST_INTEGRATION)

build: venv  ## ansible-galaxy collection build into .build/dist (galaxy.yml's build_ignore keeps dev files out)
	ansible-galaxy collection build --force --output-path $(DIST)

$(VENV_IMPORTER)/.installed: requirements-importer.txt
	@test -n "$(PYTHON)" || { echo "no Python >= 3.12 found: run make PYTHON=/path/to/python3.12" >&2; exit 1; }
	test -x $(VENV_IMPORTER)/bin/python || $(PYTHON) -m venv $(VENV_IMPORTER)
	$(VENV_IMPORTER)/bin/python $(PIP_INSTALL) --upgrade pip
	$(VENV_IMPORTER)/bin/python $(PIP_INSTALL) -r requirements-importer.txt
	touch $@

venv-importer: $(VENV_IMPORTER)/.installed

# galaxy-importer runs offline: no ansible-test container (tools/galaxy-importer.cfg), its ansible-lint offline.
importer: build venv-importer  ## Galaxy's import checks on the built tarball: any error or warning fails
	$(VENV_IMPORTER)/bin/python tools/galaxy_import_check.py $(TARBALL)

docs: venv  ## HTML docs of the collection with antsibull-docs into .build/docs/build/html
	rm -rf $(DOCS) && mkdir -m 700 -p $(DOCS)
	$(ANTSIBULL_DOCS) sphinx-init --use-current --squash-hierarchy --lenient --fail-on-error --dest-dir $(DOCS) \
		--project kmsguard.alarms --title "kmsguard.alarms documentation" \
		--copyright "Contributors to the kmsguard.alarms project" kmsguard.alarms
	echo 'intersphinx_mapping = {}  # built offline: references to docs.ansible.com stay plain text' >> $(DOCS)/conf.py
	cd $(DOCS) && ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ./build.sh
	@echo "open $(DOCS)/build/html/index.html"

docs-check: docs  ## make docs, then check that its index links every module, the role, the playbooks, each guide
	python -m pytest -q -p no:cacheprovider tests/docs

# The last step of a release, after every change is merged: changelogs/fragments -> CHANGELOG.rst for galaxy.yml's
# version (the fragments are then removed; `make changelog-lint` checks that version and changelog agree).
release: venv  ## antsibull-changelog release for galaxy.yml's version
	antsibull-changelog release --version $(VERSION)

test:  ## every check: lint, sanity, unit, integration, reliability, molecule, docs, importer, matrix (times each)
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

clean:  ## remove .venv, .venv-oldest, .venv-importer, .build and test output
	rm -rf $(VENV) $(VENV_OLDEST) $(VENV_IMPORTER) .build tests/output .pytest_cache .ruff_cache
