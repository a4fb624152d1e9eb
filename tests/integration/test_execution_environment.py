# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The execution environment definition: ``ansible-builder create`` and what its build context would build.

No container can be built here. The test runs what can run without one: ``ansible-builder create``, the galaxy
stage's install of this collection from the build context, and ansible-builder's own introspection of the Python
and system requirements that the builder stage would install.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEFINITION = REPO_ROOT / "execution-environment.yml"


def run(*command, cwd: Path, env: dict | None = None) -> str:
    completed = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


@pytest.fixture(scope="module")
def context(tmp_path_factory) -> Path:
    context = tmp_path_factory.mktemp("ee") / "context"
    run(
        BIN / "ansible-builder",
        "create",
        "-f",
        DEFINITION,
        "-c",
        context,
        "--output-filename",
        "Containerfile",
        cwd=REPO_ROOT,
    )
    return context


def stages(containerfile: str) -> list[str]:
    return [line.split(" AS ")[1] for line in containerfile.splitlines() if line.startswith("FROM ") and " AS " in line]


def test_the_definition_pins_its_base_image_and_schema():
    definition = yaml.safe_load(DEFINITION.read_text())
    assert definition["version"] == 3
    image = definition["images"]["base_image"]["name"]
    assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), image


def test_the_containerfile_installs_the_collections_and_their_requirements(context):
    containerfile = (context / "Containerfile").read_text()
    definition = yaml.safe_load(DEFINITION.read_text())
    assert stages(containerfile) == ["base", "galaxy", "builder", "final"]
    assert f'ARG EE_BASE_IMAGE="{definition["images"]["base_image"]["name"]}"' in containerfile
    dependencies = definition["dependencies"]
    assert (
        f'ARG ANSIBLE_INSTALL_REFS="{dependencies["ansible_core"]["package_pip"]} '
        f'{dependencies["ansible_runner"]["package_pip"]}"'
    ) in containerfile
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "introspect.py introspect" in containerfile and "--user-bindep=bindep.txt" in containerfile
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())["collections"]
    names = {requirement["name"]: requirement for requirement in requirements}
    assert names["/build/collections/kmsguard.alarms"]["type"] == "dir", "this collection, from the project"
    galaxy = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())
    for dependency, versions in galaxy["dependencies"].items():
        assert names[dependency]["version"] == versions, f"{dependency}: the versions galaxy.yml declares"


def test_the_build_context_holds_this_collection_as_the_galaxy_stage_installs_it(context, tmp_path):
    """The galaxy stage's install (without Galaxy: no dependencies), then the builder stage's introspection."""
    source = context / "_build" / "collections" / "kmsguard.alarms"
    assert {path.name for path in source.iterdir()} >= {"galaxy.yml", "meta", "plugins", "roles", "playbooks"}
    installed = tmp_path / "collections"
    run(
        BIN / "ansible-galaxy",
        "collection",
        "install",
        source,
        "--no-deps",
        "-p",
        installed,
        cwd=tmp_path,
        env={"ANSIBLE_COLLECTIONS_PATH": str(installed)},
    )
    collection = installed / "ansible_collections" / "kmsguard" / "alarms"
    assert (collection / "roles" / "pending_deletion_alarm" / "tasks" / "main.yml").is_file()
    assert (collection / "playbooks" / "site.yml").is_file()
    assert (collection / "plugins" / "action" / "deployment_plan.py").is_file()

    introspected = yaml.safe_load(
        run(
            sys.executable,
            context / "_build" / "scripts" / "introspect.py",
            "introspect",
            installed,
            "--user-bindep",
            context / "_build" / "bindep.txt",
            cwd=tmp_path,
        )
    )
    python = [line.split("#")[0].strip() for line in introspected["python"]]
    assert {"boto3>=1.34.0", "botocore>=1.34.0"} <= set(python), introspected
    assert not [requirement for requirement in python if requirement.startswith("ansible")], (
        "the EE has ansible-core already: the collection must not pull the ansible package in"
    )
    assert any(line.startswith("git-core") for line in introspected["system"]), introspected
