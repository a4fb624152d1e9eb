# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One real ``ansible-playbook`` run with the json callback: what the tests and the benchmark read from a run.

``execute_playbook`` runs a playbook and returns a ``PlaybookRun``: exit status, output, the json report, the wall
time and, given the moto endpoint, the AWS calls the run made. A run with the text callback (what users see) has no
json report: ``PlaybookRun.recap`` reads its PLAY RECAP, ``PlaybookRun.warnings`` its warnings.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from collection_link import REPO_ROOT
from collection_link import collections_path
from moto_endpoint import MotoEndpoint
from moto_endpoint import is_write

ANSIBLE_PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")
# The text callback's PLAY RECAP line of one host, and its warnings (on stdout or stderr, by ansible-core version).
_RECAP_LINE = re.compile(r"^(?P<host>\S+)\s+:\s+(?P<counts>(?:[a-z]+=\d+\s*)+)$", re.MULTILINE)
# A warning ends at a blank line or where the next message, task or play starts (older versions wrap long lines).
_WARNING = re.compile(r"^\[(?:DEPRECATION )?WARNING\]:.*?(?=\n\s*\n|\n\[|\nTASK |\nPLAY|\n\S+\s+: ok=|\Z)", re.M | re.S)


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str
    report: dict
    seconds: float = 0.0
    # The AWS calls of the run, when it was made with the endpoint (``execute_playbook(..., endpoint=...)``).
    calls: list[dict] = field(default_factory=list)

    def tasks(self):
        """Each task of every play, in order, as the json callback reports it."""
        for play in self.report.get("plays", []):
            yield from play.get("tasks", [])

    def task_results(self, host: str = "localhost") -> list[dict]:
        """The result of each task, in order, for one host."""
        return [task["hosts"][host] for task in self.tasks()]

    def result(self, name: str, host: str = "localhost") -> dict:
        for task in self.tasks():
            if task["task"]["name"] == name:
                return task["hosts"][host]
        raise KeyError(f"no task named {name!r} in {[task['task']['name'] for task in self.tasks()]}")

    @property
    def stats(self) -> dict:
        return self.report.get("stats", {})

    @property
    def changed(self) -> dict[str, int]:
        """The number of changed tasks, per host."""
        return {host: stats["changed"] for host, stats in self.stats.items()}

    @property
    def failed_hosts(self) -> dict[str, int]:
        return {host: stats["failures"] for host, stats in self.stats.items() if stats["failures"]}

    def changed_tasks(self) -> list[str]:
        return [
            f"{task['task']['name']} [{host}]"
            for task in self.tasks()
            for host, result in task["hosts"].items()
            if result.get("changed")
        ]

    def failure_messages(self) -> str:
        messages = [
            str(result.get("msg", ""))
            for task in self.tasks()
            for result in task["hosts"].values()
            if result.get("failed")
        ]
        return "\n".join(messages) or self.stdout[-3000:] + self.stderr[-3000:]

    @property
    def recap(self) -> dict[str, dict[str, int]]:
        """The PLAY RECAP per host (``ok``, ``changed``, ``failed``, ...) of a run with the text callback."""
        return {
            match["host"]: {name: int(count) for name, count in re.findall(r"([a-z]+)=(\d+)", match["counts"])}
            for match in _RECAP_LINE.finditer(self.stdout)
        }

    @property
    def warnings(self) -> list[str]:
        """Every ``[WARNING]`` and ``[DEPRECATION WARNING]`` the run printed, each on one line."""
        return [" ".join(warning.split()) for warning in _WARNING.findall(self.stdout) + _WARNING.findall(self.stderr)]

    @property
    def operations(self) -> list[str]:
        return [call["operation"] for call in self.calls]

    @property
    def writes(self) -> list[str]:
        return [operation for operation in self.operations if is_write(operation)]

    def explain(self) -> str:
        """What went on, for an assertion message."""
        return (
            f"rc={self.rc} changed={self.changed} failed={self.failed_hosts}\nchanged tasks: {self.changed_tasks()}"
            f"\nwrites: {self.writes}\n{self.failure_messages()}"
        )


def assert_check_mode_told_the_truth(checked: PlaybookRun, applied: PlaybookRun) -> None:
    """On every host, the ``--check`` run reported as many changed tasks as the real run that followed it.

    The role's check-mode predictions stand in for some tasks under other names, so the counts are compared; the
    message lists both runs' changed tasks.
    """
    assert checked.changed == applied.changed, (
        f"check mode: {checked.changed}\n{checked.changed_tasks()}\n"
        f"the run: {applied.changed}\n{applied.changed_tasks()}"
    )


def json_report_env(aws_env: dict[str, str]) -> dict[str, str]:
    """``aws_env`` for ``ansible-playbook`` with the json callback: no Ansible settings of the user's leak in, the
    collection is this checkout, modules run in this Python."""
    env = {name: value for name, value in aws_env.items() if not name.startswith("ANSIBLE_")}
    env.update(
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_COLLECTIONS_PATH=str(collections_path()),
    )
    env["PATH"] = f"{ANSIBLE_PLAYBOOK.parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def execute_playbook(
    playbook: Path,
    inventory: str | Path,
    env: dict[str, str],
    extra_args=(),
    cwd: Path = REPO_ROOT,
    endpoint: MotoEndpoint | None = None,
    started: Callable[[int], None] | None = None,
) -> PlaybookRun:
    """Run ``ansible-playbook -i inventory playbook extra_args`` in ``env`` (see ``json_report_env``).

    With ``endpoint``, its call record is emptied first and the run's calls are returned with it. With ``started``,
    the run gets a process group of its own, whose id (the process's) is passed to ``started`` as soon as it runs:
    a test can kill the whole run (ansible-playbook, its workers and the modules) with ``os.killpg``.
    """
    command = [str(ANSIBLE_PLAYBOOK), "-i", str(inventory), str(playbook), *extra_args]
    if endpoint:
        endpoint.forget_calls()
    began = time.perf_counter()
    with subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=started is not None,
    ) as process:
        if started:
            started(process.pid)
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - began
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        report = {}
    return PlaybookRun(
        rc=process.returncode,
        stdout=stdout,
        stderr=stderr,
        report=report,
        seconds=seconds,
        calls=endpoint.calls() if endpoint else [],
    )
