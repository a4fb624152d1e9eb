# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The return value of kms_pending_alarm_info, from the facts and the audit. Pure: no AWS call."""

from __future__ import annotations

import datetime
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_rules
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_keys


def key_uses(facts: dict[str, Any], trail: dict[str, Any] | None) -> dict[str, list[str]]:
    """Key ID -> the links of the chain that the key encrypts (topics, log group, trail log files)."""
    region = facts["region"]
    keys = facts.get("keys", {}).get(region, {})
    references = [
        (topic.get("attributes", {}).get("KmsMasterKeyId"), f"topic {topic_arn}")
        for topic_arn, topic in sorted(facts.get("topics", {}).items())
        if topic.get("attributes")
    ]
    references.append(((facts.get("log_group") or {}).get("kmsKeyId"), f"log group {facts.get('log_group_name')}"))
    references.append(((trail or {}).get("KmsKeyId"), f"log files of trail {(trail or {}).get('Name')}"))
    uses: dict[str, list[str]] = {}
    for reference, user in references:
        metadata = reference and pending_keys.resolve_key(
            reference, region, keys.get("metadata", []), keys.get("aliases", [])
        )
        if metadata:
            uses.setdefault(metadata["KeyId"], []).append(user)
    return uses


def all_pending_keys(facts: dict[str, Any], trail: dict[str, Any] | None, now: datetime.datetime) -> list[dict]:
    """The keys pending deletion of the audited region and the covered regions, most urgent first."""
    uses = key_uses(facts, trail)
    found = []
    for region, keys in facts.get("keys", {}).items():
        for key in pending_keys.pending_keys(region, keys.get("metadata", []), keys.get("aliases", []), now):
            key["used_by"] = uses.get(key["key_id"], []) if region == facts["region"] else []
            found.append(key)
    return pending_keys.by_urgency(found)


def trail_summary(trail_facts: dict[str, Any] | None) -> dict[str, Any]:
    if not trail_facts:
        return {}
    trail, status = trail_facts["trail"], trail_facts.get("status") or {}
    return {
        "name": trail["Name"],
        "arn": trail["TrailARN"],
        "home_region": trail.get("HomeRegion"),
        "is_multi_region_trail": bool(trail.get("IsMultiRegionTrail")),
        "is_organization_trail": bool(trail.get("IsOrganizationTrail")),
        "is_logging": bool(status.get("IsLogging")),
        "cloud_watch_logs_log_group_arn": trail.get("CloudWatchLogsLogGroupArn"),
        "latest_cloud_watch_logs_delivery_time": status.get("LatestCloudWatchLogsDeliveryTime"),
        "latest_cloud_watch_logs_delivery_error": status.get("LatestCloudWatchLogsDeliveryError") or "",
    }


def topic_summary(topic_arn: str, topic: dict[str, Any]) -> dict[str, Any]:
    attributes = topic.get("attributes")
    return {
        "topic_arn": topic_arn,
        "exists": attributes is not None,
        "kms_master_key_id": (attributes or {}).get("KmsMasterKeyId", ""),
        "subscriptions": [
            {
                "protocol": item.get("Protocol"),
                "endpoint": item.get("Endpoint"),
                "confirmed": audit_rules.is_confirmed(item),
            }
            for item in topic.get("subscriptions") or []
        ],
    }


def snake_filter(metric_filter: dict[str, Any] | None) -> dict[str, Any]:
    if not metric_filter:
        return {}
    # Dimension names are the user's: the transformations are converted without touching them.
    snake = camel_dict_to_snake_dict(metric_filter, ignore_list=["metricTransformations"])
    snake["metric_transformations"] = [
        camel_dict_to_snake_dict(item, ignore_list=["dimensions"]) for item in snake.get("metric_transformations", [])
    ]
    return snake


def module_result(facts: dict[str, Any], audit: audit_rules.Audit, now: datetime.datetime) -> dict[str, Any]:
    """Everything the module returns (besides ``changed``)."""
    trail = audit.trail["trail"] if audit.trail else None
    return {
        "region": facts["region"],
        "account_id": facts.get("account_id"),
        "log_group_name": facts.get("log_group_name"),
        "covered_regions": facts.get("covered_regions", []),
        "status": audit_rules.overall_status(audit.findings),
        "summary": audit_rules.summary(audit.findings),
        "checks": audit.checks,
        "findings": [dict(item, region=facts["region"]) for item in audit.findings],
        "trail": trail_summary(audit.trail),
        "metric_filter": snake_filter(audit.metric_filter),
        "alarm": camel_dict_to_snake_dict(audit.alarm or {}),
        "topics": [topic_summary(arn, topic) for arn, topic in sorted(facts.get("topics", {}).items())],
        "coverage": audit.coverage,
        "pending_keys": all_pending_keys(facts, trail, now),
    }
