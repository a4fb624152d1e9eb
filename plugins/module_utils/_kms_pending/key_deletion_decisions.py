# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Decisions of kms_key_cancel_deletion: which keys the references name, and the plan that cancels the deletion of
those pending deletion (and enables them when asked). Pure: no AWS call.

CancelKeyDeletion leaves a key Disabled, so the callers that failed keep failing until EnableKey; a key that is not
pending deletion is left as it is, whatever its state (a disabled key may be disabled on purpose).
"""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_keys
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Plan
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Write

_KEY_ID = re.compile(r"(?:mrk-)?[0-9a-fA-F-]{32,36}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ALIAS = re.compile(r"alias/[A-Za-z0-9/_-]{1,250}")
CANCELLED, ENABLED, NOT_PENDING = "cancelled", "cancelled_and_enabled", "not_pending_deletion"


def reference_region(reference: str, default_region: str) -> str:
    """The region to look a key up in: an ARN's own, else the module's."""
    parts = arns.parse_arn(reference)
    return parts["region"] if parts else default_region


def reference_problem(reference: Any) -> str | None:
    """Why ``reference`` cannot name a KMS key (key ID, key ARN, alias name or alias ARN), or None when it can."""
    if not isinstance(reference, str) or not reference:
        return f"key_ids: {reference!r} is not a key ID, key ARN, alias name or alias ARN."
    parts = arns.parse_arn(reference)
    if parts is None and (_KEY_ID.fullmatch(reference) or _ALIAS.fullmatch(reference)):
        return None
    in_kms = parts and parts["service"] == "kms" and arns.is_region_shaped(parts["region"])
    if in_kms and parts["resource"].startswith(("key/", "alias/")):
        return None
    return (
        f"key_ids: {reference!r} is not a key ID, key ARN, alias name or alias ARN "
        "(expected e.g. 1234abcd-12ab-34cd-56ef-1234567890ab or arn:aws:kms:us-east-1:111122223333:key/...)."
    )


def validate_params(params: dict[str, Any]) -> list[str]:
    if not params["key_ids"]:
        return ["key_ids: name at least one KMS key."]
    return [problem for reference in params["key_ids"] if (problem := reference_problem(reference))]


def unknown_problems(found: list[tuple[str, str, dict[str, Any] | None]], account_id: str | None) -> list[str]:
    """The references that name no key this account can cancel: checked for all of them before any write."""
    problems = []
    for reference, region, metadata in found:
        if metadata is None:
            problems.append(f"KMS key {reference} does not exist in {region} (or the caller cannot describe it).")
        elif account_id and metadata.get("AWSAccountId") not in (None, account_id):
            problems.append(
                f"KMS key {reference} belongs to account {metadata['AWSAccountId']}: a key's deletion can only be "
                f"cancelled in its own account, not from {account_id}."
            )
    return [*problems, "Nothing was changed."] if problems else []


def _state(metadata: dict[str, Any]) -> dict[str, Any]:
    deletion = pending_keys.as_datetime(metadata.get("DeletionDate"))
    return {"key_state": metadata.get("KeyState"), **({"deletion_date": deletion.isoformat()} if deletion else {})}


def plan_cancellation(found: list[tuple[str, str, dict[str, Any]]], enable: bool) -> tuple[Plan, list[dict[str, Any]]]:
    """The plan (before/after per key ARN, the writes in order) and what happens to each key, in the order named."""
    before, after, writes, results = {}, {}, [], []
    for reference, region, metadata in found:
        arn = metadata["Arn"]
        if arn in before:
            continue  # named twice (ID and alias): one cancellation
        before[arn] = _state(metadata)
        pending = metadata.get("KeyState") in pending_keys.PENDING_STATES
        if pending:
            writes.append(Write("cancel_key_deletion", {"KeyId": arn}))
            writes += [Write("enable_key", {"KeyId": arn})] if enable else []
        after[arn] = {"key_state": "Enabled" if enable else "Disabled"} if pending else before[arn]
        action = (ENABLED if enable else CANCELLED) if pending else NOT_PENDING
        results.append(
            {
                "reference": reference,
                "key_arn": arn,
                "key_id": metadata.get("KeyId", ""),
                "region": region,
                "before": before[arn],
                "after": after[arn],
                "action": action,
            }
        )
    return Plan(before={"keys": before}, after={"keys": after}, writes=tuple(writes)), results
