# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""What kms_pending_alarm_info reads, in the order the chain is followed: trail -> log group -> filter -> alarm ->
topics, and the KMS keys of the audited regions. Read calls only.

Each resource is read with one call (paginated where AWS pages). Which filter, alarm and topics are read next
depends on what was found before, as decided by the pure choices of ``audit_rules``.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import alarms
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_reads
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_rules
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_rules
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_keys
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import topic_encryption


class Clients:
    """One client per (service, region), made on first use, without a retry decorator: each read retries itself."""

    def __init__(self, module) -> None:
        self.module = module
        self._made: dict[tuple[str, str], Any] = {}

    def get(self, service: str, region: str | None = None):
        region = region or self.module.region
        if (service, region) not in self._made:
            self._made[service, region] = self.module.client(service, region=region)
        return self._made[service, region]


def read_keys(kms) -> dict[str, list[dict[str, Any]]]:
    """The metadata of every key of the region (one DescribeKey per key: ListKeys has no state) and its aliases."""
    metadata = [audit_reads.describe_key(kms, key["KeyId"]) for key in audit_reads.list_keys(kms)]
    return {"metadata": [item for item in metadata if item], "aliases": audit_reads.list_aliases(kms)}


def discover_log_group(
    logs, candidates: list[str], filter_name: str, samples: audit_rules.Samples, read_filters: dict | None = None
) -> str | None:
    """The log group to audit when none is named: the only one trails deliver to, or the first whose filters count
    the calls (their filters are kept in ``read_filters`` so that no group is read twice). kms_pending_events
    searches the same group."""
    read_filters = {} if read_filters is None else read_filters
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    for name in candidates:
        read_filters[name] = audit_reads.describe_all_metric_filters(logs, name)
        if audit_rules.choose_filter(read_filters[name] or [], filter_name, samples)[0]:
            return name
    return candidates[0]


def _trail_facts(clients: Clients, trail: dict[str, Any]) -> dict[str, Any]:
    cloudtrail = clients.get("cloudtrail", trail.get("HomeRegion"))
    return {
        "trail": trail,
        "status": audit_reads.get_trail_status(cloudtrail, trail["TrailARN"]),
        "selectors": audit_reads.get_event_selectors(cloudtrail, trail["TrailARN"]),
    }


def _topic_facts(clients: Clients, topic_arn: str, keys: dict[str, Any]) -> dict[str, Any]:
    sns = clients.get("sns")
    attributes = topic_encryption.get_topic_attributes(sns, topic_arn)
    if attributes is None:
        return {"attributes": None}
    facts = {"attributes": attributes, "subscriptions": audit_reads.list_subscriptions_by_topic(sns, topic_arn) or []}
    key_id = attributes.get("KmsMasterKeyId")
    metadata = pending_keys.resolve_key(
        key_id or "", clients.module.region, keys.get("metadata", []), keys.get("aliases", [])
    )
    if metadata and metadata.get("KeyManager") == "CUSTOMER":
        facts["key_policy"] = audit_reads.get_key_policy(clients.get("kms"), metadata["KeyId"])
    return facts


def _alarm_topics(alarm: dict[str, Any] | None, region: str) -> list[str]:
    """The alarm's actions that are SNS topics of ``region`` (the others are judged without a read)."""
    topics = []
    for action in (alarm or {}).get("AlarmActions") or []:
        parts = arns.parse_arn(action)
        if parts and parts["service"] == "sns" and parts["region"] == region:
            topics.append(action)
    return sorted(set(topics))


def _read_log_group(clients: Clients, facts: dict[str, Any], read_filters: dict, samples) -> dict | None:
    """The log group, its trails and filters into ``facts``; returns the filter that counts the calls, or None."""
    name, region = facts["log_group_name"], facts["region"]
    delivering = audit_rules.delivering_trails(facts["all_trails"], region, name)
    facts["trails"] = [_trail_facts(clients, trail) for trail in delivering]
    facts["log_group"] = audit_reads.describe_log_group(clients.get("logs"), name)
    if facts["log_group"] is None:
        return None
    filters = read_filters.get(name)
    if filters is None:
        filters = audit_reads.describe_all_metric_filters(clients.get("logs"), name)
    facts["metric_filters"] = filters or []
    return audit_rules.choose_filter(facts["metric_filters"], facts["filter_name"], samples)[0]


def _read_alarm(clients: Clients, facts: dict[str, Any], metric_filter: dict | None) -> dict | None:
    """The named alarm and, when it does not watch the filter's metric, the alarms that do."""
    cloudwatch = clients.get("cloudwatch")
    facts["named_alarm"] = alarms.describe_alarm(cloudwatch, facts["alarm_name"])
    metric = audit_rules.filter_metric(metric_filter)
    named = facts["named_alarm"]
    facts["metric_alarms"] = []
    if metric and (named is None or (named.get("MetricName"), named.get("Namespace")) != metric):
        facts["metric_alarms"] = audit_reads.describe_alarms_for_metric(cloudwatch, *metric)
    return audit_rules.choose_alarm(named, facts["metric_alarms"], metric_filter, facts["alarm_name"])


def _event_rule_facts(events, name: str) -> dict[str, Any]:
    rule = event_rules.describe_rule(events, name)
    return {"name": name, "rule": rule, "targets": event_rules.list_targets(events, name) if rule else []}


def gather(module, samples: audit_rules.Samples) -> dict[str, Any]:
    """Every fact the rules judge, for the module's region (and the keys of ``covered_regions``)."""
    params, region = module.params, module.region
    clients = Clients(module)
    all_trails = audit_reads.describe_trails(clients.get("cloudtrail"))
    candidates = audit_rules.candidate_log_groups(all_trails, region)
    read_filters: dict[str, Any] = {}
    log_group_name = params["log_group_name"] or discover_log_group(
        clients.get("logs"), candidates, params["filter_name"], samples, read_filters
    )
    facts: dict[str, Any] = {
        "region": region,
        "covered_regions": [name for name in params["covered_regions"] if name != region],
        "filter_name": params["filter_name"],
        "alarm_name": params["alarm_name"],
        "all_trails": all_trails,
        "candidate_log_groups": candidates,
        "log_group_name": log_group_name,
        "log_group_source": "option" if params["log_group_name"] else "discovered",
        "trails": [],
    }
    metric_filter = _read_log_group(clients, facts, read_filters, samples) if log_group_name else None
    alarm = _read_alarm(clients, facts, metric_filter)
    facts["keys"] = {name: read_keys(clients.get("kms", name)) for name in [region, *facts["covered_regions"]]}
    topic_arns = _alarm_topics(alarm, region)
    facts["topics"] = {arn: _topic_facts(clients, arn, facts["keys"][region]) for arn in topic_arns}
    if params.get("event_rule_name"):
        facts["event_rule"] = _event_rule_facts(clients.get("events"), params["event_rule_name"])
    trail_arns = [trail["TrailARN"] for trail in all_trails]
    facts["account_id"] = audit_rules.account_id_of((alarm or {}).get("AlarmArn"), *topic_arns, *trail_arns)
    return facts
