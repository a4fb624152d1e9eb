# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Desired and current metric filter in one shape, compared once: that decides ``changed`` and the diff.

Pure functions (no AWS calls), so every decision of kms_pending_metric_filter is unit-testable. Filters are
kept in the CloudWatch Logs API shape (camelCase, as DescribeMetricFilters returns and PutMetricFilter takes).
"""

from __future__ import annotations

import re
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants

from .plan import Plan
from .plan import Write

# Fields the module does not manage but PutMetricFilter would drop if left out of the request: carried over
# from the current filter so that a run never silently removes what someone configured elsewhere.
# The module's options (kms_pending_metric_filter and kms_pending_chain_info apply the same defaults).
ARGUMENT_SPEC = {
    "log_group_name": {"type": "str", "required": True},
    "filter_name": {"type": "str", "default": constants.FILTER_NAME},
    "filter_pattern": {"type": "str"},
    "match_replica_deletion": {"type": "bool", "default": False},
    "metric_name": {"type": "str", "default": constants.METRIC_NAME},
    "metric_namespace": {"type": "str", "default": constants.METRIC_NAMESPACE},
    "metric_value": {"type": "str", "default": constants.METRIC_VALUE},
    "default_value": {"type": "float"},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
}

KEPT_FILTER_FIELDS = ("applyOnTransformedLogs", "fieldSelectionCriteria", "emitSystemFieldDimensions")
KEPT_TRANSFORMATION_FIELDS = ("unit", "dimensions")
# What is compared and reported: the fields PutMetricFilter sets. Anything else DescribeMetricFilters returns
# (creationTime, which AWS sets on every put, or a field of a newer API) is never a reason to write.
FILTER_FIELDS = ("filterName", "logGroupName", "filterPattern", "metricTransformations") + KEPT_FILTER_FIELDS
TRANSFORMATION_FIELDS = ("metricName", "metricNamespace", "metricValue", "defaultValue") + KEPT_TRANSFORMATION_FIELDS

# The CloudWatch Logs API constraints (botocore's service model), checked before any call so that a bad value
# fails with a message naming it instead of a bare InvalidParameterException.
LOG_GROUP_NAME_PATTERN = re.compile(r"[.\-_/#A-Za-z0-9]+")
LOG_GROUP_NAME_MAX = 512
FILTER_NAME_MAX = 512
FILTER_PATTERN_MAX = 1024
METRIC_NAME_MAX = 255
METRIC_VALUE_MAX = 100
FILTER_NAME_FORBIDDEN = ":*"
METRIC_FORBIDDEN = ":*$"
# A metric value is a number, or a field of the matched event: $.field for JSON patterns, $field for
# space-delimited ones.
METRIC_VALUE_FIELD = re.compile(r"\$\.?[A-Za-z0-9_@][A-Za-z0-9_@\-.\[\]]*")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip().lower() not in ("nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")


def _forbidden_characters(value: str, forbidden: str) -> list[str]:
    return [character for character in forbidden if character in value]


def _name_problems(option: str, value: str, maximum: int, forbidden: str) -> list[str]:
    if not value:
        return [f"{option} must not be empty."]
    problems = []
    if len(value) > maximum:
        problems.append(f"{option} {value!r} is {len(value)} characters long; at most {maximum} are allowed.")
    bad = _forbidden_characters(value, forbidden)
    if bad:
        problems.append(f"{option} {value!r} contains {' and '.join(repr(c) for c in bad)}, which AWS rejects.")
    return problems


def _log_group_name_problems(value: str) -> list[str]:
    if not value:
        return ["log_group_name must not be empty."]
    if len(value) > LOG_GROUP_NAME_MAX:
        return [f"log_group_name {value!r} is {len(value)} characters long; at most {LOG_GROUP_NAME_MAX} are allowed."]
    if not LOG_GROUP_NAME_PATTERN.fullmatch(value):
        return [f"log_group_name {value!r} may contain only letters, digits and the characters . - _ / #."]
    return []


def filter_pattern_problems(value: str, option: str = "filter_pattern") -> list[str]:
    """The module's checks of a pattern (also the role's, under the role's variable name as ``option``)."""
    if not value.strip():
        # AWS accepts an empty pattern, but it matches every log event: the alarm would fire on all traffic.
        return [f"{option} must not be empty: an empty pattern matches every log event."]
    if len(value) > FILTER_PATTERN_MAX:
        return [f"{option} is {len(value)} characters long; at most {FILTER_PATTERN_MAX} are allowed."]
    return []


def metric_problems(option: str, value: str) -> list[str]:
    """The module's checks of a metric name or namespace (also the role's, under the role's variable name)."""
    return _name_problems(option, value, METRIC_NAME_MAX, METRIC_FORBIDDEN)


def _metric_value_problems(value: str) -> list[str]:
    if len(value) > METRIC_VALUE_MAX:
        return [f"metric_value {value!r} is {len(value)} characters long; at most {METRIC_VALUE_MAX} are allowed."]
    if _is_number(value) or METRIC_VALUE_FIELD.fullmatch(value):
        return []
    return [f"metric_value {value!r} must be a number (such as 1) or a field of the event (such as $.bytes)."]


def filter_pattern(params: dict[str, Any]) -> str:
    """The pattern to put: the one given, else the procedure's, or its replica variant with match_replica_deletion."""
    if params["filter_pattern"] is not None:
        return params["filter_pattern"]
    return constants.REPLICA_FILTER_PATTERN if params.get("match_replica_deletion") else constants.FILTER_PATTERN


def _replica_problems(params: dict[str, Any]) -> list[str]:
    if params["filter_pattern"] is None or not params.get("match_replica_deletion"):
        return []
    return [
        f"filter_pattern {params['filter_pattern']!r} and match_replica_deletion=true both choose the pattern: give "
        "match_replica_deletion=true alone for the procedure's pattern that also counts replica keys pending replica "
        "deletion, or filter_pattern alone."
    ]


def validate_params(params: dict[str, Any]) -> list[str]:
    """Every problem with the module's options, each naming the bad value and what is expected."""
    problems = _log_group_name_problems(params["log_group_name"])
    problems += _name_problems("filter_name", params["filter_name"], FILTER_NAME_MAX, FILTER_NAME_FORBIDDEN)
    if params["state"] == "absent":
        return problems
    problems += _replica_problems(params) + filter_pattern_problems(filter_pattern(params))
    problems += metric_problems("metric_name", params["metric_name"])
    problems += metric_problems("metric_namespace", params["metric_namespace"])
    problems += _metric_value_problems(params["metric_value"])
    return problems


def find_filter(filters: list[dict[str, Any]], filter_name: str) -> dict[str, Any] | None:
    """The filter named exactly ``filter_name``: DescribeMetricFilters matches by prefix only."""
    return next((metric_filter for metric_filter in filters if metric_filter.get("filterName") == filter_name), None)


def desired_filter(params: dict[str, Any]) -> dict[str, Any]:
    """The filter the options ask for, in the API shape."""
    transformation = {
        "metricName": params["metric_name"],
        "metricNamespace": params["metric_namespace"],
        "metricValue": params["metric_value"],
    }
    if params.get("default_value") is not None:
        transformation["defaultValue"] = float(params["default_value"])
    return {
        "filterName": params["filter_name"],
        "logGroupName": params["log_group_name"],
        "filterPattern": filter_pattern(params),
        "metricTransformations": [transformation],
    }


def normalise_filter(metric_filter: dict[str, Any] | None) -> dict[str, Any]:
    """A filter as compared and reported: only the fields a put sets, {} when there is none."""
    if not metric_filter:
        return {}
    normalised = {key: metric_filter[key] for key in FILTER_FIELDS if key in metric_filter}
    normalised["metricTransformations"] = [
        _normalise_transformation(transformation) for transformation in metric_filter.get("metricTransformations", [])
    ]
    return normalised


def _normalise_transformation(transformation: dict[str, Any]) -> dict[str, Any]:
    normalised = {key: transformation[key] for key in TRANSFORMATION_FIELDS if key in transformation}
    # The API returns a double; a user's default_value of 0 and AWS's 0.0 are the same setting.
    if normalised.get("defaultValue") is not None:
        normalised["defaultValue"] = float(normalised["defaultValue"])
    return normalised


def _carry_over(desired: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The desired filter plus the unmanaged fields of the current one, which a put would otherwise drop."""
    merged = dict(desired)
    merged.update({key: current[key] for key in KEPT_FILTER_FIELDS if key in current})
    current_transformation = (current.get("metricTransformations") or [{}])[0]
    kept = {key: current_transformation[key] for key in KEPT_TRANSFORMATION_FIELDS if key in current_transformation}
    merged["metricTransformations"] = [dict(wanted, **kept) for wanted in desired["metricTransformations"]]
    return merged


def plan_metric_filter(params: dict[str, Any], current: dict[str, Any] | None) -> Plan:
    """Decide what a run does from the options and the filter found (None when there is none).

    The plan's sides are the filter as the module reports it. The write is one DeleteMetricFilter, or one
    PutMetricFilter whose request is the predicted filter itself (a put replaces the whole filter).
    """
    before = normalise_filter(current)
    if params["state"] == "absent":
        delete = Write(
            "delete_metric_filter", {"logGroupName": params["log_group_name"], "filterName": params["filter_name"]}
        )
        return Plan(before=snake_filter(before), after={}, writes=(delete,) if before else ())
    after = normalise_filter(_carry_over(desired_filter(params), before))
    writes = (Write("put_metric_filter", after),) if after != before else ()
    return Plan(before=snake_filter(before), after=snake_filter(after), writes=writes)


def snake_filter(metric_filter: dict[str, Any]) -> dict[str, Any]:
    """The filter as the module returns it: snake_case keys, dimension names left as the user wrote them."""
    # camel_dict_to_snake_dict does not pass ignore_list down into lists, so the transformations get their own call.
    snake = camel_dict_to_snake_dict(metric_filter, ignore_list=["metricTransformations"])
    if "metric_transformations" in snake:
        snake["metric_transformations"] = [
            camel_dict_to_snake_dict(transformation, ignore_list=["dimensions"])
            for transformation in snake["metric_transformations"]
        ]
    return snake
