# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The decisions of kms_pending_events: the time window, which log events really match, and who called which key.

Pure: no AWS call. The module reads log events with FilterLogEvents (AWS filters server-side) and every event is
confirmed here with the collection's filter-pattern engine, so an endpoint that ignores the pattern (moto returns
every event) or a pattern AWS reads more loosely never puts a call in the answer that the pattern does not match.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_keys
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import FilterPatternError
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import compile_pattern

DEFAULT_WINDOW = datetime.timedelta(hours=24)
# The calls that move the alarm to ALARM reach it after the metric's period plus CloudTrail's delivery delay (AWS:
# typically within 5 minutes, at most about 15): the window opens this long before the alarm left OK.
ALARM_LEAD_TIME = datetime.timedelta(hours=1)
DEFAULT_MAX_EVENTS = 20
_RELATIVE = re.compile(r"(?P<amount>\d+)\s*(?P<unit>[mhdw])", re.ASCII)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# "<key ARN> is pending deletion." / "... is pending replica deletion.": the key when the record names no resource.
_KEY_IN_MESSAGE = re.compile(r"(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+) is pending", re.ASCII)
KEY_RESOURCE_TYPE = "AWS::KMS::Key"


# --- options ------------------------------------------------------------------------------------------------------


def parse_time(value: str, now: datetime.datetime) -> datetime.datetime | None:
    """An ISO 8601 time (UTC when it names no zone), or a time relative to now ("30m", "24h", "7d", "2w" ago)."""
    relative = _RELATIVE.fullmatch(value.strip())
    if relative:
        return now - datetime.timedelta(**{_UNITS[relative["unit"]]: int(relative["amount"])})
    return pending_keys.as_datetime(value.strip())


def validate_params(params: dict[str, Any], now: datetime.datetime) -> list[str]:
    """Every problem of the options, each naming the bad value and what is expected; [] when there is none."""
    problems = []
    for option in ("start_time", "end_time"):
        value = params[option]
        if value is not None and parse_time(value, now) is None:
            problems.append(
                f"{option}: {value!r} is neither an ISO 8601 time (2024-05-06T07:00:00Z) nor a relative time "
                "such as 30m, 24h, 7d or 2w."
            )
    both = not problems and params["start_time"] and params["end_time"]
    if both and parse_time(params["start_time"], now) >= parse_time(params["end_time"], now):
        problems.append(f"start_time {params['start_time']!r} must be before end_time {params['end_time']!r}.")
    try:
        pattern = compile_pattern(params["filter_pattern"])
    except FilterPatternError as e:
        problems.append(f"filter_pattern {params['filter_pattern']!r} is malformed: {e}")
    else:
        if pattern.kind != "json":
            problems.append(
                f"filter_pattern {params['filter_pattern']!r} is not a JSON pattern ({{ ... }}): CloudTrail delivers "
                "JSON records, and the calls are read from their fields."
            )
    if params["max_events"] < 0:
        problems.append(f"max_events: {params['max_events']} must be 0 or more.")
    if params["log_group_name"] == "":
        problems.append("log_group_name: must not be empty; leave it out to find the log group from the trails.")
    return problems


def alarm_left_ok(history: list[dict[str, Any]]) -> datetime.datetime | None:
    """When the alarm last went from OK to another state, from DescribeAlarmHistory's StateUpdate items."""
    times = []
    for item in history:
        try:
            data = json.loads(item.get("HistoryData") or "{}")
        except ValueError:
            continue
        if (data.get("oldState") or {}).get("stateValue") == "OK" and (data.get("newState") or {}).get(
            "stateValue"
        ) != "OK":
            when = pending_keys.as_datetime(item.get("Timestamp"))
            times += [when] if when else []
    return max(times) if times else None


def window(
    params: dict[str, Any],
    now: datetime.datetime,
    alarm: dict[str, Any] | None,
    history: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """The time window searched and why: the options, else since the alarm last left OK, else the last 24 hours.

    ``alarm`` is the alarm as DescribeAlarms returns it (None when it does not exist); ``history`` its StateUpdate
    history, None when it could not be read.
    """
    end = parse_time(params["end_time"], now) if params["end_time"] else now
    if params["start_time"]:
        return _window(parse_time(params["start_time"], now), end, "start_time")
    left_ok = None
    if alarm and alarm.get("StateValue") not in (None, "OK"):
        changed_at = alarm.get("StateTransitionedTimestamp") or alarm.get("StateUpdatedTimestamp")
        left_ok = pending_keys.as_datetime(changed_at)
    if left_ok is None and history:
        left_ok = alarm_left_ok(history)
    if left_ok is not None and left_ok - ALARM_LEAD_TIME < end:
        return _window(left_ok - ALARM_LEAD_TIME, end, "alarm", alarm_left_ok_at=left_ok.isoformat())
    reason = "the alarm has not left OK" if alarm and history is not None else "the alarm's history cannot be read"
    if alarm is None:
        reason = "no alarm of that name"
    return _window(end - DEFAULT_WINDOW, end, "default", reason=reason)


def _window(start: datetime.datetime, end: datetime.datetime, source: str, **details: str) -> dict[str, Any]:
    return {"start": start.isoformat(), "end": end.isoformat(), "source": source, **details}


def epoch_millis(value: str) -> int:
    return int(pending_keys.as_datetime(value).timestamp() * 1000)


# --- events -------------------------------------------------------------------------------------------------------


def confirmed_records(pattern: str, log_events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The CloudTrail records of the log events that ``pattern`` really matches, oldest first, each event once."""
    compiled = compile_pattern(pattern)
    seen, records = set(), []
    for event in sorted(log_events, key=lambda item: item.get("timestamp", 0)):
        identity = event.get("eventId") or (event.get("logStreamName"), event.get("timestamp"), event.get("message"))
        if identity in seen or compiled.match(event.get("message", "")) is None:
            continue
        seen.add(identity)
        records.append(json.loads(event["message"]))
    return records


def key_arn(record: dict[str, Any]) -> str:
    """The KMS key a call was made on: the record's key resource, else the ARN in its error message, else the key
    ID or alias as requested."""
    for resource in record.get("resources") or []:
        if isinstance(resource, dict) and resource.get("type") == KEY_RESOURCE_TYPE and resource.get("ARN"):
            return resource["ARN"]
    found = _KEY_IN_MESSAGE.search(str(record.get("errorMessage") or ""))
    if found:
        return found.group(1)
    return str((record.get("requestParameters") or {}).get("keyId") or "unknown")


def caller(record: dict[str, Any]) -> dict[str, str]:
    """Who made the call: the principal (an assumed role's session and the role it came from), the AWS service that
    made it on the principal's behalf, where from and with what."""
    identity = record.get("userIdentity") or {}
    issuer = (identity.get("sessionContext") or {}).get("sessionIssuer") or {}
    return {
        "principal_arn": identity.get("arn") or identity.get("invokedBy") or "",
        "principal_type": identity.get("type") or "",
        "role_arn": issuer.get("arn") or "",
        "account_id": identity.get("accountId") or "",
        "invoked_by": identity.get("invokedBy") or "",
        "source_ip": record.get("sourceIPAddress") or "",
        "user_agent": record.get("userAgent") or "",
    }


def _seen(entry: dict[str, Any], when: str) -> None:
    entry["count"] += 1
    entry["first_seen"] = min(entry["first_seen"] or when, when)
    entry["last_seen"] = max(entry["last_seen"] or when, when)


def _new_entry(**fields: Any) -> dict[str, Any]:
    return {**fields, "count": 0, "first_seen": "", "last_seen": ""}


def raw_event(record: dict[str, Any]) -> dict[str, Any]:
    """The part of a record the answer keeps per event (the whole record stays in the log group)."""
    return {
        "event_time": record.get("eventTime", ""),
        "event_name": record.get("eventName", ""),
        "aws_region": record.get("awsRegion", ""),
        "error_code": record.get("errorCode", ""),
        "error_message": record.get("errorMessage", ""),
        "event_id": record.get("eventID", ""),
        **caller(record),
    }


def group_calls(records: list[dict[str, Any]], max_events: int) -> dict[str, dict[str, Any]]:
    """The calls per key ARN: counts per operation, per caller and per region, and the first ``max_events`` events."""
    keys: dict[str, dict[str, Any]] = {}
    for record in records:
        arn, when = key_arn(record), record.get("eventTime", "")
        key = keys.setdefault(arn, {"arn": arn, "operations": {}, "callers": {}, "regions": {}, "events": []})
        key.setdefault("summary", _new_entry())
        _seen(key["summary"], when)
        operation = record.get("eventName", "")
        _seen(key["operations"].setdefault(operation, _new_entry(operation=operation)), when)
        who = caller(record)
        caller_id = (who["principal_arn"], who["invoked_by"], who["source_ip"], who["user_agent"])
        entry = key["callers"].setdefault(caller_id, _new_entry(**who, operations=[]))
        _seen(entry, when)
        entry["operations"] = sorted({*entry["operations"], operation})
        region = record.get("awsRegion", "")
        _seen(key["regions"].setdefault(region, _new_entry(region=region)), when)
        if len(key["events"]) < max_events:
            key["events"].append(raw_event(record))
    return keys


def _by_count(entries: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries.values(), key=lambda entry: (-entry["count"], entry["first_seen"]))


def key_region(arn: str) -> str | None:
    parts = arns.parse_arn(arn)
    return parts["region"] if parts and parts["service"] == "kms" else None


def key_result(
    grouped: dict[str, Any], metadata: dict[str, Any] | None, aliases: list[str], now: datetime.datetime
) -> dict[str, Any]:
    """One key of the answer: the key now (DescribeKey; None fields when it cannot be read) and its calls."""
    summary = grouped["summary"]
    deletion = pending_keys.as_datetime((metadata or {}).get("DeletionDate"))
    parts = arns.parse_arn(grouped["arn"]) or {}
    return {
        "key_arn": (metadata or {}).get("Arn") or grouped["arn"],
        "key_id": (metadata or {}).get("KeyId") or parts.get("resource", "").removeprefix("key/") or grouped["arn"],
        "region": key_region(grouped["arn"]) or "",
        "account_id": parts.get("account_id", ""),
        "aliases": aliases,
        "key_state": (metadata or {}).get("KeyState"),
        "deletion_date": deletion.isoformat() if deletion else None,
        "days_left": pending_keys.days_left(deletion, now),
        "call_count": summary["count"],
        "first_seen": summary["first_seen"],
        "last_seen": summary["last_seen"],
        "operations": _by_count(grouped["operations"]),
        "callers": _by_count(grouped["callers"]),
        "call_regions": _by_count(grouped["regions"]),
        "events": grouped["events"],
        "events_truncated": summary["count"] > len(grouped["events"]),
    }


def by_urgency(keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fewest days left first (keys without a deletion date after them), then the most calls."""
    return sorted(
        keys, key=lambda key: (key["days_left"] is None, key["days_left"] or 0, -key["call_count"], key["key_arn"])
    )
