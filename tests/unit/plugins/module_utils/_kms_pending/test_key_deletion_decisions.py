# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kms_key_cancel_deletion's decisions: references, unknown keys before any write, the plan per key state."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import key_deletion_decisions as decide

ACCOUNT = "111122223333"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{KEY_ID}"
DELETION = datetime.datetime(2030, 1, 7, 10, 0, tzinfo=datetime.UTC)


def key(state: str, arn: str = ARN, **fields) -> dict:
    deletion = {"DeletionDate": DELETION} if state == "PendingDeletion" else {}
    key_id = arn.rsplit("/", 1)[1]
    return {"Arn": arn, "KeyId": key_id, "KeyState": state, "AWSAccountId": ACCOUNT, **deletion, **fields}


@pytest.mark.parametrize(
    ("reference", "ok"),
    [
        (KEY_ID, True),
        ("mrk-1234abcd12ab34cd56ef1234567890ab", True),
        (ARN, True),
        ("alias/payments", True),
        (f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/payments", True),
        ("payments", False),
        ("", False),
        (f"arn:aws:sns:eu-west-1:{ACCOUNT}:topic", False),
        (f" {ARN}", False),
        (7, False),
    ],
)
def test_reference_problem(reference, ok):
    assert (decide.reference_problem(reference) is None) is ok


@pytest.mark.parametrize(
    ("reference", "region"), [(ARN, "eu-west-1"), (KEY_ID, "us-east-1"), ("alias/payments", "us-east-1")]
)
def test_reference_region(reference, region):
    assert decide.reference_region(reference, "us-east-1") == region


def test_no_key_named_is_a_problem():
    assert decide.validate_params({"key_ids": []}) == ["key_ids: name at least one KMS key."]


@pytest.mark.parametrize(
    ("found", "account", "fragments"),
    [
        pytest.param([(ARN, "eu-west-1", key("PendingDeletion"))], ACCOUNT, [], id="known"),
        pytest.param([(KEY_ID, "us-east-1", None)], ACCOUNT,
                     [f"KMS key {KEY_ID} does not exist in us-east-1", "Nothing was changed."], id="unknown"),
        pytest.param([(ARN, "eu-west-1", key("PendingDeletion", AWSAccountId="444455556666"))], ACCOUNT,
                     ["belongs to account 444455556666", "Nothing was changed."], id="other-account"),
        pytest.param([(ARN, "eu-west-1", key("PendingDeletion", AWSAccountId="444455556666"))], None, [],
                     id="account-not-checked"),
    ],
)  # fmt: skip
def test_unknown_problems(found, account, fragments):
    problems = decide.unknown_problems(found, account)
    assert len(problems) == len(fragments)
    for problem, fragment in zip(problems, fragments, strict=True):
        assert fragment in problem


OTHER = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321"


@pytest.mark.parametrize(
    ("state", "enable", "writes", "after", "action"),
    [
        ("PendingDeletion", False, ["cancel_key_deletion"], "Disabled", "cancelled"),
        ("PendingDeletion", True, ["cancel_key_deletion", "enable_key"], "Enabled", "cancelled_and_enabled"),
        ("PendingReplicaDeletion", True, ["cancel_key_deletion", "enable_key"], "Enabled", "cancelled_and_enabled"),
        ("Disabled", True, [], "Disabled", "not_pending_deletion"),
        ("Enabled", False, [], "Enabled", "not_pending_deletion"),
    ],
)
def test_plan_per_key_state(state, enable, writes, after, action):
    plan, results = decide.plan_cancellation([(ARN, "eu-west-1", key(state))], enable)
    assert [write.operation for write in plan.writes] == writes
    assert {write.request["KeyId"] for write in plan.writes} <= {ARN}
    assert plan.changed is bool(writes)
    assert plan.diff["after"]["keys"][ARN]["key_state"] == after
    assert [result["action"] for result in results] == [action]


def test_diff_shows_pending_deletion_to_disabled_and_leaves_other_keys_alone():
    found = [(ARN, "eu-west-1", key("PendingDeletion")), ("alias/x", "us-east-1", key("Enabled", OTHER)),
             (KEY_ID, "eu-west-1", key("PendingDeletion"))]  # fmt: skip
    plan, results = decide.plan_cancellation(found, enable=False)
    assert plan.diff == {
        "before": {"keys": {ARN: {"key_state": "PendingDeletion", "deletion_date": DELETION.isoformat()},
                            OTHER: {"key_state": "Enabled"}}},
        "after": {"keys": {ARN: {"key_state": "Disabled"}, OTHER: {"key_state": "Enabled"}}},
    }  # fmt: skip
    assert [write.operation for write in plan.writes] == ["cancel_key_deletion"]  # the key named twice, once
    assert [result["reference"] for result in results] == [ARN, "alias/x"]
