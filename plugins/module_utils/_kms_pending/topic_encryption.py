# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""SNS calls of sns_topic_encryption, one small function per call.

Each function is wrapped in ``AWSRetry.jittered_backoff()`` (see ``common.aws_client`` for why that is the one
retry mechanism). Writes take the request a plan decided, unchanged.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingErrorHandler


@KmsPendingErrorHandler.list_error_handler("get the attributes of topic {topic_arn}", default_value=None)
@AWSRetry.jittered_backoff()
def get_topic_attributes(client, topic_arn: str) -> dict[str, Any] | None:
    """The topic's attributes; None when SNS says the topic does not exist."""
    return client.get_topic_attributes(TopicArn=topic_arn)["Attributes"]


@KmsPendingErrorHandler.common_error_handler("set the {request[AttributeName]} attribute of topic {request[TopicArn]}")
@AWSRetry.jittered_backoff()
def set_topic_attributes(client, request: dict[str, Any]) -> None:
    client.set_topic_attributes(**request)


WRITERS = {"set_topic_attributes": set_topic_attributes}
