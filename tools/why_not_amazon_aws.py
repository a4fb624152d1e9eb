# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``make why-not-amazon-aws``: show, on a local moto server, why the collection has modules of its own.

amazon.aws has ``cloudwatchlogs_log_group_metric_filter`` and ``cloudwatch_metric_alarm``, community.aws has
``sns_topic``. Each check below runs the same task with their module and with ours, in real ``ansible-playbook``
runs against ``tests/support/moto_endpoint.py`` on 127.0.0.1, and prints what each did. The exit status is non-zero
when a difference the README claims does not show (for example after an amazon.aws release that fixes it): the
README must then change.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "support"))

from moto_endpoint import start  # noqa: E402
from playbook_run import PlaybookRun  # noqa: E402
from playbook_run import execute_playbook  # noqa: E402
from playbook_run import json_report_env  # noqa: E402

LOG_GROUP = "/aws/cloudtrail/why-not"
FILTER = "KMSKeyPendingDeletion"
PATTERN = '{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}'
TRANSFORMATION = {
    "metric_name": "KMSKeyPendingDeletionErrorCount",
    "metric_namespace": "CloudTrailLogMetrics",
    "metric_value": "1",
}
ALARM = {
    "name": "KMSKeyPendingDeletionErrorAlarm",
    "metric_name": "KMSKeyPendingDeletionErrorCount",
    "namespace": "CloudTrailLogMetrics",
    "statistic": "Sum",
    "comparison": "GreaterThanOrEqualToThreshold",
    "threshold": 1.0,
    "period": 60,
    "evaluation_periods": 1,
    "treat_missing_data": "notBreaching",
}


@dataclass
class Check:
    """One difference: what amazon.aws (or community.aws) did, what ours did, and whether that is as claimed."""

    title: str
    theirs: str
    ours: str
    holds: bool


class Runner:
    """Runs one-play playbooks on localhost against the endpoint; each check uses a log group of its own."""

    def __init__(self, endpoint, work_dir: Path):
        self.endpoint = endpoint
        self.work_dir = work_dir
        self.env = json_report_env(endpoint.aws_env())

    def run(self, tasks: list[dict], *extra_args: str) -> PlaybookRun:
        play = {"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}
        playbook = self.work_dir / f"play-{uuid.uuid4().hex[:8]}.yml"
        playbook.write_text(yaml.safe_dump([play], sort_keys=False))
        return execute_playbook(playbook, "localhost,", self.env, extra_args, endpoint=self.endpoint)

    def setup(self, tasks: list[dict]) -> None:
        """Tasks that prepare a check: they must succeed, or the check would show nothing."""
        run = self.run(tasks)
        if run.rc != 0:
            raise RuntimeError(f"setup failed: {run.explain()}")

    def log_group(self) -> str:
        name = f"{LOG_GROUP}-{uuid.uuid4().hex[:6]}"
        self.setup([{"amazon.aws.cloudwatchlogs_log_group": {"log_group_name": name}}])
        return name


def their_filter(log_group: str, pattern: str = PATTERN, state: str = "present") -> dict:
    task = {"log_group_name": log_group, "filter_name": FILTER, "state": state}
    if state == "present":
        task.update(filter_pattern=pattern, metric_transformation=TRANSFORMATION)
    return {"name": "theirs", "amazon.aws.cloudwatchlogs_log_group_metric_filter": task}


def our_filter(log_group: str, state: str = "present", **options) -> dict:
    return {
        "name": "ours",
        "kmsguard.alarms.kms_pending_metric_filter": {"log_group_name": log_group, "state": state, **options},
    }


def _diff_side(result: dict, side: str, field: str):
    return result.get("diff", {}).get(side, {}).get(field)


def diff_of_filter_change(runner: Runner) -> Check:
    """A changed pattern under --check --diff: does the result say what would change?"""
    log_group = runner.log_group()
    runner.setup([their_filter(log_group, pattern="{ $.eventSource = kms* }")])
    theirs = runner.run([their_filter(log_group)], "--check", "--diff").result("theirs")
    other_group = runner.log_group()
    runner.setup([our_filter(other_group, filter_pattern="{ $.eventSource = kms* }")])
    ours = runner.run([our_filter(other_group)], "--check", "--diff").result("ours")
    holds = theirs.get("changed") and "diff" not in theirs and ours.get("changed") and "diff" in ours
    return Check(
        "--diff of a metric filter change",
        f"changed={theirs.get('changed')}, diff: {theirs.get('diff', 'none')}",
        f"changed={ours.get('changed')}, diff: filter_pattern {_diff_side(ours, 'before', 'filter_pattern')!r}"
        f" -> {_diff_side(ours, 'after', 'filter_pattern')!r}",
        bool(holds),
    )


def diff_of_alarm_change(runner: Runner) -> Check:
    """A changed threshold under --check --diff."""
    name = f"{ALARM['name']}-{uuid.uuid4().hex[:6]}"
    their_task = {**ALARM, "name": name, "state": "present"}
    runner.setup([{"amazon.aws.cloudwatch_metric_alarm": {**their_task, "threshold": 2.0}}])
    theirs = runner.run([{"name": "theirs", "amazon.aws.cloudwatch_metric_alarm": their_task}], "--check", "--diff")
    theirs = theirs.result("theirs")
    our_name = f"{name}-ours"
    runner.setup([{"kmsguard.alarms.kms_pending_alarm": {"alarm_name": our_name, "threshold": 2.0}}])
    ours = runner.run(
        [{"name": "ours", "kmsguard.alarms.kms_pending_alarm": {"alarm_name": our_name}}], "--check", "--diff"
    )
    ours = ours.result("ours")
    holds = theirs.get("changed") and "diff" not in theirs and ours.get("changed") and "diff" in ours
    return Check(
        "--diff of an alarm change",
        f"changed={theirs.get('changed')}, diff: {theirs.get('diff', 'none')}",
        f"changed={ours.get('changed')}, diff: threshold {_diff_side(ours, 'before', 'threshold')}"
        f" -> {_diff_side(ours, 'after', 'threshold')}",
        bool(holds),
    )


def filter_name_prefix(runner: Runner) -> Check:
    """Another filter whose name starts with the filter's name: is the filter still found?"""
    results = {}
    for side, task in (("theirs", their_filter), ("ours", our_filter)):
        log_group = runner.log_group()
        runner.setup([task(log_group)])
        copy = {"log_group_name": log_group, "filter_name": f"{FILTER}Copy", "filter_pattern": PATTERN}
        runner.setup([{"kmsguard.alarms.kms_pending_metric_filter": copy}])
        rerun = runner.run([task(log_group)]).result(side)
        removed = runner.run([task(log_group, state="absent")]).result(side)
        results[side] = (rerun.get("changed"), removed.get("changed"), _filter_names(runner.endpoint, log_group))
    theirs, ours = results["theirs"], results["ours"]
    holds = theirs[0] is True and FILTER in theirs[2] and ours[0] is False and FILTER not in ours[2]
    return Check(
        f"a second filter named {FILTER}Copy on the group",
        f"re-run changed={theirs[0]} (every run), state=absent changed={theirs[1]}, left: {theirs[2]}",
        f"re-run changed={ours[0]}, state=absent changed={ours[1]}, left: {ours[2]}",
        holds,
    )


def _filter_names(endpoint, log_group: str) -> list[str]:
    """The filters left on the group, read with boto3 from the same endpoint."""
    env = endpoint.aws_env()
    client = boto3.client(
        "logs",
        region_name=env["AWS_DEFAULT_REGION"],
        endpoint_url=env["AWS_ENDPOINT_URL"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    return sorted(f["filterName"] for f in client.describe_metric_filters(logGroupName=log_group)["metricFilters"])


def topic_encryption(runner: Runner) -> Check:
    """A customer managed key on the alarm topic (KmsMasterKeyId)."""
    name = f"why-not-{uuid.uuid4().hex[:6]}"
    tasks = [
        {
            "name": "theirs",
            "community.aws.sns_topic": {"name": name, "kms_master_key_id": "alias/alarms"},
            "ignore_errors": True,
        },
        {"community.aws.sns_topic": {"name": name}, "register": "topic"},
        {
            "name": "ours",
            "kmsguard.alarms.sns_topic_encryption": {"topic_arn": "{{ topic.sns_arn }}", "kms_key_id": "alias/alarms"},
        },
    ]
    run = runner.run(tasks)
    theirs, ours = run.result("theirs"), run.result("ours")
    holds = theirs.get("failed") and "kms_master_key_id" in theirs.get("msg", "") and ours.get("changed")
    return Check(
        "encrypt the topic with a customer managed key",
        f"failed: {theirs.get('msg', '')[:90]}",
        f"changed={ours.get('changed')}, key {ours.get('kms_master_key_id', ours.get('diff', {}).get('after'))}",
        bool(holds),
    )


def procedure_defaults(runner: Runner) -> Check:
    """The procedure's values as defaults: what must a task spell out?"""
    log_group = runner.log_group()
    theirs = runner.run(
        [
            {
                "name": "theirs",
                "amazon.aws.cloudwatchlogs_log_group_metric_filter": {
                    "log_group_name": log_group,
                    "filter_name": FILTER,
                    "state": "present",
                },
                "ignore_errors": True,
            }
        ]
    )
    ours = runner.run([{"name": "ours", "kmsguard.alarms.kms_pending_metric_filter": {"log_group_name": log_group}}])
    theirs, ours = theirs.result("theirs"), ours.result("ours")
    pattern = ours.get("metric_filter", {}).get("filter_pattern")
    holds = theirs.get("failed") and ours.get("changed") and pattern == PATTERN
    return Check(
        "the procedure's filter from log_group_name alone",
        f"failed: {theirs.get('msg', '')[:90]}",
        f"changed={ours.get('changed')}, pattern {pattern!r}",
        bool(holds),
    )


CHECKS = (diff_of_filter_change, diff_of_alarm_change, filter_name_prefix, topic_encryption, procedure_defaults)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kmsguard-why-not-") as work:
        endpoint = start(Path(work))
        try:
            runner = Runner(endpoint, Path(work))
            checks = [check(runner) for check in CHECKS]
        finally:
            endpoint.stop()
    for check in checks:
        print(f"\n{'as claimed' if check.holds else 'NOT AS CLAIMED'}: {check.title}")
        print(f"  amazon.aws / community.aws: {check.theirs}")
        print(f"  kmsguard.alarms:            {check.ours}")
    return 0 if all(check.holds for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
