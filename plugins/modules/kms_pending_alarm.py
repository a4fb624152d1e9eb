#!/usr/bin/python
# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kms_pending_alarm
short_description: CloudWatch alarm that goes off when a KMS key pending deletion is used
version_added: 1.0.0
description:
  - Creates, updates or deletes the CloudWatch metric alarm of the AWS KMS procedure
    "Creating an alarm that detects usage of a KMS key pending deletion".
  - The alarm watches the metric that M(kmsguard.alarms.kms_pending_metric_filter) publishes from the CloudTrail
    log group. Every option defaults to the procedure's value, so a task that only names the topic to notify
    (O(alarm_actions)) makes the alarm the procedure describes.
  - The alarm is found by its exact name; an alarm whose name merely starts with O(alarm_name) is never touched.
  - All options are checked before any AWS call is made, and every problem found is reported at once.
author:
  - kmsguard.alarms maintainers (@kmsguard)
options:
  state:
    description:
      - V(present) creates the alarm or updates it to match the options.
      - V(absent) deletes the alarm if it exists.
    type: str
    choices: [present, absent]
    default: present
  alarm_name:
    description:
      - Name of the alarm, unique within the account and region.
    type: str
    default: KMSKeyPendingDeletionErrorAlarm
  alarm_description:
    description:
      - Description of the alarm, shown in the console and in the notification. The default tells the person
        who receives it what happened and what to do.
    type: str
    default: >-
      A KMS key that is scheduled for deletion was used. Once the key is deleted, data encrypted under it cannot
      be decrypted. Find the call in CloudTrail (eventSource kms.amazonaws.com, errorMessage '... is pending
      deletion.'), identify the key and the caller, and cancel the key deletion (aws kms cancel-key-deletion
      --key-id KEY_ID) if the key is still needed.
  metric_name:
    description:
      - Name of the metric the alarm watches; the metric filter's metric.
    type: str
    default: KMSKeyPendingDeletionErrorCount
  metric_namespace:
    description:
      - Namespace of the metric the alarm watches.
    type: str
    default: CloudTrailLogMetrics
  statistic:
    description:
      - Statistic applied to the metric over each period.
    type: str
    choices: [SampleCount, Average, Sum, Minimum, Maximum]
    default: Sum
  comparison_operator:
    description:
      - How the statistic is compared with O(threshold).
    type: str
    choices: [GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold]
    default: GreaterThanOrEqualToThreshold
  threshold:
    description:
      - Value the statistic is compared with. Must not be negative.
    type: float
    default: 1.0
  period:
    description:
      - Length of one evaluation period, in seconds.
      - Must be a positive multiple of V(60). Metrics from metric filters have one-minute resolution, so V(60) is
        the fastest alarm on them (the console proposes V(300)).
    type: int
    default: 60
  evaluation_periods:
    description:
      - Number of most recent periods the alarm evaluates (N in "M out of N"). At least V(1).
    type: int
    default: 1
  datapoints_to_alarm:
    description:
      - Number of breaching periods among O(evaluation_periods) that set the alarm off (M in "M out of N").
      - Must be between V(1) and O(evaluation_periods).
    type: int
    default: 1
  treat_missing_data:
    description:
      - How periods without data are treated. The metric filter publishes nothing while no key pending deletion
        is used, so V(notBreaching) keeps the alarm in the OK state then.
    type: str
    choices: [breaching, notBreaching, ignore, missing]
    default: notBreaching
  actions_enabled:
    description:
      - Whether the alarm runs its actions when its state changes. An alarm with actions disabled notifies nobody.
    type: bool
    default: true
  alarm_actions:
    description:
      - ARNs of the actions run when the alarm goes off, usually the SNS topic that notifies the key owners.
      - Each must be an ARN. An SNS topic must be in the alarm's region (the module's O(region)), because
        CloudWatch cannot notify a topic in another region.
      - Order and repetitions do not matter.
      - If not set, an existing alarm keeps its actions and a new alarm has none (and the module warns).
    type: list
    elements: str
  ok_actions:
    description:
      - ARNs of the actions run when the alarm returns to the OK state. Same rules as O(alarm_actions).
      - If not set, an existing alarm keeps its OK actions and a new alarm has none.
    type: list
    elements: str
  insufficient_data_actions:
    description:
      - ARNs of the actions run when the alarm enters the INSUFFICIENT_DATA state. Same rules as O(alarm_actions).
      - If not set, an existing alarm keeps them and a new alarm has none.
    type: list
    elements: str
notes:
  - The module manages a single-metric alarm with a standard statistic. Dimensions and a unit that an existing
    alarm has are kept on update, since PutMetricAlarm replaces the whole alarm; the module does not set them.
    An existing alarm on a metric math expression or a percentile statistic is replaced by the alarm asked for.
  - "API calls per run: one C(DescribeAlarms) (and nothing else when nothing changes and O(tags) is not set);
    one C(PutMetricAlarm) to create the alarm, tags included, or to update it; one C(DeleteAlarms) to delete it.
    When O(tags) is set on an existing alarm, its tags are read with one C(ListTagsForResource) and changed with
    one C(TagResource) and/or one C(UntagResource)."
  - Every call is retried with jittered backoff when AWS throttles it.
  - The C(alarm) result of a run that creates the alarm, and of check mode, is the alarm as written; values that
    AWS assigns (ARN, state) appear once the alarm exists, from the next run on.
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags,
                                 amazon.aws.boto3, kmsguard.alarms.attributes, kmsguard.alarms.attributes.CHANGES]
seealso:
  - module: kmsguard.alarms.kms_pending_metric_filter
  - name: Creating an alarm that detects usage of a KMS key pending deletion
    description: The AWS KMS procedure this module implements.
    link: https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-creating-cloudwatch-alarm.html
"""

EXAMPLES = r"""
- name: The procedure's alarm, notifying a topic in the same region
  kmsguard.alarms.kms_pending_alarm:
    alarm_actions:
      - arn:aws:sns:eu-west-1:123456789012:kms-key-pending-deletion

- name: Also notify when the alarm returns to OK, and tag it
  kmsguard.alarms.kms_pending_alarm:
    region: eu-west-1
    alarm_actions: ["{{ topic_arn }}"]
    ok_actions: ["{{ topic_arn }}"]
    tags:
      team: security

- name: Connection options for this module and the amazon.aws modules at once
  module_defaults:
    group/kmsguard.alarms.aws:
      region: eu-west-1
  block:
    - name: Topic for the alarm
      amazon.aws.sns_topic:
        name: kms-key-pending-deletion
      register: topic
    - name: Alarm on the procedure's metric
      kmsguard.alarms.kms_pending_alarm:
        alarm_actions: ["{{ topic.sns_arn }}"]

- name: Delete the alarm
  kmsguard.alarms.kms_pending_alarm:
    state: absent
"""

RETURN = r"""
alarm:
  description:
    - The alarm after the run (predicted in check mode), with the field names of DescribeAlarms in snake_case.
    - Action lists are sorted and without repetitions. Empty when O(state=absent).
  returned: always
  type: dict
  contains:
    alarm_name:
      description: Name of the alarm.
      type: str
      sample: KMSKeyPendingDeletionErrorAlarm
    alarm_arn:
      description: ARN of the alarm. Not returned when the run creates the alarm.
      type: str
      returned: when the alarm existed before the run
      sample: arn:aws:cloudwatch:eu-west-1:123456789012:alarm:KMSKeyPendingDeletionErrorAlarm
    alarm_description:
      description: Description of the alarm.
      type: str
    actions_enabled:
      description: Whether the alarm runs its actions.
      type: bool
      sample: true
    alarm_actions:
      description: ARNs of the actions run when the alarm goes off.
      type: list
      elements: str
      sample: [arn:aws:sns:eu-west-1:123456789012:kms-key-pending-deletion]
    ok_actions:
      description: ARNs of the actions run when the alarm returns to OK.
      type: list
      elements: str
      sample: []
    insufficient_data_actions:
      description: ARNs of the actions run on INSUFFICIENT_DATA.
      type: list
      elements: str
      sample: []
    metric_name:
      description: Name of the metric.
      type: str
      sample: KMSKeyPendingDeletionErrorCount
    namespace:
      description: Namespace of the metric.
      type: str
      sample: CloudTrailLogMetrics
    statistic:
      description: Statistic applied to the metric.
      type: str
      sample: Sum
    dimensions:
      description: Dimensions of the metric, sorted by name; usually none.
      type: list
      elements: dict
      sample: []
    unit:
      description: Unit of the metric, if the alarm has one.
      type: str
      sample: null
    period:
      description: Length of one period, in seconds.
      type: int
      sample: 60
    evaluation_periods:
      description: Number of periods evaluated.
      type: int
      sample: 1
    datapoints_to_alarm:
      description: Number of breaching periods that set the alarm off.
      type: int
      sample: 1
    threshold:
      description: Threshold.
      type: float
      sample: 1.0
    comparison_operator:
      description: Comparison of statistic and threshold.
      type: str
      sample: GreaterThanOrEqualToThreshold
    treat_missing_data:
      description: Treatment of periods without data.
      type: str
      sample: notBreaching
    state_value:
      description: State of the alarm (V(OK), V(ALARM) or V(INSUFFICIENT_DATA)).
      type: str
      returned: when the alarm existed before the run
      sample: OK
    state_reason:
      description: Why the alarm is in its state.
      type: str
      returned: when the alarm existed before the run
    state_updated_timestamp:
      description: When the state last changed.
      type: str
      returned: when the alarm existed before the run
    tags:
      description: Tags of the alarm. Not snake_cased.
      type: dict
      returned: when O(tags) is set
      sample: {team: security}
"""

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import alarms
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import module_run
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import ARGUMENT_SPEC
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import alarm_result
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import plan_alarm
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.alarm_decisions import validate_params
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import aws_client
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import fail_on_problems
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import finish


def current_alarm_and_tags(module, client):
    """The alarm named exactly alarm_name (or None) and, when the task manages tags, its tags."""
    described = alarms.describe_alarm(client, module.params["alarm_name"])
    # Tags cost an extra read, paid only when the task manages them.
    manages_tags = described and module.params["state"] == "present" and module.params["tags"] is not None
    return described, alarms.list_alarm_tags(client, described["AlarmArn"]) if manages_tags else None


def do(module):
    # Checked against the resolved region (option, module_defaults, environment or profile) before any call.
    fail_on_problems(module, validate_params(module.params, module.region))
    client = aws_client(module, "cloudwatch")
    described, tags = current_alarm_and_tags(module, client)
    plan = plan_alarm(module.params, described, tags)
    if plan.after and not plan.after["alarm_actions"]:
        module.warn(
            f"The alarm {plan.after['alarm_name']} has no alarm_actions: it will go off without notifying anyone."
        )
    alarm = alarm_result(described, plan.after, plan.changed) if plan.after else {}
    finish(module, client, plan, alarms.WRITERS, {"alarm": alarm})


def main():
    module_run.run(ARGUMENT_SPEC, do)


if __name__ == "__main__":
    main()
