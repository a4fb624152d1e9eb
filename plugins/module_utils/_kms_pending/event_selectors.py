# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""CloudTrail calls of cloudtrail_event_selectors, one small function per call.

Each function is wrapped in ``AWSRetry.jittered_backoff()`` (see ``common.aws_client`` for why that is the one
retry mechanism). Writes take the request a plan decided, unchanged.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingErrorHandler


@KmsPendingErrorHandler.list_error_handler("get the event selectors of trail {trail_name}", default_value=None)
@AWSRetry.jittered_backoff()
def get_event_selectors(client, trail_name: str) -> dict[str, Any] | None:
    """GetEventSelectors' answer (TrailARN and one kind of selectors); None when the trail does not exist."""
    answer = client.get_event_selectors(TrailName=trail_name)
    answer.pop("ResponseMetadata", None)
    return answer


@KmsPendingErrorHandler.common_error_handler("set the event selectors of trail {request[TrailName]}")
@AWSRetry.jittered_backoff()
def put_event_selectors(client, request: dict[str, Any]) -> None:
    client.put_event_selectors(**request)


WRITERS = {"put_event_selectors": put_event_selectors}
