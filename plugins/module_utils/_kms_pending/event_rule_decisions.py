# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Decisions of kms_pending_event_rule: input checks, then one comparison of the current and desired rule.

Pure functions (no AWS calls). Both sides are normalised into the module's shape: the event pattern as parsed JSON
(EventBridge returns it as the text it was given, so key order and spacing never count as a change), the rule
state, the description, and the rule's targets by ``Id`` in EventBridge's own shape (PutTargets replaces a target
whole, so a target is compared whole). Only the module's own target is written; other targets of the rule are
reported and left alone, except that removing the rule removes every target first (EventBridge refuses to delete a
rule that has targets).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_rule
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Plan
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Write
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.topic_encryption_decisions import (
    topic_arn_problems,
)

# EventBridge's rules for a rule name and a target ID.
_RULE_NAME = re.compile(r"[.\-_A-Za-z0-9]{1,64}")
_TARGET_ID = re.compile(r"[.\-_A-Za-z0-9]{1,64}")
_DESCRIPTION_MAX = 512


def _pattern_problems(pattern: Any) -> list[str]:
    if not isinstance(pattern, dict) or not pattern:
        return [f"event_pattern {json.dumps(pattern)} is not an EventBridge event pattern: expected a JSON object."]
    return []


def validate_params(params: dict[str, Any], region: str | None) -> list[str]:
    """Every problem with the module's options, each naming the bad value and what is expected."""
    problems = []
    if not _RULE_NAME.fullmatch(params["name"] or ""):
        problems.append(f"name {params['name']!r} is not a valid EventBridge rule name: expected 1 to 64 letters, "
                        "digits, '.', '-' or '_'.")  # fmt: skip
    if params["state"] == "absent":
        return problems
    if not _TARGET_ID.fullmatch(params["target_id"] or ""):
        problems.append(f"target_id {params['target_id']!r} is not a valid EventBridge target ID: expected 1 to 64 "
                        "letters, digits, '.', '-' or '_'.")  # fmt: skip
    if len(params["description"] or "") > _DESCRIPTION_MAX:
        problems.append(f"description is {len(params['description'])} characters long: EventBridge allows 512.")
    if params["event_pattern"] is not None:
        problems += _pattern_problems(params["event_pattern"])
    if params["topic_arn"] is None:
        # The target must be in the rule's region (EventBridge sends to SNS in the rule's own region only).
        return problems + ["topic_arn is required with state=present: the SNS topic in the rule's region."]
    return problems + topic_arn_problems(params["topic_arn"], region)


def desired_pattern(params: dict[str, Any]) -> dict[str, Any]:
    if params["event_pattern"] is not None:
        return params["event_pattern"]
    return event_rule.event_pattern(match_replica_deletion=params["match_replica_deletion"])


def desired_target(params: dict[str, Any]) -> dict[str, Any]:
    """The SNS target with the input transformer that writes the readable message."""
    return {
        "Id": params["target_id"],
        "Arn": params["topic_arn"],
        "InputTransformer": {
            "InputPathsMap": dict(event_rule.INPUT_PATHS),
            "InputTemplate": event_rule.input_template(),
        },
    }


def _parsed(pattern_text: str | None) -> Any:
    try:
        return json.loads(pattern_text) if pattern_text else None
    except ValueError:
        return pattern_text


def current_view(rule: dict[str, Any] | None, targets: list[dict[str, Any]]) -> dict[str, Any]:
    """What DescribeRule and ListTargetsByRule answered, in the module's shape; {} for no rule."""
    if rule is None:
        return {}
    return {
        "name": rule["Name"],
        "event_pattern": _parsed(rule.get("EventPattern")),
        "state": rule.get("State"),
        "description": rule.get("Description") or "",
        "targets": sorted(targets, key=lambda target: target["Id"]),
    }


def desired_view(params: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    target = desired_target(params)
    others = [existing for existing in current.get("targets", []) if existing["Id"] != target["Id"]]
    return {
        "name": params["name"],
        "event_pattern": desired_pattern(params),
        "state": params["rule_state"],
        "description": params["description"] or "",
        "targets": sorted([*others, target], key=lambda item: item["Id"]),
    }


def _rule_fields(view: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in view.items() if key != "targets"}


def _present_writes(params: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> tuple[Write, ...]:
    writes = []
    if _rule_fields(before) != _rule_fields(after):
        request = {
            "Name": params["name"],
            "EventPattern": json.dumps(after["event_pattern"], sort_keys=True),
            "State": after["state"],
            "Description": after["description"],
        }
        writes.append(Write("put_rule", request))
    if before.get("targets") != after["targets"]:
        writes.append(Write("put_targets", {"Rule": params["name"], "Targets": [desired_target(params)]}))
    return tuple(writes)


def _absent_writes(name: str, before: dict[str, Any]) -> tuple[Write, ...]:
    if not before:
        return ()
    ids = [target["Id"] for target in before["targets"]]
    remove = (Write("remove_targets", {"Rule": name, "Ids": ids}),) if ids else ()
    return (*remove, Write("delete_rule", {"Name": name}))


def plan_rule(params: dict[str, Any], rule: dict[str, Any] | None, targets: list[dict[str, Any]]) -> Plan:
    """Decide from the options, the rule (None when it does not exist) and its targets."""
    before = current_view(rule, targets)
    if params["state"] == "absent":
        return Plan(before=before, after={}, writes=_absent_writes(params["name"], before))
    after = desired_view(params, before)
    return Plan(before=before, after=after, writes=_present_writes(params, before, after))
