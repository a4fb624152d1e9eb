# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""What the role predicts in check mode where a module cannot: the same comparison the module would make.

``amazon.aws.s3_bucket`` has no check mode, ``community.aws.sns_topic`` fails on a topic that does not exist yet,
and a metric filter or an inline role policy cannot be checked against a log group or an IAM role that check mode
did not create. For those the role reads what exists and these pure functions predict, field by field, what the
real run would change. Each prediction is a ``Prediction``: ``changed`` and a ``diff`` (before/after) from one
comparison of two normalised views, as the modules do it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_selector_decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import trail_selectors

PUBLIC_ACCESS_FIELDS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


@dataclass(frozen=True)
class Prediction:
    """What a resource is now and what the run would make of it; None means it does not exist."""

    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed: bool

    @property
    def diff(self) -> dict[str, dict[str, Any]]:
        return {"before": self.before or {}, "after": self.after or {}}

    def message(self, kind: str, name: str) -> str:
        if not self.changed:
            return f"{kind} {name} is up to date"
        if self.before is None:
            return f"would create {kind} {name}"
        if self.after is None:
            return f"would delete {kind} {name}"
        fields = sorted(key for key in self.after if self.after.get(key) != (self.before or {}).get(key))
        return f"would update {kind} {name}: {', '.join(fields)}"


def _first_rule(configuration: dict[str, Any] | None) -> dict[str, Any]:
    rules = (configuration or {}).get("Rules") or [{}]
    return rules[0] or {}


def _policy(stored: Any) -> dict[str, Any] | None:
    if not stored:
        return None
    return stored if isinstance(stored, dict) else json.loads(stored)


# amazon.aws 9's s3_bucket_info returns these facts inside the S3 API's top-level key; 10 and later without it.
_FACT_WRAPPERS = {
    "bucket_encryption": "ServerSideEncryptionConfiguration",
    "bucket_ownership_controls": "OwnershipControls",
    "bucket_policy": "Policy",
    "public_access_block": "PublicAccessBlockConfiguration",
}


def _fact(bucket_facts: dict[str, Any], name: str) -> Any:
    """One fact of s3_bucket_info's answer, in the shape amazon.aws 10 and later return it."""
    value = bucket_facts.get(name)
    wrapper = _FACT_WRAPPERS.get(name)
    if isinstance(value, dict) and wrapper in value:
        return value[wrapper]
    return value


def current_bucket(bucket_facts: dict[str, Any] | None, manages_tags: bool) -> dict[str, Any] | None:
    """The bucket as amazon.aws.s3_bucket_info reports it, in the shape of ``desired_bucket``."""
    if bucket_facts is None:
        return None
    default_encryption = _first_rule(_fact(bucket_facts, "bucket_encryption")).get("ApplyServerSideEncryptionByDefault")
    public_access = _fact(bucket_facts, "public_access_block") or {}
    view = {
        "name": bucket_facts["name"],
        "versioning": (bucket_facts.get("bucket_versioning") or {}).get("Status") == "Enabled",
        "object_ownership": _first_rule(_fact(bucket_facts, "bucket_ownership_controls")).get("ObjectOwnership"),
        "public_access_blocked": all(public_access.get(field) is True for field in PUBLIC_ACCESS_FIELDS),
        "encryption": (default_encryption or {}).get("SSEAlgorithm"),
        "encryption_key_id": (default_encryption or {}).get("KMSMasterKeyID"),
        "policy": _policy(_fact(bucket_facts, "bucket_policy")),
    }
    if manages_tags:
        view["tags"] = bucket_facts.get("bucket_tagging") or {}
    return view


def desired_bucket(
    name: str, policy: dict[str, Any], encryption: str, encryption_key_id: str | None, tags: dict | None
):
    """What the role's s3_bucket task asks for: versioned, owner-enforced, public access blocked, encrypted."""
    view = {
        "name": name,
        "versioning": True,
        "object_ownership": "BucketOwnerEnforced",
        "public_access_blocked": True,
        "encryption": encryption,
        "encryption_key_id": encryption_key_id or None,
        "policy": policy,
    }
    if tags:
        view["tags"] = tags
    return view


def predict_bucket(current: dict[str, Any] | None, desired: dict[str, Any], purge_tags: bool) -> Prediction:
    """The same decisions as s3_bucket: policies compared as policies; with aws:kms the key only when one is asked
    for (else AWS's managed key stays), with AES256 no key; tags added (and with ``purge_tags`` others removed,
    never ``aws:*``)."""
    if current is None:
        return Prediction(before=None, after=desired, changed=True)
    after = dict(current)
    for field in ("versioning", "object_ownership", "public_access_blocked", "encryption", "name"):
        after[field] = desired[field]
    if desired["encryption"] != "aws:kms" or desired["encryption_key_id"]:
        after["encryption_key_id"] = desired["encryption_key_id"]
    if compare_policies(current["policy"] or {}, desired["policy"]):
        after["policy"] = desired["policy"]
    if "tags" in desired:
        after["tags"] = merged_tags(current.get("tags") or {}, desired["tags"], purge_tags)
    return Prediction(before=current, after=after, changed=after != current)


def predict_log_group(current: dict[str, Any], desired: dict[str, Any], purge_tags: bool) -> Prediction:
    """An existing log group as amazon.aws.cloudwatchlogs_log_group would change it: the retention when one is asked
    for, the tags when they are managed (``desired["tags"]`` not empty). ``current``: ``retention`` and ``tags``."""
    after = dict(current)
    if desired.get("retention") is not None:
        after["retention"] = desired["retention"]
    if desired.get("tags"):
        after["tags"] = merged_tags(current.get("tags") or {}, desired["tags"], purge_tags)
    return Prediction(before=current, after=after, changed=after != current)


def merged_tags(current: dict[str, str], desired: dict[str, str], purge_tags: bool) -> dict[str, str]:
    kept = {key: value for key, value in current.items() if not purge_tags or key.startswith("aws:")}
    return {**kept, **desired}


def predict_creation(desired: dict[str, Any]) -> Prediction:
    """A resource that check mode did not create (a new topic, a filter on a new log group, a new role's policy)."""
    return Prediction(before=None, after=desired, changed=True)


def predict_new_trail_selectors(name: str, event_selectors: list[dict[str, Any]]) -> Prediction:
    """The event selectors of a trail that check mode did not create, as kmsguard.alarms.cloudtrail_event_selectors
    will decide them once the trail exists: CloudTrail gives a new trail its default selector (every management
    event, read and write), so only selectors that differ from it are a change."""
    new_trail = {"EventSelectors": [trail_selectors.DEFAULT_EVENT_SELECTOR]}
    plan = event_selector_decisions.plan_selectors({"trail_name": name, "event_selectors": event_selectors}, new_trail)
    return Prediction(before=plan.before, after=plan.after, changed=bool(plan.writes))


def predict_deletion(current: dict[str, Any] | None) -> Prediction:
    return Prediction(before=current, after=None, changed=current is not None)
