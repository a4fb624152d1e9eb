# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The reads of kms_pending_chain_info that the other modules of the collection do not make, one function a call.

The same calls amazon.aws.cloudwatchlogs_log_group, amazon.aws.cloudtrail and community.aws.sns_topic make, so the
deployer's IAM policy needs nothing more. Each function is wrapped in ``AWSRetry.jittered_backoff()`` (see
``common.aws_client``).
"""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingErrorHandler


@KmsPendingErrorHandler.list_error_handler("list the tags of log group {log_group_name}", default_value={})
@AWSRetry.jittered_backoff()
def list_log_group_tags(client, log_group_name: str) -> dict[str, str]:
    # ListTagsLogGroup, the call amazon.aws.cloudwatchlogs_log_group makes (the deployer policy grants it).
    return client.list_tags_log_group(logGroupName=log_group_name).get("tags", {})


@KmsPendingErrorHandler.list_error_handler("describe trail {name}", default_value=None)
@AWSRetry.jittered_backoff()
def describe_trail(client, name: str) -> dict[str, Any] | None:
    """DescribeTrails' answer for the name, as amazon.aws.cloudtrail reads it (its first trail), or None."""
    trails = client.describe_trails(trailNameList=[name])["trailList"]
    return trails[0] if trails else None


@KmsPendingErrorHandler.list_error_handler("list the tags of trail {trail_arn}", default_value={})
@AWSRetry.jittered_backoff()
def list_trail_tags(client, trail_arn: str) -> dict[str, str]:
    tag_lists = client.list_tags(ResourceIdList=[trail_arn])["ResourceTagList"]
    return boto3_tag_list_to_ansible_dict(tag_lists[0].get("TagsList", [])) if tag_lists else {}


@KmsPendingErrorHandler.list_error_handler("list the tags of topic {topic_arn}", default_value={})
@AWSRetry.jittered_backoff()
def list_topic_tags(client, topic_arn: str) -> dict[str, str]:
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceArn=topic_arn)["Tags"])
