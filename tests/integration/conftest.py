# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures for integration tests: a moto server on 127.0.0.1 and real ``ansible-playbook`` runs against it.

Each pytest-xdist worker starts its own server, so call records and state never mix between workers.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import yaml

from aws_account import Account
from collection_link import collections_path

REPO_ROOT = Path(__file__).resolve().parents[2]
MOTO_ENDPOINT_SCRIPT = REPO_ROOT / "tests" / "support" / "moto_endpoint.py"
CALLS_PATH = "/_kmsguard/calls"
DEFAULT_REGION = "us-east-1"
# moto's default account; STS GetCallerIdentity answers with it.
ACCOUNT_ID = "123456789012"


@dataclass
class MotoEndpoint:
    url: str
    process: subprocess.Popen

    def calls(self) -> list[dict]:
        with urllib.request.urlopen(self.url + CALLS_PATH) as response:
            return json.load(response)

    def forget_calls(self) -> None:
        request = urllib.request.Request(self.url + CALLS_PATH, method="DELETE")
        urllib.request.urlopen(request).close()

    def operations(self, service: str | None = None) -> list[str]:
        """The operations recorded since the last ``forget_calls``, in order, optionally for one service."""
        return [call["operation"] for call in self.calls() if service is None or call["service"] == service]


def _start_endpoint(tmp_dir: Path) -> MotoEndpoint:
    port_file = tmp_dir / "moto.port"
    log = open(tmp_dir / "moto.log", "wb")  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(
        [sys.executable, str(MOTO_ENDPOINT_SCRIPT), "--port-file", str(port_file)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"moto endpoint did not start, see {tmp_dir / 'moto.log'}")
        time.sleep(0.1)
    return MotoEndpoint(url=f"http://127.0.0.1:{port_file.read_text().strip()}", process=process)


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory) -> MotoEndpoint:
    endpoint = _start_endpoint(tmp_path_factory.mktemp("moto"))
    try:
        yield endpoint
    finally:
        endpoint.process.terminate()
        try:
            endpoint.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            endpoint.process.kill()


@pytest.fixture(scope="session")
def aws_env(moto_endpoint) -> dict[str, str]:
    """The environment of every AWS client in a test: credentials for moto, every call to loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=DEFAULT_REGION,
        AWS_ENDPOINT_URL=moto_endpoint.url,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    return env


@pytest.fixture(scope="session")
def aws_client(aws_env):
    """``aws_client("logs", region)``: a real boto3 client pointed at the moto endpoint."""
    session = boto3.session.Session(
        aws_access_key_id=aws_env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=aws_env["AWS_SECRET_ACCESS_KEY"]
    )

    def make(service: str, region: str = DEFAULT_REGION):
        return session.client(service, region_name=region, endpoint_url=aws_env["AWS_ENDPOINT_URL"])

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


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str
    report: dict

    def task_results(self, host: str = "localhost") -> list[dict]:
        """The result of each task of the (single) play, in order, for one host."""
        return [task["hosts"][host] for play in self.report.get("plays", []) for task in play["tasks"]]

    def result(self, name: str, host: str = "localhost") -> dict:
        for play in self.report.get("plays", []):
            for task in play["tasks"]:
                if task["task"]["name"] == name:
                    return task["hosts"][host]
        raise KeyError(
            f"no task named {name!r} in {[t['task']['name'] for p in self.report['plays'] for t in p['tasks']]}"
        )

    @property
    def stats(self) -> dict:
        return self.report.get("stats", {})


@pytest.fixture(scope="session")
def ansible_playbook(aws_env, tmp_path_factory):
    """Run real ``ansible-playbook``: ``ansible_playbook(playbook, hosts=None, check=False, diff=False, ...)``.

    ``hosts`` maps inventory host names to their variables, with ``group_vars`` for all of them (an inventory file
    is written); without ``hosts`` the run is on ``localhost``. ``env`` entries override the test environment
    (for example another account's credentials). Returns a PlaybookRun whose ``report`` is the json callback's
    output.
    """
    work_dir = tmp_path_factory.mktemp("inventories")
    base_env = dict(aws_env)
    base_env.update(
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_COLLECTIONS_PATH=str(collections_path()),
    )

    def run(
        playbook: Path,
        hosts: dict[str, dict] | None = None,
        group_vars: dict | None = None,
        check: bool = False,
        diff: bool = False,
        extra_args=(),
        env: dict[str, str] | None = None,
    ) -> PlaybookRun:
        inventory = "localhost,"
        if hosts is not None:
            inventory_file = work_dir / f"hosts-{uuid.uuid4().hex[:8]}.yml"
            content = {"all": {"vars": {"ansible_connection": "local", **(group_vars or {})}, "hosts": hosts}}
            inventory_file.write_text(yaml.safe_dump(content, sort_keys=False))
            inventory = str(inventory_file)
        command = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", inventory, str(playbook)]
        command += ["--check"] if check else []
        command += ["--diff"] if diff else []
        command += list(extra_args)
        completed = subprocess.run(
            command, env={**base_env, **(env or {})}, capture_output=True, text=True, cwd=REPO_ROOT, check=False
        )
        try:
            report = json.loads(completed.stdout)
        except json.JSONDecodeError:
            report = {}
        return PlaybookRun(rc=completed.returncode, stdout=completed.stdout, stderr=completed.stderr, report=report)

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
