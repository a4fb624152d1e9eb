# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Decisions of cloudtrail_event_selectors: input checks, then one comparison of the trail's selectors.

Pure functions (no AWS call). A trail has basic event selectors or advanced ones, never both: GetEventSelectors
answers one kind, and PutEventSelectors with basic selectors replaces advanced ones. The module manages basic
selectors. Both sides are normalised into the same shape before the one comparison: AWS's implicit defaults spelled
out, and the order of selectors, sources and values dropped, because CloudTrail gives it no meaning.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import kms_event_samples
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import trail_selectors
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Plan
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Write

# CloudTrail's limits and allowed values for basic event selectors (PutEventSelectors).
MAX_SELECTORS = 5
EXCLUDABLE_SOURCES = ("kms.amazonaws.com", "rdsdata.amazonaws.com")
DATA_RESOURCE_TYPES = ("AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table")
_TRAIL_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{1,126})[A-Za-z0-9]")


# The module's options (cloudtrail_event_selectors and kms_pending_chain_info apply the same defaults).
_DATA_RESOURCE_SPEC = {
    "type": {"type": "str", "required": True},
    "values": {"type": "list", "elements": "str", "required": True},
}
_SELECTOR_SPEC = {
    "read_write_type": {"type": "str", "choices": ["All", "ReadOnly", "WriteOnly"], "default": "All"},
    "include_management_events": {"type": "bool", "default": True},
    "exclude_management_event_sources": {"type": "list", "elements": "str", "default": []},
    "data_resources": {"type": "list", "elements": "dict", "default": [], "options": _DATA_RESOURCE_SPEC},
}
ARGUMENT_SPEC = {
    "trail_name": {"type": "str", "required": True},
    "event_selectors": {"type": "list", "elements": "dict", "options": _SELECTOR_SPEC},
    "replace_advanced_event_selectors": {"type": "bool", "default": False},
}


def procedure_selectors() -> list[dict[str, Any]]:
    """The procedure's selectors (constants.EVENT_SELECTORS) in the module's option shape."""
    return [normalise_aws_selector(selector) for selector in constants.EVENT_SELECTORS]


def _trail_arn_problems(trail_name: str, region: str | None) -> list[str]:
    parts = arns.parse_arn(trail_name)
    shown = json.dumps(trail_name)
    if parts["service"] != "cloudtrail" or not parts["resource"].startswith("trail/"):
        return [
            f"trail_name {shown} is not a CloudTrail trail ARN (expected arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME)."
        ]
    if region and parts["region"] != region:
        return [
            f"trail_name {shown} is a trail of region {parts['region']}, but the module runs in region {region}: "
            f"set region: {parts['region']} (CloudTrail changes a trail's selectors in its home region only)."
        ]
    return []


def trail_name_problems(trail_name: str, region: str | None) -> list[str]:
    if trail_name.startswith("arn:") and arns.parse_arn(trail_name):
        return _trail_arn_problems(trail_name, region)
    if _TRAIL_NAME.fullmatch(trail_name):
        return []
    return [
        f"trail_name {json.dumps(trail_name)} is not a trail name (3 to 128 letters, digits, '.', '_' or '-', starting "
        "and ending with a letter or digit) nor a trail ARN."
    ]


def _data_resource_problems(index: int, resource: dict[str, Any]) -> list[str]:
    problems = []
    if resource["type"] not in DATA_RESOURCE_TYPES:
        problems.append(
            f"event_selectors[{index}].data_resources type {json.dumps(resource['type'])} is not one basic selectors "
            f"take: expected one of {', '.join(DATA_RESOURCE_TYPES)}."
        )
    if not resource["values"]:
        problems.append(f"event_selectors[{index}].data_resources of type {resource['type']} names no values.")
    return problems


def selector_problems(index: int, selector: dict[str, Any]) -> list[str]:
    """Why CloudTrail would refuse, or ignore, selector number ``index``."""
    where = f"event_selectors[{index}]"
    problems = [
        f"{where}.exclude_management_event_sources: {json.dumps(source)} cannot be excluded: expected one of "
        f"{', '.join(EXCLUDABLE_SOURCES)}."
        for source in selector["exclude_management_event_sources"]
        if source not in EXCLUDABLE_SOURCES
    ]
    if not selector["include_management_events"] and selector["exclude_management_event_sources"]:
        problems.append(
            f"{where} excludes management event sources but does not include management events: set "
            "include_management_events to true or drop exclude_management_event_sources."
        )
    if not selector["include_management_events"] and not selector["data_resources"]:
        problems.append(f"{where} records nothing: it includes no management events and names no data_resources.")
    for resource in selector["data_resources"]:
        problems += _data_resource_problems(index, resource)
    return problems


def validate_params(params: dict[str, Any], region: str | None) -> list[str]:
    """Every problem with the module's options, each naming the bad value and what is expected."""
    problems = trail_name_problems(params["trail_name"], region)
    selectors = params["event_selectors"]
    if selectors is None:
        return problems
    if not selectors:
        problems.append("event_selectors is empty: a trail has at least one selector (unset it for the procedure's).")
    if len(selectors) > MAX_SELECTORS:
        problems.append(f"event_selectors has {len(selectors)} selectors: CloudTrail takes at most {MAX_SELECTORS}.")
    for index, selector in enumerate(selectors):
        problems += selector_problems(index, selector)
    return problems


def _sorted_unique(values: list[Any]) -> list[Any]:
    return sorted(dict.fromkeys(values))


def _normalise(selector: dict[str, Any]) -> dict[str, Any]:
    resources = [
        {"type": resource["type"], "values": _sorted_unique(resource["values"])}
        for resource in selector["data_resources"]
    ]
    return {
        "read_write_type": selector["read_write_type"],
        "include_management_events": selector["include_management_events"],
        "exclude_management_event_sources": _sorted_unique(selector["exclude_management_event_sources"]),
        "data_resources": sorted(resources, key=lambda resource: json.dumps(resource, sort_keys=True)),
    }


def normalise_aws_selector(selector: dict[str, Any]) -> dict[str, Any]:
    """A basic selector as GetEventSelectors answers it, with AWS's defaults for the fields it may leave out."""
    return _normalise(
        {
            "read_write_type": selector.get("ReadWriteType", "All"),
            "include_management_events": selector.get("IncludeManagementEvents", True),
            "exclude_management_event_sources": selector.get("ExcludeManagementEventSources") or [],
            "data_resources": [
                {"type": resource["Type"], "values": resource.get("Values") or []}
                for resource in selector.get("DataResources") or []
            ],
        }
    )


def _selector_set(selectors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    unique = {json.dumps(selector, sort_keys=True): selector for selector in selectors}
    return [unique[key] for key in sorted(unique)]


def desired_selectors(params: dict[str, Any]) -> list[dict[str, Any]]:
    selectors = params["event_selectors"]
    return _selector_set(procedure_selectors() if selectors is None else [_normalise(s) for s in selectors])


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _advanced(selector: dict[str, Any]) -> dict[str, Any]:
    fields = [{_snake(key): value for key, value in field.items()} for field in selector.get("FieldSelectors") or []]
    return {"name": selector.get("Name", ""), "field_selectors": fields}


def current_state(answer: dict[str, Any]) -> dict[str, Any]:
    """GetEventSelectors' answer in the module's shape: the basic and the advanced selectors (one kind is [])."""
    return {
        "event_selectors": _selector_set([normalise_aws_selector(s) for s in answer.get("EventSelectors") or []]),
        "advanced_event_selectors": [_advanced(s) for s in answer.get("AdvancedEventSelectors") or []],
    }


def aws_selector(selector: dict[str, Any]) -> dict[str, Any]:
    """A normalised selector as PutEventSelectors takes it."""
    return {
        "ReadWriteType": selector["read_write_type"],
        "IncludeManagementEvents": selector["include_management_events"],
        "DataResources": [{"Type": r["type"], "Values": r["values"]} for r in selector["data_resources"]],
        "ExcludeManagementEventSources": selector["exclude_management_event_sources"],
    }


def advanced_problems(params: dict[str, Any], before: dict[str, Any]) -> list[str]:
    """A trail with advanced selectors keeps them unless the options say to replace them."""
    if not before["advanced_event_selectors"] or params["replace_advanced_event_selectors"]:
        return []
    names = ", ".join(json.dumps(s["name"]) for s in before["advanced_event_selectors"])
    return [
        f"Trail {params['trail_name']} uses advanced event selectors ({names}); setting basic selectors replaces them "
        "and whatever they record (data events too). Set replace_advanced_event_selectors: true to replace them, or "
        "manage the trail's advanced selectors yourself (AWS CLI put-event-selectors --advanced-event-selectors)."
    ]


def plan_selectors(params: dict[str, Any], answer: dict[str, Any]) -> Plan:
    """Decide from the options and GetEventSelectors' answer; the one write sets every basic selector at once."""
    before = current_state(answer)
    after = {"event_selectors": desired_selectors(params), "advanced_event_selectors": []}
    request = {"TrailName": params["trail_name"], "EventSelectors": [aws_selector(s) for s in after["event_selectors"]]}
    writes = (Write("put_event_selectors", request),) if after != before else ()
    return Plan(before=before, after=after, writes=writes)


def missed_kms_events(selectors: list[dict[str, Any]]) -> list[str]:
    """The audit's verdict on ``selectors``: which calls on a key pending deletion they would not record."""
    verdict = trail_selectors.judge_selectors(
        {"EventSelectors": [aws_selector(s) for s in selectors]}, kms_event_samples.pending_deletion_events()
    )
    return list(verdict.missed)


def missing_trail_message(trail_name: str, region: str | None) -> str:
    return (
        f"Trail {trail_name} does not exist in region {region}. Create it first (for example with "
        "amazon.aws.cloudtrail), then set its event selectors."
    )
