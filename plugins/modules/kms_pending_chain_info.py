#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kms_pending_chain_info
version_added: 1.1.0
short_description: Which parts of the KMS pending-deletion alarm chain in one region are already as asked
description:
  - Reads each part of the chain once - log group, trail (its status and event selectors), topic (its subscriptions
    and encryption), metric filters and alarms - and tells, part by part, whether the module that manages it would
    change anything when given the same options.
  - The role P(kmsguard.alarms.pending_deletion_alarm#role) runs it first in each region and runs a part's module only
    where this module finds a difference. A run on a converged account then reads each resource once, in one module
    run per region, instead of starting a module per resource.
  - The parts managed by M(amazon.aws.cloudwatchlogs_log_group), M(amazon.aws.cloudtrail) and
    M(community.aws.sns_topic) are compared field by field as those modules compare them; the collection's own
    modules' parts by those modules' own decisions. Where the comparison cannot be sure that the module would change
    nothing (a KMS key given in another form than the one AWS reports, subscription attributes), the part is
    reported as different, so that the module runs and decides.
  - Options a part does not support are refused before any AWS call, so that no option can escape the comparison.
  - It never writes anything.
author:
  - kmsguard.alarms maintainers (@kmsguard)
options:
  log_group:
    description:
      - The options given to M(amazon.aws.cloudwatchlogs_log_group) for the trail's log group - C(log_group_name),
        C(retention), C(kms_key_id) (used by that module only when it creates the group, so never compared),
        C(tags), C(purge_tags) and C(state=present).
    type: dict
  trail:
    description:
      - The options given to M(amazon.aws.cloudtrail) - C(name), C(s3_bucket_name), C(s3_key_prefix),
        C(sns_topic_name), C(is_multi_region_trail), C(include_global_events), C(enable_log_file_validation),
        C(kms_key_id), C(cloudwatch_logs_role_arn), C(cloudwatch_logs_log_group_arn), C(enable_logging), C(tags),
        C(purge_tags) and C(state=present).
    type: dict
  event_selectors:
    description:
      - The options given to M(kmsguard.alarms.cloudtrail_event_selectors).
    type: dict
  topic_arn:
    description:
      - ARN of the topic that O(topic) names. Required with O(topic) or O(topic_encryption).
    type: str
  topic:
    description:
      - The options given to M(community.aws.sns_topic) - C(name), C(display_name), C(policy), C(subscriptions),
        C(purge_subscriptions), C(tags), C(purge_tags) and C(state=present).
    type: dict
  topic_encryption:
    description:
      - The options given to M(kmsguard.alarms.sns_topic_encryption).
    type: dict
  metric_filter:
    description:
      - The options of M(kmsguard.alarms.kms_pending_metric_filter) that every filter of O(filters_and_alarms)
        shares, for example C(log_group_name) and C(metric_namespace).
    type: dict
  alarm:
    description:
      - The options of M(kmsguard.alarms.kms_pending_alarm) that every alarm of O(filters_and_alarms) shares, for
        example C(metric_namespace), C(alarm_actions) and C(tags).
    type: dict
  filters_and_alarms:
    description:
      - One item per metric filter and its alarm. The filter takes the item's C(filter_name), C(filter_pattern) and
        C(metric_name) with O(metric_filter); the alarm its C(alarm_name), C(alarm_description) and C(metric_name)
        with O(alarm). An item takes no other key.
    type: list
    elements: dict
    default: []
notes:
  - Parts not given are not read and not reported.
  - The caller needs the read permissions of the modules it stands in for - C(logs:DescribeLogGroups),
    C(logs:ListTagsLogGroup), C(logs:DescribeMetricFilters), C(cloudtrail:DescribeTrails),
    C(cloudtrail:GetTrailStatus), C(cloudtrail:ListTags), C(cloudtrail:GetEventSelectors),
    C(sns:GetTopicAttributes), C(sns:ListSubscriptionsByTopic), C(sns:ListTagsForResource),
    C(cloudwatch:DescribeAlarms) and C(cloudwatch:ListTagsForResource). Tags are read only when a part manages them.
seealso:
  - module: kmsguard.alarms.kms_pending_alarm_info
  - module: kmsguard.alarms.kms_pending_metric_filter
  - module: kmsguard.alarms.kms_pending_alarm
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3,
                                 kmsguard.alarms.attributes, kmsguard.alarms.attributes.READS]
"""

EXAMPLES = r"""
- name: Which parts of the chain are already in place
  kmsguard.alarms.kms_pending_chain_info:
    region: eu-west-1
    log_group:
      log_group_name: kmsguard-cloudtrail
      retention: 365
    trail:
      name: kmsguard-trail
      s3_bucket_name: kmsguard-cloudtrail-123456789012-eu-west-1
      enable_log_file_validation: true
      cloudwatch_logs_role_arn: arn:aws:iam::123456789012:role/kmsguard-cloudtrail-to-logs
      cloudwatch_logs_log_group_arn: arn:aws:logs:eu-west-1:123456789012:log-group:kmsguard-cloudtrail:*
    metric_filter:
      log_group_name: kmsguard-cloudtrail
    alarm:
      alarm_actions: [arn:aws:sns:eu-west-1:123456789012:kmsguard-kms-pending-deletion]
    filters_and_alarms:
      - filter_name: KMSKeyPendingDeletion
        metric_name: KMSKeyPendingDeletionErrorCount
        alarm_name: KMSKeyPendingDeletionErrorAlarm
  register: chain

- name: Only what differs is built
  amazon.aws.cloudtrail:
    name: kmsguard-trail
    s3_bucket_name: kmsguard-cloudtrail-123456789012-eu-west-1
    region: eu-west-1
  when: not chain.in_place.trail
"""

RETURN = r"""
in_place:
  description: For each part given, whether its module would change nothing. Parts not given are absent.
  returned: always
  type: dict
  sample:
    log_group: true
    trail: true
    event_selectors: true
    topic: false
    metric_filters: true
    alarms: true
converged:
  description: Whether every part given is in place (false when no part was given).
  returned: always
  type: bool
  sample: true
differences:
  description: For each part given, what its module would change (empty when in place).
  returned: always
  type: dict
  sample:
    log_group: []
    topic: [subscriptions to add]
current:
  description: What was read of the parts that a check-mode run needs to predict.
  returned: always
  type: dict
  contains:
    log_group:
      description:
        - The log group's C(retention) (days, null - never expires) and C(tags) (null when O(log_group) does not
          manage tags); null when the group does not exist.
      type: dict
      returned: when O(log_group) is given
  sample:
    log_group: {retention: 365, tags: null}
"""

import functools

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import alarms
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_reads
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import chain_decisions as decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import chain_reads
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_selectors
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import metric_filters
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import module_run
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import topic_encryption
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import aws_client
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import fail_on_problems

PARTS = ("log_group", "trail", "event_selectors", "topic", "topic_encryption")


def checked_options(params: dict) -> tuple[dict, list[dict], list[dict], list[str]]:
    """Every part's options with its module's defaults, each filter's and each alarm's, and every problem."""
    parts, problems = {}, []
    for part in PARTS:
        if params[part] is not None:
            parts[part], found = decisions.validated(part, params[part])
            problems += found
    if (params["topic"] is not None or params["topic_encryption"] is not None) and not params["topic_arn"]:
        problems.append("topic_arn is required with topic or topic_encryption: the ARN of the topic they name.")
    items = params["filters_and_alarms"]
    problems += decisions.items_problems(items)
    if items and (params["metric_filter"] is None or params["alarm"] is None):
        problems.append("filters_and_alarms needs metric_filter and alarm: the options every filter and alarm shares.")
    filters, alarm_list = [], []
    if items and not problems:
        for item in items:
            one, found = decisions.validated(
                "metric_filter", decisions.item_params(params["metric_filter"], item, decisions.FILTER_ITEM_KEYS)
            )
            filters.append(one)
            problems += found
            one, found = decisions.validated(
                "alarm", decisions.item_params(params["alarm"], item, decisions.ALARM_ITEM_KEYS)
            )
            alarm_list.append(one)
            problems += found
    return parts, filters, alarm_list, problems


def log_group_part(client_of, parts: dict, differences: dict, current: dict) -> None:
    if "log_group" not in parts:
        return
    params = parts["log_group"]
    client = client_of("logs")
    group = audit_reads.describe_log_group(client, params["log_group_name"])
    # Tags are read only when the part manages them, as the module does (with tags unset it leaves them alone).
    manages_tags = group is not None and params["tags"] is not None
    tags = chain_reads.list_log_group_tags(client, params["log_group_name"]) if manages_tags else None
    differences["log_group"] = decisions.log_group_differences(params, group, tags)
    current["log_group"] = {"retention": group.get("retentionInDays"), "tags": tags} if group else None


def trail_parts(module, client_of, parts: dict, differences: dict) -> None:
    if "trail" not in parts and "event_selectors" not in parts:
        return
    client = client_of("cloudtrail")
    if "trail" in parts:
        params = parts["trail"]
        trail = chain_reads.describe_trail(client, params["name"])
        logging = audit_reads.get_trail_status(client, trail["TrailARN"])["IsLogging"] if trail else None
        tags = chain_reads.list_trail_tags(client, trail["TrailARN"]) if trail and params["tags"] is not None else None
        differences["trail"] = decisions.trail_differences(params, trail, logging, tags)
    if "event_selectors" in parts:
        params = parts["event_selectors"]
        # None when the trail does not exist.
        answer = event_selectors.get_event_selectors(client, params["trail_name"])
        differences["event_selectors"] = decisions.event_selector_differences(params, answer, module.region)


def topic_parts(module, client_of, parts: dict, differences: dict) -> None:
    if "topic" not in parts and "topic_encryption" not in parts:
        return
    topic_arn = module.params["topic_arn"]
    client = client_of("sns")
    attributes = topic_encryption.get_topic_attributes(client, topic_arn)
    if "topic" in parts:
        params = parts["topic"]
        subscriptions = audit_reads.list_subscriptions_by_topic(client, topic_arn) if attributes else None
        tags = chain_reads.list_topic_tags(client, topic_arn) if attributes and params["tags"] is not None else None
        differences["topic"] = decisions.topic_differences(params, attributes, subscriptions, tags)
    if "topic_encryption" in parts:
        differences["topic_encryption"] = decisions.topic_encryption_differences(
            parts["topic_encryption"], attributes, module.region
        )


def filter_and_alarm_parts(module, client_of, filters: list, alarm_list: list, differences: dict) -> None:
    if not filters:
        return
    logs = client_of("logs")
    differences["metric_filters"] = []
    for params in filters:
        # None when the filter's log group does not exist.
        found = metric_filters.describe_metric_filters(logs, params["log_group_name"], params["filter_name"])
        differences["metric_filters"] += decisions.metric_filter_differences(params, found)
    cloudwatch = client_of("cloudwatch")
    differences["alarms"] = []
    for params in alarm_list:
        described = alarms.describe_alarm(cloudwatch, params["alarm_name"])
        manages_tags = described is not None and params["tags"] is not None
        tags = alarms.list_alarm_tags(cloudwatch, described["AlarmArn"]) if manages_tags else None
        differences["alarms"] += decisions.alarm_differences(params, described, tags, module.region)


def do(module) -> None:
    parts, filters, alarm_list, problems = checked_options(module.params)
    fail_on_problems(module, problems)
    differences, current = {}, {}
    # One client per service for the whole run (the log group and the metric filters share the logs client).
    client_of = functools.cache(lambda service: aws_client(module, service))
    log_group_part(client_of, parts, differences, current)
    trail_parts(module, client_of, parts, differences)
    topic_parts(module, client_of, parts, differences)
    filter_and_alarm_parts(module, client_of, filters, alarm_list, differences)
    in_place, converged = decisions.in_place(differences)
    module.exit_json(changed=False, in_place=in_place, converged=converged, differences=differences, current=current)


def main() -> None:
    argument_spec = {
        "log_group": {"type": "dict"},
        "trail": {"type": "dict"},
        "event_selectors": {"type": "dict"},
        "topic_arn": {"type": "str"},
        "topic": {"type": "dict"},
        "topic_encryption": {"type": "dict"},
        "metric_filter": {"type": "dict"},
        "alarm": {"type": "dict"},
        "filters_and_alarms": {"type": "list", "elements": "dict", "default": []},
    }
    module_run.run(argument_spec, do)


if __name__ == "__main__":
    main()
