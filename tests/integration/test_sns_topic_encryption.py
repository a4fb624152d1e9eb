# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.sns_topic_encryption in real ansible-playbook runs against the moto server.

The topic's KmsMasterKeyId is read back with boto3, and the server's call record holds the module to its API
budget: one GetTopicAttributes per run, one SetTopicAttributes per change, no call at all for bad input.
"""

from __future__ import annotations

import pytest

MODULE = "kmsguard.alarms.sns_topic_encryption"
# The region of the runs (AWS_DEFAULT_REGION) and the account moto answers for with the test credentials.
DEFAULT_REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
GET = "GetTopicAttributes"
SET = "SetTopicAttributes"
KEY_ALIAS = "alias/cloudwatch-alarms"
KEY_ARN = f"arn:aws:kms:{DEFAULT_REGION}:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def task(name: str, **options) -> dict:
    extra = {key: options.pop(key) for key in ("check_mode", "diff", "ignore_errors") if key in options}
    return {"name": name, MODULE: options, **extra}


def key_diff(before: str, after: str) -> dict:
    return {"before": {"kms_master_key_id": before}, "after": {"kms_master_key_id": after}}


@pytest.fixture
def sns(aws_client):
    return aws_client("sns")


@pytest.fixture
def topic_arn(sns, unique_name) -> str:
    return sns.create_topic(Name=unique_name)["TopicArn"]


def key_in_effect(sns, topic_arn: str) -> str:
    return sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"].get("KmsMasterKeyId", "")


def test_check_mode_apply_rerun_change_remove(run_playbook, sns, topic_arn, moto_endpoint):
    moto_endpoint.forget_calls()
    checked = run_playbook([task("encrypt", topic_arn=topic_arn, kms_key_id=KEY_ALIAS)], check=True, diff=True)
    assert checked.rc == 0, checked.stdout
    predicted = checked.result("encrypt")
    assert predicted["changed"] is True
    assert predicted["diff"] == key_diff("", KEY_ALIAS)
    assert predicted["kms_master_key_id"] == KEY_ALIAS
    assert predicted["topic_arn"] == topic_arn
    assert moto_endpoint.operations() == [GET]
    assert key_in_effect(sns, topic_arn) == ""

    moto_endpoint.forget_calls()
    applied = run_playbook([task("encrypt", topic_arn=topic_arn, kms_key_id=KEY_ALIAS)], diff=True)
    assert applied.rc == 0, applied.stdout
    assert applied.result("encrypt")["changed"] is True
    assert applied.result("encrypt")["diff"] == key_diff("", KEY_ALIAS)
    assert moto_endpoint.operations() == [GET, SET]
    assert key_in_effect(sns, topic_arn) == KEY_ALIAS

    for check in (True, False):
        moto_endpoint.forget_calls()
        rerun = run_playbook([task("re-run", topic_arn=topic_arn, kms_key_id=KEY_ALIAS)], check=check, diff=True)
        assert rerun.rc == 0, rerun.stdout
        assert rerun.result("re-run")["changed"] is False
        assert rerun.result("re-run")["diff"] == key_diff(KEY_ALIAS, KEY_ALIAS)
        assert moto_endpoint.operations() == [GET]

    moto_endpoint.forget_calls()
    changed = run_playbook([task("change key", topic_arn=topic_arn, kms_key_id=KEY_ARN)], diff=True)
    assert changed.rc == 0, changed.stdout
    assert changed.result("change key")["diff"] == key_diff(KEY_ALIAS, KEY_ARN)
    assert changed.result("change key")["kms_master_key_id"] == KEY_ARN
    assert moto_endpoint.operations() == [GET, SET]
    assert key_in_effect(sns, topic_arn) == KEY_ARN

    moto_endpoint.forget_calls()
    gone = {"topic_arn": topic_arn, "state": "absent"}
    removed = run_playbook(
        [task("check remove", check_mode=True, **gone), task("remove", **gone), task("remove again", **gone)],
        diff=True,
    )
    assert removed.rc == 0, removed.stdout
    assert removed.result("check remove")["diff"] == key_diff(KEY_ARN, "")
    assert removed.result("remove")["changed"] is True
    assert removed.result("remove")["kms_master_key_id"] == ""
    assert removed.result("remove again")["changed"] is False
    assert moto_endpoint.operations() == [GET, GET, SET, GET]
    assert key_in_effect(sns, topic_arn) == ""


def test_empty_key_turns_encryption_off(run_playbook, sns, topic_arn):
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="KmsMasterKeyId", AttributeValue=KEY_ALIAS)

    run = run_playbook(
        [task("off", topic_arn=topic_arn, kms_key_id=""), task("still off", topic_arn=topic_arn, kms_key_id="")]
    )

    assert run.rc == 0, run.stdout
    assert [run.result(name)["changed"] for name in ("off", "still off")] == [True, False]
    assert key_in_effect(sns, topic_arn) == ""


def test_missing_topic(run_playbook, unique_name, moto_endpoint):
    missing = f"arn:aws:sns:{DEFAULT_REGION}:{ACCOUNT_ID}:{unique_name}"
    moto_endpoint.forget_calls()
    run = run_playbook(
        [
            task("absent", topic_arn=missing, state="absent"),
            task("present", topic_arn=missing, kms_key_id=KEY_ALIAS),
        ]
    )

    assert run.rc != 0
    assert run.result("absent")["changed"] is False
    assert run.result("absent")["kms_master_key_id"] == ""
    failed = run.result("present")
    assert failed["failed"] is True
    assert "does not exist in region us-east-1" in failed["msg"]
    assert moto_endpoint.operations() == [GET, GET]


TOPIC = f"arn:aws:sns:{DEFAULT_REGION}:{ACCOUNT_ID}:alarms"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"topic_arn": TOPIC, "kms_key_id": "alias/aws/sns"}, "AWS managed SNS key"),
        (
            {"topic_arn": TOPIC, "kms_key_id": f"arn:aws:kms:{DEFAULT_REGION}:{ACCOUNT_ID}:alias/aws/sns"},
            "CloudWatch cannot publish",
        ),
        ({"topic_arn": TOPIC, "kms_key_id": "my key"}, "is not a KMS key"),
        ({"topic_arn": TOPIC, "kms_key_id": f"arn:aws:s3:::{ACCOUNT_ID}"}, "is not a KMS key"),
        ({"topic_arn": TOPIC}, "kms_key_id is required with state=present"),
        ({"topic_arn": "alarms", "kms_key_id": KEY_ALIAS}, "is not an SNS topic ARN"),
        ({"topic_arn": f"arn:aws:sns:{DEFAULT_REGION}:123:alarms", "state": "absent"}, "12-digit account ID"),
        ({"topic_arn": f"arn:aws:sns:eu-west-1:{ACCOUNT_ID}:alarms", "kms_key_id": KEY_ALIAS}, "region eu-west-1"),
    ],
)
def test_bad_input_fails_before_any_call(run_playbook, moto_endpoint, options, message):
    moto_endpoint.forget_calls()
    run = run_playbook([task("bad", **options)])

    assert run.rc != 0
    failed = run.result("bad")
    assert failed["failed"] is True
    assert message in failed["msg"]
    assert moto_endpoint.operations() == []


def test_managed_sns_key_message_names_the_key_policy(run_playbook):
    run = run_playbook([task("bad", topic_arn=TOPIC, kms_key_id="alias/aws/sns")])

    message = run.result("bad")["msg"]
    assert "cloudwatch.amazonaws.com" in message
    assert "kms:Decrypt" in message
    assert "kms:GenerateDataKey*" in message
