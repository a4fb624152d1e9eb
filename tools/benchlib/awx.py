# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The AWX scale-out benchmark: the deploy job template as 1, 2 and 4 concurrent slices, and 3 accounts.

Each slice is an ansible-runner run on an AWX-shaped private data dir (tests/support/awx_job.py), all slices of a
job started at the same moment, as AWX starts them on its execution nodes. Each configuration deploys into fresh
moto accounts (first run), then runs again (no-change run); the wall time is the job's, from the launch to the end
of its last slice, and the API calls are those the endpoint recorded during the job.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from awx_job import launch
from awx_job import run_sliced
from moto_endpoint import MotoEndpoint
from moto_endpoint import is_write
from moto_endpoint import start

from .runner import REGIONS
from .runner import BenchmarkError
from .runner import assumed_role_credentials

TEMPLATE = "kmsguard - deploy"
HOME_REGION = REGIONS[0]
ANSWERS = {
    "pending_deletion_alarm_emails": "security@example.com",
    "pending_deletion_alarm_topology": "regional",
    "pending_deletion_alarm_home_region": HOME_REGION,
}


@dataclass
class Job:
    """One launch of the deploy template: its wall time, slices and what it asked AWS."""

    label: str
    accounts: int
    regions: int
    slices: int
    run: str
    seconds: float
    slowest_slice: float
    calls: int
    writes: int
    changed: int


@dataclass
class Config:
    accounts: int
    regions: int
    slices: int

    @property
    def label(self) -> str:
        return f"{self.accounts} account(s) x {self.regions} regions, {self.slices} slice(s)"


def fresh_account_id() -> str:
    return str(random.randrange(10**11, 10**12))


class AwxBench:
    def __init__(self, args, work_dir: Path, log: Callable[[str], None]) -> None:
        self.args = args
        self.work_dir = work_dir
        self.log = log
        self.endpoint: MotoEndpoint | None = None

    def hosts(self, config: Config) -> tuple[dict[str, dict], dict[str, str]]:
        """The inventory and the AWX credential: one account by the credential itself, more by assumed roles."""
        regions = REGIONS[: config.regions]
        caller = assumed_role_credentials(self.endpoint, fresh_account_id())
        if config.accounts == 1:
            return {f"kms-{region}": {"aws_region": region} for region in regions}, caller
        hosts = {}
        for number in range(1, config.accounts + 1):
            role_arn = f"arn:aws:iam::{fresh_account_id()}:role/kmsguard-deployer"
            for region in regions:
                hosts[f"acct{number}-{region}"] = {"aws_region": region, "aws_assume_role_arn": role_arn}
        return hosts, caller

    def job(self, config: Config, hosts: dict, credential: dict, run: str, job_id: int) -> Job:
        job = launch(
            TEMPLATE,
            ANSWERS,
            hosts=hosts,
            credential=credential,
            slices=config.slices,
            job_id=job_id,
            cmdline=f"--forks {self.args.forks}",
        )
        self.endpoint.forget_calls()
        started = time.perf_counter()
        results = run_sliced(job, self.work_dir / f"{job_id}", self.endpoint.aws_env())
        seconds = time.perf_counter() - started
        failed = [result for result in results if result.rc != 0 or result.status != "successful"]
        if failed:
            raise BenchmarkError(f"{config.label}, {run}: a slice failed\n{failed[0].explain()}")
        calls = self.endpoint.calls()
        changed = sum(sum(result.changed.values()) for result in results)
        if run == "no-change" and changed:
            raise BenchmarkError(f"{config.label}: the no-change run changed {results[0].changed_tasks()}")
        return Job(
            label=config.label,
            accounts=config.accounts,
            regions=config.regions,
            slices=config.slices,
            run=run,
            seconds=seconds,
            slowest_slice=max(result.seconds for result in results),
            calls=len(calls),
            writes=sum(1 for call in calls if is_write(call["operation"])),
            changed=changed,
        )

    def measure_config(self, config: Config, job_id: int) -> list[Job]:
        hosts, credential = self.hosts(config)
        jobs = [self.job(config, hosts, credential, "first", job_id)]
        for round_number in range(1, self.args.awx_rounds + 1):
            jobs.append(self.job(config, hosts, credential, "no-change", job_id + 10 * round_number))
        for job in jobs:
            self.log(f"  {job.label}, {job.run}: {job.seconds:6.1f} s, {job.calls} API calls, {job.changed} changed")
        return jobs

    def configs(self) -> list[Config]:
        configs = [Config(1, len(REGIONS), slices) for slices in self.args.awx_slices]
        configs += [Config(3, len(REGIONS), slices) for slices in self.args.awx_account_slices]
        return configs

    def measure(self) -> list[Job]:
        self.endpoint = start(self.work_dir)
        try:
            self.log(f"AWX scale-out: moto endpoint {self.endpoint.url}")
            jobs = []
            for number, config in enumerate(self.configs()):
                jobs += self.measure_config(config, 1000 * (number + 1))
            return jobs
        finally:
            self.endpoint.stop()
