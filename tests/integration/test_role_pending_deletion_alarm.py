# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The role ``kmsguard.alarms.pending_deletion_alarm`` through the collection's playbooks, on moto.

Every test is one AWS account of its own: moto's STS hands out credentials for a role assumed in a fresh 12-digit
account and maps them to that account. The runs get them from the environment (the standard credential chain)
or, in the multi-account test, through the inventory's ``aws_assume_role_arn``. Tests thus share the worker's
moto server without reset and without name clashes. Each run covers three regions: assertions are grouped per run.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import reliability_figures
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_rule
from aws_account import Account
from playbook_run import PlaybookRun as Run
from playbook_run import assert_check_mode_told_the_truth

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE = REPO_ROOT / "playbooks" / "site.yml"
TEARDOWN = REPO_ROOT / "playbooks" / "teardown.yml"
VERIFY = REPO_ROOT / "playbooks" / "verify.yml"
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
EMAIL = "security-team@example.com"

# The procedure's values, as the role's defaults name them.
PREFIX = "kmsguard"
TRAIL = f"{PREFIX}-trail"
LOG_GROUP = f"/aws/cloudtrail/{PREFIX}"
IAM_ROLE = f"{PREFIX}-cloudtrail-to-logs"
TOPIC = f"{PREFIX}-kms-pending-deletion"
FILTER_PATTERN = constants.FILTER_PATTERN
FILTER_NAME = constants.FILTER_NAME
METRIC_NAME = constants.METRIC_NAME
NAMESPACE = constants.METRIC_NAMESPACE
ALARM = constants.ALARM_NAME
CIS_FILTER_PATTERN = constants.CIS_FILTER_PATTERN
CIS_ALARM = constants.CIS_ALARM_NAME


# --- real ansible-playbook runs of the collection's playbooks ---------------------------------------------------


@pytest.fixture
def deploy(account, ansible_playbook, moto_endpoint):
    """``deploy(hosts, playbook=SITE, check=False, assume_role=False, **role_vars)``: one run in the test's account.

    ``hosts`` maps inventory host names to regions. The account's credentials come from the environment, or with
    ``assume_role`` from the default credentials through the inventory's ``aws_assume_role_arn``. Returns a Run
    with the json report and the API operations the run made (the worker's call record, which only this test
    uses meanwhile).
    """

    def run(
        hosts: dict[str, str], playbook: Path = SITE, check: bool = False, assume_role: bool = False, **role_vars
    ) -> Run:
        group_vars = {"ansible_python_interpreter": sys.executable, "pending_deletion_alarm_emails": [EMAIL]}
        if assume_role:
            group_vars["aws_assume_role_arn"] = account.deployer_role_arn
        group_vars.update(role_vars)
        moto_endpoint.forget_calls()
        completed = ansible_playbook(
            playbook,
            hosts={name: {"aws_region": region} for name, region in hosts.items()},
            group_vars=group_vars,
            check=check,
            diff=check,
            env=None if assume_role else account.env,
        )
        return replace(completed, calls=moto_endpoint.calls())

    return run


def three_regions(name: str = "target") -> dict[str, str]:
    return {f"{name}-{region}": region for region in REGIONS}


# --- what the account holds ---------------------------------------------------------------------------------------


def own_trails(account: Account, region: str) -> list[dict]:
    return account.client("cloudtrail", region).describe_trails(includeShadowTrails=False)["trailList"]


def log_groups(account: Account, region: str) -> list[str]:
    return [group["logGroupName"] for group in account.client("logs", region).describe_log_groups()["logGroups"]]


def metric_filters(account: Account, region: str) -> list[dict]:
    return account.client("logs", region).describe_metric_filters()["metricFilters"]


def alarms(account: Account, region: str) -> dict[str, dict]:
    found = account.client("cloudwatch", region).describe_alarms(AlarmTypes=["MetricAlarm"])["MetricAlarms"]
    return {alarm["AlarmName"]: alarm for alarm in found}


def topics(account: Account, region: str) -> list[str]:
    return [topic["TopicArn"] for topic in account.client("sns", region).list_topics()["Topics"]]


def iam_roles(account: Account) -> list[str]:
    return [role["RoleName"] for role in account.client("iam").list_roles()["Roles"]]


def buckets(account: Account) -> list[str]:
    return [
        bucket["Name"]
        for bucket in account.client("s3").list_buckets()["Buckets"]
        if account.account_id in bucket["Name"]
    ]


def assert_chain(
    account: Account, region: str, log_group: str = LOG_GROUP, cis: bool = False, multi_region: bool | None = None
) -> None:
    """The whole chain in one region: trail -> log group -> filter -> alarm -> topic -> email."""
    if multi_region is not None:
        trail = next(t for t in own_trails(account, region) if t["Name"] == TRAIL)
        assert trail["IsMultiRegionTrail"] is multi_region
        assert trail["LogFileValidationEnabled"]
        assert trail["CloudWatchLogsLogGroupArn"].split(":log-group:")[1].removesuffix(":*") == log_group
        assert trail["CloudWatchLogsRoleArn"].endswith(f":role/{IAM_ROLE}")
        assert account.client("cloudtrail", region).get_trail_status(Name=trail["TrailARN"])["IsLogging"]
        selectors = account.client("cloudtrail", region).get_event_selectors(TrailName=trail["TrailARN"])
        basic = selectors.get("EventSelectors") or []
        advanced = selectors.get("AdvancedEventSelectors") or []
        # Management events, read and write: KMS cryptographic calls are read events. No selector at all is
        # CloudTrail's default, all management events (moto reports it as empty lists, AWS as the default selector).
        assert (
            not (basic or advanced)
            or any(s.get("ReadWriteType") == "All" and s.get("IncludeManagementEvents") for s in basic)
            or any(
                all(f.get("Field") != "readOnly" for f in s["FieldSelectors"])
                and any(
                    f.get("Field") == "eventCategory" and f.get("Equals") == ["Management"] for f in s["FieldSelectors"]
                )
                for s in advanced
            )
        ), selectors
        assert log_group in log_groups(account, region)

    filters = {f["filterName"]: f for f in metric_filters(account, region)}
    assert filters[FILTER_NAME]["logGroupName"] == log_group
    assert filters[FILTER_NAME]["filterPattern"] == FILTER_PATTERN
    transformation = filters[FILTER_NAME]["metricTransformations"][0]
    assert (transformation["metricName"], transformation["metricNamespace"], transformation["metricValue"]) == (
        METRIC_NAME,
        NAMESPACE,
        "1",
    )

    topic_arn = f"arn:aws:sns:{region}:{account.account_id}:{TOPIC}"
    assert topic_arn in topics(account, region)
    subscriptions = account.client("sns", region).list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", EMAIL)]

    found = alarms(account, region)
    alarm = found[ALARM]
    assert (alarm["MetricName"], alarm["Namespace"], alarm["Statistic"], alarm["Period"]) == (
        METRIC_NAME,
        NAMESPACE,
        "Sum",
        60,
    )
    assert (alarm["ComparisonOperator"], alarm["Threshold"], alarm["EvaluationPeriods"]) == (
        "GreaterThanOrEqualToThreshold",
        1.0,
        1,
    )
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["AlarmActions"] == [topic_arn]
    if cis:
        assert filters["KMSKeyDisableOrScheduleDeletion"]["filterPattern"] == CIS_FILTER_PATTERN
        assert found[CIS_ALARM]["AlarmActions"] == [topic_arn]
    else:
        assert CIS_ALARM not in found
        assert "KMSKeyDisableOrScheduleDeletion" not in filters


def assert_nothing(account: Account, region: str, trails: bool = True) -> None:
    if trails:
        assert own_trails(account, region) == []
    assert log_groups(account, region) == []
    assert metric_filters(account, region) == []
    assert alarms(account, region) == {}
    assert topics(account, region) == []


def assert_trail_removed(run: Run, region: str) -> None:
    """The teardown deleted the trail of ``region``.

    amazon.aws.cloudtrail deletes a trail by its ARN, and moto 5.2 ignores DeleteTrail by ARN (it only matches
    names), so the trail stays listed on moto: the call record is the evidence.
    """
    assert {"service": "cloudtrail", "operation": "DeleteTrail", "region": region} in run.calls, run.explain()


# --- tests --------------------------------------------------------------------------------------------------------


def test_account_topology_check_apply_rerun_and_teardown(deploy, account):
    """One multi-region trail and one alarm in the home region; honest check mode; 0 changed; teardown keeps logs."""
    hosts = three_regions()

    dry_run = deploy(hosts, check=True)
    assert dry_run.rc == 0, dry_run.explain()
    assert dry_run.changed[f"target-{REGIONS[0]}"] > 0, "check mode on an empty account must report what it would do"
    assert dry_run.writes == [], dry_run.explain()
    for region in REGIONS:
        assert_nothing(account, region)

    applied = deploy(hosts)
    assert applied.rc == 0, applied.explain()
    assert_check_mode_told_the_truth(dry_run, applied)
    assert applied.changed[f"target-{REGIONS[1]}"] == applied.changed[f"target-{REGIONS[2]}"] == 0
    assert applied.operations.count("CreateRole") == 1
    assert applied.operations.count("CreateTrail") == 1
    assert_chain(account, REGIONS[0], multi_region=True)
    for region in REGIONS[1:]:  # covered by the multi-region trail, nothing of their own
        assert_nothing(account, region)
    assert iam_roles(account).count(IAM_ROLE) == 1
    assert len(buckets(account)) == 1

    rerun = deploy(hosts)
    assert rerun.rc == 0, rerun.explain()
    assert set(rerun.changed.values()) == {0}, rerun.explain()
    assert rerun.writes == [], rerun.explain()

    converged_dry_run = deploy(hosts, check=True)
    assert converged_dry_run.rc == 0, converged_dry_run.explain()
    assert set(converged_dry_run.changed.values()) == {0}, converged_dry_run.explain()
    assert converged_dry_run.writes == [], converged_dry_run.explain()

    removed = deploy(hosts, playbook=TEARDOWN)
    assert removed.rc == 0, removed.explain()
    home = REGIONS[0]
    assert_trail_removed(removed, home)
    assert metric_filters(account, home) == []
    assert alarms(account, home) == {}
    assert topics(account, home) == []
    assert IAM_ROLE not in iam_roles(account)
    assert log_groups(account, home) == [LOG_GROUP], "teardown keeps the log group"
    assert len(buckets(account)) == 1, "teardown keeps the bucket with the logs"


def test_regional_topology_cis_and_two_targets_of_one_region(deploy, account):
    """A chain in every region, the CIS companion, the account-level role once, honest check mode, teardown with
    purge_logs.

    The account is reached through ``aws_assume_role_arn`` (multi-account inventories).
    """
    hosts = three_regions()
    hosts["second-target-eu-west-1"] = "eu-west-1"  # the same place twice in one run: must not race or fail
    settings = {
        "assume_role": True,
        "pending_deletion_alarm_topology": "regional",
        "pending_deletion_alarm_cis_alarm": True,
    }

    dry_run = deploy(hosts, check=True, **settings)
    assert dry_run.rc == 0, dry_run.explain()
    assert dry_run.writes == [], dry_run.explain()

    applied = deploy(hosts, **settings)
    assert applied.rc == 0, applied.explain()
    assert_check_mode_told_the_truth(dry_run, applied)
    assert applied.operations.count("CreateRole") == 1, "the IAM role is per account, created once"
    assert applied.operations.count("CreateTrail") == 3
    for region in REGIONS:
        assert_chain(account, region, cis=True, multi_region=False)
    assert iam_roles(account).count(IAM_ROLE) == 1
    assert len(buckets(account)) == 1

    rerun = deploy(hosts, **settings)
    assert rerun.rc == 0, rerun.explain()
    # Checked after the teardown, so that one broken expectation does not hide the others.
    rerun_problems = [] if set(rerun.changed.values()) == {0} and not rerun.writes else [rerun.explain()]

    removed = deploy(hosts, playbook=TEARDOWN, pending_deletion_alarm_purge_logs=True, **settings)
    assert removed.rc == 0, removed.explain()
    for region in REGIONS:
        assert_trail_removed(removed, region)
        assert_nothing(account, region, trails=False)
    assert IAM_ROLE not in iam_roles(account)
    assert len(buckets(account)) == 1, "purge_logs alone keeps the bucket"
    assert rerun_problems == [], "the re-run must report 0 changed and write nothing"


def test_existing_log_group_is_reused_and_a_missing_one_fails_cleanly(deploy, account):
    """No trail, bucket or IAM role when a trail already delivers to a log group; a missing group writes nothing."""
    existing = "aws-controltower/CloudTrailLogs"
    account.client("logs", REGIONS[0]).create_log_group(logGroupName=existing)
    hosts = three_regions()

    applied = deploy(hosts, pending_deletion_alarm_existing_log_group_name=existing)
    assert applied.rc == 0, applied.explain()
    assert not [
        op
        for op in applied.operations
        if op in ("CreateTrail", "CreateRole", "CreateLogGroup") or op.startswith("PUT /" + PREFIX)
    ], applied.explain()
    assert_chain(account, REGIONS[0], log_group=existing)
    assert own_trails(account, REGIONS[0]) == []
    assert IAM_ROLE not in iam_roles(account)
    assert buckets(account) == []
    assert log_groups(account, REGIONS[0]) == [existing]

    missing = "org/trail-logs-that-do-not-exist"
    failed = deploy(hosts, pending_deletion_alarm_existing_log_group_name=missing)
    assert failed.rc != 0
    assert missing in failed.failure_messages(), failed.explain()
    assert failed.writes == [], failed.explain()


BAD_KEY_UUID = "1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize(
    ("role_vars", "named_value"),
    [
        pytest.param(
            {"pending_deletion_alarm_emails": ["security-team.example.com"]},
            "security-team.example.com",
            id="email-not-an-address",
        ),
        pytest.param({"pending_deletion_alarm_topology": "global"}, "global", id="unknown-topology"),
        pytest.param({"bad_region": "eu-middle-9"}, "eu-middle-9", id="region-that-does-not-exist"),
        pytest.param({"bad_region": "us-esat-1"}, "Did you mean us-east-1?", id="misspelt-region"),
        pytest.param({"bad_region": ""}, "has no aws_region", id="host-without-region"),
        pytest.param(
            {"pending_deletion_alarm_topic_kms_key_id": "alias/aws/sns"}, "alias/aws/sns", id="aws-managed-sns-key"
        ),
        pytest.param(
            {"pending_deletion_alarm_topic_kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/not-a-uuid"},
            "key/not-a-uuid",
            id="key-arn-with-a-key-id-that-is-not-one",
        ),
        pytest.param(
            {"pending_deletion_alarm_topic_kms_key_id": "alias/" + "k" * 294},
            "pending_deletion_alarm_topic_kms_key_id",
            id="alias-of-300-characters",
        ),
        pytest.param(
            {"pending_deletion_alarm_topic_kms_key_id": f"arn:aws:kms:xx:123456789012:key/{BAD_KEY_UUID}"},
            "arn:aws:kms:xx:",
            id="key-arn-in-region-xx",
        ),
        # CloudWatch Logs would refuse it only at CreateLogGroup, after the account-level writes.
        pytest.param(
            {"pending_deletion_alarm_log_group_name": "kmsguard/journal-\u00e9t\u00e9"},
            "kmsguard/journal-\u00e9t\u00e9",
            id="log-group-name-accented",
        ),
        # YAML reads 1234 as a number: the IAM role and the bucket took it, CloudWatch Logs refused it at
        # CreateLogGroup.
        pytest.param(
            {"pending_deletion_alarm_tags": {"cost": 1234}}, '"cost" 1234 (a number)', id="tag-value-a-number"
        ),
        # kms_pending_metric_filter refused it only when the run reached the filters, after the trail.
        pytest.param(
            {"pending_deletion_alarm_metric_namespace": "kms:pending"}, "kms:pending", id="metric-namespace-colon"
        ),
        # PutMetricFilter refuses it (moto does not): after the trail and its delivery.
        pytest.param(
            {"pending_deletion_alarm_filter_pattern": "{ $.eventSource = kms* && }"},
            "expected a property selector",
            id="filter-pattern-malformed",
        ),
    ],
)
def test_bad_input_fails_before_any_aws_call(deploy, account, role_vars, named_value, request):
    hosts = three_regions()
    if "bad_region" in role_vars:
        hosts[f"target-{REGIONS[2]}"] = role_vars.pop("bad_region")
    failed = deploy(hosts, **role_vars)
    reliability_figures.record(
        "bad_input",
        f"role-{request.node.callspec.id}",
        where="role variables and inventory (site.yml)",
        tried=1,
        failed_naming_the_value=int(failed.rc != 0 and named_value in failed.failure_messages()),
        calls=len(failed.operations),
    )
    assert failed.rc != 0, failed.explain()
    assert failed.failed_hosts, failed.explain()
    assert named_value in failed.failure_messages(), failed.explain()
    assert failed.operations == [], failed.explain()


def test_detailed_notification_rule_check_apply_rerun_verify_and_teardown(deploy, account, tmp_path):
    """The option adds the EventBridge rule in each topic's region and lets only it publish besides the alarms.

    Regional topology over two regions, neither of them the environment's region (AWS_DEFAULT_REGION): the rule
    of each target must be made in the target's region, with the target's credentials (the account is reached
    through ``aws_assume_role_arn``: the environment's credentials are another account's).
    """
    regions = REGIONS[1:]
    hosts = {f"target-{region}": region for region in regions}
    rule_name = f"{PREFIX}-kms-pending-deletion"
    options = {
        "assume_role": True,
        "pending_deletion_alarm_detailed_notification": True,
        "pending_deletion_alarm_topology": "regional",
    }

    dry_run = deploy(hosts, check=True, **options)
    assert dry_run.rc == 0, dry_run.explain()
    assert dry_run.writes == [], dry_run.explain()
    assert "EventBridge rule that names the key, the call and the caller, sent to the topic" in " ".join(
        dry_run.changed_tasks()
    ), dry_run.explain()

    applied = deploy(hosts, **options)
    assert applied.rc == 0, applied.explain()
    assert_check_mode_told_the_truth(dry_run, applied)
    rules = {}
    for region in regions:
        events = account.client("events", region)
        rules[region] = rule = events.describe_rule(Name=rule_name)
        assert rule["State"] == constants.EVENT_RULE_STATE
        assert json.loads(rule["EventPattern"]) == event_rule.event_pattern()
        topic_arn = f"arn:aws:sns:{region}:{account.account_id}:{TOPIC}"
        (target,) = events.list_targets_by_rule(Rule=rule_name)["Targets"]
        assert (target["Arn"], target["InputTransformer"]["InputTemplate"]) == (topic_arn, event_rule.input_template())
        attributes = account.client("sns", region).get_topic_attributes(TopicArn=topic_arn)["Attributes"]
        policy = json.loads(attributes["Policy"])
        assert policy["Statement"][1] == event_rule.topic_policy_statement(topic_arn, rule["Arn"], account.account_id)
        assert [statement["Sid"] for statement in policy["Statement"]] == [
            "CloudWatchAlarmsOfThisAccountOnly",
            "EventBridgeRuleOfThisAccountOnly",
        ]
    assert account.client("events", REGIONS[0]).list_rules()["Rules"] == [], "nothing in the environment's region"

    rerun = deploy(hosts, **options)
    assert rerun.rc == 0, rerun.explain()
    assert set(rerun.changed.values()) == {0}, rerun.explain()
    assert rerun.writes == [], rerun.explain()
    assert {"DescribeRule", "ListTargetsByRule"} <= set(rerun.operations)

    disabled = regions[0]
    account.client("events", disabled).put_rule(
        Name=rule_name, EventPattern=rules[disabled]["EventPattern"], State="DISABLED"
    )
    verified = deploy(hosts, playbook=VERIFY, verify_report_dir=str(tmp_path / "report"), **options)
    for region in regions:
        audit = verified.result(
            "kmsguard.alarms.pending_deletion_alarm : Audit the chain of the region (read only)", f"target-{region}"
        )
        assert [item["code"] for item in audit["findings"] if item["code"].startswith("event_rule")] == (
            ["event_rule_state"] if region == disabled else []
        ), (region, audit["findings"])
    assert verified.writes == [], verified.explain()

    removed = deploy(hosts, playbook=TEARDOWN, **options)
    assert removed.rc == 0, removed.explain()
    assert removed.operations.count("RemoveTargets") == removed.operations.count("DeleteRule") == len(regions)
    for region in regions:
        assert account.client("events", region).list_rules()["Rules"] == []
        assert topics(account, region) == []
