# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Keys pending deletion: days left, urgency order, aliases; and how the chain's key references resolve."""

from __future__ import annotations

import datetime

import pytest

import audit_facts_builder as build
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_keys

NOW = build.NOW
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("deletion", "days"),
    [
        pytest.param(NOW + 7 * DAY, 7, id="exactly-7"),
        pytest.param(NOW + 6 * DAY + datetime.timedelta(hours=3), 7, id="rounded-up"),
        pytest.param(NOW + datetime.timedelta(hours=3), 1, id="hours"),
        pytest.param(NOW - DAY, 0, id="due"),
        pytest.param((NOW + 30 * DAY).isoformat(), 30, id="iso-string"),
        pytest.param("2030-01-31T12:00:00Z", 30, id="zulu-string"),
        pytest.param(datetime.datetime(2030, 1, 3, 12, 0), 2, id="naive-is-utc"),
        pytest.param(None, None, id="no-date"),
        pytest.param("next week", None, id="not-a-date"),
    ],
)
def test_days_left(deletion, days):
    assert pending_keys.days_left(deletion, NOW) == days


def test_pending_keys_most_urgent_first_with_aliases():
    metadata = [
        build.key("k-30", state="PendingDeletion", DeletionDate=NOW + 30 * DAY),
        build.key("k-enabled"),
        build.key("k-replica", state="PendingReplicaDeletion"),
        build.key("k-7", state="PendingDeletion", DeletionDate=NOW + 7 * DAY, Description="payments"),
        build.key("k-disabled", state="Disabled"),
    ]
    aliases = [
        {"AliasName": "alias/payments", "TargetKeyId": "k-7"},
        {"AliasName": "alias/old-payments", "TargetKeyId": "k-7"},
        {"AliasName": "alias/unused"},
    ]
    found = pending_keys.pending_keys("us-east-1", metadata, aliases, NOW)
    assert [(key["key_id"], key["days_left"]) for key in found] == [("k-7", 7), ("k-30", 30), ("k-replica", None)]
    assert found[0]["aliases"] == ["alias/old-payments", "alias/payments"]
    assert found[0]["description"] == "payments"
    assert found[0]["deletion_date"] == (NOW + 7 * DAY).isoformat()
    assert found[2]["key_state"] == "PendingReplicaDeletion"


ALIASES = [{"AliasName": "alias/alarms", "TargetKeyId": build.KEY_ID}, {"AliasName": "alias/dangling"}]


@pytest.mark.parametrize(
    ("reference", "found"),
    [
        pytest.param(build.KEY_ID, True, id="key-id"),
        pytest.param(build.KEY_ARN, True, id="key-arn"),
        pytest.param("alias/alarms", True, id="alias"),
        pytest.param(f"arn:aws:kms:us-east-1:{build.ACCOUNT}:alias/alarms", True, id="alias-arn"),
        pytest.param(f"arn:aws:kms:eu-west-1:{build.ACCOUNT}:key/{build.KEY_ID}", False, id="other-region"),
        pytest.param("alias/dangling", False, id="alias-without-key"),
        pytest.param("alias/aws/sns", False, id="alias-not-listed"),
        pytest.param("arn:aws:sns:us-east-1:1:topic", False, id="not-a-kms-arn"),
    ],
)
def test_resolve_key(reference, found):
    metadata = pending_keys.resolve_key(reference, "us-east-1", [build.key()], ALIASES)
    assert (metadata is not None) is found
    if found:
        assert metadata["KeyId"] == build.KEY_ID
