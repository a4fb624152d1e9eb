# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The benchmark's runs: one moto server, both sides converged, then the no-change runs timed in rounds.

The two sides run in different moto accounts (the baseline through an STS assumed role), so each can use the
procedure's own resource names without touching the other's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import boto3
import yaml

from moto_endpoint import DEFAULT_REGION
from moto_endpoint import TEST_CREDENTIALS
from moto_endpoint import MotoEndpoint
from moto_endpoint import start
from playbook_run import PlaybookRun
from playbook_run import execute_playbook
from playbook_run import json_report_env

REPO_ROOT = Path(__file__).resolve().parents[2]
BASELINE_PLAYBOOK = REPO_ROOT / "benchmarks" / "baseline.yml"
# 16 real AWS regions, in the order a 1..16-region inventory takes them.
REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
    "eu-north-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-south-1",
    "ca-central-1", "sa-east-1",
)  # fmt: skip
# The role runs in moto's default account, the baseline in this one: same resource names, no collisions.
BASELINE_ACCOUNT = "111111111111"
ROLE_NAME_PREFIX = "kmsbench"
EMAILS = ["security@example.com"]
SIDES = ("baseline", "role")


class BenchmarkError(RuntimeError):
    pass


@dataclass
class Side:
    name: str
    playbook: Path
    env: dict[str, str]
    # The timed no-change runs, per region count, in round order.
    runs: dict[int, list[PlaybookRun]] = field(default_factory=dict)


def assumed_role_credentials(endpoint: MotoEndpoint, account_id: str) -> dict[str, str]:
    """Credentials of another moto account: moto maps the keys of an assumed role to the role's account."""
    sts = boto3.client(
        "sts",
        region_name=DEFAULT_REGION,
        endpoint_url=endpoint.url,
        aws_access_key_id=TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    role_arn = f"arn:aws:iam::{account_id}:role/kmsguard-benchmark"
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="benchmark", DurationSeconds=43200)["Credentials"]
    return {
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
    }


def write_inventory(path: Path, regions: tuple[str, ...]) -> Path:
    hosts = {region: {"aws_region": region} for region in regions}
    inventory = {"all": {"hosts": hosts, "vars": {"ansible_connection": "local"}}}
    path.write_text(yaml.safe_dump(inventory, sort_keys=False))
    return path


def write_role_playbook(path: Path) -> Path:
    play = {
        "name": "KMS key pending deletion alarm, role kmsguard.alarms.pending_deletion_alarm",
        "hosts": "all",
        "connection": "local",
        "gather_facts": False,
        "roles": [
            {
                "role": "kmsguard.alarms.pending_deletion_alarm",
                "vars": {
                    "pending_deletion_alarm_topology": "regional",
                    "pending_deletion_alarm_emails": EMAILS,
                    "pending_deletion_alarm_name_prefix": ROLE_NAME_PREFIX,
                },
            }
        ],
    }
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    return path


def make_sides(endpoint: MotoEndpoint, work_dir: Path, names: list[str], collections: Path | None) -> dict[str, Side]:
    """The sides to measure, each with its own environment: the role in moto's default account, the baseline in
    BASELINE_ACCOUNT."""

    def env(credentials: dict[str, str] | None) -> dict[str, str]:
        side_env = json_report_env(endpoint.aws_env(credentials))
        if collections:
            side_env["ANSIBLE_COLLECTIONS_PATH"] = str(collections)
        return side_env

    sides = {}
    if "baseline" in names:
        credentials = assumed_role_credentials(endpoint, BASELINE_ACCOUNT)
        sides["baseline"] = Side("baseline", BASELINE_PLAYBOOK, env(credentials))
    if "role" in names:
        sides["role"] = Side("role", write_role_playbook(work_dir / "role.yml"), env(None))
    return sides


class Bench:
    """One benchmark: the server, the inventories and the sides, and the log of what happens."""

    def __init__(self, args, work_dir: Path, log: Callable[[str], None]) -> None:
        self.args = args
        self.work_dir = work_dir
        self.log = log
        self.endpoint: MotoEndpoint | None = None

    def run(self, side: Side, regions: int, label: str) -> PlaybookRun:
        """One run of ``side`` over the first ``regions`` regions, kept in the work directory."""
        inventory = self.work_dir / f"inventory-{regions}.yml"
        run = execute_playbook(
            side.playbook,
            inventory,
            side.env,
            ["--forks", str(self.args.forks)],
            cwd=self.work_dir,
            endpoint=self.endpoint,
        )
        if run.rc != 0:
            log = self.work_dir / f"failed-{side.name}-{regions}.log"
            log.write_text(run.stdout + "\n" + run.stderr)
            raise BenchmarkError(f"{side.name} over {regions} region(s) failed (rc={run.rc}), see {log}")
        report = json.dumps({"calls": run.calls, "report": run.report})
        (self.work_dir / f"report-{side.name}-{regions}-{label}.json").write_text(report)
        return run

    def converge(self, side: Side, regions: int) -> None:
        run = self.run(side, regions, "converge")
        changed = sum(run.changed.values())
        self.log(f"  converged {side.name} over {regions} region(s): {run.seconds:.1f} s, {changed} changed")

    def time_rounds(self, sides: dict[str, Side]) -> None:
        """Alternate the sides (and which goes first) round after round, so drift on the machine hits both."""
        order = list(sides)
        for round_number in range(1, self.args.rounds + 1):
            for count in self.args.region_counts:
                for name in order:
                    run = self.run(sides[name], count, f"round{round_number}")
                    sides[name].runs.setdefault(count, []).append(run)
                    changed = sum(run.changed.values())
                    self.log(
                        f"  round {round_number}, {count:2d} region(s), {name:8s}: {run.seconds:6.1f} s, "
                        f"{len(run.calls):4d} API calls, {changed} changed"
                    )
                    if changed and name == "role":
                        raise BenchmarkError(
                            f"the role's no-change run over {count} region(s) changed: {', '.join(run.changed_tasks())}"
                        )
                order.reverse()

    def measure(self) -> dict[str, Side]:
        """Start the server, converge every side over the most regions, time the rounds, stop the server."""
        self.endpoint = start(self.work_dir)
        try:
            for count in self.args.region_counts:
                write_inventory(self.work_dir / f"inventory-{count}.yml", REGIONS[:count])
            sides = make_sides(self.endpoint, self.work_dir, self.args.sides, self.args.collections_path)
            largest = max(self.args.region_counts)
            self.log(f"moto endpoint {self.endpoint.url}; work dir {self.work_dir}")
            self.log(f"converging over {largest} region(s)")
            for side in sides.values():
                self.converge(side, largest)
            self.log(f"timing no-change runs: {self.args.rounds} round(s) over {self.args.region_counts} region(s)")
            self.time_rounds(sides)
            return sides
        finally:
            self.endpoint.stop()
