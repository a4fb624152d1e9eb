# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The documentation of the action plugin kmsguard.alarms.deployment_plan (plugins/action/deployment_plan.py), which
# runs on the controller: this file is never executed.

from __future__ import annotations

DOCUMENTATION = r"""
module: deployment_plan
short_description: Check the pending_deletion_alarm role's inputs and plan one target's work, without AWS calls
version_added: 1.0.0
description:
  - Runs on the controller and makes no AWS call. The role
    P(kmsguard.alarms.pending_deletion_alarm#role) calls it first on
    every target; it is documented for users who compose the collection's modules themselves.
  - Reads the role's variables (C(pending_deletion_alarm_*)) and every play target's C(aws_region), C(aws_profile)
    and C(aws_assume_role_arn), and checks them together (regions against botocore's region data, emails, names,
    KMS key forms, purge combinations, retention, serial batches). All problems are reported at once, each naming
    the variable, the bad value and what is expected.
  - Without O(caller_identity_var) it returns which identity reads this target must make (one per set of
    credentials). With it, it completes the plan from the identities those reads returned - account, partition,
    the account's targets, leader, home region, region, whether this target acts, every name, ARN and policy
    document the role uses.
options:
  caller_identity_var:
    description:
      - Name of the variable in which the targets registered the result of M(amazon.aws.aws_caller_info).
      - Unset - plan the identity reads only (the plan's C(complete) is false).
    type: str
author:
  - kmsguard.alarms maintainers (@kmsguard)
notes:
  - Targets reached through C(aws_assume_role_arn) need no caller identity read - account and partition are in the ARN.
  - The plan groups targets by account over the whole play, so the play must not run in C(serial) batches.
attributes:
  check_mode:
    support: full
    description: Makes no change; the same plan in check mode.
  diff_mode:
    support: none
    description: Makes no change.
  action:
    support: full
    description: Runs on the controller only.
"""

EXAMPLES = r"""
- name: Check the inputs and plan the identity reads (no AWS call)
  kmsguard.alarms.deployment_plan:
  register: plan

- name: Read the account id once per set of credentials
  amazon.aws.aws_caller_info:
  register: caller
  when: plan.reads_caller_identity

- name: Complete the plan
  kmsguard.alarms.deployment_plan:
    caller_identity_var: caller
  register: plan
"""

RETURN = r"""
complete:
  description: Whether the plan holds the account-level values (false before the identity reads).
  returned: always
  type: bool
identity_host:
  description: The target (inventory host) that reads the identity for every target with the same credentials.
  returned: always
  type: str
reads_caller_identity:
  description: Whether this target calls STS GetCallerIdentity for its credentials.
  returned: always
  type: bool
assumes_role:
  description: Whether this target assumes C(aws_assume_role_arn) for the targets that share it.
  returned: always
  type: bool
account_id:
  description: The target's AWS account.
  returned: when complete
  type: str
  sample: "123456789012"
partition:
  description: The account's partition.
  returned: when complete
  type: str
  sample: aws
account_hosts:
  description: The account's targets, in play order.
  returned: when complete
  type: list
  elements: str
is_leader:
  description: Whether this target is the account's first, which manages the account-level IAM role and bucket.
  returned: when complete
  type: bool
acts:
  description: Whether this target deploys (one target per place; in the account topology the leader only).
  returned: when complete
  type: bool
home_region:
  description: Region of the account-level resources (and of everything in the account topology).
  returned: when complete
  type: str
region:
  description: Region this target's trail, log group, topic, filter and alarm are in.
  returned: when complete
  type: str
covered_hosts:
  description:
    - The account's other targets whose calls this target's chain sees - all of them in the account topology, the
      other targets of its own region in the regional topology. Verify reports them as covered by this target.
  returned: when complete
  type: list
  elements: str
covered_regions:
  description: The regions of RV(covered_hosts) other than RV(region), which the audit checks the trail covers.
  returned: when complete
  type: list
  elements: str
bucket:
  description: Name of the trail bucket.
  returned: when complete
  type: str
log_group:
  description: Log group the filters go on (the existing one when reused).
  returned: when complete
  type: str
reuses_log_group:
  description: Whether an existing log group is reused (no trail, bucket, IAM role or log group of the role's own).
  returned: when complete
  type: bool
arns:
  description: ARNs the role uses (bucket, log_group, log_streams, delivery_role, trails, topic, alarms).
  returned: when complete
  type: dict
policies:
  description: Policy documents (bucket, topic, delivery_role_trust, delivery_role).
  returned: when complete
  type: dict
subscriptions:
  description: The topic's email subscriptions.
  returned: when complete
  type: list
  elements: dict
alarms:
  description: The metric filters and alarms (the procedure's and, optionally, the CIS companion).
  returned: when complete
  type: list
  elements: dict
problems:
  description: Every input problem found; the task fails when there is one.
  returned: on failure
  type: list
  elements: str
"""
