#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kms_pending_events
version_added: 1.0.0
short_description: Find the calls on KMS keys pending deletion - which key, which call, who
description:
  - The alarm of the AWS KMS procedure "Creating an alarm that detects usage of a KMS key pending deletion" says
    that a key pending deletion was used, not which key, which call or who made it. This module answers that from
    the trail's events in CloudWatch Logs.
  - Searches the log group over a time window with FilterLogEvents and the filter pattern (AWS filters
    server-side, every page is read), then confirms every event with the collection's local filter-pattern engine,
    so only events that the pattern really matches are reported.
  - Returns the calls grouped by KMS key, most urgent first - the key's state now, its deletion date and days left
    (DescribeKey), its aliases, each operation with its count, first and last seen, the callers (principal, the
    AWS service that called on its behalf, source IP address, user agent), the regions the calls came from, and
    the first events themselves.
  - With the C(account) topology of the role, one multi-region trail delivers the events of every region to the
    home region's log group, so one search in the home region covers every region; RV(called_keys[].call_regions) says
    where each call came from.
  - Read only.
author:
  - kmsguard.alarms maintainers (@kmsguard)
options:
  log_group_name:
    description:
      - The CloudWatch Logs log group that a trail delivers to.
      - When not set, it is found as M(kmsguard.alarms.kms_pending_alarm_info) finds it - from the trails that
        deliver to CloudWatch Logs in the region; with several, the first whose metric filters count the calls.
    type: str
  start_time:
    description:
      - Start of the time window, as an ISO 8601 time (UTC unless it names a zone) or a time relative to now such
        as V(30m), V(24h), V(7d) or V(2w).
      - When not set - since the alarm O(alarm_name) last left C(OK) (less one hour, for the delivery delay), if
        its state or history says so; else the last 24 hours. RV(window) says which.
    type: str
  end_time:
    description: End of the time window, in the same forms as O(start_time). When not set - now.
    type: str
  filter_pattern:
    description:
      - The JSON filter pattern of the calls to find. The default is the procedure's. With the role's
        C(pending_deletion_alarm_match_replica_deletion), pass the replica variant (the playbook
        C(kmsguard.alarms.investigate) does).
    type: str
    default: '{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}'
  alarm_name:
    description: The alarm whose last departure from C(OK) opens the default time window.
    type: str
    default: KMSKeyPendingDeletionErrorAlarm
  max_events:
    description:
      - The most events returned per key in RV(called_keys[].events); every event is still counted.
        RV(called_keys[].events_truncated) says when some were left out.
    type: int
    default: 20
notes:
  - The caller needs C(logs:FilterLogEvents), C(kms:DescribeKey) and C(kms:ListAliases) (in each region whose keys
    were called), C(cloudwatch:DescribeAlarms) and C(cloudwatch:DescribeAlarmHistory) for the default window, and
    C(cloudtrail:DescribeTrails) and C(logs:DescribeMetricFilters) to find the log group.
  - A long window in a busy account reads many events; FilterLogEvents is billed per GB scanned.
  - CloudTrail delivers events to CloudWatch Logs within about 5 minutes (rarely 15); a call made in the last
    minutes may not be found yet.
seealso:
  - module: kmsguard.alarms.kms_pending_alarm_info
  - module: kmsguard.alarms.metric_filter_test
  - name: Creating an alarm that detects usage of a KMS key pending deletion
    description: The AWS KMS procedure.
    link: https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-creating-cloudwatch-alarm.html
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3,
                                 kmsguard.alarms.attributes, kmsguard.alarms.attributes.READS]
"""

EXAMPLES = r"""
- name: Which key, which call, who - since the alarm last fired
  kmsguard.alarms.kms_pending_events:
    region: us-east-1
  register: calls

- name: The last 7 days of a named log group
  kmsguard.alarms.kms_pending_events:
    region: us-east-1
    log_group_name: /aws/cloudtrail/kmsguard
    start_time: 7d

- name: One line per key
  ansible.builtin.debug:
    msg: >-
      {{ item.key_arn }} ({{ item.aliases | join(', ') }}): {{ item.days_left }} days left,
      {{ item.call_count }} calls by {{ item.callers | map(attribute='principal_arn') | unique | join(', ') }}
  loop: "{{ calls.called_keys }}"
"""

RETURN = r"""
region:
  description: The region searched.
  returned: always
  type: str
  sample: us-east-1
log_group_name:
  description: The log group searched (given or found).
  returned: always
  type: str
  sample: /aws/cloudtrail/kmsguard
filter_pattern:
  description: The pattern of the search.
  returned: always
  type: str
window:
  description: The time window searched.
  returned: always
  type: dict
  contains:
    start:
      description: Start (ISO 8601).
      type: str
    end:
      description: End (ISO 8601).
      type: str
    source:
      description:
        - Where the start comes from - V(start_time) (the option), V(alarm) (since the alarm left OK;
          C(alarm_left_ok_at) says when) or V(default) (the last 24 hours; C(reason) says why, and
          C(history_error) why the alarm's history could not be read).
      type: str
  sample: {start: "2024-05-06T06:00:00+00:00", end: "2024-05-06T09:00:00+00:00", source: alarm,
           alarm_left_ok_at: "2024-05-06T07:00:00+00:00"}
events_read:
  description: The log events FilterLogEvents returned.
  returned: always
  type: int
events_matched:
  description: Those that the local engine confirmed, counted once each.
  returned: always
  type: int
pages_read:
  description: The FilterLogEvents pages read.
  returned: always
  type: int
found:
  description: Whether any call on a key pending deletion was found.
  returned: always
  type: bool
called_keys:
  description: The keys that were called, fewest days left first, then the most calls.
  returned: always
  type: list
  elements: dict
  contains:
    key_arn:
      description: ARN of the key.
      type: str
    key_id:
      description: ID of the key.
      type: str
    region:
      description: Region of the key.
      type: str
    account_id:
      description: Account of the key.
      type: str
    aliases:
      description: Alias names of the key.
      type: list
      elements: str
    key_state:
      description: State of the key now (DescribeKey); null when it cannot be read (deleted, or another account's).
      type: str
    deletion_date:
      description: When AWS deletes the key (ISO 8601); null when no deletion is scheduled.
      type: str
    days_left:
      description: Whole days until the deletion, rounded up; null without a deletion date.
      type: int
    call_count:
      description: The calls on the key in the window.
      type: int
    first_seen:
      description: Time of the first call (CloudTrail eventTime).
      type: str
    last_seen:
      description: Time of the last call.
      type: str
    operations:
      description: C(operation), C(count), C(first_seen), C(last_seen) of each operation, most calls first.
      type: list
      elements: dict
    callers:
      description:
        - One entry per principal, calling service, source IP address and user agent, most calls first -
          C(principal_arn), C(principal_type), C(role_arn) (the role of an assumed-role session), C(account_id),
          C(invoked_by) (the AWS service that called on the principal's behalf), C(source_ip), C(user_agent),
          C(operations), C(count), C(first_seen), C(last_seen).
      type: list
      elements: dict
    call_regions:
      description: C(region), C(count), C(first_seen), C(last_seen) of each region the calls came from.
      type: list
      elements: dict
    events:
      description: The first O(max_events) calls, oldest first, each with its time, operation, region, error and caller.
      type: list
      elements: dict
    events_truncated:
      description: Whether calls were left out of RV(called_keys[].events).
      type: bool
"""

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import module_run
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_events
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_events_facts
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_keys
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import plan


def do(module) -> None:
    now = pending_keys.utc_now()
    problems = pending_events.validate_params(module.params, now)
    problems += [] if module.region else ["No region is set: set region (or AWS_REGION) to the region to search."]
    plan.fail_on_problems(module, problems)
    module.exit_json(changed=False, **pending_events_facts.search(module, now))


def main() -> None:
    argument_spec = {
        "log_group_name": {"type": "str"},
        "start_time": {"type": "str"},
        "end_time": {"type": "str"},
        "filter_pattern": {"type": "str", "default": constants.FILTER_PATTERN},
        "alarm_name": {"type": "str", "default": constants.ALARM_NAME},
        "max_events": {"type": "int", "default": pending_events.DEFAULT_MAX_EVENTS},
    }
    module_run.run(argument_spec, do)


if __name__ == "__main__":
    main()
