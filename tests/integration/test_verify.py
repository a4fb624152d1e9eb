# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""playbooks/verify.yml and kmsguard.alarms.kms_pending_alarm_info on moto: the alarm can fire, or it says why not.

Chains are built by the role (playbooks/site.yml), then broken with boto3 the way people break them (a stopped
trail, write-only event selectors, a hand-edited filter or alarm...). Each test is an account of its own. The
breakages are grouped: in the regional topology each region's chain is broken in several independent links at
once, and one verify run must find every one of them.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from html_tables import table_rows
from procedure_alarm import PROCEDURE_ALARM_FIELDS

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE = REPO_ROOT / "playbooks" / "site.yml"
VERIFY = REPO_ROOT / "playbooks" / "verify.yml"
EMAIL = "security-team@example.com"
TRAIL = "kmsguard-trail"
LOG_GROUP = "/aws/cloudtrail/kmsguard"
TOPIC = "kmsguard-kms-pending-deletion"
REPORT_TASK = "Write the report (Markdown and HTML)"
READS = ("Describe", "Get", "List")


@dataclass
class Run:
    rc: int
    report: dict
    stdout: str
    stderr: str
    calls: list[dict]

    @property
    def operations(self) -> list[str]:
        return [call["operation"] for call in self.calls]

    def task(self, name: str) -> dict:
        """The result of a task that ran on one host (run_once), whichever host that was."""
        for play in self.report.get("plays", []):
            for task in play["tasks"]:
                if task["task"]["name"] == name:
                    return next(iter(task["hosts"].values()))
        raise KeyError(f"no task {name!r}:\n{self.explain()}")

    @property
    def verify_report(self) -> dict:
        return self.task(REPORT_TASK)

    def targets(self) -> dict[str, dict]:
        return {target["host"]: target for target in self.verify_report["targets"]}

    def codes(self, host: str) -> set[str]:
        return {item["code"] for item in self.targets()[host]["findings"]}

    def explain(self) -> str:
        failed = [
            f"{host}: {result.get('msg')}"
            for play in self.report.get("plays", [])
            for task in play["tasks"]
            for host, result in task["hosts"].items()
            if result.get("failed")
        ]
        return f"rc={self.rc}\n{failed}\n{self.stdout[-3000:]}\n{self.stderr[-3000:]}"


@pytest.fixture
def play(account, ansible_playbook, moto_endpoint, tmp_path):
    """``play(playbook, hosts, extra_vars=None, check=False, **group_vars)``: one run in the test's account, with its
    calls."""

    def run(
        playbook: Path, hosts: dict[str, str], extra_vars: dict | None = None, check: bool = False, **group_vars
    ) -> Run:
        inventory_vars = {"ansible_python_interpreter": sys.executable, "pending_deletion_alarm_emails": [EMAIL]}
        inventory_vars.update(group_vars)
        extra = {"verify_report_dir": str(tmp_path / "report"), **(extra_vars or {})}
        moto_endpoint.forget_calls()
        completed = ansible_playbook(
            playbook,
            hosts={name: {"aws_region": region} for name, region in hosts.items()},
            group_vars=inventory_vars,
            extra_args=["-e", json.dumps(extra)],
            env=account.env,
            check=check,
            diff=check,
        )
        return Run(completed.rc, completed.report, completed.stdout, completed.stderr, moto_endpoint.calls())

    return run


def report_files(tmp_path: Path) -> tuple[str, str]:
    directory = tmp_path / "report"
    return (directory / "verify-report.md").read_text(), (directory / "verify-report.html").read_text()


def schedule_deletion(account, region: str, alias: str, days: int) -> str:
    kms = account.client("kms", region)
    key_id = kms.create_key(Description=f"{alias} key")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key_id)
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=days)
    return key_id


def topic_arn(account, region: str) -> str:
    return f"arn:aws:sns:{region}:{account.account_id}:{TOPIC}"


def put_alarm(account, region: str, **changes) -> None:
    """Rewrite the role's alarm as someone would by hand (PutMetricAlarm replaces the whole alarm)."""
    alarm = {
        "AlarmName": constants.ALARM_NAME,
        **PROCEDURE_ALARM_FIELDS,
        "AlarmActions": [topic_arn(account, region)],
    }
    alarm.update(changes)
    account.client("cloudwatch", region).put_metric_alarm(**alarm)


def assert_reads_only(run: Run) -> None:
    writes = [operation for operation in run.operations if not operation.startswith(READS)]
    assert writes == [], run.explain()


# --- the account topology ---------------------------------------------------------------------------------------


def test_account_topology_passes_lists_pending_keys_and_fails_on_a_single_region_trail(play, account, tmp_path):
    hosts = {"home-us-east-1": "us-east-1", "other-eu-west-1": "eu-west-1"}
    deployed = play(SITE, hosts)
    assert deployed.rc == 0, deployed.explain()
    soon = schedule_deletion(account, "us-east-1", "payments", 7)
    later = schedule_deletion(account, "eu-west-1", "archive", 30)

    verified = play(VERIFY, hosts)
    assert verified.rc == 0, verified.explain()
    assert_reads_only(verified)
    report = verified.verify_report
    assert (report["status"], report["critical_count"], report["failed_targets"]) == ("pass", 0, [])
    targets = verified.targets()
    assert (targets["home-us-east-1"]["kind"], targets["home-us-east-1"]["status"]) == ("audited", "pass")
    assert targets["home-us-east-1"]["findings"] == []
    assert (targets["other-eu-west-1"]["kind"], targets["other-eu-west-1"]["status"]) == ("covered", "pass")
    assert targets["other-eu-west-1"]["note"].startswith(f"covered by us-east-1 multi-region trail {TRAIL}")
    assert [(key["key_id"], key["region"], key["days_left"]) for key in report["pending_keys"]] == [
        (soon, "us-east-1", 7),
        (later, "eu-west-1", 30),
    ]
    assert report["pending_keys"][0]["aliases"] == ["alias/payments"]
    # One read per resource: the trail, the group and its filters, the alarm, the topic, each region's keys.
    audit_reads = {operation: verified.operations.count(operation) for operation in set(verified.operations)}
    assert {
        operation: audit_reads.get(operation)
        for operation in ("DescribeTrails", "GetTrailStatus", "GetEventSelectors", "DescribeLogGroups",
                          "DescribeMetricFilters", "GetTopicAttributes", "ListSubscriptionsByTopic", "ListKeys",
                          "ListAliases", "DescribeKey")
    } == {"DescribeTrails": 1, "GetTrailStatus": 1, "GetEventSelectors": 1, "DescribeLogGroups": 1,
          "DescribeMetricFilters": 1, "GetTopicAttributes": 1, "ListSubscriptionsByTopic": 1, "ListKeys": 2,
          "ListAliases": 2, "DescribeKey": 2}  # fmt: skip
    assert "home-us-east-1" in "\n".join(verified.task("Show the result per target")["msg"])

    markdown, page = report_files(tmp_path)
    assert soon in markdown and "alias/payments" in markdown
    targets_table, keys_table = table_rows(page)[:2]
    assert [(row["Target"][1], row["Status"][1]) for row in targets_table] == [
        ("home-us-east-1", "PASS"),
        ("other-eu-west-1", "PASS"),
    ]
    assert [(row["Key"][1], row["Days left"]) for row in keys_table] == [
        (soon, ("status s-fail", "7")),
        (later, ("status s-warn", "30")),
    ]

    account.client("cloudtrail", "us-east-1").update_trail(Name=TRAIL, IsMultiRegionTrail=False)
    single_region = play(VERIFY, hosts)
    assert single_region.rc != 0
    assert_reads_only(single_region)
    assert single_region.codes("home-us-east-1") == {"trail_not_multi_region"}
    assert set(single_region.verify_report["failed_targets"]) == set(hosts)
    assert single_region.targets()["other-eu-west-1"]["note"].startswith("NOT covered")
    assert "cannot raise the alarm" in single_region.explain()
    page = report_files(tmp_path)[1]
    rows = {row["Target"][1]: row for row in table_rows(page)[0]}
    assert rows["other-eu-west-1"]["Trail"] == ("status s-fail", "FAIL")
    assert "trail_not_multi_region" in page

    repaired = play(SITE, hosts)
    assert repaired.rc == 0, repaired.explain()
    # --check: the drill is announced as what a real run would do, and nothing is set or sent.
    rehearsed = play(VERIFY, hosts, extra_vars={"pending_deletion_alarm_drill": True}, check=True)
    assert rehearsed.rc == 0, rehearsed.explain()
    assert [call for call in rehearsed.calls if not call["operation"].startswith(READS)] == []
    assert "A REAL notification would go to" in rehearsed.stdout
    assert "was not set and nothing was sent" in rehearsed.stdout
    assert "A REAL notification was sent to" not in rehearsed.stdout
    drill = play(VERIFY, hosts, extra_vars={"pending_deletion_alarm_drill": True})
    assert drill.rc == 0, drill.explain()
    assert drill.verify_report["failed_targets"] == []
    # The drill is the only write: the alarm went to ALARM (which notifies), then back to OK.
    writes = [call for call in drill.calls if not call["operation"].startswith(READS)]
    assert [(call["operation"], call["region"]) for call in writes] == [("SetAlarmState", "us-east-1")] * 2
    assert "A REAL notification goes to" in drill.stdout
    assert "A REAL notification was sent to" in drill.stdout
    alarm = account.client("cloudwatch").describe_alarms(AlarmNames=[constants.ALARM_NAME])["MetricAlarms"][0]
    assert alarm["StateValue"] == "OK"
    markdown = report_files(tmp_path)[0]
    assert "## Drill" in markdown and "ALARM -> OK" in markdown


# --- the regional topology: every link broken somewhere, found, repaired ------------------------------------------

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")


def break_chains(account) -> None:
    us, eu, ap = REGIONS
    # us-east-1: stopped trail; a filter that misses Decrypt errors; GreaterThanThreshold 1.
    account.client("cloudtrail", us).stop_logging(Name=TRAIL)
    account.client("logs", us).put_metric_filter(
        logGroupName=LOG_GROUP,
        filterName=constants.FILTER_NAME,
        filterPattern='{ $.eventName = "Encrypt" && $.errorMessage = "* is pending deletion." }',
        metricTransformations=[
            {"metricName": constants.METRIC_NAME, "metricNamespace": constants.METRIC_NAMESPACE, "metricValue": "1"}
        ],
    )
    put_alarm(account, us, ComparisonOperator="GreaterThanThreshold")
    # eu-west-1: write-only event selectors; the alarm on another namespace, notifying a topic of another region.
    account.client("cloudtrail", eu).put_event_selectors(
        TrailName=TRAIL, EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]
    )
    put_alarm(account, eu, Namespace="OtherNamespace", AlarmActions=[topic_arn(account, us)])
    # ap-southeast-2: KMS events excluded; no filter; actions disabled; the topic deleted.
    account.client("cloudtrail", ap).put_event_selectors(
        TrailName=TRAIL,
        EventSelectors=[{"ReadWriteType": "All", "ExcludeManagementEventSources": ["kms.amazonaws.com"]}],
    )
    account.client("logs", ap).delete_metric_filter(logGroupName=LOG_GROUP, filterName=constants.FILTER_NAME)
    account.client("cloudwatch", ap).disable_alarm_actions(AlarmNames=[constants.ALARM_NAME])
    account.client("sns", ap).delete_topic(TopicArn=topic_arn(account, ap))


def test_regional_topology_finds_each_broken_link_and_passes_once_repaired(play, account, tmp_path):
    hosts = {f"target-{region}": region for region in REGIONS}
    settings = {"pending_deletion_alarm_topology": "regional"}
    deployed = play(SITE, hosts, **settings)
    assert deployed.rc == 0, deployed.explain()
    healthy = play(VERIFY, hosts, **settings)
    assert healthy.rc == 0, healthy.explain()
    assert {target["kind"] for target in healthy.verify_report["targets"]} == {"audited"}
    assert healthy.verify_report["critical_count"] == 0

    break_chains(account)
    broken = play(VERIFY, hosts, **settings)
    assert broken.rc != 0
    assert_reads_only(broken)
    assert broken.codes("target-us-east-1") == {"trail_not_logging", "filter_misses_events", "alarm_threshold"}
    assert broken.codes("target-eu-west-1") == {"trail_write_only", "alarm_wrong_metric", "alarm_action_other_region"}
    assert broken.codes("target-ap-southeast-2") == {
        "trail_excludes_kms",
        "filter_missing",
        "alarm_actions_disabled",
        "topic_missing",
    }
    assert broken.verify_report["failed_targets"] == list(hosts)
    findings = {item["code"]: item for item in broken.targets()["target-us-east-1"]["findings"]}
    missed = findings["filter_misses_events"]["message"].split("does not count:")[1].split("Its pattern")[0]
    assert "Decrypt" in missed
    assert "GreaterThanOrEqualToThreshold" in findings["alarm_threshold"]["remediation"]
    markdown, page = report_files(tmp_path)
    for code in ("trail_not_logging", "trail_write_only", "trail_excludes_kms", "topic_missing"):
        assert f"`{code}`" in markdown
    rows = {row["Target"][1]: row for row in table_rows(page)[0]}
    assert rows["target-us-east-1"]["Trail"] == ("status s-fail", "FAIL")
    assert rows["target-eu-west-1"]["KMS events recorded"] == ("status s-fail", "FAIL")
    assert rows["target-ap-southeast-2"]["Metric filter"] == ("status s-fail", "FAIL")
    assert rows["target-ap-southeast-2"]["Topic"] == ("status s-skip", "n/a")

    # A re-run of site.yml alone repairs every link, the trails' event selectors among them.
    repaired = play(SITE, hosts, **settings)
    assert repaired.rc == 0, repaired.explain()
    passing = play(VERIFY, hosts, **settings)
    assert passing.rc == 0, passing.explain()
    assert passing.verify_report["critical_count"] == 0
    assert passing.verify_report["status"] == "pass"


# --- the module on a chain the role did not build -----------------------------------------------------------------

HAND_WRITTEN_PATTERN = '{ ($.eventSource = "kms.amazonaws.com") && ($.errorMessage = "* is pending deletion.") }'


def build_hand_made_chain(account, region: str = "us-east-1") -> None:
    """A chain made by hand: its own names, a hand-written filter beside the CIS one, a console-style alarm."""
    bucket = f"hand-made-{account.account_id}"
    account.client("s3", region).create_bucket(Bucket=bucket)
    logs = account.client("logs", region)
    logs.create_log_group(logGroupName="org-trail-logs")
    trail = account.client("cloudtrail", region)
    trail.create_trail(
        Name="org-trail",
        S3BucketName=bucket,
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{region}:{account.account_id}:log-group:org-trail-logs:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{account.account_id}:role/org-trail-to-logs",
    )
    trail.start_logging(Name="org-trail")
    for name, pattern, metric in (
        ("MyKmsPendingDeletion", HAND_WRITTEN_PATTERN, "MyKmsPendingDeletionCount"),
        (constants.CIS_FILTER_NAME, constants.CIS_FILTER_PATTERN, constants.CIS_METRIC_NAME),
    ):
        logs.put_metric_filter(
            logGroupName="org-trail-logs",
            filterName=name,
            filterPattern=pattern,
            metricTransformations=[{"metricName": metric, "metricNamespace": "Security", "metricValue": "1"}],
        )
    sns = account.client("sns", region)
    topic = sns.create_topic(Name="security-alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=EMAIL)
    put_alarm(account, region, AlarmName="kms-pending-deletion-console", MetricName="MyKmsPendingDeletionCount",
              Namespace="Security", AlarmActions=[topic])  # fmt: skip


def audit_playbook(tmp_path: Path, check: bool) -> Path:
    task = {"name": "audit", "kmsguard.alarms.kms_pending_alarm_info": {"region": "us-east-1"}, "register": "audit"}
    if check:
        task["check_mode"] = True
    show = {"name": "show", "ansible.builtin.debug": {"var": "audit"}}
    playbook = tmp_path / f"audit-{int(check)}.yml"
    play = {
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars": {"ansible_python_interpreter": sys.executable},
        "tasks": [task, show],
    }
    playbook.write_text(yaml.safe_dump([play]))
    return playbook


def test_the_module_judges_a_hand_made_chain_by_what_it_does(account, ansible_playbook, moto_endpoint, tmp_path):
    build_hand_made_chain(account)

    def audit(check: bool) -> tuple[dict, list[str]]:
        moto_endpoint.forget_calls()
        run = ansible_playbook(audit_playbook(tmp_path, check), env=account.env)
        assert run.rc == 0, run.stdout[-3000:]
        return run.result("audit"), [call["operation"] for call in moto_endpoint.calls()]

    found, operations = audit(check=True)
    assert found["log_group_name"] == "org-trail-logs", "found from the trail that delivers to CloudWatch Logs"
    assert found["metric_filter"]["filter_name"] == "MyKmsPendingDeletion"
    assert found["alarm"]["alarm_name"] == "kms-pending-deletion-console"
    assert sorted(item["code"] for item in found["findings"]) == ["alarm_other_name", "filter_other_name"]
    assert found["status"] == "pass"
    assert found["changed"] is False
    assert [operation for operation in operations if not operation.startswith(READS)] == []
    assert "DescribeAlarmsForMetric" in operations

    account.client("logs").delete_metric_filter(logGroupName="org-trail-logs", filterName="MyKmsPendingDeletion")
    found = audit(check=False)[0]
    assert sorted(item["code"] for item in found["findings"]) == ["alarm_missing", "filter_missing"]
    missing = next(item for item in found["findings"] if item["code"] == "filter_missing")
    assert constants.CIS_FILTER_NAME in missing["message"], "the CIS filter is judged, and found to count other calls"
    assert found["checks"]["filter"] == "fail"
