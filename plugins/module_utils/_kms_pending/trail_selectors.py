# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Whether a trail's event selectors record the KMS calls the alarm counts. Pure: no AWS call.

Basic event selectors are rewritten as advanced ones (field conditions), so one evaluator judges both kinds, and
it judges them on sample CloudTrail records of calls on a key pending deletion: a trail passes when some selector
records every sample, however its selectors are written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

KMS_EVENT_SOURCE = "kms.amazonaws.com"

# What CloudTrail records for a trail whose selectors were never set: every management event, read and write.
DEFAULT_EVENT_SELECTOR = {"ReadWriteType": "All", "IncludeManagementEvents": True, "ExcludeManagementEventSources": []}

# Why the samples are missed, from the most basic reason on; the audit turns each into its own finding.
NO_MANAGEMENT_EVENTS = "no_management_events"
WRITE_ONLY = "write_only"
EXCLUDES_KMS = "excludes_kms"
OTHER = "other"


@dataclass(frozen=True)
class SelectorVerdict:
    """``missed``: labels of the samples no selector records ([] when the trail records them all)."""

    missed: tuple[str, ...]
    cause: str | None

    @property
    def records_all(self) -> bool:
        return not self.missed


def _basic_as_fields(selector: dict[str, Any]) -> list[dict[str, Any]]:
    category = "Management" if selector.get("IncludeManagementEvents", True) else "Data"
    fields: list[dict[str, Any]] = [{"Field": "eventCategory", "Equals": [category]}]
    read_write = selector.get("ReadWriteType", "All")
    if read_write == "ReadOnly":
        fields.append({"Field": "readOnly", "Equals": ["true"]})
    elif read_write == "WriteOnly":
        fields.append({"Field": "readOnly", "Equals": ["false"]})
    excluded = selector.get("ExcludeManagementEventSources") or []
    if excluded:
        fields.append({"Field": "eventSource", "NotEquals": list(excluded)})
    return fields


def field_selectors(selectors: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """GetEventSelectors' answer as a list of selectors, each a list of field conditions that must all hold.

    A trail has basic or advanced selectors, never both. An answer with neither is read as CloudTrail's default
    (all management events), which is what a trail records before anyone sets selectors.
    """
    advanced = selectors.get("AdvancedEventSelectors") or []
    if advanced:
        return [list(selector.get("FieldSelectors") or []) for selector in advanced]
    basic = selectors.get("EventSelectors") or [DEFAULT_EVENT_SELECTOR]
    return [_basic_as_fields(selector) for selector in basic]


def _event_value(event: dict[str, Any], field: str) -> str | None:
    value: Any = event
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None and field == "eventCategory":
        return "Management"  # records older than the eventCategory field are all management events
    return None if value is None else str(value)


_OPERATORS = {
    "Equals": lambda value, wanted: value is not None and value in wanted,
    "NotEquals": lambda value, wanted: value is None or value not in wanted,
    "StartsWith": lambda value, wanted: value is not None and any(value.startswith(w) for w in wanted),
    "NotStartsWith": lambda value, wanted: value is None or not any(value.startswith(w) for w in wanted),
    "EndsWith": lambda value, wanted: value is not None and any(value.endswith(w) for w in wanted),
    "NotEndsWith": lambda value, wanted: value is None or not any(value.endswith(w) for w in wanted),
}


def rejecting_fields(selector: list[dict[str, Any]], event: dict[str, Any]) -> set[str]:
    """The fields of ``selector`` whose conditions ``event`` fails ({} when the selector records the event)."""
    rejecting = set()
    for condition in selector:
        value = _event_value(event, condition.get("Field", ""))
        for operator, holds in _OPERATORS.items():
            if operator in condition and not holds(value, condition[operator]):
                rejecting.add(condition["Field"])
    return rejecting


def _cause(selectors: list[list[dict[str, Any]]], missed_events: list[dict[str, Any]]) -> str:
    """The most basic reason why the selectors miss ``missed_events``."""
    rejected = [set().union(*(rejecting_fields(s, e) for e in missed_events)) for s in selectors]
    management = [fields for fields in rejected if "eventCategory" not in fields]
    if not management:
        return NO_MANAGEMENT_EVENTS
    reads = [fields for fields in management if "readOnly" not in fields]
    if not reads:
        return WRITE_ONLY
    if not [fields for fields in reads if "eventSource" not in fields]:
        return EXCLUDES_KMS
    return OTHER


def judge_selectors(selectors: dict[str, Any], samples: list[tuple[str, str]]) -> SelectorVerdict:
    """Whether some selector records each sample ``(label, CloudTrail record as JSON)``."""
    conditions = field_selectors(selectors)
    events = [(label, json.loads(message)) for label, message in samples]
    missed = [(label, event) for label, event in events if all(rejecting_fields(s, event) for s in conditions)]
    if not missed:
        return SelectorVerdict(missed=(), cause=None)
    return SelectorVerdict(
        missed=tuple(label for label, _event in missed), cause=_cause(conditions, [event for _label, event in missed])
    )
