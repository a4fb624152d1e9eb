#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kms_pending_event_rule
version_added: 1.0.0
short_description: EventBridge rule that names the KMS key pending deletion, the call and the caller, sent to SNS
description:
  - Creates, updates or removes an EventBridge rule on the default event bus that matches KMS API calls recorded by
    CloudTrail that failed because their key is pending deletion (C(errorMessage) ending in C( is pending deletion.)),
    and its one SNS target, whose input transformer writes a readable message with the key ARN, the operation, the
    caller, the source IP address, the region, the time, and the playbook commands that investigate and cancel the
    deletion.
  - It complements the CloudWatch alarm of the AWS procedure, which says that a key pending deletion was used but not
    which one. The alarm stays the primary signal; this message arrives once per failing call.
  - The rule state defaults to C(ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS), without which read-only calls such as
    C(Decrypt), C(GenerateDataKey) or C(GetPublicKey) never reach the rule.
  - A run that finds the rule and its target as asked makes two read calls (DescribeRule, ListTargetsByRule) and no
    write. The event pattern is compared as JSON, so key order and spacing are not a change.
  - EventBridge sees the CloudTrail events of the calls made in its own region and account only. To be told about
    calls in several regions, put a rule (and a topic) in each.
author:
  - kmsguard.alarms maintainers (@kmsguard)
options:
  name:
    description: Name of the rule on the default event bus.
    type: str
    default: KMSKeyPendingDeletionEventRule
  event_pattern:
    description:
      - The rule's event pattern, as a dictionary.
      - Default, KMS calls recorded by CloudTrail whose C(errorMessage) ends with C( is pending deletion.) (and, with
        O(match_replica_deletion), C( is pending replica deletion.)), from the source C(aws.kms) with the detail type
        C(AWS API Call via CloudTrail).
    type: dict
  match_replica_deletion:
    description:
      - With the default O(event_pattern), also match calls on multi-Region replica keys pending replica deletion.
      - Ignored when O(event_pattern) is set.
    type: bool
    default: false
  rule_state:
    description:
      - The rule's state. V(ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS) also delivers read-only management events;
        with V(ENABLED) the rule sees only calls that CloudTrail counts as writes.
    type: str
    choices: ["ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", "ENABLED", "DISABLED"]
    default: ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
  description:
    description: The rule's description.
    type: str
    default: >-
      A KMS API call failed because its key is pending deletion: names the key, the operation and the caller, and
      sends them to the alarm's SNS topic.
  topic_arn:
    description:
      - ARN of the SNS topic the message goes to, in the region the module runs in (O(region)); EventBridge sends to
        an SNS topic of the rule's own region only.
      - The topic's policy must let C(events.amazonaws.com) publish, for example only from this rule (condition
        C(aws:SourceArn) the rule's ARN); otherwise EventBridge's deliveries fail and nothing is sent.
      - Required with O(state=present).
    type: str
  target_id:
    description:
      - ID of the target on the rule. The module writes this target only; other targets of the rule are left alone
        (and listed in the result).
    type: str
    default: KMSKeyPendingDeletionTopic
  state:
    description:
      - V(present) creates or updates the rule and its target.
      - V(absent) removes every target of the rule, then the rule (EventBridge refuses to delete a rule that has
        targets). A missing rule is not an error.
    type: str
    choices: ["present", "absent"]
    default: present
notes:
  - Check mode makes the same reads, reports the same C(changed) and the predicted rule, and writes nothing.
  - The caller needs C(events:DescribeRule), C(events:ListTargetsByRule), C(events:PutRule), C(events:PutTargets),
    C(events:RemoveTargets) and C(events:DeleteRule) on the rule.
  - Cost and volume. One message per failing call (a client that retries a failing call every second sends one
    message a second), each an event delivered by EventBridge and an SNS publish and delivery; see the EventBridge
    and SNS pricing pages for their terms. Only failing calls on keys pending deletion match, so normally nothing is
    sent.
  - The tags of the rule are left as they are.
seealso:
  - name: Events from AWS services delivered via CloudTrail
    description: How EventBridge receives the KMS calls that CloudTrail records, and the rule state for read-only ones.
    link: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
  - name: Input transformation
    description: How EventBridge writes the message from the event.
    link: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
  - module: kmsguard.alarms.kms_pending_alarm
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3,
                                 kmsguard.alarms.attributes, kmsguard.alarms.attributes.CHANGES]
"""

EXAMPLES = r"""
- name: Send a message naming the key, the call and the caller to the alarm's topic
  kmsguard.alarms.kms_pending_event_rule:
    topic_arn: arn:aws:sns:eu-west-1:123456789012:kmsguard-kms-pending-deletion
    region: eu-west-1

- name: Also for multi-Region replica keys pending replica deletion
  kmsguard.alarms.kms_pending_event_rule:
    name: kms-pending-deletion-calls
    topic_arn: arn:aws:sns:eu-west-1:123456789012:kmsguard-kms-pending-deletion
    match_replica_deletion: true
    region: eu-west-1

- name: Remove the rule and its targets
  kmsguard.alarms.kms_pending_event_rule:
    name: kms-pending-deletion-calls
    state: absent
    region: eu-west-1
"""

RETURN = r"""
rule:
  description:
    - The rule after the run (predicted in check mode); empty when there is none.
    - C(targets) in EventBridge's shape (C(Id), C(Arn), C(InputTransformer)), sorted by C(Id).
  returned: always
  type: dict
  sample:
    name: KMSKeyPendingDeletionEventRule
    state: ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
    description: A KMS API call failed because its key is pending deletion.
    event_pattern:
      source: ["aws.kms"]
      detail-type: ["AWS API Call via CloudTrail"]
      detail:
        eventSource: ["kms.amazonaws.com"]
        errorMessage: [{"suffix": " is pending deletion."}]
    targets:
      - Id: KMSKeyPendingDeletionTopic
        Arn: arn:aws:sns:eu-west-1:123456789012:kmsguard-kms-pending-deletion
        InputTransformer:
          InputPathsMap: {"key": "$.detail.resources[0].ARN"}
          InputTemplate: '"Key: <key>"'
rule_arn:
  description:
    - ARN of the rule. Absent when there is no rule after the run, and in check mode for a rule not created yet.
  returned: when the rule exists
  type: str
  sample: arn:aws:events:eu-west-1:123456789012:rule/KMSKeyPendingDeletionEventRule
"""

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_rule_decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_rules
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import module_run
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import aws_client
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import apply
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import fail_on_problems


def do(module) -> None:
    fail_on_problems(module, event_rule_decisions.validate_params(module.params, module.region))
    client = aws_client(module, "events")
    name = module.params["name"]
    rule = event_rules.describe_rule(client, name)
    targets = event_rules.list_targets(client, name) if rule else []
    plan = event_rule_decisions.plan_rule(module.params, rule, targets)
    rule_arn = rule["Arn"] if rule else None
    if not module.check_mode:
        # The one answer a write adds to the result: the ARN of a rule PutRule just created.
        answers = apply(client, plan, event_rules.WRITERS)
        created = [answers[index] for index, write in enumerate(plan.writes) if write.operation == "put_rule"]
        rule_arn = created[0] if created else rule_arn
    result = {"changed": plan.changed, "rule": plan.after}
    if plan.after and rule_arn:
        result["rule_arn"] = rule_arn
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = plan.diff
    module.exit_json(**result)


def main() -> None:
    argument_spec = {
        "name": {"type": "str", "default": constants.EVENT_RULE_NAME},
        "event_pattern": {"type": "dict"},
        "match_replica_deletion": {"type": "bool", "default": False},
        "rule_state": {
            "type": "str",
            "choices": list(constants.EVENT_RULE_STATES),
            "default": constants.EVENT_RULE_STATE,
        },
        "description": {"type": "str", "default": constants.EVENT_RULE_DESCRIPTION},
        # Required with state=present, checked by validate_params with every other problem at once.
        "topic_arn": {"type": "str"},
        "target_id": {"type": "str", "default": constants.EVENT_RULE_TARGET_ID},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module_run.run(argument_spec, do)


if __name__ == "__main__":
    main()
