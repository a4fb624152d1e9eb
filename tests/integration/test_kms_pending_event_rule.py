# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.kms_pending_event_rule in real ansible-playbook runs against the moto server.

The rule and its target are read back with boto3, and the server's call record holds the module to its budget:
DescribeRule and ListTargetsByRule per run, one write per change, targets removed before the rule.
"""

from __future__ import annotations

import json

import botocore.exceptions
import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_rule

MODULE = "kmsguard.alarms.kms_pending_event_rule"
READS = ["DescribeRule", "ListTargetsByRule"]


def task(title: str, **options) -> dict:
    extra = {key: options.pop(key) for key in ("check_mode", "diff") if key in options}
    return {"name": title, MODULE: options, **extra}


@pytest.fixture
def events(aws_client):
    return aws_client("events")


@pytest.fixture
def topic_arn(aws_client, unique_name) -> str:
    return aws_client("sns").create_topic(Name=unique_name)["TopicArn"]


def test_check_mode_create_rerun_remove(run_playbook, events, topic_arn, unique_name, moto_endpoint):
    rule = {"name": unique_name, "topic_arn": topic_arn}

    moto_endpoint.forget_calls()
    checked = run_playbook([task("create", **rule)], check=True, diff=True)
    assert checked.rc == 0, checked.stdout
    predicted = checked.result("create")
    assert predicted["changed"] is True and predicted["diff"]["before"] == {}
    assert moto_endpoint.operations() == ["DescribeRule"]
    with pytest.raises(botocore.exceptions.ClientError, match="ResourceNotFoundException"):
        events.describe_rule(Name=unique_name)

    moto_endpoint.forget_calls()
    applied = run_playbook([task("create", **rule)], diff=True)
    assert applied.rc == 0, applied.stdout
    created = applied.result("create")
    assert moto_endpoint.operations() == ["DescribeRule", "PutRule", "PutTargets"]
    assert created["rule"] == predicted["rule"]
    described = events.describe_rule(Name=unique_name)
    assert created["rule_arn"] == described["Arn"]
    assert described["State"] == constants.EVENT_RULE_STATE
    assert json.loads(described["EventPattern"]) == event_rule.event_pattern()
    (target,) = events.list_targets_by_rule(Rule=unique_name)["Targets"]
    assert target == {
        "Id": constants.EVENT_RULE_TARGET_ID,
        "Arn": topic_arn,
        "InputTransformer": {"InputPathsMap": event_rule.INPUT_PATHS, "InputTemplate": event_rule.input_template()},
    }

    moto_endpoint.forget_calls()
    rerun = run_playbook([task("check", check_mode=True, **rule), task("real", **rule)], diff=True)
    assert rerun.rc == 0, rerun.stdout
    for name in ("check", "real"):
        assert rerun.result(name)["changed"] is False
        assert rerun.result(name)["rule_arn"] == described["Arn"]
    assert moto_endpoint.operations() == READS * 2

    # Someone turns the rule down to plain ENABLED (read-only calls stop reaching it): the next run puts it back.
    events.put_rule(Name=unique_name, EventPattern=described["EventPattern"], State="ENABLED")
    moto_endpoint.forget_calls()
    repaired = run_playbook([task("repair", **rule)], diff=True)
    assert repaired.rc == 0, repaired.stdout
    diff = repaired.result("repair")["diff"]
    assert (diff["before"]["state"], diff["after"]["state"]) == ("ENABLED", constants.EVENT_RULE_STATE)
    assert moto_endpoint.operations() == [*READS, "PutRule"]

    moto_endpoint.forget_calls()
    gone = {"name": unique_name, "state": "absent"}
    removed = run_playbook([task("check", check_mode=True, **gone), task("remove", **gone), task("again", **gone)])
    assert removed.rc == 0, removed.stdout
    assert [removed.result(name)["changed"] for name in ("check", "remove", "again")] == [True, True, False]
    assert moto_endpoint.operations() == [*READS, *READS, "RemoveTargets", "DeleteRule", "DescribeRule"]
    with pytest.raises(botocore.exceptions.ClientError, match="ResourceNotFoundException"):
        events.describe_rule(Name=unique_name)


def test_bad_input_fails_before_any_call(run_playbook, moto_endpoint):
    moto_endpoint.forget_calls()
    bad = run_playbook([task("bad", name="kms pending", topic_arn="arn:aws:sns:eu-west-3:123456789012:t")])
    assert bad.rc != 0
    message = bad.result("bad")["msg"]
    assert "name 'kms pending' is not a valid EventBridge rule name" in message
    assert "is in region eu-west-3, but the module runs in region us-east-1" in message
    assert moto_endpoint.calls() == []


def test_the_endpoint_does_not_pretend_to_test_event_patterns(events):
    # moto answers TestEventPattern with an empty document; corrected to answer as an unimplemented operation.
    with pytest.raises(botocore.exceptions.ClientError):
        events.test_event_pattern(EventPattern=json.dumps(event_rule.event_pattern()), Event="{}")
