# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""CloudWatch Logs calls of kms_pending_metric_filter, one small function per call.

Each function is wrapped in ``AWSRetry.jittered_backoff()`` (see ``common.aws_client`` for why that is the one
retry mechanism). Writes take the request a plan decided, unchanged.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingErrorHandler


@KmsPendingErrorHandler.list_error_handler("list the metric filters of log group {log_group_name}", default_value=None)
@AWSRetry.jittered_backoff()
def describe_metric_filters(client, log_group_name: str, filter_name_prefix: str) -> list[dict[str, Any]] | None:
    """The filters of the group whose name starts with the prefix; None when AWS says the group does not exist."""
    paginator = client.get_paginator("describe_metric_filters")
    pages = paginator.paginate(logGroupName=log_group_name, filterNamePrefix=filter_name_prefix)
    return pages.build_full_result()["metricFilters"]


@KmsPendingErrorHandler.common_error_handler("put metric filter {request[filterName]}")
@AWSRetry.jittered_backoff()
def put_metric_filter(client, request: dict[str, Any]) -> None:
    client.put_metric_filter(**request)


@KmsPendingErrorHandler.deletion_error_handler(
    "delete metric filter {request[filterName]} of log group {request[logGroupName]}"
)
@AWSRetry.jittered_backoff()
def delete_metric_filter(client, request: dict[str, Any]) -> bool:
    client.delete_metric_filter(**request)
    return True


WRITERS = {"put_metric_filter": put_metric_filter, "delete_metric_filter": delete_metric_filter}
