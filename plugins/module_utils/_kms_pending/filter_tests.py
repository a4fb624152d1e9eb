# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The CloudWatch Logs call of metric_filter_test: TestMetricFilter."""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_test_state
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingErrorHandler

# CloudWatch Logs' throttling and transient failure codes, which AWSRetry's own list does not name.
TRANSIENT_CODES = ["ThrottlingException", "ServiceUnavailableException"]
# One HTTP attempt per call: AWSRetry retries what is transient, and an endpoint that does not implement the
# operation is told apart on its first answer instead of after botocore's retries of an HTTP 500.
CLIENT_CONFIG = {"retries": {"total_max_attempts": 1}}


@KmsPendingErrorHandler.common_error_handler("test the filter pattern with TestMetricFilter")
@AWSRetry.jittered_backoff(catch_extra_error_codes=TRANSIENT_CODES)
def test_metric_filter(client, filter_pattern: str, messages: list[str]) -> list[dict[str, Any]] | None:
    """TestMetricFilter's matches; None when the endpoint answers that it does not implement the operation."""
    try:
        answer = client.test_metric_filter(filterPattern=filter_pattern, logEventMessages=messages)
    except client.exceptions.ClientError as e:
        if filter_test_state.lacks_operation(e.response):
            return None
        raise
    return answer.get("matches", [])
