#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kms_key_cancel_deletion
version_added: 1.0.0
short_description: Cancel the scheduled deletion of KMS keys, and optionally enable them again
description:
  - Cancels the scheduled deletion (CancelKeyDeletion) of each named KMS key that is C(PendingDeletion) or
    C(PendingReplicaDeletion). CancelKeyDeletion leaves a key C(Disabled), so the calls that failed keep failing;
    with O(enable), the key is also enabled (EnableKey).
  - A key that is not pending deletion is reported and left as it is, whatever its state.
  - Every key is described first. When any named key does not exist, cannot be described, or belongs to another
    account than O(account_id), the module fails before any write and changes nothing.
  - Why not M(amazon.aws.kms_key) - with O(amazon.aws.kms_key#module:state=present) it does cancel a deletion,
    but it manages the whole key, not just its deletion. Its O(amazon.aws.kms_key#module:enabled) is true or
    false, so on a key that is B(not) pending deletion it enables a key disabled on purpose, or disables an
    enabled one. It cancels only C(PendingDeletion), not C(PendingReplicaDeletion). It handles one key per task,
    so an unknown key in a list fails after the keys before it were changed. And it returns no before/after diff.
author:
  - kmsguard.alarms maintainers (@kmsguard)
options:
  key_ids:
    description:
      - The keys - key IDs, key ARNs, alias names or alias ARNs. A key ARN or alias ARN is looked up in its own
        region; the others in the module's region.
    type: list
    elements: str
    required: true
  enable:
    description: Also enable each key whose deletion is cancelled.
    type: bool
    default: false
  account_id:
    description:
      - The account the keys must belong to (a key's deletion can only be cancelled in its own account). Unset - not
        checked before the writes.
    type: str
notes:
  - The caller needs C(kms:DescribeKey), C(kms:CancelKeyDeletion) and, with O(enable), C(kms:EnableKey).
seealso:
  - module: kmsguard.alarms.kms_pending_events
  - module: amazon.aws.kms_key
  - name: Cancel key deletion
    description: AWS KMS developer guide.
    link: https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-scheduling-key-deletion.html
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3,
                                 kmsguard.alarms.attributes, kmsguard.alarms.attributes.CHANGES]
attributes:
  diff_mode:
    details: Each key's state before and after, by key ARN (C(PendingDeletion) -> C(Disabled) or C(Enabled)).
"""

EXAMPLES = r"""
- name: Cancel the deletion of a key and enable it again
  kmsguard.alarms.kms_key_cancel_deletion:
    key_ids:
      - arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    enable: true
  register: cancelled

- name: Cancel by alias in the module's region, check mode shows what would change
  kmsguard.alarms.kms_key_cancel_deletion:
    region: eu-west-1
    key_ids: [alias/payments]
  check_mode: true
  diff: true
"""

RETURN = r"""
key_results:
  description: What happened to each key, in the order named (a key named twice once).
  returned: always
  type: list
  elements: dict
  contains:
    reference:
      description: The key as named in O(key_ids).
      type: str
    key_arn:
      description: ARN of the key.
      type: str
    key_id:
      description: ID of the key.
      type: str
    region:
      description: Region of the key.
      type: str
    before:
      description: C(key_state) (and C(deletion_date) while pending deletion) before the run.
      type: dict
      sample: {key_state: PendingDeletion, deletion_date: "2030-01-07T10:00:00+00:00"}
    after:
      description: C(key_state) after the run (predicted in check mode).
      type: dict
      sample: {key_state: Disabled}
    action:
      description: V(cancelled), V(cancelled_and_enabled) or V(not_pending_deletion) (left alone).
      type: str
      sample: cancelled_and_enabled
"""

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_facts
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_reads
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import key_deletion
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import key_deletion_decisions as decide
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import module_run
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import plan


def do(module) -> None:
    params = module.params
    problems = decide.validate_params(params)
    problems += [] if module.region else ["No region is set: set region (or AWS_REGION)."]
    plan.fail_on_problems(module, problems)

    clients = audit_facts.Clients(module)
    found = []
    for reference in params["key_ids"]:
        region = decide.reference_region(reference, module.region)
        found.append((reference, region, audit_reads.describe_key(clients.get("kms", region), reference)))
    plan.fail_on_problems(module, decide.unknown_problems(found, params["account_id"]))

    cancellation, results = decide.plan_cancellation(found, params["enable"])
    plan.finish(module, clients, cancellation, key_deletion.WRITERS, {"key_results": results})


def main() -> None:
    argument_spec = {
        "key_ids": {"type": "list", "elements": "str", "required": True, "no_log": False},
        "enable": {"type": "bool", "default": False},
        "account_id": {"type": "str"},
    }
    module_run.run(argument_spec, do)


if __name__ == "__main__":
    main()
