# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""SNS calls of sns_topic_encryption, one small function per call.

Each function is wrapped in ``AWSRetry.jittered_backoff()`` and calls the client without ``aws_retry=True``, so
a throttled call is retried by one loop only.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingErrorHandler

KMS_MASTER_KEY_ID = "KmsMasterKeyId"


@KmsPendingErrorHandler.list_error_handler("get the attributes of topic {topic_arn}", default_value=None)
@AWSRetry.jittered_backoff()
def get_topic_attributes(client, topic_arn: str) -> dict[str, Any] | None:
    """The topic's attributes; None when SNS says the topic does not exist."""
    return client.get_topic_attributes(TopicArn=topic_arn)["Attributes"]


@KmsPendingErrorHandler.common_error_handler("set the KMS key (KmsMasterKeyId) of topic {topic_arn}")
@AWSRetry.jittered_backoff()
def set_kms_master_key_id(client, topic_arn: str, kms_key_id: str) -> None:
    """Encrypt the topic with ``kms_key_id``; an empty string turns its encryption off."""
    client.set_topic_attributes(TopicArn=topic_arn, AttributeName=KMS_MASTER_KEY_ID, AttributeValue=kms_key_id)
