# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""What kms_pending_events reads, in order: the log group (as the audit finds it), the alarm's state for the default
time window, the log events, then each called key and its region's aliases. Read calls only; the decisions are
``pending_events``'s."""

from __future__ import annotations

import datetime
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import alarms
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_facts
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_reads
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_rules
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_reads
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_events
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_keys
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingError


def find_log_group(clients: audit_facts.Clients) -> str:
    """The log group the audit would audit; fails when no trail delivers to CloudWatch Logs in the region."""
    trails = audit_reads.describe_trails(clients.get("cloudtrail"))
    candidates = audit_rules.candidate_log_groups(trails, clients.module.region)
    samples = audit_rules.procedure_samples()
    name = audit_facts.discover_log_group(clients.get("logs"), candidates, constants.FILTER_NAME, samples)
    if not name:
        raise KmsPendingError(
            f"No trail delivers to CloudWatch Logs in {clients.module.region}: set log_group_name to the log group "
            "that holds the trail's events."
        )
    return name


def read_window(clients: audit_facts.Clients, params: dict[str, Any], now: datetime.datetime) -> dict[str, Any]:
    if params["start_time"]:
        return pending_events.window(params, now, None, None)
    cloudwatch = clients.get("cloudwatch")
    alarm = alarms.describe_alarm(cloudwatch, params["alarm_name"])
    history, reason = (None, "") if alarm is None else event_reads.alarm_history(cloudwatch, params["alarm_name"])
    found = pending_events.window(params, now, alarm, history)
    return {**found, "history_error": reason} if reason and found["source"] == "default" else found


def describe_keys(clients: audit_facts.Clients, grouped: dict[str, Any], now: datetime.datetime) -> list[dict]:
    """Each called key as the answer shows it, with its state now and aliases (one ListAliases per region)."""
    aliases: dict[str, dict[str, list[str]]] = {}
    found = []
    for arn, calls in grouped.items():
        region = pending_events.key_region(arn) or clients.module.region
        kms = clients.get("kms", region)
        metadata = audit_reads.describe_key(kms, arn)
        if metadata and region not in aliases:
            aliases[region] = pending_keys.aliases_by_key(audit_reads.list_aliases(kms))
        names = aliases.get(region, {}).get((metadata or {}).get("KeyId", ""), [])
        found.append(pending_events.key_result(calls, metadata, names, now))
    return pending_events.by_urgency(found)


def search(module, now: datetime.datetime) -> dict[str, Any]:
    params = module.params
    clients = audit_facts.Clients(module)
    log_group_name = params["log_group_name"] or find_log_group(clients)
    window = read_window(clients, params, now)
    events, pages = event_reads.filter_log_events(
        clients.get("logs"),
        log_group_name,
        params["filter_pattern"],
        pending_events.epoch_millis(window["start"]),
        pending_events.epoch_millis(window["end"]),
    )
    records = pending_events.confirmed_records(params["filter_pattern"], events)
    keys = describe_keys(clients, pending_events.group_calls(records, params["max_events"]), now)
    return {
        "region": module.region,
        "log_group_name": log_group_name,
        "filter_pattern": params["filter_pattern"],
        "window": window,
        "events_read": len(events),
        "events_matched": len(records),
        "pages_read": pages,
        "found": bool(keys),
        "called_keys": keys,
    }
