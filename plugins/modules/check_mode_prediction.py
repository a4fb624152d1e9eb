# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The documentation of the action plugin kmsguard.alarms.check_mode_prediction
# (plugins/action/check_mode_prediction.py), which runs on the controller: this file is never executed.

from __future__ import annotations

DOCUMENTATION = r"""
module: check_mode_prediction
short_description: Predict, in check mode, what a module without check mode would change
version_added: 1.0.0
description:
  - Runs on the controller and makes no AWS call. The role
    P(kmsguard.alarms.pending_deletion_alarm#role) uses it in check
    mode where a module cannot tell - M(amazon.aws.s3_bucket) has no check mode, M(amazon.aws.cloudwatchlogs_log_group)
    writes a changed retention even in check mode, and a topic, a metric filter or an
    inline role policy cannot be checked against a topic, log group or IAM role that check mode did not create.
  - It compares the current state (as the role read it) with the desired one field by field, as the real module
    would, and reports C(changed) and, with C(--diff), the before and after.
options:
  resource:
    description:
      - C(bucket) - the trail bucket as M(amazon.aws.s3_bucket) would make it; O(current) is an item of
        M(amazon.aws.s3_bucket_info)'s C(buckets) (or null when there is none).
      - C(bucket_absent) - the deletion of that bucket.
      - C(created) - a resource that does not exist yet and would be created as O(desired) says.
      - C(log_group) - an existing log group as M(amazon.aws.cloudwatchlogs_log_group) would change it, which in
        check mode writes the retention it would change (so the role does not run it in check mode on an existing
        group); O(current) and O(desired) have the keys C(retention) and C(tags) (null or empty - not managed).
      - C(new_trail_event_selectors) - the event selectors of a trail that check mode did not create, as
        M(kmsguard.alarms.cloudtrail_event_selectors) will set them once the trail exists. CloudTrail gives a new
        trail its default selector (every management event, read and write), so only O(desired) selectors that
        differ from it are a change; O(desired) has the key C(event_selectors) (that module's option).
    type: str
    required: true
    choices: [bucket, bucket_absent, created, log_group, new_trail_event_selectors]
  kind:
    description: What the resource is, for the message (for example C(bucket), C(topic), C(metric filter)).
    type: str
    required: true
  name:
    description: Name of the resource.
    type: str
    required: true
  current:
    description: The resource as it is now; null when it does not exist.
    type: raw
  desired:
    description:
      - The resource as the run would make it.
      - For C(bucket) the keys C(policy), C(encryption), C(encryption_key_id) and C(tags) (null or empty - tags are
        not managed).
    type: dict
    default: {}
  purge_tags:
    description: Whether the real run would remove tags that O(desired) does not name (never C(aws:*) tags).
    type: bool
    default: true
author:
  - kmsguard.alarms maintainers (@kmsguard)
attributes:
  check_mode:
    support: full
    description: Only predicts; meant for check mode.
  diff_mode:
    support: full
    description: Returns the predicted before and after.
  action:
    support: full
    description: Runs on the controller only.
"""

EXAMPLES = r"""
- name: Read the bucket
  amazon.aws.s3_bucket_info:
    name: my-trail-bucket
    bucket_facts:
      bucket_encryption: true
      bucket_ownership_controls: true
      bucket_policy: true
      bucket_versioning: true
      public_access_block: true
  register: bucket_info
  when: ansible_check_mode

- name: Predict what amazon.aws.s3_bucket would change
  kmsguard.alarms.check_mode_prediction:
    resource: bucket
    kind: bucket
    name: my-trail-bucket
    current: "{{ bucket_info.buckets | first | default(none) }}"
    desired:
      policy: "{{ bucket_policy }}"
      encryption: AES256
      encryption_key_id:
      tags: {}
  when: ansible_check_mode
"""

RETURN = r"""
msg:
  description: What the run would do, for example C(would update bucket my-trail-bucket - policy, versioning).
  returned: always
  type: str
diff:
  description: The resource before and after (empty for a resource that does not exist), with C(--diff).
  returned: with --diff
  type: dict
"""
