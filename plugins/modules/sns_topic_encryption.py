#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sns_topic_encryption
version_added: 1.0.0
short_description: Server-side encryption of an SNS topic with a customer managed KMS key
description:
  - Sets or removes the KMS key that encrypts an existing SNS topic at rest (the topic attribute
    C(KmsMasterKeyId)), which M(community.aws.sns_topic) cannot set.
  - Meant for the topic that CloudWatch alarms notify. CloudWatch can publish to an encrypted topic only when the
    key's policy lets it use the key, so the AWS managed SNS key C(alias/aws/sns) is refused before any AWS call.
  - A run that finds the topic as asked makes a single read call (GetTopicAttributes) and no write; otherwise
    it writes the attribute once (SetTopicAttributes).
  - The module never creates or deletes the topic, and touches no other attribute of it.
author:
  - kmsguard.alarms maintainers (@kmsguard)
options:
  topic_arn:
    description:
      - ARN of the SNS topic, in the region the module runs in (O(region)).
      - With O(state=present) the topic must exist. If it does not, the module fails without writing anything.
    type: str
    required: true
  kms_key_id:
    description:
      - The customer managed KMS key that encrypts the topic, as a key ID, a key ARN, an alias name
        (C(alias/NAME)) or an alias ARN.
      - The key's policy must allow the service principal C(cloudwatch.amazonaws.com) the actions C(kms:Decrypt)
        and C(kms:GenerateDataKey*); otherwise alarm notifications to the topic are lost.
      - C(alias/aws/sns), the AWS managed SNS key, is refused as an alias name and as an alias ARN;
        CloudWatch cannot publish to a topic encrypted with it. Its key ID or key ARN cannot be recognised without
        asking AWS KMS, so do not give it either.
      - SNS keeps the value as it was set and reports it that way, so the same key given in another form (an
        alias instead of its key ARN) is a change.
      - An empty string turns the topic's encryption off.
      - Required with O(state=present).
    type: str
  state:
    description:
      - V(present) encrypts the topic with O(kms_key_id) (or, when O(kms_key_id) is empty, leaves it unencrypted).
      - V(absent) turns the topic's encryption off. A missing topic is not an error then.
    type: str
    choices: ["present", "absent"]
    default: present
notes:
  - Check mode reads the topic's attributes, reports the same C(changed) and the predicted key, and writes nothing.
  - The caller needs C(sns:GetTopicAttributes) and C(sns:SetTopicAttributes) on the topic.
seealso:
  - name: Encryption at rest for Amazon SNS
    description: Server-side encryption of SNS topics, and the key policy CloudWatch needs.
    link: https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
  - module: community.aws.sns_topic
  - module: kmsguard.alarms.kms_pending_alarm
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3,
                                 kmsguard.alarms.attributes, kmsguard.alarms.attributes.CHANGES]
"""

EXAMPLES = r"""
- name: Encrypt the alarm topic with a customer managed key that CloudWatch may use
  kmsguard.alarms.sns_topic_encryption:
    topic_arn: arn:aws:sns:eu-west-1:123456789012:kmsguard-kms-pending-deletion
    kms_key_id: alias/cloudwatch-alarms
    region: eu-west-1

- name: Create the topic, then encrypt it (the region set once for both)
  module_defaults:
    group/kmsguard.alarms.aws:
      region: eu-central-1
  block:
    - name: The topic
      community.aws.sns_topic:
        name: kms-pending-deletion
      register: topic
    - name: Its encryption
      kmsguard.alarms.sns_topic_encryption:
        topic_arn: "{{ topic.sns_arn }}"
        kms_key_id: arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab

- name: Turn the topic's encryption off
  kmsguard.alarms.sns_topic_encryption:
    topic_arn: arn:aws:sns:eu-west-1:123456789012:kmsguard-kms-pending-deletion
    state: absent
    region: eu-west-1
"""

RETURN = r"""
topic_arn:
  description: ARN of the topic.
  returned: always
  type: str
  sample: arn:aws:sns:eu-west-1:123456789012:kmsguard-kms-pending-deletion
kms_master_key_id:
  description:
    - The key that encrypts the topic after the run (predicted in check mode), as it was set.
    - An empty string when the topic is not encrypted (or, with O(state=absent), does not exist).
  returned: always
  type: str
  sample: alias/cloudwatch-alarms
"""

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import module_run
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import topic_encryption
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import topic_encryption_decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import aws_client
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import fail_on_problems
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import finish


def current_attributes(module, client):
    """The topic's attributes, or None; fails the module when a key is wanted on a missing topic."""
    params = module.params
    attributes = topic_encryption.get_topic_attributes(client, params["topic_arn"])
    if attributes is None and params["state"] == "present":
        module.fail_json(msg=topic_encryption_decisions.missing_topic_message(params["topic_arn"], module.region))
    return attributes


def do(module) -> None:
    fail_on_problems(module, topic_encryption_decisions.validate_params(module.params, module.region))
    client = aws_client(module, "sns")
    plan = topic_encryption_decisions.plan_encryption(module.params, current_attributes(module, client))
    result = {"topic_arn": module.params["topic_arn"], "kms_master_key_id": plan.after["kms_master_key_id"]}
    finish(module, client, plan, topic_encryption.WRITERS, result)


def main() -> None:
    module_run.run(topic_encryption_decisions.ARGUMENT_SPEC, do)


if __name__ == "__main__":
    main()
