#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kms_pending_metric_filter
version_added: 1.0.0
short_description: CloudWatch Logs metric filter that counts uses of KMS keys pending deletion
description:
  - Creates, updates or deletes the CloudWatch Logs metric filter of the AWS KMS procedure
    "Creating an alarm that detects usage of a KMS key pending deletion" on the log group that CloudTrail
    delivers to.
  - Every option defaults to the procedure's value, so giving O(log_group_name) alone yields the filter the
    procedure asks for. Pair it with M(kmsguard.alarms.kms_pending_alarm), which alarms on the filter's metric.
  - The filter is found by its exact name. A filter whose name merely starts with O(filter_name) (for example
    C(KMSKeyPendingDeletionOld)) is never read as this one, changed or deleted.
  - A run that finds the filter as asked makes a single read call (DescribeMetricFilters) and no write.
  - Settings of the filter this module has no option for (the metric's unit and dimensions,
    C(applyOnTransformedLogs), C(fieldSelectionCriteria), C(emitSystemFieldDimensions)) are kept as they are
    when the filter is updated.
author:
  - kmsguard.alarms maintainers (@kmsguard)
options:
  log_group_name:
    description:
      - Name of the CloudWatch Logs log group that CloudTrail delivers the trail's events to.
      - The log group must exist. If it does not, the module fails without writing anything.
    type: str
    required: true
  filter_name:
    description:
      - Name of the metric filter, unique within the log group. It must not contain C(:) or C(*).
    type: str
    default: KMSKeyPendingDeletion
  filter_pattern:
    description:
      - The filter pattern that selects the CloudTrail events to count. It must not be empty, since an empty
        pattern matches every event.
      - Unset - the procedure's pattern C({ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}), which
        matches KMS calls that failed because the key is pending deletion; with O(match_replica_deletion=true), the
        variant that also matches C(... is pending replica deletion.).
    type: str
  match_replica_deletion:
    description:
      - Also count calls on multi-Region replica keys whose deletion is scheduled (key state
        C(PendingReplicaDeletion)); they fail with C(<key ARN> is pending replica deletion.), which the procedure's
        pattern does not match.
      - "Trade-off: the pattern then differs from the AWS procedure's text, so tools that look for that exact text
        (or the console's procedure) no longer recognise the filter; and a replica's deletion can be cancelled only
        while its primary key still exists. Leave it false when the account has no multi-Region keys."
      - Mutually exclusive with O(filter_pattern).
    type: bool
    default: false
  metric_name:
    description:
      - Name of the CloudWatch metric the filter publishes to. It must not contain C(:), C(*) or C($).
    type: str
    default: KMSKeyPendingDeletionErrorCount
  metric_namespace:
    description:
      - Namespace of the CloudWatch metric. It must not contain C(:), C(*) or C($).
    type: str
    default: CloudTrailLogMetrics
  metric_value:
    description:
      - Value published for each matching event, as a string. A number, or a field of the event such as
        C($.bytes).
    type: str
    default: "1"
  default_value:
    description:
      - Value published for each period in which no event matches.
      - When not set, nothing is published for such periods (no data), which is what the procedure does. A filter
        that has a default value is changed to have none.
    type: float
  state:
    description:
      - V(present) creates the filter or updates it to the options.
      - V(absent) deletes the filter named O(filter_name). A missing filter or log group is not an error then.
    type: str
    choices: ["present", "absent"]
    default: present
notes:
  - PutMetricFilter replaces the whole filter; this module only writes when a compared field differs, and then
    writes the filter exactly once.
  - Check mode reads the current filter, reports the same C(changed) and the predicted filter, and writes nothing.
seealso:
  - name: Creating an alarm that detects usage of a KMS key pending deletion
    description: The AWS KMS procedure whose values are this module's defaults.
    link: https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-creating-cloudwatch-alarm.html
  - module: kmsguard.alarms.kms_pending_alarm
  - module: amazon.aws.cloudwatchlogs_log_group
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3,
                                 kmsguard.alarms.attributes, kmsguard.alarms.attributes.CHANGES]
"""

EXAMPLES = r"""
- name: The procedure's metric filter on the CloudTrail log group
  kmsguard.alarms.kms_pending_metric_filter:
    log_group_name: /aws/cloudtrail/org

- name: The same filter in another region, with a zero for quiet minutes
  kmsguard.alarms.kms_pending_metric_filter:
    log_group_name: /aws/cloudtrail/org
    region: eu-west-1
    default_value: 0

- name: Set the region once for this module and the amazon.aws modules
  module_defaults:
    group/kmsguard.alarms.aws:
      region: eu-central-1
  block:
    - name: The log group CloudTrail delivers to
      amazon.aws.cloudwatchlogs_log_group:
        log_group_name: /aws/cloudtrail/org
    - name: The metric filter on it
      kmsguard.alarms.kms_pending_metric_filter:
        log_group_name: /aws/cloudtrail/org

- name: Remove the filter
  kmsguard.alarms.kms_pending_metric_filter:
    log_group_name: /aws/cloudtrail/org
    state: absent
"""

RETURN = r"""
metric_filter:
  description:
    - The metric filter after the run (predicted in check mode), in the shape of DescribeMetricFilters with
      snake_case keys and without C(creation_time).
    - An empty dictionary when O(state=absent).
  returned: always
  type: dict
  contains:
    filter_name:
      description: Name of the metric filter.
      returned: when O(state=present)
      type: str
      sample: KMSKeyPendingDeletion
    log_group_name:
      description: Name of the log group the filter belongs to.
      returned: when O(state=present)
      type: str
      sample: /aws/cloudtrail/org
    filter_pattern:
      description: The filter pattern.
      returned: when O(state=present)
      type: str
      sample: '{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}'
    metric_transformations:
      description: The metric the filter publishes (one item).
      returned: when O(state=present)
      type: list
      elements: dict
      contains:
        metric_name:
          description: Name of the CloudWatch metric.
          returned: always
          type: str
          sample: KMSKeyPendingDeletionErrorCount
        metric_namespace:
          description: Namespace of the CloudWatch metric.
          returned: always
          type: str
          sample: CloudTrailLogMetrics
        metric_value:
          description: Value published per matching event.
          returned: always
          type: str
          sample: "1"
        default_value:
          description: Value published when nothing matches.
          returned: when set
          type: float
          sample: 0.0
        unit:
          description: Unit of the metric, kept from the existing filter.
          returned: when set on the filter
          type: str
          sample: Count
        dimensions:
          description: Dimensions of the metric, kept from the existing filter.
          returned: when set on the filter
          type: dict
          sample: {}
    apply_on_transformed_logs:
      description: Whether the filter applies to transformed log events, kept from the existing filter.
      returned: when AWS reports it
      type: bool
      sample: false
"""

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import metric_filter_decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import metric_filters
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import module_run
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import aws_client
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import fail_on_problems
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import finish


def missing_log_group_message(module) -> str:
    name = module.params["log_group_name"]
    return (
        f"Log group {name!r} does not exist in region {module.region}. Create it (for example with "
        "amazon.aws.cloudwatchlogs_log_group), or point the CloudTrail trail's CloudWatch Logs delivery at an "
        "existing log group and pass that name as log_group_name."
    )


def current_filter(module, client):
    """The filter named exactly filter_name, or None; fails the module when a filter is wanted on a missing group.

    DescribeMetricFilters answers ResourceNotFoundException for a missing log group, so the one read that finds
    the filter also proves the group exists: no separate DescribeLogGroups call.
    """
    params = module.params
    filters = metric_filters.describe_metric_filters(client, params["log_group_name"], params["filter_name"])
    if filters is None:
        if params["state"] == "present":
            module.fail_json(msg=missing_log_group_message(module))
        return None
    return metric_filter_decisions.find_filter(filters, params["filter_name"])


def do(module) -> None:
    fail_on_problems(module, metric_filter_decisions.validate_params(module.params))
    client = aws_client(module, "logs")
    plan = metric_filter_decisions.plan_metric_filter(module.params, current_filter(module, client))
    finish(module, client, plan, metric_filters.WRITERS, {"metric_filter": plan.after})


def main() -> None:
    module_run.run(metric_filter_decisions.ARGUMENT_SPEC, do)


if __name__ == "__main__":
    main()
