# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection as users get it: the tarball ``ansible-galaxy collection build`` makes, installed with
``ansible-galaxy collection install`` into an empty collections path, run by its FQCN playbooks against moto.

Nothing of the checkout is on any path of these runs: the collections path holds only the installed tarball and the
collections of the ``ansible`` package next to ``ansible-playbook``, the runs start in an empty folder with an empty
ansible.cfg. They use the text callback, what users read, and must print no warning.
"""

from __future__ import annotations

import json
import re
import subprocess
import sysconfig
import tarfile
from pathlib import Path

import pytest
import yaml

from collection_link import REPO_ROOT
from playbook_run import ANSIBLE_PLAYBOOK
from playbook_run import PlaybookRun
from playbook_run import execute_playbook
from playbook_run import json_report_env

ANSIBLE_GALAXY = ANSIBLE_PLAYBOOK.with_name("ansible-galaxy")
ANSIBLE_DOC = ANSIBLE_PLAYBOOK.with_name("ansible-doc")
ROLE = "kmsguard.alarms.pending_deletion_alarm"
GALAXY = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())
TARBALL_NAME = f"{GALAXY['namespace']}-{GALAXY['name']}-{GALAXY['version']}.tar.gz"
# The first target's region is the account's home region: the alarm chain lives there (the default topology).
REGIONS = ("us-east-1", "eu-west-1")
# Warnings that come from a dependency and cannot be avoided, with the reason. Any other warning fails the test.
UNAVOIDABLE_WARNINGS = {
    # amazon.aws.iam_role (9.0.0 to 11.x, the only IAM role module of the supported dependencies) announces on every
    # call, whatever its options, that it will stop returning assume_role_policy_document_raw; the collection does
    # not use that value. ansible-core adds the hint line on how to turn deprecation warnings off.
    r"\[DEPRECATION WARNING\]: In a release after 2026-05-01 iam_role\.assume_role_policy_document_raw will no longer"
    r" be returned\. .*",
    r"\[WARNING\]: Deprecation warnings can be disabled by setting `?deprecation_warnings=False`? in ansible\.cfg\.",
}
# What only develops or tests the collection: none of it belongs in the tarball.
DEV_ONLY = ("tests/", "tools/", ".venv", ".build/", ".ci/", "Makefile", "pyproject.toml", "requirements-dev.txt",
            "changelogs/fragments/", "benchmarks/", "extensions/molecule/", "inventories/local/",
            "kmsguard-verify-report/", "docs/verify_report_screenshot.py")  # fmt: skip
# What a user runs or reads.
USER_FILES = ("meta/runtime.yml", "playbooks/site.yml", "playbooks/verify.yml", "playbooks/teardown.yml",
              "README.md", "LICENSE", "CHANGELOG.rst", "requirements.txt", "collections/requirements.yml",
              "changelogs/changelog.yaml",
              "roles/pending_deletion_alarm/meta/argument_specs.yml", "docs/docsite/extra-docs.yml")  # fmt: skip


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    completed = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert completed.returncode == 0, f"{' '.join(command)}\n{completed.stdout}\n{completed.stderr}"
    return completed


@pytest.fixture(scope="module")
def tarball(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run([str(ANSIBLE_GALAXY), "collection", "build", "--output-path", str(dist), str(REPO_ROOT)])
    return dist / TARBALL_NAME


@pytest.fixture(scope="module")
def installed(tarball, tmp_path_factory) -> Path:
    """An empty collections path with only the tarball installed in it; returns the collections path to run with.

    ``--offline``: the dependencies must be satisfied by the ``ansible`` package's collections, in galaxy.yml's
    ranges, or the install fails.
    """
    target = tmp_path_factory.mktemp("collections")
    collections_path = f"{target}:{sysconfig.get_path('purelib')}"
    env = {"PATH": str(ANSIBLE_GALAXY.parent), "HOME": str(target), "ANSIBLE_COLLECTIONS_PATH": collections_path}
    run([str(ANSIBLE_GALAXY), "collection", "install", "--offline", "-p", str(target), str(tarball)], env=env)
    return target


def test_tarball_holds_what_users_need_and_no_development_files(tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("MANIFEST.json"))["collection_info"]
    assert [name for name in names if name.startswith(DEV_ONLY) or "__pycache__" in name] == []
    assert set(USER_FILES) <= set(names)
    assert manifest["version"] == GALAXY["version"]
    assert manifest["dependencies"] == GALAXY["dependencies"]


@pytest.fixture
def run_installed(installed, account, moto_endpoint, aws_env, tmp_path):
    """``run_installed(playbook_fqcn)``: ansible-playbook from an empty folder, on two regions of the test's account."""
    inventory = tmp_path / "hosts.yml"
    hosts = {f"target-{region}": {"aws_region": region} for region in REGIONS}
    group_vars = {"ansible_connection": "local", "pending_deletion_alarm_emails": ["security-team@example.com"]}
    inventory.write_text(yaml.safe_dump({"all": {"vars": group_vars, "hosts": hosts}}, sort_keys=False))
    (tmp_path / "ansible.cfg").write_text("")
    env = json_report_env(aws_env)
    env.update(
        account.env,
        ANSIBLE_CONFIG=str(tmp_path / "ansible.cfg"),
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default",
        ANSIBLE_COLLECTIONS_PATH=f"{installed}:{sysconfig.get_path('purelib')}",
    )

    def run_playbook(playbook: str, *args: str) -> PlaybookRun:
        return execute_playbook(playbook, inventory, env, args, cwd=tmp_path, endpoint=moto_endpoint)

    return run_playbook


def avoidable_warnings(run: PlaybookRun) -> list[str]:
    known = re.compile("|".join(f"(?:{pattern})" for pattern in UNAVOIDABLE_WARNINGS))
    return [warning for warning in run.warnings if not known.fullmatch(warning)]


def assert_clean(run: PlaybookRun, changed: bool | None = None) -> None:
    """Every target ok, no warning but the unavoidable ones; ``changed``: whether the run changed something."""
    explained = f"rc={run.rc}\n{run.stdout[-4000:]}\n{run.stderr[-3000:]}"
    assert run.rc == 0, explained
    assert sorted(run.recap) == sorted(f"target-{region}" for region in REGIONS), explained
    assert [host for host, counts in run.recap.items() if counts["failed"] or counts["unreachable"]] == []
    assert avoidable_warnings(run) == [], explained
    if changed is not None:
        assert any(counts["changed"] for counts in run.recap.values()) is changed, explained


def test_installed_collection_deploys_verifies_and_tears_down_without_warnings(run_installed, account, tmp_path):
    site = run_installed("kmsguard.alarms.site")
    assert_clean(site, changed=True)
    assert "PutMetricFilter" in site.operations and "PutMetricAlarm" in site.operations
    filters = account.client("logs", REGIONS[0]).describe_metric_filters()["metricFilters"]
    assert [f["filterName"] for f in filters] == ["KMSKeyPendingDeletion"]

    assert_clean(run_installed("kmsguard.alarms.site"), changed=False)

    verify = run_installed("kmsguard.alarms.verify")
    assert_clean(verify, changed=False)
    # The report goes to the folder the run starts in (run_installed's, this test's tmp_path).
    assert (tmp_path / "kmsguard-verify-report" / "verify-report.html").is_file()

    teardown = run_installed("kmsguard.alarms.teardown")
    assert_clean(teardown, changed=True)
    assert "DeleteAlarms" in teardown.operations and "DeleteMetricFilter" in teardown.operations
    for region in REGIONS:
        assert account.client("logs", region).describe_metric_filters()["metricFilters"] == []
        assert account.client("cloudwatch", region).describe_alarms()["MetricAlarms"] == []


def opening_words(description: str | list[str], count: int = 3) -> str:
    first = description if isinstance(description, str) else description[0]
    plain = re.sub(r"\bU\(([^)]*)\)", r"\1", first)  # a URL is shown as it is
    plain = re.sub(r"\b[A-Z]+\(([^)]*)\)", r"`\1'", plain)
    return " ".join(plain.split()[:count])


def test_installed_role_documents_every_variable(installed):
    """``ansible-doc -t role`` of the installed collection shows each variable of the argument spec with its text."""
    specs = yaml.safe_load(
        (
            installed / "ansible_collections/kmsguard/alarms/roles/pending_deletion_alarm/meta/argument_specs.yml"
        ).read_text()
    )["argument_specs"]["main"]["options"]
    env = {"PATH": str(ANSIBLE_GALAXY.parent), "HOME": str(installed), "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_COLLECTIONS_PATH": f"{installed}:{sysconfig.get_path('purelib')}"}  # fmt: skip
    completed = run([str(ANSIBLE_DOC), "-t", "role", "--json", ROLE], env=env, cwd=installed)
    documented = json.loads(completed.stdout)[ROLE]["entry_points"]["main"]
    assert sorted(documented["options"]) == sorted(specs)
    assert [name for name, option in documented["options"].items() if not option.get("description")] == []
    text = " ".join(run([str(ANSIBLE_DOC), "-t", "role", ROLE], env=env, cwd=installed).stdout.split())
    # Each variable is followed by the opening words of its description (markup such as C(...) rendered plainly).
    missing = [name for name, option in specs.items() if f"{name} {opening_words(option['description'])}" not in text]
    assert missing == [], text
