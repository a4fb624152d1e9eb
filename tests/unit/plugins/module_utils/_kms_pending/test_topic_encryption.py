# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Decisions and calls of sns_topic_encryption: input checks, one comparison for changed and diff, error mapping."""

from __future__ import annotations

import json
from unittest import mock

import botocore.exceptions
import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import topic_encryption
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import (
    topic_encryption_decisions as decisions,
)
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingError
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Write

REGION = "eu-west-1"
ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:alarms"
KEY_UUID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_UUID}"


def params(**overrides) -> dict:
    base = {"topic_arn": TOPIC, "kms_key_id": "alias/alarms", "state": "present"}
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    "kms_key_id",
    [
        "",
        KEY_UUID,
        KEY_UUID.upper(),
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        KEY_ARN,
        f"arn:aws-us-gov:kms:us-gov-west-1:{ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab",
        "alias/alarms",
        "alias/team/cloudwatch_alarms-1",
        f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/alarms",
        # An alias that merely contains the managed one's name is a customer's alias.
        "alias/aws-sns",
        "alias/my/aws/sns",
    ],
)
def test_accepted_keys(kms_key_id):
    assert decisions.kms_key_id_problems(kms_key_id) == []


@pytest.mark.parametrize(
    "kms_key_id",
    [
        "alias/aws/sns",
        f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/sns",
        f"arn:aws-cn:kms:cn-north-1:{ACCOUNT}:alias/aws/sns",
    ],
)
def test_managed_sns_key_is_refused_with_the_key_policy_hint(kms_key_id):
    [problem] = decisions.kms_key_id_problems(kms_key_id)
    assert "AWS managed SNS key" in problem
    assert "CloudWatch cannot publish" in problem
    assert "cloudwatch.amazonaws.com" in problem
    assert "kms:Decrypt and kms:GenerateDataKey*" in problem


@pytest.mark.parametrize(
    ("kms_key_id", "reason"),
    [
        ("my key", "neither a KMS key ID"),
        ("1234abcd", "neither a KMS key ID"),
        ("alias/", "neither a KMS key ID"),
        ("alias/with space", "neither a KMS key ID"),
        (f" {KEY_ARN}", "neither a KMS key ID"),
        (f"arn:aws:s3:::{ACCOUNT}", "not of kms"),
        (f"arn:aws:kms:{REGION}:123:key/{KEY_UUID}", "12-digit account ID"),
        (f"arn:aws:kms::{ACCOUNT}:key/{KEY_UUID}", "12-digit account ID"),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:key/not-a-key", "key/KEY_ID or alias/NAME"),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:grant/{KEY_UUID}", "key/KEY_ID or alias/NAME"),
    ],
)
def test_malformed_keys_are_named(kms_key_id, reason):
    [problem] = decisions.kms_key_id_problems(kms_key_id)
    assert json.dumps(kms_key_id) in problem
    assert reason in problem


@pytest.mark.parametrize(
    ("topic_arn", "region", "reason"),
    [
        ("alarms", REGION, "is not an SNS topic ARN"),
        (f"arn:aws:sqs:{REGION}:{ACCOUNT}:alarms", REGION, "is not an SNS topic ARN"),
        (f"arn:aws:sns:{REGION}:{ACCOUNT}:bad/name", REGION, "1 to 256 letters"),
        (f"arn:aws:sns:{REGION}:123:alarms", REGION, "12-digit account ID"),
        (f"arn:aws:sns:nowhere:{ACCOUNT}:alarms", REGION, "topic's region"),
        (TOPIC, "us-east-1", "set region: eu-west-1"),
        (TOPIC, None, "No region is set: set region: eu-west-1"),
    ],
)
def test_topic_arn_problems(topic_arn, region, reason):
    [problem] = decisions.topic_arn_problems(topic_arn, region)
    assert reason in problem


def test_topic_arn_in_the_region_is_accepted():
    assert decisions.topic_arn_problems(TOPIC, REGION) == []
    assert decisions.topic_arn_problems(f"arn:aws:sns:{REGION}:{ACCOUNT}:alarms.fifo", REGION) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, []),
        ({"kms_key_id": ""}, []),
        ({"kms_key_id": None}, ["kms_key_id is required with state=present (an empty string turns encryption off)."]),
        # state=absent ignores the key, even the managed one: nothing will be encrypted with it.
        ({"kms_key_id": None, "state": "absent"}, []),
        ({"kms_key_id": "alias/aws/sns", "state": "absent"}, []),
    ],
)
def test_validate_params(overrides, expected):
    assert decisions.validate_params(params(**overrides), REGION) == expected


def test_validate_params_reports_every_problem_at_once():
    problems = decisions.validate_params(params(topic_arn="alarms", kms_key_id="alias/aws/sns"), REGION)
    assert len(problems) == 2


@pytest.mark.parametrize(
    ("overrides", "attributes", "before", "after", "changed"),
    [
        ({}, {"TopicArn": TOPIC}, "", "alias/alarms", True),
        ({}, {"KmsMasterKeyId": "alias/alarms"}, "alias/alarms", "alias/alarms", False),
        ({"kms_key_id": KEY_ARN}, {"KmsMasterKeyId": "alias/alarms"}, "alias/alarms", KEY_ARN, True),
        # The same key in another form is another value to SNS: it is written as given.
        ({"kms_key_id": KEY_UUID}, {"KmsMasterKeyId": KEY_ARN}, KEY_ARN, KEY_UUID, True),
        ({"kms_key_id": ""}, {"KmsMasterKeyId": "alias/alarms"}, "alias/alarms", "", True),
        ({"kms_key_id": ""}, {}, "", "", False),
        ({"state": "absent"}, {"KmsMasterKeyId": KEY_ARN}, KEY_ARN, "", True),
        ({"state": "absent"}, {"KmsMasterKeyId": ""}, "", "", False),
        ({"state": "absent"}, None, "", "", False),
    ],
)
def test_plan_encryption(overrides, attributes, before, after, changed):
    plan = decisions.plan_encryption(params(**overrides), attributes)
    assert (plan.before, plan.after, plan.changed) == (
        {"kms_master_key_id": before},
        {"kms_master_key_id": after},
        changed,
    )
    assert plan.diff == {"before": {"kms_master_key_id": before}, "after": {"kms_master_key_id": after}}
    # The one write sets that attribute alone, to the predicted key.
    request = {"TopicArn": TOPIC, "AttributeName": "KmsMasterKeyId", "AttributeValue": after}
    assert plan.writes == ((Write("set_topic_attributes", request),) if changed else ())


def client_error(code: str, operation: str) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


def test_get_topic_attributes_returns_none_for_a_missing_topic():
    client = mock.Mock()
    client.get_topic_attributes.side_effect = client_error("NotFound", "GetTopicAttributes")
    assert topic_encryption.get_topic_attributes(client, TOPIC) is None
    client.get_topic_attributes.assert_called_once_with(TopicArn=TOPIC)


def test_get_topic_attributes_raises_other_errors_naming_the_topic():
    client = mock.Mock()
    client.get_topic_attributes.side_effect = client_error("AuthorizationError", "GetTopicAttributes")
    with pytest.raises(KmsPendingError, match=f"get the attributes of topic {TOPIC}"):
        topic_encryption.get_topic_attributes(client, TOPIC)


SET_KEY = {"TopicArn": TOPIC, "AttributeName": "KmsMasterKeyId", "AttributeValue": KEY_ARN}


def test_set_topic_attributes_sends_the_planned_request_unchanged():
    client = mock.Mock()
    topic_encryption.set_topic_attributes(client, dict(SET_KEY))
    client.set_topic_attributes.assert_called_once_with(**SET_KEY)


def test_set_topic_attributes_errors_name_the_attribute_and_the_topic():
    client = mock.Mock()
    client.set_topic_attributes.side_effect = client_error("InvalidParameter", "SetTopicAttributes")
    with pytest.raises(KmsPendingError, match=f"set the KmsMasterKeyId attribute of topic {TOPIC}"):
        topic_encryption.set_topic_attributes(client, dict(SET_KEY))
