# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A job as AWX / Automation Controller runs it: ``ansible-runner`` on an AWX-shaped private data dir, sliced.

What AWX 24 does, and this module reproduces:

* job slicing: the inventory's hosts sorted by name, slice k of N gets ``hosts[k-1::N]`` with every group and
  ``all`` variable; the slices are separate runs, started at the same time (``run_sliced``);
* the private data dir: ``inventory/hosts`` (an executable inventory script printing the slice's JSON),
  ``env/extravars`` (template extra vars, survey answers and the ``awx_*``/``tower_*`` meta vars; each slice has
  its own ``awx_job_id`` and the same ``awx_workflow_job_id``), ``env/cmdline``, ``env/settings`` and
  ``project/`` (the project's checkout without ``.git``);
* the environment: the "Amazon Web Services" credential's variables, passed to the process, not written to disk;
  the collections come from the execution environment (here ``ANSIBLE_COLLECTIONS_PATH``: this checkout).

The result of a run is read from ansible-runner's artifacts: ``rc``, ``status`` and the job events.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from collection_link import REPO_ROOT
from collection_link import collections_path

ANSIBLE_RUNNER = Path(sys.executable).with_name("ansible-runner")
# What AWX checks out of this project: the playbooks and the root entry point (no .git, no .venv).
PROJECT_FILES = ("site.yml", "ansible.cfg", "playbooks")
# The AWS variables an AWX "Amazon Web Services" credential injects.
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
_INVENTORY_SCRIPT = """#!{python}
# AWX writes the job's inventory as a script; this one prints the slice's hosts.
import json
import sys

if "--host" in sys.argv:
    print("{{}}")
else:
    print(json.dumps({inventory}))
"""


@dataclass
class AwxJob:
    """One job template launch: what AWX puts in each slice's private data dir and environment."""

    playbook: str
    hosts: dict[str, dict]
    credential: dict[str, str]
    extra_vars: dict = field(default_factory=dict)
    group_vars: dict = field(default_factory=dict)
    slices: int = 1
    job_id: int = 100
    template_name: str = "kmsguard - deploy"
    cmdline: str = ""


@dataclass
class RunnerResult:
    """One slice's run: ansible-runner's status and rc, and what its job events say."""

    ident: str
    hosts: list[str]
    rc: int
    status: str
    events: list[dict]
    stdout: str
    seconds: float

    @property
    def stats(self) -> dict:
        found = [event for event in self.events if event.get("event") == "playbook_on_stats"]
        return found[-1]["event_data"] if found else {}

    @property
    def changed(self) -> dict[str, int]:
        return {host: self.stats.get("changed", {}).get(host, 0) for host in self.hosts}

    def changed_tasks(self) -> list[str]:
        return [
            f"{event['event_data'].get('task')} [{event['event_data'].get('host')}]"
            for event in self.events
            if event.get("event") == "runner_on_ok" and event["event_data"].get("res", {}).get("changed")
        ]

    def failure_messages(self) -> list[str]:
        return [
            f"{event['event_data'].get('host')}: {event['event_data'].get('res', {}).get('msg')}"
            for event in self.events
            if event.get("event") in ("runner_on_failed", "runner_on_unreachable")
            and not event["event_data"].get("ignore_errors")
        ]

    def explain(self) -> str:
        return (
            f"slice {self.ident} ({len(self.hosts)} hosts): status={self.status} rc={self.rc} changed={self.changed}"
            f"\nchanged tasks: {self.changed_tasks()}\nfailures: {self.failure_messages()}\n{self.stdout[-2500:]}"
        )


def slice_hosts(hosts: list[str], slices: int) -> list[list[str]]:
    """AWX's job slicing: hosts sorted by name, round-robin; slice k of N gets hosts[k-1::N]. No empty slice."""
    ordered = sorted(hosts)
    return [ordered[index::slices] for index in range(min(slices, len(ordered)))]


def meta_vars(job: AwxJob, slice_number: int) -> dict:
    """The ``awx_*`` and ``tower_*`` variables AWX adds to a job's extra vars (a sliced job is a workflow)."""
    job_id = job.job_id + slice_number
    values = {
        "job_id": job_id,
        "job_launch_type": "workflow" if job.slices > 1 else "manual",
        "job_template_id": 7,
        "job_template_name": job.template_name,
        "user_name": "admin",
        "inventory_name": "kmsguard targets",
        "execution_node": f"awx-ee-{slice_number}",
        "project_revision": "0" * 40,
    }
    if job.slices > 1:
        values["workflow_job_id"] = job.job_id
        values["workflow_job_name"] = job.template_name
    return {f"{prefix}_{name}": value for prefix in ("awx", "tower") for name, value in values.items()}


def write_private_data_dir(job: AwxJob, hosts: list[str], slice_number: int, directory: Path) -> Path:
    """One slice's private data dir, as AWX lays it out for ansible-runner."""
    project = directory / "project"
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy2(source, project / name)
    inventory = {
        "all": {"hosts": hosts, "vars": {"ansible_connection": "local", **job.group_vars}},
        "_meta": {"hostvars": {host: job.hosts[host] for host in hosts}},
    }
    script = directory / "inventory" / "hosts"
    script.parent.mkdir()
    script.write_text(_INVENTORY_SCRIPT.format(python=sys.executable, inventory=json.dumps(inventory)))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    env = directory / "env"
    env.mkdir()
    (env / "extravars").write_text(json.dumps({**job.extra_vars, **meta_vars(job, slice_number)}))
    (env / "cmdline").write_text(job.cmdline)
    (env / "settings").write_text(json.dumps({"job_timeout": 1800, "idle_timeout": 0, "pexpect_timeout": 5}))
    return directory


def runner_env(base_env: dict[str, str], credential: dict[str, str]) -> dict[str, str]:
    """The environment of an AWX job: no user Ansible settings, the EE's collections, the credential's keys."""
    env = {name: value for name, value in base_env.items() if not name.startswith("ANSIBLE_")}
    for name in CREDENTIAL_VARIABLES:
        env.pop(name, None)
    env.update(credential)
    if "AWS_SESSION_TOKEN" in credential:
        env["AWS_SECURITY_TOKEN"] = credential["AWS_SESSION_TOKEN"]
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections_path()),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
    )
    env["PATH"] = f"{ANSIBLE_RUNNER.parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def start_slice(job: AwxJob, hosts: list[str], slice_number: int, work_dir: Path, env: dict[str, str]):
    directory = write_private_data_dir(job, hosts, slice_number, work_dir / f"job-{job.job_id}-slice-{slice_number}")
    ident = f"slice{slice_number}"
    command = [str(ANSIBLE_RUNNER), "run", str(directory), "-p", job.playbook, "--ident", ident]
    # Output to a file: a pipe that nobody reads while another slice is awaited would block the run.
    with open(directory / "runner.log", "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    return directory, ident, process


def read_result(directory: Path, ident: str, hosts: list[str], output: str, seconds: float) -> RunnerResult:
    artifacts = directory / "artifacts" / ident
    events = []
    for path in sorted((artifacts / "job_events").glob("*.json"), key=lambda p: int(p.name.split("-", 1)[0])):
        events.append(json.loads(path.read_text()))
    rc_file, status_file = artifacts / "rc", artifacts / "status"
    return RunnerResult(
        ident=ident,
        hosts=hosts,
        rc=int(rc_file.read_text()) if rc_file.exists() else -1,
        status=status_file.read_text().strip() if status_file.exists() else "unknown",
        events=events,
        stdout=(artifacts / "stdout").read_text(errors="replace") if (artifacts / "stdout").exists() else output,
        seconds=seconds,
    )


def run_sliced(job: AwxJob, work_dir: Path, base_env: dict[str, str]) -> list[RunnerResult]:
    """Launch the job: every slice's ansible-runner at the same time; wait for all; each slice's result, in order."""
    env = runner_env(base_env, job.credential)
    started = time.perf_counter()
    running = [
        (hosts, *start_slice(job, hosts, number, work_dir, env))
        for number, hosts in enumerate(slice_hosts(list(job.hosts), job.slices), 1)
    ]
    results = []
    for hosts, directory, ident, process in running:
        process.wait()
        output = (directory / "runner.log").read_text(errors="replace")
        results.append(read_result(directory, ident, hosts, output, time.perf_counter() - started))
    return results


def job_summary(results: list[RunnerResult]) -> str:
    return "\n\n".join(result.explain() for result in results if result.rc != 0 or result.status != "successful")


# --- the job templates as code (awx/job_templates.json) ----------------------------------------------------------

JOB_TEMPLATES_FILE = REPO_ROOT / "awx" / "job_templates.json"


def job_template(name: str) -> dict:
    """A job template of awx/job_templates.json, by name."""
    templates = json.loads(JOB_TEMPLATES_FILE.read_text())["job_templates"]
    return next(template for template in templates if template["name"] == name)


def survey_extra_vars(template: dict, answers: dict) -> dict:
    """The extra vars of a launch: the answers, and each other question's default as AWX fills it in.

    An optional question left empty adds nothing; every answer stays what a survey gives (strings, integers).
    """
    extra_vars = {}
    for question in template["related"]["survey_spec"]["spec"]:
        value = answers.get(question["variable"], question["default"])
        if value == "" and not question["required"]:
            continue
        extra_vars[question["variable"]] = value
    unknown = set(answers) - {question["variable"] for question in template["related"]["survey_spec"]["spec"]}
    if unknown:
        raise ValueError(f"{template['name']} has no survey question for {sorted(unknown)}")
    return extra_vars


def launch(template_name: str, answers: dict, **job) -> AwxJob:
    """An AwxJob as launching the template with these survey answers makes it (playbook, slices, extra vars)."""
    template = job_template(template_name)
    return AwxJob(
        playbook=template["playbook"],
        extra_vars=survey_extra_vars(template, answers),
        slices=job.pop("slices", template["job_slice_count"]),
        template_name=template["name"],
        **job,
    )
