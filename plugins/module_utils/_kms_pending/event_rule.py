# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The EventBridge rule of the detailed notification: its event pattern, a local evaluator of the part of the
EventBridge pattern syntax the rule uses, and the input transformer that names the key. Pure: no AWS call.

CloudTrail sends every KMS API call it records to the default event bus of the call's region as an event of
``source`` ``aws.kms`` and ``detail-type`` "AWS API Call via CloudTrail" whose ``detail`` is the CloudTrail record.
Read-only calls (Decrypt, GenerateDataKey, GetPublicKey...) reach a rule only when its state is
``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS``.

The evaluator covers: nested objects, lists of exact values (strings, numbers, booleans, null), and the
``prefix`` and ``suffix`` filters; a field that is missing matches nothing. TestEventPattern answers for AWS; moto
does not implement it.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants

SOURCE = "aws.kms"
DETAIL_TYPE = "AWS API Call via CloudTrail"
RULE_STATE = constants.EVENT_RULE_STATE
PENDING_SUFFIX = " is pending deletion."
REPLICA_SUFFIX = " is pending replica deletion."
_MISSING = object()


def event_pattern(match_replica_deletion: bool = False) -> dict[str, Any]:
    """KMS calls recorded by CloudTrail whose errorMessage says the key is pending deletion (or replica deletion)."""
    suffixes = [PENDING_SUFFIX, REPLICA_SUFFIX] if match_replica_deletion else [PENDING_SUFFIX]
    return {
        "source": [SOURCE],
        "detail-type": [DETAIL_TYPE],
        "detail": {
            "eventSource": ["kms.amazonaws.com"],
            "errorMessage": [{"suffix": suffix} for suffix in suffixes],
        },
    }


def cloudtrail_event(record: dict[str, Any]) -> dict[str, Any]:
    """The event EventBridge receives for a CloudTrail record of a KMS call."""
    return {
        "version": "0",
        "id": record.get("eventID", ""),
        "detail-type": DETAIL_TYPE,
        "source": "aws." + str(record.get("eventSource", "")).split(".", 1)[0],
        "account": record.get("recipientAccountId", ""),
        "time": record.get("eventTime", ""),
        "region": record.get("awsRegion", ""),
        "resources": [],
        "detail": record,
    }


def _value_matches(condition: Any, value: Any) -> bool:
    if isinstance(condition, dict):
        if set(condition) == {"prefix"}:
            return isinstance(value, str) and value.startswith(condition["prefix"])
        if set(condition) == {"suffix"}:
            return isinstance(value, str) and value.endswith(condition["suffix"])
        raise ValueError(f"unsupported EventBridge filter: {condition!r}")
    return value == condition


def _field_matches(conditions: list[Any], value: Any) -> bool:
    if value is _MISSING:
        return False
    values = value if isinstance(value, list) else [value]
    return any(_value_matches(condition, item) for condition in conditions for item in values)


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether the event matches the pattern: every field of the pattern must match (AND), any value of a field's
    list may (OR)."""
    for name, condition in pattern.items():
        value = event.get(name, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(condition, dict):
            if not isinstance(value, dict) or not matches(condition, value):
                return False
        elif not _field_matches(condition, value):
            return False
    return True


# The values the message names, as EventBridge input paths, and the message itself.
INPUT_PATHS = {
    "key": "$.detail.resources[0].ARN",
    "error": "$.detail.errorMessage",
    "operation": "$.detail.eventName",
    "principal": "$.detail.userIdentity.arn",
    "service": "$.detail.userIdentity.invokedBy",
    "ip": "$.detail.sourceIPAddress",
    "region": "$.detail.awsRegion",
    "time": "$.detail.eventTime",
    "account": "$.account",
}


def input_template(cancel_playbook: str = "kmsguard.alarms.cancel_deletion") -> str:
    """The notification's text: an EventBridge input template (a string in quotes: SNS sends it as the message)."""
    lines = [
        "A KMS key pending deletion was used: <error>",
        "Key: <key>",
        "Operation: <operation> in <region> at <time> (account <account>)",
        "Caller: <principal> <service> from <ip>",
        "Investigate: ansible-playbook -i INVENTORY kmsguard.alarms.investigate",
        f'Cancel the deletion: ansible-playbook -i INVENTORY {cancel_playbook} -e key_ids=["<key>"] -e enable=true '
        "-e confirm=true",
    ]
    return '"' + "\\n".join(lines).replace('"', '\\"') + '"'


def render_input(event: dict[str, Any], template: str | None = None) -> str:
    """What the input transformer sends for ``event`` (for tests and the docs): each path's value, or "" when the
    event has none (EventBridge leaves a missing path's placeholder empty)."""
    text = (template or input_template())[1:-1].replace('\\"', '"').replace("\\n", "\n")
    for name, path in INPUT_PATHS.items():
        text = text.replace(f"<{name}>", str(_path_value(event, path) or ""))
    return text


def _path_value(event: dict[str, Any], path: str) -> Any:
    value: Any = event
    for part in path.removeprefix("$.").replace("[", ".").replace("]", "").split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def topic_policy_statement(topic_arn: str, rule_arn: str, account_id: str) -> dict[str, Any]:
    """Only this account's rule may publish to the topic (aws:SourceArn is the rule's ARN)."""
    return {
        "Sid": "EventBridgeRuleOfThisAccountOnly",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": topic_arn,
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}, "ArnEquals": {"aws:SourceArn": rule_arn}},
    }
