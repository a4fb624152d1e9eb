# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""sns_topic_encryption's do(): the order of calls, the check-mode guard, and the result, with a stubbed client."""

from __future__ import annotations

from unittest import mock

import botocore.exceptions
import pytest

from ansible_collections.kmsguard.alarms.plugins.modules import sns_topic_encryption
from module_stub import REGION
from module_stub import documented_params
from module_stub import run_module

TOPIC = f"arn:aws:sns:{REGION}:123456789012:alarms"
KEY = "alias/cloudwatch-alarms"
GET = ("get_topic_attributes", {"TopicArn": TOPIC})


def sns_client(attributes: dict | None) -> mock.Mock:
    """An SNS client whose topic has ``attributes``; None: the topic does not exist."""
    client = mock.Mock()
    if attributes is None:
        error = {"Error": {"Code": "NotFound", "Message": "Topic does not exist"}}
        client.get_topic_attributes.side_effect = botocore.exceptions.ClientError(error, "GetTopicAttributes")
    else:
        client.get_topic_attributes.return_value = {"Attributes": {"TopicArn": TOPIC, **attributes}}
    return client


def run(attributes: dict | None, check_mode: bool = False, **options):
    module_params = documented_params(sns_topic_encryption, **{"topic_arn": TOPIC, **options})
    return run_module(sns_topic_encryption.do, module_params, sns_client(attributes), check_mode)


def set_key(value: str) -> tuple[str, dict]:
    return ("set_topic_attributes", {"TopicArn": TOPIC, "AttributeName": "KmsMasterKeyId", "AttributeValue": value})


SCENARIOS = [
    pytest.param({}, {"kms_key_id": KEY}, [set_key(KEY)], KEY, id="encrypt"),
    pytest.param({"KmsMasterKeyId": KEY}, {"kms_key_id": KEY}, [], KEY, id="as asked"),
    pytest.param({"KmsMasterKeyId": KEY}, {"kms_key_id": ""}, [set_key("")], "", id="empty key turns it off"),
    pytest.param({"KmsMasterKeyId": KEY}, {"state": "absent"}, [set_key("")], "", id="absent turns it off"),
    pytest.param(None, {"state": "absent"}, [], "", id="absent on a missing topic"),
]


@pytest.mark.parametrize(("attributes", "options", "writes", "key"), SCENARIOS)
def test_one_read_then_the_planned_write(attributes, options, writes, key):
    outcome = run(attributes, **options)
    assert outcome.ended == "exit", outcome.result
    assert outcome.calls == [GET, *writes]
    assert outcome.module.clients_made == [("sns", {})]
    result = outcome.result
    assert (result["changed"], result["topic_arn"], result["kms_master_key_id"]) == (bool(writes), TOPIC, key)


@pytest.mark.parametrize(("attributes", "options", "writes", "key"), SCENARIOS)
def test_check_mode_writes_nothing_and_reports_the_same(attributes, options, writes, key):
    checked = run(attributes, check_mode=True, **options)
    applied = run(attributes, **options)
    assert checked.calls == [GET]
    assert (checked.ended, checked.result) == (applied.ended, applied.result)
    assert checked.result["diff"]["after"] == {"kms_master_key_id": key}


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"kms_key_id": None}, "kms_key_id is required with state=present"),
        ({"kms_key_id": "alias/aws/sns"}, "AWS managed SNS key"),
        ({"kms_key_id": KEY, "topic_arn": "alarms"}, "is not an SNS topic ARN"),
    ],
)
def test_bad_options_fail_before_any_client_is_made(options, problem):
    [named] = run({}, **options).failed_before_any_call()
    assert problem in named


def test_a_missing_topic_fails_after_the_read_without_writing():
    outcome = run(None, kms_key_id=KEY)
    assert outcome.ended == "fail"
    assert f"Topic {TOPIC} does not exist in region {REGION}" in outcome.result["msg"]
    assert outcome.calls == [GET]
