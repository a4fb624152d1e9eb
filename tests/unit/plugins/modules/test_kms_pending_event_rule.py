# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kms_pending_event_rule's do(): the reads, the planned writes in order, the check-mode guard and the result, with a
stubbed EventBridge client."""

from __future__ import annotations

import json
from unittest import mock

import botocore.exceptions
import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_rule
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingError
from ansible_collections.kmsguard.alarms.plugins.modules import kms_pending_event_rule
from module_stub import REGION
from module_stub import StubModule
from module_stub import documented_params
from module_stub import run_module

ACCOUNT = "123456789012"
NAME = constants.EVENT_RULE_NAME
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:alarms"
RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{NAME}"
TARGET = {
    "Id": constants.EVENT_RULE_TARGET_ID,
    "Arn": TOPIC,
    "InputTransformer": {"InputPathsMap": dict(event_rule.INPUT_PATHS), "InputTemplate": event_rule.input_template()},
}
OTHER_TARGET = {"Id": "audit-queue", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:audit"}
DESCRIBE = ("describe_rule", {"Name": NAME})
LIST = ("list_targets_by_rule", {"Rule": NAME})


def described(**overrides) -> dict:
    """DescribeRule's answer for the rule as the module's defaults want it (the pattern as AWS keeps the text)."""
    rule = {
        "Name": NAME,
        "Arn": RULE_ARN,
        # Other key order and spacing than the module sends: the same pattern.
        "EventPattern": json.dumps(dict(reversed(list(event_rule.event_pattern().items()))), indent=2),
        "State": constants.EVENT_RULE_STATE,
        "Description": constants.EVENT_RULE_DESCRIPTION,
        "EventBusName": "default",
    }
    return {**rule, **overrides}


def events_client(rule: dict | None, targets: list[dict] | None = None) -> mock.Mock:
    client = mock.Mock()
    if rule is None:
        error = {"Error": {"Code": "ResourceNotFoundException", "Message": f"Rule {NAME} does not exist."}}
        client.describe_rule.side_effect = botocore.exceptions.ClientError(error, "DescribeRule")
    else:
        client.describe_rule.return_value = rule
    client.list_targets_by_rule.return_value = {"Targets": targets or []}
    client.put_rule.return_value = {"RuleArn": RULE_ARN}
    client.put_targets.return_value = {"FailedEntryCount": 0, "FailedEntries": []}
    client.remove_targets.return_value = {"FailedEntryCount": 0, "FailedEntries": []}
    return client


def run(rule, targets=None, check_mode=False, **options):
    params = documented_params(kms_pending_event_rule, **{"topic_arn": TOPIC, **options})
    return run_module(kms_pending_event_rule.do, params, events_client(rule, targets), check_mode)


def put_rule(state: str = constants.EVENT_RULE_STATE, pattern: dict | None = None) -> tuple[str, dict]:
    request = {
        "Name": NAME,
        "EventPattern": json.dumps(pattern or event_rule.event_pattern(), sort_keys=True),
        "State": state,
        "Description": constants.EVENT_RULE_DESCRIPTION,
    }
    return ("put_rule", request)


PUT_TARGET = ("put_targets", {"Rule": NAME, "Targets": [TARGET]})
REPLICA = event_rule.event_pattern(match_replica_deletion=True)

SCENARIOS = [
    pytest.param(None, [], {}, [DESCRIBE, put_rule(), PUT_TARGET], id="create"),
    pytest.param(described(), [TARGET], {}, [DESCRIBE, LIST], id="as asked: reads only"),
    pytest.param(described(), [TARGET, OTHER_TARGET], {}, [DESCRIBE, LIST], id="another target is left alone"),
    pytest.param(described(State="ENABLED"), [TARGET], {}, [DESCRIBE, LIST, put_rule()], id="plain ENABLED"),
    pytest.param(
        described(),
        [TARGET],
        {"match_replica_deletion": True},
        [DESCRIBE, LIST, put_rule(pattern=REPLICA)],
        id="pattern",
    ),  # fmt: skip
    pytest.param(described(), [{**TARGET, "Arn": TOPIC + "-old"}], {}, [DESCRIBE, LIST, PUT_TARGET], id="target"),
    pytest.param(
        described(),
        [{"Id": TARGET["Id"], "Arn": TOPIC}],
        {},
        [DESCRIBE, LIST, PUT_TARGET],
        id="target without the transformer",
    ),  # fmt: skip
    pytest.param(described(), [], {}, [DESCRIBE, LIST, PUT_TARGET], id="missing target"),
    pytest.param(None, [], {"state": "absent"}, [DESCRIBE], id="absent: nothing there"),
    pytest.param(
        described(),
        [OTHER_TARGET, TARGET],
        {"state": "absent"},
        [
            DESCRIBE,
            LIST,
            ("remove_targets", {"Rule": NAME, "Ids": [TARGET["Id"], OTHER_TARGET["Id"]]}),
            ("delete_rule", {"Name": NAME}),
        ],
        id="absent: targets then rule",
    ),  # fmt: skip
    pytest.param(
        described(),
        [],
        {"state": "absent"},
        [DESCRIBE, LIST, ("delete_rule", {"Name": NAME})],
        id="absent: a rule without targets",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("rule", "targets", "options", "calls"), SCENARIOS)
def test_reads_then_the_planned_writes_in_order(rule, targets, options, calls):
    outcome = run(rule, targets, **options)
    assert outcome.ended == "exit", outcome.result
    assert outcome.calls == calls
    assert outcome.module.clients_made == [("events", {})]
    assert outcome.result["changed"] is (len(calls) > (2 if rule else 1))


@pytest.mark.parametrize(("rule", "targets", "options", "calls"), SCENARIOS)
def test_check_mode_makes_the_reads_only_and_reports_the_same(rule, targets, options, calls):
    checked = run(rule, targets, check_mode=True, **options)
    applied = run(rule, targets, **options)
    assert checked.calls == [call for call in calls if call[0] in ("describe_rule", "list_targets_by_rule")]
    applied_result = dict(applied.result)
    # The ARN of a rule not created yet is the one thing check mode cannot know.
    if rule is None:
        assert "rule_arn" not in checked.result
        applied_result.pop("rule_arn", None)
    assert checked.result == applied_result


def test_the_result_and_diff_of_a_new_rule():
    result = run(None).result
    assert result["rule_arn"] == RULE_ARN
    assert result["diff"]["before"] == {}
    assert (
        result["rule"]
        == result["diff"]["after"]
        == {
            "name": NAME,
            "event_pattern": event_rule.event_pattern(),
            "state": constants.EVENT_RULE_STATE,
            "description": constants.EVENT_RULE_DESCRIPTION,
            "targets": [TARGET],
        }
    )


def test_the_diff_of_an_existing_rule_shows_only_what_changes():
    result = run(described(State="DISABLED"), [TARGET, OTHER_TARGET]).result
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert (before["state"], after["state"]) == ("DISABLED", constants.EVENT_RULE_STATE)
    assert {key: value for key, value in before.items() if key != "state"} == {
        key: value for key, value in after.items() if key != "state"
    }
    assert after["targets"] == [TARGET, OTHER_TARGET]  # by Id
    assert result["rule_arn"] == RULE_ARN


def test_a_failed_target_entry_fails_the_module():
    client = events_client(None)
    client.put_targets.return_value = {
        "FailedEntryCount": 1,
        "FailedEntries": [{"TargetId": TARGET["Id"], "ErrorCode": "X", "ErrorMessage": "topic policy"}],
    }
    params = documented_params(kms_pending_event_rule, topic_arn=TOPIC)
    with pytest.raises(KmsPendingError, match="PutTargets on EventBridge rule .* failed: KMSKeyPendingDeletionTopic"):
        kms_pending_event_rule.do(StubModule(params, client))


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"topic_arn": None}, "topic_arn is required with state=present"),
        ({"topic_arn": f"arn:aws:sns:eu-west-3:{ACCOUNT}:alarms"}, "is in region eu-west-3, but the module runs"),
        ({"topic_arn": "alarms"}, "is not an SNS topic ARN"),
        ({"name": "kms pending"}, "name 'kms pending' is not a valid EventBridge rule name"),
        ({"name": "x" * 65, "state": "absent"}, "is not a valid EventBridge rule name"),
        ({"target_id": ""}, "target_id '' is not a valid EventBridge target ID"),
        ({"event_pattern": {}}, "event_pattern {} is not an EventBridge event pattern"),
        ({"description": "d" * 513}, "description is 513 characters long"),
    ],
)
def test_bad_options_fail_before_any_client_is_made(options, problem):
    problems = run(None, **options).failed_before_any_call()
    assert any(problem in text for text in problems), problems
