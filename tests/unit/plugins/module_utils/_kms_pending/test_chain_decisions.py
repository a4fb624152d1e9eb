# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kms_pending_chain_info's comparisons without AWS: a part is in place only when its module would change nothing."""

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import chain_decisions as decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from audit_facts_builder import ACCOUNT
from audit_facts_builder import KEY_ARN
from audit_facts_builder import REGION
from audit_facts_builder import ROLE_TOPIC_POLICY
from audit_facts_builder import TOPIC_ARN
from procedure_alarm import PROCEDURE_ALARM_FIELDS

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/kmsguard-cloudtrail-to-logs"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:kmsguard-cloudtrail:*"
POLICY = ROLE_TOPIC_POLICY


def options(part: str, **given) -> dict:
    params, problems = decisions.validated(part, given)
    assert problems == []
    return params


# --- options ----------------------------------------------------------------------------------------------------


def test_the_managing_modules_defaults_apply():
    trail = options("trail", name="t", s3_bucket_name="b")
    assert (trail["include_global_events"], trail["is_multi_region_trail"], trail["enable_logging"]) == (
        True,
        False,
        True,
    )
    assert options("alarm", alarm_actions=[TOPIC_ARN])["threshold"] == constants.THRESHOLD
    assert options("topic", name="t")["purge_subscriptions"] is True


@pytest.mark.parametrize(
    ("part", "given", "named"),
    [
        ("topic", {"name": "t", "delivery_policy": {}}, "delivery_policy"),
        ("trail", {"name": "t", "s3_bucket_name": "b", "state": "absent"}, "state"),
        ("log_group", {"log_group_name": "g", "overwrite": True}, "overwrite"),
        ("trail", {"name": "t"}, "s3_bucket_name"),
        ("alarm", {"threshold": "high"}, "threshold"),
    ],
)
def test_an_option_the_comparison_does_not_cover_is_refused(part, given, named):
    problems = decisions.validated(part, given)[1]
    assert problems and all(problem.startswith(f"{part}: ") for problem in problems)
    assert any(named in problem for problem in problems), problems


def test_tags_rendered_empty_by_an_older_ansible_core_are_tags_not_managed():
    assert options("topic", name="t", tags="")["tags"] is None
    assert options("topic", name="t", tags={})["tags"] == {}


def test_an_item_takes_only_the_keys_the_tasks_use():
    assert decisions.items_problems([{"filter_name": "f", "alarm_name": "a"}]) == []
    assert decisions.items_problems([{"filter_name": "f", "threshold": 2}]) == [
        "filters_and_alarms[0] has threshold: an item takes only "
        "filter_name, filter_pattern, metric_name, alarm_name, alarm_description."
    ]


def test_an_item_absent_key_is_left_to_the_modules_default():
    item = {"filter_name": "f", "metric_name": "m", "alarm_name": "a", "filter_pattern": "{ $.x = 1 }"}
    assert decisions.item_params({"metric_namespace": "n"}, item, decisions.ALARM_ITEM_KEYS) == {
        "metric_namespace": "n",
        "alarm_name": "a",
        "metric_name": "m",
    }


# --- log group ----------------------------------------------------------------------------------------------------

GROUP = {"logGroupName": "kmsguard-cloudtrail", "retentionInDays": 365}


@pytest.mark.parametrize(
    ("given", "group", "tags", "expected"),
    [
        ({"retention": 365}, GROUP, None, []),
        ({"retention": 365}, None, None, ["log group missing"]),
        ({"retention": 90}, GROUP, None, ["retention"]),
        ({"retention": 365}, {"logGroupName": "kmsguard-cloudtrail"}, None, ["retention"]),
        # The module never removes a retention it is not given, and takes a key only when it creates the group.
        ({}, GROUP, None, []),
        ({"retention": 365, "kms_key_id": KEY_ARN}, GROUP, None, []),
        ({"retention": 365, "tags": {"team": "sec"}}, GROUP, {"team": "sec"}, []),
        ({"retention": 365, "tags": {"team": "sec"}}, GROUP, {"team": "ops"}, ["tags"]),
        ({"retention": 365, "tags": {"team": "sec"}}, GROUP, {"team": "sec", "cost": "1"}, ["tags"]),
        ({"retention": 365, "tags": {"team": "sec"}, "purge_tags": False}, GROUP, {"team": "sec", "cost": "1"}, []),
        ({"retention": 365, "tags": {}}, GROUP, {"cost": "1"}, ["tags"]),
    ],
)
def test_log_group(given, group, tags, expected):
    params = options("log_group", log_group_name="kmsguard-cloudtrail", **given)
    assert decisions.log_group_differences(params, group, tags) == expected


# --- trail --------------------------------------------------------------------------------------------------------

TRAIL_OPTIONS = {
    "name": "kmsguard-trail",
    "s3_bucket_name": "kmsguard-cloudtrail",
    "is_multi_region_trail": False,
    "include_global_events": True,
    "enable_log_file_validation": True,
    "cloudwatch_logs_role_arn": ROLE_ARN,
    "cloudwatch_logs_log_group_arn": GROUP_ARN,
}
TRAIL = {
    "Name": "kmsguard-trail",
    "S3BucketName": "kmsguard-cloudtrail",
    "IncludeGlobalServiceEvents": True,
    "IsMultiRegionTrail": False,
    "HomeRegion": REGION,
    "TrailARN": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/kmsguard-trail",
    "LogFileValidationEnabled": True,
    "CloudWatchLogsLogGroupArn": GROUP_ARN,
    "CloudWatchLogsRoleArn": ROLE_ARN,
    "HasCustomEventSelectors": True,
}


def changed_trail(**fields) -> dict:
    trail = copy.deepcopy(TRAIL)
    trail.update(fields)
    return {key: value for key, value in trail.items() if value is not None}


@pytest.mark.parametrize(
    ("given", "trail", "logging", "tags", "expected"),
    [
        ({}, TRAIL, True, None, []),
        ({}, None, None, None, ["trail missing"]),
        ({}, TRAIL, False, None, ["IsLogging"]),
        ({}, changed_trail(S3BucketName="other"), True, None, ["S3BucketName"]),
        ({}, changed_trail(IsMultiRegionTrail=True), True, None, ["IsMultiRegionTrail"]),
        ({}, changed_trail(IncludeGlobalServiceEvents=False), True, None, ["IncludeGlobalServiceEvents"]),
        ({}, changed_trail(LogFileValidationEnabled=False), True, None, ["LogFileValidationEnabled"]),
        ({}, changed_trail(CloudWatchLogsRoleArn=None), True, None, ["CloudWatchLogsRoleArn"]),
        ({}, changed_trail(CloudWatchLogsLogGroupArn=GROUP_ARN[:-2]), True, None, ["CloudWatchLogsLogGroupArn"]),
        # Options the role does not give are left as they are, as amazon.aws.cloudtrail leaves them.
        ({}, changed_trail(S3KeyPrefix="logs", SnsTopicName="t", KmsKeyId=KEY_ARN), True, None, []),
        ({"kms_key_id": KEY_ARN}, changed_trail(KmsKeyId=KEY_ARN), True, None, []),
        ({"kms_key_id": KEY_ARN}, TRAIL, True, None, ["KmsKeyId"]),
        # An alias of the same key: the module updates the trail to find out, so it is not in place.
        ({"kms_key_id": "alias/trail"}, changed_trail(KmsKeyId=KEY_ARN), True, None, ["KmsKeyId"]),
        # An empty string asks for no key, as amazon.aws.cloudtrail reads it.
        ({"kms_key_id": ""}, TRAIL, True, None, []),
        ({"s3_key_prefix": "logs/"}, changed_trail(S3KeyPrefix="logs"), True, None, []),
        ({"tags": {"team": "sec"}}, TRAIL, True, {"team": "sec"}, []),
        ({"tags": {"team": "sec"}}, TRAIL, True, {}, ["tags"]),
        ({"enable_logging": False}, TRAIL, False, None, []),
    ],
)
def test_trail(given, trail, logging, tags, expected):
    params = options("trail", **{**TRAIL_OPTIONS, **given})
    assert decisions.trail_differences(params, trail, logging, tags) == expected


# --- topic --------------------------------------------------------------------------------------------------------

EMAIL = {"protocol": "email", "endpoint": "security@example.com"}


def attributes(**changes) -> dict:
    found = {"TopicArn": TOPIC_ARN, "DisplayName": "KMS key pending deletion", "Policy": json.dumps(POLICY)}
    found.update(changes)
    return found


def subscription(endpoint: str, arn: str = f"{TOPIC_ARN}:1", protocol: str = "email") -> dict:
    return {"Protocol": protocol, "Endpoint": endpoint, "SubscriptionArn": arn, "TopicArn": TOPIC_ARN}


REORDERED = {"Statement": [dict(reversed(list(POLICY["Statement"][0].items())))], "Version": "2012-10-17"}


@pytest.mark.parametrize(
    ("given", "found", "subscriptions", "tags", "expected"),
    [
        ({}, attributes(), [subscription("security@example.com")], None, []),
        ({}, None, None, None, ["topic missing"]),
        ({}, attributes(DisplayName="x"), [subscription("security@example.com")], None, ["display name"]),
        ({}, attributes(Policy=json.dumps(REORDERED)), [subscription("security@example.com")], None, []),
        (
            {},
            attributes(Policy=json.dumps({**POLICY, "Statement": []})),
            [subscription("security@example.com")],
            None,
            ["policy"],
        ),
        ({}, attributes(), [], None, ["subscriptions to add"]),
        ({}, attributes(), [subscription("Security@example.com")], None, ["subscriptions to add"]),
        # Someone else's subscription stays, unless the role purges subscriptions.
        ({}, attributes(), [subscription("security@example.com"), subscription("ops@example.com", "x:2")], None, []),
        (
            {"purge_subscriptions": True},
            attributes(),
            [subscription("security@example.com"), subscription("ops@example.com", "x:2")],
            None,
            ["subscriptions to remove"],
        ),
        # A pending confirmation cannot be removed: the module leaves it, so it is no difference.
        (
            {"purge_subscriptions": True},
            attributes(),
            [subscription("security@example.com"), subscription("ops@example.com", "PendingConfirmation")],
            None,
            [],
        ),
        # A confirmation still pending is a subscription the module does not add again.
        ({}, attributes(), [subscription("security@example.com", "PendingConfirmation")], None, []),
        (
            {"subscriptions": [{**EMAIL, "attributes": {"RawMessageDelivery": "true"}}]},
            attributes(),
            [subscription("security@example.com")],
            None,
            ["subscription attributes"],
        ),
        ({"tags": {"team": "sec"}}, attributes(), [subscription("security@example.com")], {"team": "sec"}, []),
        ({"tags": {"team": "sec"}}, attributes(), [subscription("security@example.com")], {}, ["tags"]),
    ],
)
def test_topic(given, found, subscriptions, tags, expected):
    base = {
        "name": "kmsguard-kms-pending-deletion",
        "display_name": "KMS key pending deletion",
        "policy": POLICY,
        "subscriptions": [EMAIL],
        "purge_subscriptions": False,
    }
    params = options("topic", **{**base, **given})
    assert decisions.topic_differences(params, found, subscriptions, tags) == expected


@pytest.mark.parametrize(
    ("key", "found", "expected"),
    [
        (KEY_ARN, attributes(KmsMasterKeyId=KEY_ARN), []),
        (KEY_ARN, attributes(), ["KmsMasterKeyId"]),
        ("alias/alarms", attributes(KmsMasterKeyId=KEY_ARN), ["KmsMasterKeyId"]),
        ("", attributes(), []),
        ("", attributes(KmsMasterKeyId=KEY_ARN), ["KmsMasterKeyId"]),
        (KEY_ARN, None, ["topic missing"]),
        ("alias/aws/sns", attributes(KmsMasterKeyId="alias/aws/sns"), ["options the module refuses"]),
    ],
)
def test_topic_encryption(key, found, expected):
    params = options("topic_encryption", topic_arn=TOPIC_ARN, kms_key_id=key)
    assert decisions.topic_encryption_differences(params, found, REGION) == expected


# --- event selectors ----------------------------------------------------------------------------------------------

PROCEDURE = {"TrailARN": TRAIL["TrailARN"], "EventSelectors": copy.deepcopy(constants.EVENT_SELECTORS)}


@pytest.mark.parametrize(
    ("given", "answer", "expected"),
    [
        ({}, PROCEDURE, []),
        ({}, None, ["trail missing"]),
        (
            {},
            {
                "TrailARN": TRAIL["TrailARN"],
                "EventSelectors": [{**constants.EVENT_SELECTORS[0], "ReadWriteType": "WriteOnly"}],
            },
            ["event selectors"],
        ),
        (
            {},
            {"TrailARN": TRAIL["TrailARN"], "AdvancedEventSelectors": [{"Name": "x", "FieldSelectors": []}]},
            ["advanced event selectors"],
        ),
        (
            {"replace_advanced_event_selectors": True},
            {"TrailARN": TRAIL["TrailARN"], "AdvancedEventSelectors": [{"Name": "x", "FieldSelectors": []}]},
            ["event selectors"],
        ),
    ],
)
def test_event_selectors(given, answer, expected):
    params = options("event_selectors", trail_name="kmsguard-trail", **given)
    assert decisions.event_selector_differences(params, answer, REGION) == expected


# --- metric filters and alarms ------------------------------------------------------------------------------------

FILTER = {
    "filterName": constants.FILTER_NAME,
    "logGroupName": "kmsguard-cloudtrail",
    "filterPattern": constants.FILTER_PATTERN,
    "metricTransformations": [
        {
            "metricName": constants.METRIC_NAME,
            "metricNamespace": constants.METRIC_NAMESPACE,
            "metricValue": constants.METRIC_VALUE,
        }
    ],
}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([FILTER], []),
        (None, ["log group missing"]),
        ([], [f"metric filter {constants.FILTER_NAME} missing"]),
        ([{**FILTER, "filterName": constants.FILTER_NAME + "-2"}], [f"metric filter {constants.FILTER_NAME} missing"]),
        ([{**FILTER, "filterPattern": "{ $.eventSource = kms* }"}], [f"metric filter {constants.FILTER_NAME}"]),
    ],
)
def test_metric_filter(filters, expected):
    params = options("metric_filter", log_group_name="kmsguard-cloudtrail")
    assert decisions.metric_filter_differences(params, filters) == expected


def described_alarm(**changes) -> dict:
    alarm = {
        "AlarmName": constants.ALARM_NAME,
        "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{constants.ALARM_NAME}",
        "AlarmDescription": constants.ALARM_DESCRIPTION,
        "ActionsEnabled": True,
        "OKActions": [],
        "AlarmActions": [TOPIC_ARN],
        "InsufficientDataActions": [],
        "Dimensions": [],
        **PROCEDURE_ALARM_FIELDS,
    }
    alarm.update(changes)
    return alarm


@pytest.mark.parametrize(
    ("given", "described", "tags", "expected"),
    [
        ({}, described_alarm(), None, []),
        ({}, None, None, [f"alarm {constants.ALARM_NAME} missing"]),
        ({}, described_alarm(Threshold=2.0), None, [f"alarm {constants.ALARM_NAME}"]),
        ({}, described_alarm(AlarmActions=[]), None, [f"alarm {constants.ALARM_NAME}"]),
        ({"tags": {"team": "sec"}}, described_alarm(), {"team": "sec"}, []),
        ({"tags": {"team": "sec"}}, described_alarm(), {}, [f"alarm {constants.ALARM_NAME}"]),
        ({"period": 0}, described_alarm(), None, ["options the module refuses"]),
    ],
)
def test_alarm(given, described, tags, expected):
    params = options("alarm", alarm_actions=[TOPIC_ARN], **given)
    assert decisions.alarm_differences(params, described, tags, REGION) == expected


@pytest.mark.parametrize(
    ("differences", "expected"),
    [
        pytest.param({}, ({}, False), id="no-part-compared-is-not-converged"),
        pytest.param({"log_group": [], "alarms": []}, ({"log_group": True, "alarms": True}, True), id="all-in-place"),
        pytest.param(
            {"log_group": [], "topic": ["display_name"]}, ({"log_group": True, "topic": False}, False), id="one-differs"
        ),
        pytest.param({"metric_filters": ["filter_pattern"]}, ({"metric_filters": False}, False), id="only-one-differs"),
    ],
)
def test_in_place_and_converged(differences, expected):
    assert decisions.in_place(differences) == expected
