#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kms_pending_alarm_info
version_added: 1.0.0
short_description: Audit whether the alarm on use of KMS keys pending deletion can fire, in one region
description:
  - Reads the whole chain of the AWS KMS procedure "Creating an alarm that detects usage of a KMS key pending
    deletion" in one region - CloudTrail trail, CloudWatch Logs log group, metric filter, CloudWatch alarm, SNS
    topics and their subscriptions - and returns what it found with C(findings) that say what would stop the
    alarm from firing, and how to fix it.
  - Every link is judged by what it does. The metric filters are judged by running their patterns, with the
    collection's local filter-pattern engine, on sample CloudTrail records of calls on a key pending deletion
    (they must all count) and of other KMS calls (none may count); a hand-written or CIS filter under another
    name is judged as fairly as the procedure's. A trail's event selectors (basic or advanced) are judged on the
    same records. An alarm is judged by whether a single such event breaches it.
  - Also returns the KMS keys of the region (and of O(covered_regions)) that are pending deletion, most urgent
    first.
  - Read only. Each resource is read with one call (paginated where AWS pages); no call writes.
author:
  - kmsguard.alarms maintainers (@kmsguard)
options:
  log_group_name:
    description:
      - The CloudWatch Logs log group that a trail delivers to and the metric filter counts in.
      - When not set, the log group is found from the trails that deliver to CloudWatch Logs in the region. With
        several, the first whose metric filters count the calls is audited, and an C(info) finding names the others.
    type: str
  filter_name:
    description:
      - Name of the metric filter to audit first. When no filter of that name counts the calls but another filter
        on the log group does, that one is audited (with an C(info) finding).
    type: str
    default: KMSKeyPendingDeletion
  alarm_name:
    description:
      - Name of the alarm to audit first. When it does not watch the filter's metric but another alarm does, that
        one is audited (with an C(info) finding).
    type: str
    default: KMSKeyPendingDeletionErrorAlarm
  covered_regions:
    description:
      - Regions whose KMS calls this region's trail must also record (the C(account) topology of the role - one
        multi-region trail in the home region). The trail must then be a multi-region trail; RV(coverage) says,
        for each, whether it is covered, and RV(pending_keys) includes their keys.
      - The module's own region is ignored in this list.
    type: list
    elements: str
    default: []
  event_rule_name:
    description:
      - Name of the EventBridge rule of the detailed notification (M(kmsguard.alarms.kms_pending_event_rule)) to audit
        as well. A C(warning) finding says when it is missing, not in the state
        C(ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS), its pattern misses calls on keys pending deletion, or none of
        its targets is the alarm's topic.
      - Not set, the rule is not audited (the caller then needs no EventBridge permission).
    type: str
notes:
  - The caller needs C(cloudtrail:DescribeTrails), C(cloudtrail:GetTrailStatus), C(cloudtrail:GetEventSelectors),
    C(logs:DescribeLogGroups), C(logs:DescribeMetricFilters), C(cloudwatch:DescribeAlarms),
    C(cloudwatch:DescribeAlarmsForMetric), C(sns:GetTopicAttributes), C(sns:ListSubscriptionsByTopic),
    C(kms:ListKeys), C(kms:DescribeKey), C(kms:ListAliases) and, for a topic encrypted with a customer managed key,
    C(kms:GetKeyPolicy); with O(event_rule_name), C(events:DescribeRule) and C(events:ListTargetsByRule).
  - Findings have a severity. C(critical) - the alarm cannot fire or cannot notify anyone. C(warning) - it can, but
    something needs attention (for example an email subscription waiting for confirmation). C(info) - worth knowing.
  - The audit cannot prove delivery of an email. Use the drill of C(playbooks/verify.yml)
    (C(-e pending_deletion_alarm_drill=true)) to send a real notification.
seealso:
  - name: Creating an alarm that detects usage of a KMS key pending deletion
    description: The AWS KMS procedure this module audits.
    link: https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-creating-cloudwatch-alarm.html
  - module: kmsguard.alarms.kms_pending_metric_filter
  - module: kmsguard.alarms.kms_pending_alarm
  - module: kmsguard.alarms.kms_pending_alarm_drill
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3,
                                 kmsguard.alarms.attributes, kmsguard.alarms.attributes.READS]
"""

EXAMPLES = r"""
- name: Audit the chain in one region
  kmsguard.alarms.kms_pending_alarm_info:
    region: eu-west-1
  register: audit

- name: Fail when the alarm cannot fire
  ansible.builtin.assert:
    that: audit.summary.critical == 0
    fail_msg: "{{ audit.findings | selectattr('severity', 'equalto', 'critical') | map(attribute='message') | list }}"

- name: One multi-region trail in us-east-1 covers two more regions
  kmsguard.alarms.kms_pending_alarm_info:
    region: us-east-1
    log_group_name: /aws/cloudtrail/kmsguard
    covered_regions: [eu-west-1, ap-southeast-2]
  register: audit

- name: The keys pending deletion, most urgent first
  ansible.builtin.debug:
    msg: "{{ item.key_id }} ({{ item.aliases | join(', ') }}) in {{ item.region }}: {{ item.days_left }} days left"
  loop: "{{ audit.pending_keys }}"
"""

RETURN = r"""
region:
  description: The audited region.
  returned: always
  type: str
  sample: us-east-1
account_id:
  description: The account of the chain (from the alarm's ARN, else a topic's or trail's); null when nothing was found.
  returned: always
  type: str
  sample: "123456789012"
log_group_name:
  description: The audited log group (given or discovered); null when no trail delivers to CloudWatch Logs.
  returned: always
  type: str
  sample: /aws/cloudtrail/kmsguard
covered_regions:
  description: O(covered_regions) without the module's region.
  returned: always
  type: list
  elements: str
  sample: [eu-west-1]
status:
  description: C(fail) with any critical finding, else C(warn) with any warning, else C(pass).
  returned: always
  type: str
  sample: pass
summary:
  description: The number of findings per severity.
  returned: always
  type: dict
  sample: {critical: 0, warning: 1, info: 0}
checks:
  description:
    - Status of each link - C(trail), C(events), C(log_group), C(filter), C(alarm), C(actions), C(topic),
      C(subscriptions) - as C(pass), C(warn), C(fail), or C(skip) when a link before it is missing.
  returned: always
  type: dict
  sample: {trail: pass, events: pass, log_group: pass, filter: pass, alarm: pass, actions: pass, topic: pass,
           subscriptions: warn}
findings:
  description: What stops the alarm from firing or notifying, or deserves attention.
  returned: always
  type: list
  elements: dict
  contains:
    code:
      description: Stable identifier of the rule, such as C(trail_not_logging) or C(alarm_threshold).
      type: str
      sample: trail_not_logging
    severity:
      description: C(critical), C(warning) or C(info).
      type: str
      sample: critical
    check:
      description: The link of the chain the finding is about (a key of RV(checks)).
      type: str
      sample: trail
    message:
      description: What is wrong, naming the resources.
      type: str
      sample: "Trail kmsguard-trail is not logging: it records no event, so the alarm cannot fire."
    remediation:
      description: How to fix it (may be empty for C(info) findings).
      type: str
      sample: "Start it: aws cloudtrail start-logging --name arn:aws:cloudtrail:... --region us-east-1"
    region:
      description: The audited region.
      type: str
      sample: us-east-1
trail:
  description: The trail the chain relies on (of those delivering to the log group, the one with the fewest problems).
  returned: always
  type: dict
  sample: {name: kmsguard-trail, arn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/kmsguard-trail",
           home_region: us-east-1, is_multi_region_trail: true, is_organization_trail: false, is_logging: true,
           cloud_watch_logs_log_group_arn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/kmsguard:*",
           latest_cloud_watch_logs_delivery_time: null, latest_cloud_watch_logs_delivery_error: ""}
metric_filter:
  description: The metric filter that counts the calls, in snake_case (DescribeMetricFilters); empty if none.
  returned: always
  type: dict
  sample: {filter_name: KMSKeyPendingDeletion, log_group_name: /aws/cloudtrail/kmsguard,
           filter_pattern: '{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}',
           metric_transformations: [{metric_name: KMSKeyPendingDeletionErrorCount,
                                     metric_namespace: CloudTrailLogMetrics, metric_value: "1"}]}
alarm:
  description: The audited alarm as DescribeAlarms returns it, in snake_case; empty if none.
  returned: always
  type: dict
  sample: {alarm_name: KMSKeyPendingDeletionErrorAlarm, metric_name: KMSKeyPendingDeletionErrorCount,
           namespace: CloudTrailLogMetrics, statistic: Sum, period: 60, threshold: 1.0,
           comparison_operator: GreaterThanOrEqualToThreshold, state_value: OK}
topics:
  description: The SNS topics among the alarm's actions in the audited region.
  returned: always
  type: list
  elements: dict
  contains:
    topic_arn:
      description: ARN of the topic.
      type: str
    exists:
      description: Whether the topic exists.
      type: bool
    kms_master_key_id:
      description: The key that encrypts the topic, as set; empty when it is not encrypted.
      type: str
    subscriptions:
      description: C(protocol), C(endpoint) and C(confirmed) of each subscription.
      type: list
      elements: dict
coverage:
  description: For each of O(covered_regions), whether the trail records it.
  returned: always
  type: list
  elements: dict
  sample: [{region: eu-west-1, covered: true, trail_name: kmsguard-trail, home_region: us-east-1,
            trail_arn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/kmsguard-trail"}]
pending_keys:
  description: The KMS keys in C(PendingDeletion) or C(PendingReplicaDeletion), fewest days left first.
  returned: always
  type: list
  elements: dict
  contains:
    key_id:
      description: ID of the key.
      type: str
    arn:
      description: ARN of the key.
      type: str
    region:
      description: Region of the key.
      type: str
    aliases:
      description: Alias names of the key.
      type: list
      elements: str
    key_state:
      description: C(PendingDeletion) or C(PendingReplicaDeletion).
      type: str
    key_manager:
      description: C(CUSTOMER) or C(AWS).
      type: str
    description:
      description: Description of the key.
      type: str
    multi_region:
      description: Whether it is a multi-Region key.
      type: bool
    deletion_date:
      description: When AWS deletes the key (ISO 8601); null for C(PendingReplicaDeletion).
      type: str
    days_left:
      description: Whole days until the deletion, rounded up; 0 when it is due; null without a deletion date.
      type: int
    used_by:
      description: The links of the audited chain that the key encrypts (topic, log group, trail log files).
      type: list
      elements: str
  sample: [{key_id: 1234abcd-12ab-34cd-56ef-1234567890ab, region: us-east-1, aliases: [alias/payments],
            key_state: PendingDeletion, deletion_date: "2030-01-07T10:00:00+00:00", days_left: 6, used_by: []}]
"""

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_facts
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_result
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_rules
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import module_run
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_keys
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import plan


def do(module) -> None:
    plan.fail_on_problems(module, audit_rules.validate_params(module.params, module.region))

    samples = audit_rules.procedure_samples()
    facts = audit_facts.gather(module, samples)
    audit = audit_rules.audit(facts, samples)
    module.exit_json(changed=False, **audit_result.module_result(facts, audit, pending_keys.utc_now()))


def main() -> None:
    argument_spec = {
        "log_group_name": {"type": "str"},
        "filter_name": {"type": "str", "default": constants.FILTER_NAME},
        "alarm_name": {"type": "str", "default": constants.ALARM_NAME},
        "covered_regions": {"type": "list", "elements": "str", "default": []},
        "event_rule_name": {"type": "str"},
    }
    module_run.run(argument_spec, do)


if __name__ == "__main__":
    main()
