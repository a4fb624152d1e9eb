# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""CloudWatch alarm API calls, one small function each.

Every call is retried on throttling by ``AWSRetry.jittered_backoff`` (the one retry mechanism used: clients are
created without a retry decorator) and turns boto errors into ``KmsPendingError``.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from .common import KmsPendingErrorHandler


def cloudwatch_client(module):
    return module.client("cloudwatch")


@KmsPendingErrorHandler.list_error_handler("describe alarm {alarm_name}")
@AWSRetry.jittered_backoff()
def describe_alarm(client, alarm_name: str) -> dict | None:
    """The metric alarm named exactly ``alarm_name``, or None."""
    # AlarmNames matches whole names (AlarmNamePrefix would not), so the answer fits in one page.
    response = client.describe_alarms(AlarmNames=[alarm_name], AlarmTypes=["MetricAlarm"])
    return next((alarm for alarm in response["MetricAlarms"] if alarm["AlarmName"] == alarm_name), None)


@KmsPendingErrorHandler.common_error_handler("put alarm {request[AlarmName]}")
@AWSRetry.jittered_backoff()
def put_alarm(client, request: dict) -> None:
    client.put_metric_alarm(**request)


@KmsPendingErrorHandler.deletion_error_handler("delete alarm {alarm_name}")
@AWSRetry.jittered_backoff()
def delete_alarm(client, alarm_name: str) -> bool:
    client.delete_alarms(AlarmNames=[alarm_name])
    return True


@KmsPendingErrorHandler.list_error_handler("list tags of alarm {alarm_arn}", default_value={})
@AWSRetry.jittered_backoff()
def list_alarm_tags(client, alarm_arn: str) -> dict:
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceARN=alarm_arn)["Tags"])


@KmsPendingErrorHandler.common_error_handler("tag alarm {alarm_arn}")
@AWSRetry.jittered_backoff()
def tag_alarm(client, alarm_arn: str, tags: dict) -> None:
    client.tag_resource(ResourceARN=alarm_arn, Tags=ansible_dict_to_boto3_tag_list(tags))


@KmsPendingErrorHandler.common_error_handler("untag alarm {alarm_arn}")
@AWSRetry.jittered_backoff()
def untag_alarm(client, alarm_arn: str, tag_keys: list[str]) -> None:
    client.untag_resource(ResourceARN=alarm_arn, TagKeys=tag_keys)


@KmsPendingErrorHandler.common_error_handler("set the state of alarm {alarm_name} to {state_value}")
@AWSRetry.jittered_backoff()
def set_alarm_state(client, alarm_name: str, state_value: str, reason: str) -> None:
    """Set the alarm's state until its next evaluation; a change to ALARM runs its alarm actions."""
    client.set_alarm_state(AlarmName=alarm_name, StateValue=state_value, StateReason=reason)
