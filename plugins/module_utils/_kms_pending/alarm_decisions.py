# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The decisions of kms_pending_alarm, without any AWS call.

The current alarm and the desired one are brought into one shape (the snake_case names of the PutMetricAlarm
fields, action lists as sorted sets, missing values spelled out), so one comparison yields both ``changed`` and
the diff, and ``--check`` predicts exactly what a real run does.
"""

from __future__ import annotations

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from . import constants
from .arns import parse_arn
from .arns import sns_topic_problem
from .plan import Plan
from .plan import Write

ACTION_OPTIONS = ("alarm_actions", "ok_actions", "insufficient_data_actions")

# The comparison shape: every PutMetricAlarm field this module writes, under its snake_case name.
AWS_FIELDS = {
    "alarm_name": "AlarmName",
    "alarm_description": "AlarmDescription",
    "actions_enabled": "ActionsEnabled",
    "alarm_actions": "AlarmActions",
    "ok_actions": "OKActions",
    "insufficient_data_actions": "InsufficientDataActions",
    "metric_name": "MetricName",
    "namespace": "Namespace",
    "statistic": "Statistic",
    "dimensions": "Dimensions",
    "unit": "Unit",
    "period": "Period",
    "evaluation_periods": "EvaluationPeriods",
    "datapoints_to_alarm": "DatapointsToAlarm",
    "threshold": "Threshold",
    "comparison_operator": "ComparisonOperator",
    "treat_missing_data": "TreatMissingData",
}

# Set by AWS, not by PutMetricAlarm: an update keeps them; a new alarm has them only once AWS has made it.
AWS_ASSIGNED = (
    "alarm_arn",
    "state_value",
    "state_reason",
    "state_reason_data",
    "state_updated_timestamp",
    "state_transitioned_timestamp",
)

SNS_EXAMPLE = "arn:aws:sns:us-east-1:123456789012:alerts"


# Validation: every message names the option, the bad value and what is expected.


# Options with a default: an explicit null would bypass it, and PutMetricAlarm needs a value for each.
NOT_NULL = (
    "alarm_name",
    "alarm_description",
    "metric_name",
    "metric_namespace",
    "statistic",
    "comparison_operator",
    "threshold",
    "period",
    "evaluation_periods",
    "datapoints_to_alarm",
    "treat_missing_data",
    "actions_enabled",
)


# The module's options (kms_pending_alarm and kms_pending_chain_info apply the same defaults).
ARGUMENT_SPEC = dict(
    state=dict(type="str", choices=["present", "absent"], default="present"),
    alarm_name=dict(type="str", default=constants.ALARM_NAME),
    alarm_description=dict(type="str", default=constants.ALARM_DESCRIPTION),
    metric_name=dict(type="str", default=constants.METRIC_NAME),
    metric_namespace=dict(type="str", default=constants.METRIC_NAMESPACE),
    statistic=dict(
        type="str", choices=["SampleCount", "Average", "Sum", "Minimum", "Maximum"], default=constants.STATISTIC
    ),
    comparison_operator=dict(
        type="str",
        choices=[
            "GreaterThanOrEqualToThreshold",
            "GreaterThanThreshold",
            "LessThanThreshold",
            "LessThanOrEqualToThreshold",
        ],
        default=constants.COMPARISON_OPERATOR,
    ),
    threshold=dict(type="float", default=constants.THRESHOLD),
    period=dict(type="int", default=constants.PERIOD),
    evaluation_periods=dict(type="int", default=constants.EVALUATION_PERIODS),
    datapoints_to_alarm=dict(type="int", default=constants.DATAPOINTS_TO_ALARM),
    treat_missing_data=dict(
        type="str",
        choices=["breaching", "notBreaching", "ignore", "missing"],
        default=constants.TREAT_MISSING_DATA,
    ),
    actions_enabled=dict(type="bool", default=True),
    alarm_actions=dict(type="list", elements="str"),
    ok_actions=dict(type="list", elements="str"),
    insufficient_data_actions=dict(type="list", elements="str"),
    tags=dict(type="dict", aliases=["resource_tags"]),
    purge_tags=dict(type="bool", default=True),
)


def validate_params(params: dict, region: str | None) -> list[str]:
    """Every problem of ``params`` for an alarm in ``region`` (the module's resolved region), [] if none."""
    null_problems = _null_problems(params)
    if null_problems:
        return null_problems
    if params["state"] == "absent":
        return _name_problems(params)
    return [
        *_name_problems(params),
        *_action_problems(params, region),
        *_period_problems(params["period"]),
        *_evaluation_problems(params["evaluation_periods"], params["datapoints_to_alarm"]),
        *_threshold_problems(params["threshold"]),
    ]


def _null_problems(params: dict) -> list[str]:
    options = ("alarm_name",) if params["state"] == "absent" else NOT_NULL
    return [
        f"{option}: null is not a value for it; leave {option} out to get the procedure's default."
        for option in options
        if params[option] is None
    ]


def _name_problems(params: dict) -> list[str]:
    if 1 <= len(params["alarm_name"]) <= 255:
        return []
    return [f"alarm_name: {params['alarm_name']!r} must be 1 to 255 characters long."]


def _action_problems(params: dict, region: str | None) -> list[str]:
    return [
        f"{option}: {action!r} {problem}."
        for option in ACTION_OPTIONS
        for action in params[option] or []
        if (problem := action_problem(action, region))
    ]


def action_problem(action: str, region: str | None) -> str | None:
    """Why ``action`` cannot be an action of an alarm in ``region``, or None when it can."""
    parts = parse_arn(action)
    if parts is None:
        return (
            "is not an ARN: expected arn:PARTITION:SERVICE:REGION:ACCOUNT_ID:RESOURCE, "
            f"for example the SNS topic {SNS_EXAMPLE}"
        )
    if parts["service"] != "sns":
        return None
    problem = sns_topic_problem(parts)
    if problem:
        return f"is not a valid SNS topic ARN: {problem}"
    if region and parts["region"] != region:
        return (
            f"is an SNS topic in {parts['region']} but the alarm is in {region}: CloudWatch cannot notify a topic "
            f"in another region; use a topic in {region} (one topic per region for multi-region deployments)"
        )
    return None


def _period_problems(period: int) -> list[str]:
    if period > 0 and period % 60 == 0:
        return []
    return [
        f"period: {period} is not a positive multiple of 60 seconds; metric filter metrics have one-minute "
        "resolution, so use 60 (the fastest alarm on them), 120, 180, ..."
    ]


def _evaluation_problems(evaluation_periods: int, datapoints_to_alarm: int) -> list[str]:
    problems = []
    if evaluation_periods < 1:
        problems.append(f"evaluation_periods: {evaluation_periods} must be at least 1.")
    if datapoints_to_alarm < 1:
        problems.append(f"datapoints_to_alarm: {datapoints_to_alarm} must be at least 1.")
    if 1 <= evaluation_periods < datapoints_to_alarm:
        problems.append(
            f"datapoints_to_alarm: {datapoints_to_alarm} is more than evaluation_periods ({evaluation_periods}); "
            "an alarm goes off when M out of N periods breach, so datapoints_to_alarm (M) must be at most "
            "evaluation_periods (N)."
        )
    return problems


def _threshold_problems(threshold: float) -> list[str]:
    if threshold >= 0:
        return []
    return [f"threshold: {threshold} is negative; a count of matching log events is never below 0."]


# Normalisation: the current alarm and the desired one in the comparison shape.


def _action_set(actions: list[str] | None) -> list[str]:
    # CloudWatch treats action lists as sets: order and repetition carry no meaning.
    return sorted(set(actions or []))


def _dimensions(dimensions: list[dict] | None) -> list[dict]:
    # An alarm without dimensions may come back with "Dimensions": [] or without the key: both mean none.
    return sorted(({"name": d["Name"], "value": d["Value"]} for d in dimensions or []), key=lambda d: d["name"])


def current_alarm(described: dict | None, tags: dict | None = None) -> dict:
    """The comparison shape of an alarm as DescribeAlarms returns it ({} if there is none).

    ``tags`` are included only when they were read, which happens only when the task manages tags.
    """
    if not described:
        return {}
    shape = {
        "alarm_name": described["AlarmName"],
        "alarm_description": described.get("AlarmDescription", ""),
        "actions_enabled": described.get("ActionsEnabled", True),
        **{option: _action_set(described.get(AWS_FIELDS[option])) for option in ACTION_OPTIONS},
        "metric_name": described.get("MetricName"),
        "namespace": described.get("Namespace"),
        "statistic": described.get("Statistic"),
        "dimensions": _dimensions(described.get("Dimensions")),
        "unit": described.get("Unit"),
        "period": described.get("Period"),
        "evaluation_periods": described.get("EvaluationPeriods"),
        # Without DatapointsToAlarm an alarm is "N out of N", and AWS omits the field.
        "datapoints_to_alarm": described.get("DatapointsToAlarm", described.get("EvaluationPeriods")),
        "threshold": described.get("Threshold"),
        "comparison_operator": described.get("ComparisonOperator"),
        # Without TreatMissingData an alarm treats missing data as "missing", and AWS may omit the field.
        "treat_missing_data": described.get("TreatMissingData", "missing"),
    }
    if tags is not None:
        shape["tags"] = dict(tags)
    return shape


def desired_alarm(params: dict, current: dict) -> dict:
    """The alarm as the task asks for it, in the comparison shape.

    PutMetricAlarm replaces the whole alarm, so whatever the task leaves unset and has no default (the action
    lists, dimensions, unit) is taken from ``current``: an update never drops a field the task did not mention.
    """
    desired = {
        "alarm_name": params["alarm_name"],
        "alarm_description": params["alarm_description"],
        "actions_enabled": params["actions_enabled"],
        **{option: _kept_actions(params[option], current.get(option)) for option in ACTION_OPTIONS},
        "metric_name": params["metric_name"],
        "namespace": params["metric_namespace"],
        "statistic": params["statistic"],
        "dimensions": current.get("dimensions", []),
        "unit": current.get("unit"),
        "period": params["period"],
        "evaluation_periods": params["evaluation_periods"],
        "datapoints_to_alarm": params["datapoints_to_alarm"],
        "threshold": float(params["threshold"]),
        "comparison_operator": params["comparison_operator"],
        "treat_missing_data": params["treat_missing_data"],
    }
    if params["tags"] is not None:
        desired["tags"] = predicted_tags(current.get("tags", {}), params["tags"], params["purge_tags"])
    return desired


def _kept_actions(asked: list[str] | None, current: list[str] | None) -> list[str]:
    return _action_set(current) if asked is None else _action_set(asked)


def predicted_tags(current_tags: dict, tags: dict, purge_tags: bool) -> dict:
    """The tags after the run, with amazon.aws semantics (purge never removes the reserved aws:* tags)."""
    to_set, to_unset = compare_aws_tags(current_tags, tags, purge_tags)
    kept = {key: value for key, value in current_tags.items() if key not in to_unset}
    return {**kept, **{key: str(value) for key, value in to_set.items()}}


# The plan: one comparison for changed and the diff, and the writes it takes.


def plan_alarm(params: dict, described: dict | None, tags: dict | None = None) -> Plan:
    """What a run does, from the options and the alarm found (``tags`` only when the task manages them)."""
    before = current_alarm(described, tags)
    if params["state"] == "absent":
        delete = Write("delete_alarms", {"AlarmNames": [params["alarm_name"]]})
        return Plan(before=before, after={}, writes=(delete,) if before else ())
    after = desired_alarm(params, before)
    return Plan(before=before, after=after, writes=alarm_writes(described, before, after))


def alarm_writes(described: dict | None, before: dict, after: dict) -> tuple[Write, ...]:
    """The calls that take the alarm from ``before`` to ``after``: none when they are equal."""
    if not described:
        # Tags go with the creation, so creating a tagged alarm is one write.
        return (Write("put_metric_alarm", put_metric_alarm_request(after, with_tags=True)),)
    writes = []
    if alarm_fields_differ(before, after):
        writes.append(Write("put_metric_alarm", put_metric_alarm_request(after)))
    to_set, to_unset = tag_updates(before, after)
    if to_set:
        tags = ansible_dict_to_boto3_tag_list(to_set)
        writes.append(Write("tag_resource", {"ResourceARN": described["AlarmArn"], "Tags": tags}))
    if to_unset:
        writes.append(Write("untag_resource", {"ResourceARN": described["AlarmArn"], "TagKeys": to_unset}))
    return tuple(writes)


def alarm_fields_differ(before: dict, after: dict) -> bool:
    """Whether PutMetricAlarm is needed (tags are written by TagResource/UntagResource on existing alarms)."""
    return _without_tags(before) != _without_tags(after)


def _without_tags(shape: dict) -> dict:
    return {key: value for key, value in shape.items() if key != "tags"}


def tag_updates(before: dict, after: dict) -> tuple[dict, list[str]]:
    """The tags to set and the tag keys to remove to go from ``before`` to ``after``."""
    before_tags, after_tags = before.get("tags", {}), after.get("tags", before.get("tags", {}))
    to_set = {key: value for key, value in after_tags.items() if before_tags.get(key) != value}
    return to_set, sorted(key for key in before_tags if key not in after_tags)


# Requests and results.


def put_metric_alarm_request(desired: dict, with_tags: bool = False) -> dict:
    """PutMetricAlarm's arguments for ``desired``; ``with_tags`` on creation only (updates ignore Tags)."""
    scalars = (key for key in AWS_FIELDS if key not in ACTION_OPTIONS and key != "dimensions")
    request = {AWS_FIELDS[key]: desired[key] for key in scalars if desired[key] is not None}
    # Action lists are always sent: an empty list is how an update clears them.
    request.update({AWS_FIELDS[option]: desired[option] for option in ACTION_OPTIONS})
    if desired["dimensions"]:
        request["Dimensions"] = [{"Name": d["name"], "Value": d["value"]} for d in desired["dimensions"]]
    if with_tags and desired.get("tags"):
        request["Tags"] = [{"Key": key, "Value": value} for key, value in desired["tags"].items()]
    return request


def alarm_result(described: dict | None, desired: dict, changed: bool) -> dict:
    """The ``alarm`` return value: the alarm after the run (predicted under check mode), snake_case."""
    read_back = camel_dict_to_snake_dict(described or {}, ignore_list=["Tags"])
    if changed:
        # Timestamps and the like of the old alarm no longer describe it; the state and ARN still do.
        read_back = {key: value for key, value in read_back.items() if key in AWS_ASSIGNED}
    return {**read_back, **desired}
