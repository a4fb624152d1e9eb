# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures for integration tests: a moto server on 127.0.0.1 and real ``ansible-playbook`` runs against it.

Each pytest-xdist worker starts its own server, so call records and state never mix between workers.
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest
import yaml

import aws_account
from aws_account import Account
from moto_endpoint import DEFAULT_REGION
from moto_endpoint import MotoEndpoint
from moto_endpoint import start as start_endpoint
from playbook_run import PlaybookRun
from playbook_run import execute_playbook
from playbook_run import json_report_env

# moto's default account; STS GetCallerIdentity answers with it.
ACCOUNT_ID = "123456789012"


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory) -> MotoEndpoint:
    server = start_endpoint(tmp_path_factory.mktemp("moto"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def aws_env(moto_endpoint) -> dict[str, str]:
    """The environment of every AWS client in a test: credentials for moto, every call to loopback."""
    return moto_endpoint.aws_env()


@pytest.fixture(scope="session")
def aws_client(aws_env):
    """``aws_client("logs", region)``: a real boto3 client pointed at the moto endpoint."""
    credentials = aws_account.env_credentials(aws_env)

    def make(service: str, region: str = DEFAULT_REGION):
        return aws_account.client(service, region, aws_env["AWS_ENDPOINT_URL"], credentials)

    return make


@pytest.fixture
def account(aws_client, aws_env) -> Account:
    """A fresh account: moto maps the credentials of a role assumed in it to it, so tests never share resources."""
    account_id = str(random.randrange(10**11, 10**12))
    credentials = aws_client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/kmsguard-deployer", RoleSessionName="kmsguard-tests"
    )["Credentials"]
    return Account(account_id=account_id, credentials=credentials, endpoint_url=aws_env["AWS_ENDPOINT_URL"])


@pytest.fixture
def unique_name() -> str:
    """A name no other test uses, so tests share one server without reset."""
    return f"kmsguard-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def ansible_playbook(aws_env, tmp_path_factory):
    """Run real ``ansible-playbook``: ``ansible_playbook(playbook, hosts=None, check=False, diff=False, ...)``.

    ``hosts`` maps inventory host names to their variables, with ``group_vars`` for all of them (an inventory file
    is written); without ``hosts`` the run is on ``localhost``. ``env`` entries override the test environment
    (for example another account's credentials). ``started`` receives the run's process group id (see
    ``execute_playbook``). Returns a PlaybookRun whose ``report`` is the json callback's
    output.
    """
    work_dir = tmp_path_factory.mktemp("inventories")
    base_env = json_report_env(aws_env)

    def run(
        playbook: Path,
        hosts: dict[str, dict] | None = None,
        group_vars: dict | None = None,
        check: bool = False,
        diff: bool = False,
        extra_args=(),
        env: dict[str, str] | None = None,
        started=None,
    ) -> PlaybookRun:
        inventory = "localhost,"
        if hosts is not None:
            inventory = work_dir / f"hosts-{uuid.uuid4().hex[:8]}.yml"
            content = {"all": {"vars": {"ansible_connection": "local", **(group_vars or {})}, "hosts": hosts}}
            inventory.write_text(yaml.safe_dump(content, sort_keys=False))
        options = ["--check"] if check else []
        options += ["--diff"] if diff else []
        return execute_playbook(
            playbook, inventory, {**base_env, **(env or {})}, [*options, *extra_args], started=started
        )

    return run


@pytest.fixture(scope="session")
def run_playbook(ansible_playbook, tmp_path_factory):
    """Run real ``ansible-playbook``: ``run_playbook(tasks, check=False, diff=False, extra_args=())``.

    ``tasks`` is a list of task dicts (a one-play playbook on localhost is built around them) or a path to a
    playbook. Returns a PlaybookRun whose ``report`` is the json callback's output.
    """
    work_dir = tmp_path_factory.mktemp("playbooks")

    def run(tasks, check=False, diff=False, extra_args=(), play_vars=None, module_defaults=None) -> PlaybookRun:
        if isinstance(tasks, (str, Path)):
            playbook = Path(tasks)
        else:
            play = {"name": "test", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}
            if play_vars:
                play["vars"] = play_vars
            if module_defaults:
                play["module_defaults"] = module_defaults
            playbook = work_dir / f"play-{uuid.uuid4().hex[:8]}.yml"
            playbook.write_text(yaml.safe_dump([play], sort_keys=False))
        return ansible_playbook(playbook, check=check, diff=diff, extra_args=extra_args)

    return run
