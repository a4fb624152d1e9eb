#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kms_pending_alarm_drill
version_added: 1.0.0
short_description: Send a real notification through the KMS pending-deletion alarm (a drill)
description:
  - Sets the alarm to C(ALARM) with SetAlarmState, which runs its alarm actions exactly as a real event would,
    then sets it back to C(OK). B(The recipients receive a real notification) (for an email subscription, an
    email "ALARM - ..." from AWS Notifications), with O(reason) in it.
  - Proves what a read-only audit cannot - that the topic accepts the alarm's message and that someone receives
    it. M(kmsguard.alarms.kms_pending_alarm_info) audits the rest of the chain.
  - Refuses, before any write, an alarm that does not exist, has its actions disabled or has no alarm action (the
    drill would notify nobody), and an alarm in C(ALARM) (a drill would send nothing and then hide a real alarm).
  - CloudWatch evaluates the alarm again at its next period, so a real event still sets it off after the drill.
author:
  - kmsguard.alarms maintainers (@kmsguard)
options:
  alarm_name:
    description: Name of the alarm.
    type: str
    default: KMSKeyPendingDeletionErrorAlarm
  reason:
    description: The state reason, which the notification quotes (1 to 1023 characters).
    type: str
    default: >-
      Drill by kmsguard.alarms: this notification tests that the alarm reaches its recipients.
      No KMS key pending deletion was used.
notes:
  - Check mode reads the alarm, reports C(changed) and sends nothing.
  - The caller needs C(cloudwatch:DescribeAlarms) and C(cloudwatch:SetAlarmState).
seealso:
  - module: kmsguard.alarms.kms_pending_alarm_info
  - module: kmsguard.alarms.kms_pending_alarm
  - name: SetAlarmState
    description: The CloudWatch call the drill makes.
    link: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3,
                                 kmsguard.alarms.attributes]
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  idempotent:
    support: none
    details: Every run sends a notification.
"""

EXAMPLES = r"""
- name: Send a real notification through the alarm (every confirmed subscriber receives it)
  kmsguard.alarms.kms_pending_alarm_drill:
    region: us-east-1

- name: Drill with a reason the recipients recognise
  kmsguard.alarms.kms_pending_alarm_drill:
    alarm_name: KMSKeyPendingDeletionErrorAlarm
    reason: Quarterly drill of the security team - no action needed, reply to confirm you received it.
    region: eu-west-1
"""

RETURN = r"""
alarm_name:
  description: Name of the alarm.
  returned: always
  type: str
  sample: KMSKeyPendingDeletionErrorAlarm
alarm_arn:
  description: ARN of the alarm.
  returned: always
  type: str
  sample: arn:aws:cloudwatch:us-east-1:123456789012:alarm:KMSKeyPendingDeletionErrorAlarm
notified_topics:
  description: The SNS topics among the alarm actions, which received the notification (none in check mode).
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:sns:us-east-1:123456789012:kmsguard-kms-pending-deletion"]
states:
  description: The states the alarm was set to, in order (empty in check mode).
  returned: always
  type: list
  elements: str
  sample: [ALARM, OK]
"""

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import alarm_drill
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import alarms
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import common
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import module_run
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import plan


def do(module) -> None:
    params = module.params
    plan.fail_on_problems(module, alarm_drill.validate_params(params, module.region))
    client = common.aws_client(module, "cloudwatch")
    alarm = alarms.describe_alarm(client, params["alarm_name"])
    plan.fail_on_problems(module, alarm_drill.drill_problems(alarm, params["alarm_name"], module.region))

    states = []
    if not module.check_mode:
        alarms.set_alarm_state(client, params["alarm_name"], "ALARM", params["reason"])
        states.append("ALARM")
        alarms.set_alarm_state(client, params["alarm_name"], "OK", alarm_drill.BACK_TO_OK_REASON)
        states.append("OK")
    topics = alarm_drill.notified_topics(alarm)
    module.exit_json(
        changed=True,
        alarm_name=params["alarm_name"],
        alarm_arn=alarm.get("AlarmArn", ""),
        notified_topics=[] if module.check_mode else topics,
        states=states,
    )


def main() -> None:
    argument_spec = {
        "alarm_name": {"type": "str", "default": constants.ALARM_NAME},
        "reason": {"type": "str", "default": alarm_drill.DRILL_REASON},
    }
    module_run.run(argument_spec, do)


if __name__ == "__main__":
    main()
