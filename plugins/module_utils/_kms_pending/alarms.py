# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""CloudWatch alarm API calls, one small function each.

Each function is wrapped in ``AWSRetry.jittered_backoff()`` (see ``common.aws_client`` for why that is the one
retry mechanism) and turns boto errors into ``KmsPendingError``. Writes take the request a plan decided, unchanged.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from .common import KmsPendingErrorHandler


@KmsPendingErrorHandler.list_error_handler("describe alarm {alarm_name}")
@AWSRetry.jittered_backoff()
def describe_alarm(client, alarm_name: str) -> dict | None:
    """The metric alarm named exactly ``alarm_name``, or None."""
    # AlarmNames matches whole names (AlarmNamePrefix would not), so the answer fits in one page.
    response = client.describe_alarms(AlarmNames=[alarm_name], AlarmTypes=["MetricAlarm"])
    return next((alarm for alarm in response["MetricAlarms"] if alarm["AlarmName"] == alarm_name), None)


@KmsPendingErrorHandler.list_error_handler("list tags of alarm {alarm_arn}", default_value={})
@AWSRetry.jittered_backoff()
def list_alarm_tags(client, alarm_arn: str) -> dict:
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceARN=alarm_arn)["Tags"])


@KmsPendingErrorHandler.common_error_handler("put alarm {request[AlarmName]}")
@AWSRetry.jittered_backoff()
def put_metric_alarm(client, request: dict) -> None:
    client.put_metric_alarm(**request)


@KmsPendingErrorHandler.deletion_error_handler("delete alarm {request[AlarmNames][0]}")
@AWSRetry.jittered_backoff()
def delete_alarms(client, request: dict) -> bool:
    client.delete_alarms(**request)
    return True


@KmsPendingErrorHandler.common_error_handler("tag alarm {request[ResourceARN]}")
@AWSRetry.jittered_backoff()
def tag_resource(client, request: dict) -> None:
    client.tag_resource(**request)


@KmsPendingErrorHandler.common_error_handler("untag alarm {request[ResourceARN]}")
@AWSRetry.jittered_backoff()
def untag_resource(client, request: dict) -> None:
    client.untag_resource(**request)


WRITERS = {
    "put_metric_alarm": put_metric_alarm,
    "delete_alarms": delete_alarms,
    "tag_resource": tag_resource,
    "untag_resource": untag_resource,
}


@KmsPendingErrorHandler.common_error_handler("set the state of alarm {alarm_name} to {state_value}")
@AWSRetry.jittered_backoff()
def set_alarm_state(client, alarm_name: str, state_value: str, reason: str) -> None:
    """Set the alarm's state until its next evaluation; a change to ALARM runs its alarm actions."""
    client.set_alarm_state(AlarmName=alarm_name, StateValue=state_value, StateReason=reason)
