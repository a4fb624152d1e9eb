# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The read calls of kms_pending_alarm_info, one small function each; none of them writes.

Each function is wrapped in ``AWSRetry.jittered_backoff()`` (clients are made without a retry decorator, so a
throttled call is retried by one loop only) and turns boto errors into ``KmsPendingError``. Paginated reads
return every page. Reads of one resource that AWS reports missing return None.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingErrorHandler


@KmsPendingErrorHandler.common_error_handler("describe the trails")
@AWSRetry.jittered_backoff()
def describe_trails(client) -> list[dict[str, Any]]:
    """Every trail that records this region: its own trails and the multi-region trails of other regions."""
    return client.describe_trails(includeShadowTrails=True)["trailList"]


@KmsPendingErrorHandler.common_error_handler("get the status of trail {trail_arn}")
@AWSRetry.jittered_backoff()
def get_trail_status(client, trail_arn: str) -> dict[str, Any]:
    status = client.get_trail_status(Name=trail_arn)
    status.pop("ResponseMetadata", None)
    return status


@KmsPendingErrorHandler.common_error_handler("get the event selectors of trail {trail_arn}")
@AWSRetry.jittered_backoff()
def get_event_selectors(client, trail_arn: str) -> dict[str, Any]:
    selectors = client.get_event_selectors(TrailName=trail_arn)
    selectors.pop("ResponseMetadata", None)
    return selectors


@KmsPendingErrorHandler.list_error_handler("describe log group {log_group_name}", default_value=None)
@AWSRetry.jittered_backoff()
def describe_log_group(client, log_group_name: str) -> dict[str, Any] | None:
    """The log group named exactly ``log_group_name``, or None (DescribeLogGroups matches by prefix)."""
    pages = client.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=log_group_name)
    groups = pages.build_full_result()["logGroups"]
    return next((group for group in groups if group["logGroupName"] == log_group_name), None)


@KmsPendingErrorHandler.list_error_handler("list the metric filters of log group {log_group_name}", default_value=None)
@AWSRetry.jittered_backoff()
def describe_all_metric_filters(client, log_group_name: str) -> list[dict[str, Any]] | None:
    """Every metric filter of the log group, whatever its name; None when the group does not exist."""
    pages = client.get_paginator("describe_metric_filters").paginate(logGroupName=log_group_name)
    return pages.build_full_result()["metricFilters"]


@KmsPendingErrorHandler.common_error_handler("describe the alarms on metric {namespace}/{metric_name}")
@AWSRetry.jittered_backoff()
def describe_alarms_for_metric(client, metric_name: str, namespace: str) -> list[dict[str, Any]]:
    return client.describe_alarms_for_metric(MetricName=metric_name, Namespace=namespace)["MetricAlarms"]


@KmsPendingErrorHandler.list_error_handler("list the subscriptions of topic {topic_arn}", default_value=None)
@AWSRetry.jittered_backoff()
def list_subscriptions_by_topic(client, topic_arn: str) -> list[dict[str, Any]] | None:
    pages = client.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn)
    return pages.build_full_result()["Subscriptions"]


@KmsPendingErrorHandler.common_error_handler("list the KMS keys")
@AWSRetry.jittered_backoff()
def list_keys(client) -> list[dict[str, Any]]:
    return client.get_paginator("list_keys").paginate().build_full_result()["Keys"]


@KmsPendingErrorHandler.list_error_handler("describe KMS key {key_id}", default_value=None)
@AWSRetry.jittered_backoff()
def describe_key(client, key_id: str) -> dict[str, Any] | None:
    return client.describe_key(KeyId=key_id)["KeyMetadata"]


@KmsPendingErrorHandler.common_error_handler("list the KMS aliases")
@AWSRetry.jittered_backoff()
def list_aliases(client) -> list[dict[str, Any]]:
    return client.get_paginator("list_aliases").paginate().build_full_result()["Aliases"]


@KmsPendingErrorHandler.list_error_handler("get the key policy of KMS key {key_id}", default_value=None)
@AWSRetry.jittered_backoff()
def get_key_policy(client, key_id: str) -> str | None:
    return client.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
