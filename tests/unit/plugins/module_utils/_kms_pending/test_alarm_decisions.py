# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kms_pending_alarm's decisions without AWS: validation, ARN parsing, normalisation, comparison, requests."""

from __future__ import annotations

import datetime

import pytest
import yaml

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import alarm_fields_differ
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import alarm_result
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import current_alarm
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import desired_alarm
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import plan_alarm
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import (
    put_metric_alarm_request,
)
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import tag_updates
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import validate_params
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.arns import parse_arn
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Write
from ansible_collections.kmsguard.alarms.plugins.modules import kms_pending_alarm
from procedure_alarm import PROCEDURE_ALARM_FIELDS

REGION = "us-east-1"
TOPIC = f"arn:aws:sns:{REGION}:123456789012:kms-alerts"
OTHER_TOPIC = f"arn:aws:sns:{REGION}:123456789012:kms-oncall"
FOREIGN_TOPIC = "arn:aws:sns:eu-west-1:123456789012:kms-alerts"
ALARM_ARN = f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:{constants.ALARM_NAME}"
NOW = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)


def make_params(**overrides) -> dict:
    """Module parameters as Ansible hands them over: every option, with the documented defaults."""
    params = {
        "state": "present",
        "alarm_name": constants.ALARM_NAME,
        "alarm_description": constants.ALARM_DESCRIPTION,
        "metric_name": constants.METRIC_NAME,
        "metric_namespace": constants.METRIC_NAMESPACE,
        "statistic": constants.STATISTIC,
        "comparison_operator": constants.COMPARISON_OPERATOR,
        "threshold": constants.THRESHOLD,
        "period": constants.PERIOD,
        "evaluation_periods": constants.EVALUATION_PERIODS,
        "datapoints_to_alarm": constants.DATAPOINTS_TO_ALARM,
        "treat_missing_data": constants.TREAT_MISSING_DATA,
        "actions_enabled": True,
        "alarm_actions": [TOPIC],
        "ok_actions": None,
        "insufficient_data_actions": None,
        "tags": None,
        "purge_tags": True,
    }
    params.update(overrides)
    return params


def described_alarm(**overrides) -> dict:
    """An alarm as DescribeAlarms returns it after the procedure's PutMetricAlarm, fields AWS adds included."""
    alarm = {
        "AlarmName": constants.ALARM_NAME,
        "AlarmArn": ALARM_ARN,
        "AlarmDescription": constants.ALARM_DESCRIPTION,
        "AlarmConfigurationUpdatedTimestamp": NOW,
        "ActionsEnabled": True,
        "OKActions": [],
        "AlarmActions": [TOPIC],
        "InsufficientDataActions": [],
        "StateValue": "OK",
        "StateReason": "Threshold Crossed: no datapoints were received",
        "StateUpdatedTimestamp": NOW,
        **PROCEDURE_ALARM_FIELDS,
        "Dimensions": [],
    }
    alarm.update(overrides)
    return {key: value for key, value in alarm.items() if value is not DROP}


DROP = object()  # an override that removes the field, as AWS omits unset optional fields


def decide(params: dict, described: dict | None, tags: dict | None = None) -> tuple[bool, dict]:
    plan = plan_alarm(params, described, tags)
    return plan.changed, plan.diff


def differing_keys(diff: dict) -> set[str]:
    before, after = diff["before"], diff["after"]
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


# --- documentation and defaults -------------------------------------------------------------------------------


def test_documented_defaults_are_the_procedure_constants():
    options = yaml.safe_load(kms_pending_alarm.DOCUMENTATION)["options"]
    documented = {name: spec.get("default") for name, spec in options.items()}
    expected = {
        key: value for key, value in make_params().items() if key not in ("alarm_actions", "tags", "purge_tags")
    }
    assert {key: documented[key] for key in expected} == expected


# --- ARN parsing ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        (TOPIC, {"partition": "aws", "service": "sns", "region": REGION, "account_id": "123456789012"}),
        ("arn:aws-cn:sns:cn-north-1:123456789012:t", {"partition": "aws-cn", "region": "cn-north-1"}),
        ("arn:aws-us-gov:sns:us-gov-west-1:123456789012:t", {"partition": "aws-us-gov"}),
        ("arn:aws:automate:us-east-1:ec2:stop", {"service": "automate", "account_id": "ec2", "resource": "stop"}),
        (
            "arn:aws:swf:us-east-1:123456789012:action/actions/AWS_EC2.InstanceId.Reboot/1.0",
            {"service": "swf", "resource": "action/actions/AWS_EC2.InstanceId.Reboot/1.0"},
        ),
        ("arn:aws:ssm-incidents::123456789012:response-plan/p", {"service": "ssm-incidents", "region": ""}),
        ("arn:aws:lambda:us-east-1:123456789012:function:f:1", {"resource": "function:f:1"}),
    ],
)
def test_parse_arn_accepts(arn, expected):
    parts = parse_arn(arn)
    assert parts is not None
    assert {key: parts[key] for key in expected} == expected


@pytest.mark.parametrize(
    "arn",
    [
        "kms-alerts",
        "",
        f" {TOPIC}",
        f"{TOPIC} ",
        f"topic {TOPIC}",
        "arn:aws:sns:us-east-1:123456789012",
        "arn:aws:sns:us-east-1:123456789012:",
        "arn:azure:sns:us-east-1:123456789012:t",
        "arn:aws::us-east-1:123456789012:t",
        "arn:aws:SNS:us-east-1:123456789012:t",
        "https://sns.us-east-1.amazonaws.com/123456789012/t",
    ],
)
def test_parse_arn_rejects(arn):
    assert parse_arn(arn) is None


# --- validation -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "region"),
    [
        ({}, REGION),
        ({"alarm_actions": None}, REGION),
        ({"alarm_actions": [TOPIC, TOPIC], "ok_actions": [OTHER_TOPIC], "insufficient_data_actions": []}, REGION),
        ({"alarm_actions": ["arn:aws:lambda:us-east-1:123456789012:function:notify"]}, REGION),
        ({"alarm_actions": ["arn:aws:automate:us-east-1:ec2:stop"]}, REGION),
        ({"alarm_actions": ["arn:aws:sns:us-east-1:123456789012:alerts.fifo"]}, REGION),
        ({"period": 300, "evaluation_periods": 5, "datapoints_to_alarm": 5, "threshold": 0.0}, REGION),
        # Without a region the client cannot be made either; AnsibleAWSModule reports that itself.
        ({"alarm_actions": [FOREIGN_TOPIC]}, None),
        # Deleting needs only the name: invalid settings must not block cleaning up.
        ({"state": "absent", "alarm_actions": [FOREIGN_TOPIC], "period": 7}, REGION),
    ],
)
def test_valid_params(overrides, region):
    assert validate_params(make_params(**overrides), region) == []


@pytest.mark.parametrize(
    ("overrides", "region", "expected_fragments"),
    [
        (
            {"alarm_actions": ["kms-alerts"]},
            REGION,
            ["alarm_actions: 'kms-alerts' is not an ARN", "arn:PARTITION:SERVICE:REGION:ACCOUNT_ID:RESOURCE"],
        ),
        ({"ok_actions": [f" {TOPIC}"]}, REGION, [f"ok_actions: ' {TOPIC}' is not an ARN"]),
        ({"insufficient_data_actions": ["arn:aws:sns"]}, REGION, ["insufficient_data_actions: 'arn:aws:sns'"]),
        (
            {"alarm_actions": [FOREIGN_TOPIC]},
            REGION,
            [
                f"alarm_actions: '{FOREIGN_TOPIC}' is an SNS topic in eu-west-1 but the alarm is in us-east-1",
                "CloudWatch cannot notify a topic in another region",
            ],
        ),
        (
            {"alarm_actions": [TOPIC]},
            "eu-west-1",
            [f"'{TOPIC}' is an SNS topic in us-east-1 but the alarm is in eu-west-1"],
        ),
        ({"ok_actions": [FOREIGN_TOPIC]}, REGION, [f"ok_actions: '{FOREIGN_TOPIC}' is an SNS topic in eu-west-1"]),
        (
            {"alarm_actions": ["arn:aws:sns:us-east-1:1234:kms-alerts"]},
            REGION,
            ["'arn:aws:sns:us-east-1:1234:kms-alerts' is not a valid SNS topic ARN", "12-digit account ID"],
        ),
        (
            {"alarm_actions": ["arn:aws:sns::123456789012:kms-alerts"]},
            REGION,
            ["is not a valid SNS topic ARN", "names the topic's region"],
        ),
        (
            {"alarm_actions": ["arn:aws:sns:us-east-1:123456789012:kms/alerts"]},
            REGION,
            ["is not a valid SNS topic ARN", "1 to 256 letters"],
        ),
        ({"period": 90}, REGION, ["period: 90 is not a positive multiple of 60 seconds", "one-minute resolution"]),
        ({"period": 0}, REGION, ["period: 0 is not a positive multiple of 60"]),
        ({"period": -60}, REGION, ["period: -60 is not a positive multiple of 60"]),
        ({"period": 30}, REGION, ["period: 30 is not a positive multiple of 60"]),
        (
            {"evaluation_periods": 2, "datapoints_to_alarm": 3},
            REGION,
            ["datapoints_to_alarm: 3 is more than evaluation_periods (2)", "M out of N"],
        ),
        ({"evaluation_periods": 0}, REGION, ["evaluation_periods: 0 must be at least 1"]),
        ({"datapoints_to_alarm": 0}, REGION, ["datapoints_to_alarm: 0 must be at least 1"]),
        ({"threshold": -1.0}, REGION, ["threshold: -1.0 is negative"]),
        ({"alarm_name": ""}, REGION, ["alarm_name: '' must be 1 to 255 characters long"]),
        ({"state": "absent", "alarm_name": "x" * 256}, REGION, ["alarm_name: 'xxx"]),
    ],
)
def test_invalid_params(overrides, region, expected_fragments):
    problems = validate_params(make_params(**overrides), region)
    assert len(problems) == 1, problems
    for fragment in expected_fragments:
        assert fragment in problems[0]


@pytest.mark.parametrize("option", ["period", "threshold", "alarm_description", "actions_enabled", "statistic"])
def test_explicit_null_is_rejected_not_crashed_on(option):
    assert validate_params(make_params(**{option: None}), REGION) == [
        f"{option}: null is not a value for it; leave {option} out to get the procedure's default."
    ]


def test_explicit_null_settings_do_not_block_deletion():
    assert validate_params(make_params(state="absent", period=None), REGION) == []


def test_every_problem_is_reported_at_once():
    params = make_params(alarm_actions=["nope", FOREIGN_TOPIC], period=61, threshold=-2.0)
    problems = validate_params(params, REGION)
    assert [problem.partition(":")[0] for problem in problems] == [
        "alarm_actions",
        "alarm_actions",
        "period",
        "threshold",
    ]


# --- normalisation and comparison: (params, existing alarm, tags, expected changed, expected differing fields) ---


@pytest.mark.parametrize(
    ("overrides", "existing", "tags", "changed", "differing"),
    [
        pytest.param({}, described_alarm(), None, False, set(), id="procedure alarm as created"),
        pytest.param({"threshold": 1}, described_alarm(), None, False, set(), id="integer threshold"),
        pytest.param(
            {"alarm_actions": [OTHER_TOPIC, TOPIC, OTHER_TOPIC]},
            described_alarm(AlarmActions=[TOPIC, OTHER_TOPIC]),
            None,
            False,
            set(),
            id="actions in another order and repeated",
        ),
        pytest.param(
            {"alarm_actions": [TOPIC]},
            described_alarm(AlarmActions=[TOPIC, TOPIC]),
            None,
            False,
            set(),
            id="duplicates stored by AWS",
        ),
        pytest.param(
            {},
            described_alarm(
                StateValue="ALARM",
                StateReason="Threshold Crossed",
                StateUpdatedTimestamp=NOW + datetime.timedelta(days=1),
                AlarmConfigurationUpdatedTimestamp=NOW + datetime.timedelta(days=2),
            ),
            None,
            False,
            set(),
            id="state and timestamps ignored",
        ),
        pytest.param({}, described_alarm(Dimensions=DROP), None, False, set(), id="missing dimensions equal empty"),
        pytest.param(
            {}, described_alarm(DatapointsToAlarm=DROP), None, False, set(), id="datapoints omitted for N of N"
        ),
        pytest.param(
            {"evaluation_periods": 3, "datapoints_to_alarm": 3},
            described_alarm(EvaluationPeriods=3, DatapointsToAlarm=DROP),
            None,
            False,
            set(),
            id="3 of 3 with datapoints omitted",
        ),
        pytest.param({}, described_alarm(Metrics=[]), None, False, set(), id="empty metrics list ignored"),
        pytest.param(
            {},
            described_alarm(OKActions=[OTHER_TOPIC], InsufficientDataActions=[OTHER_TOPIC]),
            None,
            False,
            set(),
            id="unset action lists keep existing",
        ),
        pytest.param(
            {"alarm_actions": None},
            described_alarm(AlarmActions=[OTHER_TOPIC]),
            None,
            False,
            set(),
            id="unset alarm_actions keeps existing",
        ),
        pytest.param(
            {},
            described_alarm(Dimensions=[{"Name": "b", "Value": "2"}, {"Name": "a", "Value": "1"}], Unit="Count"),
            None,
            False,
            set(),
            id="dimensions and unit kept",
        ),
        pytest.param(
            {"ok_actions": []},
            described_alarm(OKActions=[OTHER_TOPIC]),
            None,
            True,
            {"ok_actions"},
            id="empty list clears actions",
        ),
        pytest.param(
            {"alarm_actions": [OTHER_TOPIC]}, described_alarm(), None, True, {"alarm_actions"}, id="other topic"
        ),
        pytest.param({}, described_alarm(ActionsEnabled=False), None, True, {"actions_enabled"}, id="re-enable"),
        pytest.param(
            {"actions_enabled": False},
            described_alarm(ActionsEnabled=False),
            None,
            False,
            set(),
            id="disabled as asked",
        ),
        pytest.param({"period": 300}, described_alarm(), None, True, {"period"}, id="period"),
        pytest.param(
            {"evaluation_periods": 3},
            described_alarm(),
            None,
            True,
            {"evaluation_periods"},
            id="evaluation periods",
        ),
        pytest.param(
            {}, described_alarm(TreatMissingData=DROP), None, True, {"treat_missing_data"}, id="missing data unset"
        ),
        pytest.param(
            {"treat_missing_data": "missing"},
            described_alarm(TreatMissingData=DROP),
            None,
            False,
            set(),
            id="missing data omitted means missing",
        ),
        pytest.param(
            {}, described_alarm(AlarmDescription=DROP), None, True, {"alarm_description"}, id="no description"
        ),
        pytest.param(
            {},
            described_alarm(Statistic=DROP, ExtendedStatistic="p99"),
            None,
            True,
            {"statistic"},
            id="percentile alarm replaced",
        ),
        pytest.param(
            {},
            described_alarm(MetricName=DROP, Namespace=DROP, Statistic=DROP, Period=DROP, Metrics=[{"Id": "m1"}]),
            None,
            True,
            {"metric_name", "namespace", "statistic", "period"},
            id="metric math alarm replaced",
        ),
    ],
)
def test_comparison_of_alarm_fields(overrides, existing, tags, changed, differing):
    is_changed, diff = decide(make_params(**overrides), existing, tags)
    assert is_changed is changed
    assert differing_keys(diff) == differing


@pytest.mark.parametrize(
    ("tags", "purge_tags", "current_tags", "changed", "after_tags"),
    [
        pytest.param({"team": "sec"}, True, {"team": "sec"}, False, {"team": "sec"}, id="same"),
        pytest.param({"team": "sec"}, True, {}, True, {"team": "sec"}, id="add"),
        pytest.param({"team": "ops"}, True, {"team": "sec"}, True, {"team": "ops"}, id="change value"),
        pytest.param({"a": "1"}, True, {"a": "1", "b": "2"}, True, {"a": "1"}, id="purge"),
        pytest.param({"a": "1"}, False, {"a": "1", "b": "2"}, False, {"a": "1", "b": "2"}, id="no purge"),
        pytest.param({"c": "3"}, False, {"a": "1"}, True, {"a": "1", "c": "3"}, id="add without purge"),
        pytest.param({}, True, {"a": "1"}, True, {}, id="purge all"),
        pytest.param(
            {}, True, {"aws:cloudformation:stack-name": "s"}, False, {"aws:cloudformation:stack-name": "s"}, id="aws:*"
        ),
        pytest.param({"n": 5}, True, {"n": "5"}, False, {"n": "5"}, id="number given, string stored"),
    ],
)
def test_comparison_of_tags(tags, purge_tags, current_tags, changed, after_tags):
    params = make_params(tags=tags, purge_tags=purge_tags)
    is_changed, diff = decide(params, described_alarm(), current_tags)
    assert is_changed is changed
    assert differing_keys(diff) == ({"tags"} if changed else set())
    assert diff["after"]["tags"] == after_tags


def test_unset_tags_are_left_alone():
    is_changed, diff = decide(make_params(tags=None), described_alarm())
    assert not is_changed
    assert "tags" not in diff["before"] and "tags" not in diff["after"]


def test_creation_diff_is_the_full_alarm():
    is_changed, diff = decide(make_params(alarm_actions=[TOPIC, TOPIC], tags={"team": "sec"}), None)
    assert is_changed
    assert diff["before"] == {}
    assert diff["after"] == {
        "alarm_name": constants.ALARM_NAME,
        "alarm_description": constants.ALARM_DESCRIPTION,
        "actions_enabled": True,
        "alarm_actions": [TOPIC],
        "ok_actions": [],
        "insufficient_data_actions": [],
        "metric_name": constants.METRIC_NAME,
        "namespace": constants.METRIC_NAMESPACE,
        "statistic": constants.STATISTIC,
        "dimensions": [],
        "unit": None,
        "period": constants.PERIOD,
        "evaluation_periods": constants.EVALUATION_PERIODS,
        "datapoints_to_alarm": constants.DATAPOINTS_TO_ALARM,
        "threshold": constants.THRESHOLD,
        "comparison_operator": constants.COMPARISON_OPERATOR,
        "treat_missing_data": constants.TREAT_MISSING_DATA,
        "tags": {"team": "sec"},
    }


def test_update_diff_shows_both_sides():
    is_changed, diff = decide(make_params(period=120), described_alarm())
    assert is_changed
    assert (diff["before"]["period"], diff["after"]["period"]) == (60, 120)
    assert "alarm_arn" not in diff["before"] and "state_value" not in diff["before"]


# --- what gets written ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before_tags", "after_tags", "expected"),
    [
        ({"a": "1"}, {"a": "1"}, ({}, [])),
        ({}, {"a": "1"}, ({"a": "1"}, [])),
        ({"a": "1", "b": "2"}, {"a": "9"}, ({"a": "9"}, ["b"])),
        ({"b": "2", "aws:x": "y"}, {"aws:x": "y"}, ({}, ["b"])),
    ],
)
def test_tag_updates(before_tags, after_tags, expected):
    assert tag_updates({"tags": before_tags}, {"tags": after_tags}) == expected


def test_no_tag_updates_when_tags_are_not_managed():
    assert tag_updates(current_alarm(described_alarm()), current_alarm(described_alarm())) == ({}, [])


def test_only_tags_differ_needs_no_put():
    before = current_alarm(described_alarm(), {"a": "1"})
    after = desired_alarm(make_params(tags={"a": "2"}), before)
    assert not alarm_fields_differ(before, after)
    assert alarm_fields_differ(before, desired_alarm(make_params(period=120), before))


def test_creation_request_carries_tags_and_every_field():
    desired = desired_alarm(make_params(alarm_actions=[TOPIC, TOPIC], tags={"team": "sec"}), {})
    assert put_metric_alarm_request(desired, with_tags=True) == {
        "AlarmName": constants.ALARM_NAME,
        "AlarmDescription": constants.ALARM_DESCRIPTION,
        "ActionsEnabled": True,
        "AlarmActions": [TOPIC],
        "OKActions": [],
        "InsufficientDataActions": [],
        **PROCEDURE_ALARM_FIELDS,
        "Tags": [{"Key": "team", "Value": "sec"}],
    }


def test_update_request_keeps_unmentioned_fields_and_sends_no_tags():
    existing = described_alarm(
        OKActions=[OTHER_TOPIC], Dimensions=[{"Name": "Env", "Value": "prod"}], Unit="Count", ActionsEnabled=False
    )
    before = current_alarm(existing, {"team": "sec"})
    request = put_metric_alarm_request(desired_alarm(make_params(period=120, tags={"team": "ops"}), before))
    assert request["OKActions"] == [OTHER_TOPIC]
    assert request["Dimensions"] == [{"Name": "Env", "Value": "prod"}]
    assert request["Unit"] == "Count"
    assert request["ActionsEnabled"] is True
    assert request["Period"] == 120
    assert "Tags" not in request


def test_actions_enabled_false_is_sent():
    request = put_metric_alarm_request(desired_alarm(make_params(actions_enabled=False), {}))
    assert request["ActionsEnabled"] is False


# --- the returned alarm ---------------------------------------------------------------------------------------


def test_result_of_unchanged_alarm_is_the_alarm_read():
    existing = described_alarm(AlarmActions=[TOPIC, TOPIC])
    result = alarm_result(existing, desired_alarm(make_params(), current_alarm(existing)), changed=False)
    assert result["alarm_arn"] == ALARM_ARN
    assert result["state_value"] == "OK"
    assert result["alarm_configuration_updated_timestamp"] == NOW
    assert result["alarm_actions"] == [TOPIC]


def test_result_of_update_keeps_arn_and_state_but_not_stale_timestamps():
    existing = described_alarm()
    result = alarm_result(existing, desired_alarm(make_params(period=300), current_alarm(existing)), changed=True)
    assert result["alarm_arn"] == ALARM_ARN
    assert result["state_value"] == "OK"
    assert result["period"] == 300
    assert "alarm_configuration_updated_timestamp" not in result


def test_result_of_creation_is_the_alarm_written():
    desired = desired_alarm(make_params(tags={"Team": "Sec"}), {})
    result = alarm_result(None, desired, changed=True)
    assert result == desired
    assert result["tags"] == {"Team": "Sec"}


# --- the plan's writes: (params, existing alarm, tags read, expected writes in order) -------------------------


def full_request(**overrides) -> dict:
    return {**put_metric_alarm_request(desired_alarm(make_params(), {})), **overrides}


@pytest.mark.parametrize(
    ("overrides", "existing", "tags", "writes"),
    [
        pytest.param({}, described_alarm(), None, (), id="as asked: no write"),
        pytest.param(
            {"tags": {"team": "sec"}},
            None,
            None,
            (Write("put_metric_alarm", full_request(Tags=[{"Key": "team", "Value": "sec"}])),),
            id="create: one put, tags included",
        ),
        pytest.param(
            {"period": 120},
            described_alarm(),
            None,
            (Write("put_metric_alarm", full_request(Period=120)),),
            id="update",
        ),
        pytest.param(
            {"period": 120, "tags": {"a": "2", "c": "3"}},
            described_alarm(),
            {"a": "1", "b": "2"},
            (
                Write("put_metric_alarm", full_request(Period=120)),
                Write(
                    "tag_resource",
                    {"ResourceARN": ALARM_ARN, "Tags": [{"Key": "a", "Value": "2"}, {"Key": "c", "Value": "3"}]},
                ),
                Write("untag_resource", {"ResourceARN": ALARM_ARN, "TagKeys": ["b"]}),
            ),
            id="update and retag: put, then tag, then untag",
        ),
        pytest.param(
            {"tags": {}},
            described_alarm(),
            {"b": "2"},
            (Write("untag_resource", {"ResourceARN": ALARM_ARN, "TagKeys": ["b"]}),),
            id="only tags removed: no put",
        ),
        pytest.param(
            {"state": "absent"},
            described_alarm(),
            None,
            (Write("delete_alarms", {"AlarmNames": [constants.ALARM_NAME]}),),
            id="delete",
        ),
        pytest.param({"state": "absent"}, None, None, (), id="already absent"),
    ],
)
def test_plan_writes(overrides, existing, tags, writes):
    plan = plan_alarm(make_params(**overrides), existing, tags)
    assert plan.writes == writes
    assert plan.changed is bool(writes)
