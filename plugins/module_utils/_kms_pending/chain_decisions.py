# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""What kms_pending_chain_info decides: which parts of the chain are already as the role's modules would set them.

Pure functions (no AWS call). Each part is given with the options the role passes to the module that manages it;
each function returns the differences that module would act on, an empty list when it would change nothing.

The parts managed by amazon.aws.cloudwatchlogs_log_group, amazon.aws.cloudtrail and community.aws.sns_topic are
compared the way those modules compare (the same fields, the same tag and policy comparisons), and only for the
options listed in their specs here: any other option is refused, so a new option in the role cannot be left out of
the comparison unnoticed. The collection's own modules are compared by their own decision functions.

A difference is never a guess in the other direction: where a module might see no change but the comparison
cannot be sure (a KMS key given as an alias, subscription attributes), the part counts as different and the module
runs and decides.
"""

from __future__ import annotations

import json
from typing import Any

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.community.aws.plugins.module_utils.sns import canonicalize_endpoint

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import alarm_decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_selector_decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import metric_filter_decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import topic_encryption_decisions

# The options of amazon.aws.cloudwatchlogs_log_group, amazon.aws.cloudtrail and community.aws.sns_topic that the
# comparison covers, with those modules' defaults.
# Tags as every part's module takes them, and state: present only (the chain is read before it is built).
_TAGGED_PRESENT = {
    "tags": {"type": "dict"},
    "purge_tags": {"type": "bool", "default": True},
    "state": {"type": "str", "choices": ["present"], "default": "present"},
}
LOG_GROUP_SPEC = {
    "log_group_name": {"type": "str", "required": True},
    "retention": {"type": "int"},
    # Taken by the module when it creates the group, never compared afterwards.
    "kms_key_id": {"type": "str", "no_log": False},
    **_TAGGED_PRESENT,
}
TRAIL_SPEC = {
    "name": {"type": "str", "required": True},
    "s3_bucket_name": {"type": "str", "required": True},
    "s3_key_prefix": {"type": "str", "no_log": False},
    "sns_topic_name": {"type": "str"},
    "is_multi_region_trail": {"type": "bool", "default": False},
    "include_global_events": {"type": "bool", "default": True},
    "enable_log_file_validation": {"type": "bool"},
    "kms_key_id": {"type": "str", "no_log": False},
    "cloudwatch_logs_role_arn": {"type": "str"},
    "cloudwatch_logs_log_group_arn": {"type": "str"},
    "enable_logging": {"type": "bool", "default": True},
    **_TAGGED_PRESENT,
}
TOPIC_SPEC = {
    "name": {"type": "str", "required": True},
    "display_name": {"type": "str"},
    "policy": {"type": "dict"},
    "subscriptions": {"type": "list", "elements": "dict", "default": []},
    "purge_subscriptions": {"type": "bool", "default": True},
    **_TAGGED_PRESENT,
}
# The keys of a filters_and_alarms item that each module task of the role takes (``item.<key>``).
FILTER_ITEM_KEYS = ("filter_name", "filter_pattern", "metric_name")
ALARM_ITEM_KEYS = ("alarm_name", "alarm_description", "metric_name")
ITEM_KEYS = tuple(dict.fromkeys(FILTER_ITEM_KEYS + ALARM_ITEM_KEYS))

SPECS = {
    "log_group": LOG_GROUP_SPEC,
    "trail": TRAIL_SPEC,
    "event_selectors": event_selector_decisions.ARGUMENT_SPEC,
    "topic": TOPIC_SPEC,
    "topic_encryption": topic_encryption_decisions.ARGUMENT_SPEC,
    "metric_filter": metric_filter_decisions.ARGUMENT_SPEC,
    "alarm": alarm_decisions.ARGUMENT_SPEC,
}


def validated(part: str, params: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The part's options with the managing module's defaults applied, and the problems (named by part)."""
    if params.get("tags") == "":
        # ansible-core before 2.19 renders a null inside a dict option as an empty string. An empty string is never
        # a tags value, so it can only be that null: tags not managed. (An empty dict stays one: remove every tag.)
        params = {**params, "tags": None}
    result = ArgumentSpecValidator(SPECS[part]).validate(params)
    return result.validated_parameters, [f"{part}: {message}" for message in result.error_messages]


def items_problems(items: list[dict[str, Any]]) -> list[str]:
    problems = []
    for index, item in enumerate(items):
        unknown = sorted(set(item) - set(ITEM_KEYS))
        if unknown:
            problems.append(
                f"filters_and_alarms[{index}] has {', '.join(unknown)}: an item takes only {', '.join(ITEM_KEYS)}."
            )
    return problems


def item_params(common: dict[str, Any], item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """One module run's options: the options every item shares, and the item's own (an absent key is omitted)."""
    return {**common, **{key: item[key] for key in keys if item.get(key) is not None}}


def _tag_differences(current: dict[str, str] | None, tags: dict[str, str] | None, purge_tags: bool) -> list[str]:
    if tags is None:
        return []
    to_set, to_remove = compare_aws_tags(current or {}, tags, purge_tags=purge_tags)
    return ["tags"] if to_set or to_remove else []


def log_group_differences(params: dict[str, Any], group: dict[str, Any] | None, tags: dict | None) -> list[str]:
    """amazon.aws.cloudwatchlogs_log_group's comparison: the group, its retention and tags (kms_key_id only creates)."""
    if group is None:
        return ["log group missing"]
    differences = []
    if params["retention"] is not None and params["retention"] != group.get("retentionInDays"):
        differences.append("retention")
    return differences + _tag_differences(tags, params["tags"], params["purge_tags"])


def trail_request(params: dict[str, Any]) -> dict[str, Any]:
    """The fields amazon.aws.cloudtrail compares with DescribeTrails' answer, as that module builds them."""
    request = {
        "Name": params["name"],
        "S3BucketName": params["s3_bucket_name"],
        "IncludeGlobalServiceEvents": params["include_global_events"],
        "IsMultiRegionTrail": params["is_multi_region_trail"],
    }
    if params["s3_key_prefix"]:
        request["S3KeyPrefix"] = params["s3_key_prefix"].rstrip("/")
    optional = {
        "SnsTopicName": "sns_topic_name",
        "CloudWatchLogsRoleArn": "cloudwatch_logs_role_arn",
        "CloudWatchLogsLogGroupArn": "cloudwatch_logs_log_group_arn",
    }
    request.update({field: params[option] for field, option in optional.items() if params[option]})
    # The answer names it LogFileValidationEnabled.
    if params["enable_log_file_validation"] is not None:
        request["LogFileValidationEnabled"] = params["enable_log_file_validation"]
    # Compared as text: the module updates the trail when the text differs (an alias is not the key ARN the answer
    # gives) and only then finds whether the key changed. A key in another form is a difference here too.
    if params["kms_key_id"] is not None:
        request["KmsKeyId"] = params["kms_key_id"]
    return request


def trail_differences(
    params: dict[str, Any], trail: dict[str, Any] | None, is_logging: bool | None, tags: dict | None
) -> list[str]:
    """amazon.aws.cloudtrail's comparison: every field it sends, the logging status and the tags."""
    if trail is None:
        return ["trail missing"]
    differences = [
        field for field, value in trail_request(params).items() if (None if value == "" else value) != trail.get(field)
    ]
    if params["enable_logging"] != is_logging:
        differences.append("IsLogging")
    return differences + _tag_differences(tags, params["tags"], params["purge_tags"])


def _subscription_differences(params: dict[str, Any], subscriptions: list[dict[str, Any]]) -> list[str]:
    """community.aws.sns_topic's comparison of subscriptions: missing ones, and with purge the confirmed extra ones."""
    if any(subscription.get("attributes") for subscription in params["subscriptions"]):
        return ["subscription attributes"]
    desired = {
        (subscription["protocol"], canonicalize_endpoint(subscription["protocol"], subscription["endpoint"]))
        for subscription in params["subscriptions"]
    }
    existing = {(subscription["Protocol"], subscription["Endpoint"]) for subscription in subscriptions}
    differences = ["subscriptions to add"] if desired - existing else []
    unwanted = [
        subscription
        for subscription in subscriptions
        if (subscription["Protocol"], subscription["Endpoint"]) not in desired
        and subscription["SubscriptionArn"] not in ("PendingConfirmation", "Deleted")
    ]
    if params["purge_subscriptions"] and unwanted:
        differences.append("subscriptions to remove")
    return differences


def topic_differences(
    params: dict[str, Any],
    attributes: dict[str, Any] | None,
    subscriptions: list[dict[str, Any]] | None,
    tags: dict | None,
) -> list[str]:
    """community.aws.sns_topic's comparison: display name, policy, subscriptions and tags of an existing topic."""
    if attributes is None:
        return ["topic missing"]
    differences = []
    if params["display_name"] and params["display_name"] != attributes.get("DisplayName"):
        differences.append("display name")
    if params["policy"] and compare_policies(params["policy"], json.loads(attributes.get("Policy") or "{}")):
        differences.append("policy")
    differences += _subscription_differences(params, subscriptions or [])
    return differences + _tag_differences(tags, params["tags"], params["purge_tags"])


def topic_encryption_differences(
    params: dict[str, Any], attributes: dict[str, Any] | None, region: str | None
) -> list[str]:
    if attributes is None:
        return ["topic missing"]
    if topic_encryption_decisions.validate_params(params, region):
        return ["options the module refuses"]
    return ["KmsMasterKeyId"] if topic_encryption_decisions.plan_encryption(params, attributes).changed else []


def event_selector_differences(params: dict[str, Any], answer: dict[str, Any] | None, region: str | None) -> list[str]:
    if answer is None:
        return ["trail missing"]
    if event_selector_decisions.validate_params(params, region):
        return ["options the module refuses"]
    if event_selector_decisions.advanced_problems(params, event_selector_decisions.current_state(answer)):
        return ["advanced event selectors"]
    return ["event selectors"] if event_selector_decisions.plan_selectors(params, answer).changed else []


def metric_filter_differences(params: dict[str, Any], filters: list[dict[str, Any]] | None) -> list[str]:
    """``filters``: DescribeMetricFilters' answer for the filter's name, None when the log group does not exist."""
    if filters is None:
        return ["log group missing"]
    if metric_filter_decisions.validate_params(params):
        return ["options the module refuses"]
    current = metric_filter_decisions.find_filter(filters, params["filter_name"])
    if current is None:
        return [f"metric filter {params['filter_name']} missing"]
    changed = metric_filter_decisions.plan_metric_filter(params, current).changed
    return [f"metric filter {params['filter_name']}"] if changed else []


def alarm_differences(
    params: dict[str, Any], described: dict[str, Any] | None, tags: dict | None, region: str | None
) -> list[str]:
    if described is None:
        return [f"alarm {params['alarm_name']} missing"]
    if alarm_decisions.validate_params(params, region):
        return ["options the module refuses"]
    return [f"alarm {params['alarm_name']}"] if alarm_decisions.plan_alarm(params, described, tags).changed else []


def in_place(differences: dict[str, list]) -> tuple[dict[str, bool], bool]:
    """Each compared part's ``in_place`` (no difference), and whether the chain is converged: at least one part was
    compared and every compared part is in place."""
    parts = {part: not found for part, found in differences.items()}
    return parts, bool(parts) and all(parts.values())
