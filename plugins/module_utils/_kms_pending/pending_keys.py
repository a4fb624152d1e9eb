# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The KMS keys of a region that are pending deletion, and how the chain refers to keys. Pure: no AWS call."""

from __future__ import annotations

import datetime
import math
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns

PENDING_STATES = ("PendingDeletion", "PendingReplicaDeletion")
# Keys in these states cannot encrypt or decrypt: whatever depends on them stops working.
UNUSABLE_STATES = ("PendingDeletion", "PendingReplicaDeletion", "Disabled", "PendingImport", "Unavailable")
SECONDS_PER_DAY = 86400


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def as_datetime(value: Any) -> datetime.datetime | None:
    """A boto3 timestamp (datetime) or an ISO 8601 string as an aware datetime; None for anything else."""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def days_left(deletion_date: Any, now: datetime.datetime) -> int | None:
    """Whole days until the deletion, rounded up (a key deleted in 3 hours has 1 day left); 0 when it is due."""
    when = as_datetime(deletion_date)
    if when is None:
        return None
    return max(0, math.ceil((when - now).total_seconds() / SECONDS_PER_DAY))


def aliases_by_key(aliases: list[dict[str, Any]]) -> dict[str, list[str]]:
    """ListAliases' answer as key ID -> alias names (sorted); aliases without a target key are left out."""
    names: dict[str, list[str]] = {}
    for alias in aliases:
        if alias.get("TargetKeyId"):
            names.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    return {key_id: sorted(alias_names) for key_id, alias_names in names.items()}


def pending_key(
    region: str, metadata: dict[str, Any], alias_names: list[str], now: datetime.datetime
) -> dict[str, Any]:
    """One key pending deletion as the audit returns it."""
    deletion = as_datetime(metadata.get("DeletionDate"))
    return {
        "key_id": metadata["KeyId"],
        "arn": metadata.get("Arn", ""),
        "region": region,
        "aliases": alias_names,
        "key_state": metadata.get("KeyState", ""),
        "key_manager": metadata.get("KeyManager", ""),
        "description": metadata.get("Description", ""),
        "multi_region": bool(metadata.get("MultiRegion", False)),
        "deletion_date": deletion.isoformat() if deletion else None,
        "days_left": days_left(deletion, now),
    }


def pending_keys(
    region: str, key_metadata: list[dict[str, Any]], aliases: list[dict[str, Any]], now: datetime.datetime
) -> list[dict[str, Any]]:
    """The keys of ``region`` in PendingDeletion or PendingReplicaDeletion, most urgent first."""
    names = aliases_by_key(aliases)
    found = [
        pending_key(region, metadata, names.get(metadata["KeyId"], []), now)
        for metadata in key_metadata
        if metadata.get("KeyState") in PENDING_STATES
    ]
    return by_urgency(found)


def by_urgency(keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fewest days left first; keys without a deletion date (PendingReplicaDeletion) last; then by region and ID."""
    return sorted(
        keys,
        key=lambda key: (key["days_left"] is None, key["days_left"] or 0, key["region"], key["key_id"]),
    )


def resolve_key(
    reference: str, region: str, key_metadata: list[dict[str, Any]], aliases: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The metadata of the key that ``reference`` names (key ID, key ARN, alias name or alias ARN) in ``region``.

    None when the reference names a key of another region or account, or nothing this region's keys know.
    """
    key_id = reference
    parts = arns.parse_arn(reference)
    if parts:
        if parts["service"] != "kms" or parts["region"] != region:
            return None
        key_id = parts["resource"].removeprefix("key/")
    if key_id.startswith("alias/"):
        target = next((alias.get("TargetKeyId") for alias in aliases if alias.get("AliasName") == key_id), None)
        if target is None:
            return None
        key_id = target
    return next((metadata for metadata in key_metadata if metadata.get("KeyId") == key_id), None)
