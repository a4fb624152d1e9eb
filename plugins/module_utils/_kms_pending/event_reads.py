# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The read calls of kms_pending_events that the audit does not make already, one small function each.

Wrapped like ``audit_reads``: ``AWSRetry.jittered_backoff()`` and ``KmsPendingError`` for boto errors.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingError
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingErrorHandler

# CloudWatch Logs' throttling code, which AWSRetry's own list does not name.
TRANSIENT_CODES = ["ThrottlingException", "ServiceUnavailableException"]
# AWS keeps an alarm's history for 30 days; the newest items come first.
HISTORY_RECORDS = 100


@KmsPendingErrorHandler.common_error_handler("filter the events of log group {log_group_name}")
@AWSRetry.jittered_backoff(catch_extra_error_codes=TRANSIENT_CODES)
def filter_log_events_page(
    client, log_group_name: str, pattern: str, start: int, end: int, token: str | None
) -> dict[str, Any]:
    """One page of FilterLogEvents. A page may hold fewer events than exist (even none) and still have a nextToken:
    AWS ends a page at 1 MB, 10,000 events or its search time limit."""
    request = {"logGroupName": log_group_name, "filterPattern": pattern, "startTime": start, "endTime": end}
    return client.filter_log_events(**request, **({"nextToken": token} if token else {}))


def filter_log_events(client, log_group_name: str, pattern: str, start: int, end: int) -> tuple[list[dict], int]:
    """Every event of the window that AWS's filter lets through, and the number of pages read."""
    events, token, pages = [], None, 0
    while True:
        page = filter_log_events_page(client, log_group_name, pattern, start, end, token)
        pages += 1
        events += page.get("events", [])
        token = page.get("nextToken")
        if not token:
            return events, pages


@KmsPendingErrorHandler.common_error_handler("read the history of alarm {alarm_name}")
@AWSRetry.jittered_backoff()
def describe_alarm_history(client, alarm_name: str) -> list[dict[str, Any]]:
    answer = client.describe_alarm_history(
        AlarmName=alarm_name,
        HistoryItemType="StateUpdate",
        ScanBy="TimestampDescending",
        MaxRecords=HISTORY_RECORDS,
    )
    return answer.get("AlarmHistoryItems", [])


def alarm_history(client, alarm_name: str) -> tuple[list[dict[str, Any]] | None, str]:
    """The alarm's state history, or None and why it cannot be read (no permission, or an endpoint without
    DescribeAlarmHistory): the time window then falls back to its default, which the answer says."""
    try:
        return describe_alarm_history(client, alarm_name), ""
    except KmsPendingError as e:
        return None, str(e)
