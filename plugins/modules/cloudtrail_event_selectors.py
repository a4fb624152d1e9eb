#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudtrail_event_selectors
version_added: 1.0.0
short_description: The basic event selectors of a CloudTrail trail
description:
  - Sets the event selectors of an existing trail (PutEventSelectors), which M(amazon.aws.cloudtrail) cannot
    manage. The selectors decide which events the trail records.
  - The default is the one the KMS pending-deletion procedure needs - every management event, read and write, from
    every source. KMS cryptographic calls (C(Decrypt), C(Encrypt), C(GenerateDataKey)...) are read events, and
    C(kms.amazonaws.com) is a source a selector may exclude - a trail that records write events only, or that
    excludes KMS, never delivers the use of a key pending deletion.
  - A run that finds the selectors as asked makes a single read call (GetEventSelectors) and no write; otherwise
    it sets every selector in one write. Selectors, sources and values are compared without regard to order, and
    with CloudTrail's defaults spelled out, so only a real difference is a change.
  - A trail has basic or advanced event selectors, never both, and setting basic ones replaces advanced ones. On a
    trail with advanced selectors the module fails without writing, unless O(replace_advanced_event_selectors=true).
  - The module never creates or deletes the trail, and touches nothing else of it.
author:
  - kmsguard.alarms maintainers (@kmsguard)
options:
  trail_name:
    description:
      - Name or ARN of the trail. A name is a trail of the region the module runs in (O(region)); an ARN must name a
        trail of that region too, because CloudTrail changes a trail's selectors in its home region only.
      - The trail must exist. If it does not, the module fails without writing anything.
    type: str
    required: true
  event_selectors:
    description:
      - The trail's basic event selectors after the run, at most 5. Selectors the trail has and this list does not
        name are removed.
      - Unset - the procedure's single selector - every management event, read and write, no source excluded, no
        data events.
    type: list
    elements: dict
    suboptions:
      read_write_type:
        description: Read events, write events or both.
        type: str
        choices: ["All", "ReadOnly", "WriteOnly"]
        default: All
      include_management_events:
        description: Whether the selector records management events.
        type: bool
        default: true
      exclude_management_event_sources:
        description:
          - Event sources whose management events the selector does not record. CloudTrail takes
            C(kms.amazonaws.com) and C(rdsdata.amazonaws.com) only.
          - Excluding C(kms.amazonaws.com) hides every KMS call from the trail, so the KMS pending-deletion alarm
            would never fire on its log group.
        type: list
        elements: str
        default: []
      data_resources:
        description: Data events to record (S3 objects, Lambda functions, DynamoDB tables).
        type: list
        elements: dict
        default: []
        suboptions:
          type:
            description: C(AWS::S3::Object), C(AWS::Lambda::Function) or C(AWS::DynamoDB::Table).
            type: str
            required: true
          values:
            description: ARNs or ARN prefixes of the resources.
            type: list
            elements: str
            required: true
  replace_advanced_event_selectors:
    description:
      - What to do with a trail that uses advanced event selectors.
      - V(false) - fail before any write, naming the advanced selectors; they may record data events that the
        basic selectors would drop.
      - V(true) - replace them with O(event_selectors); the diff shows the advanced selectors that go.
    type: bool
    default: false
notes:
  - Check mode reads the selectors, reports the same C(changed) and the predicted selectors, and writes nothing.
  - The caller needs C(cloudtrail:GetEventSelectors) and C(cloudtrail:PutEventSelectors) on the trail.
  - The result's RV(records_kms_pending_deletion_calls) applies the verdict of M(kmsguard.alarms.kms_pending_alarm_info)
    to the selectors after the run.
seealso:
  - name: Logging management events
    description: Read and write management events, and excluding AWS KMS events.
    link: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html
  - module: amazon.aws.cloudtrail
  - module: kmsguard.alarms.kms_pending_alarm_info
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3,
                                 kmsguard.alarms.attributes, kmsguard.alarms.attributes.CHANGES]
"""

EXAMPLES = r"""
- name: Record every management event, read and write, as the KMS pending-deletion procedure needs
  kmsguard.alarms.cloudtrail_event_selectors:
    trail_name: kmsguard-trail
    region: eu-west-1

- name: Management events and the data events of one bucket
  kmsguard.alarms.cloudtrail_event_selectors:
    trail_name: arn:aws:cloudtrail:eu-west-1:123456789012:trail/audit
    region: eu-west-1
    event_selectors:
      - read_write_type: All
        include_management_events: true
        data_resources:
          - type: AWS::S3::Object
            values:
              - arn:aws:s3:::payroll-exports/

- name: Take over a trail that someone switched to advanced selectors
  kmsguard.alarms.cloudtrail_event_selectors:
    trail_name: kmsguard-trail
    replace_advanced_event_selectors: true
    region: eu-west-1
"""

RETURN = r"""
trail_arn:
  description: ARN of the trail.
  returned: always
  type: str
  sample: arn:aws:cloudtrail:eu-west-1:123456789012:trail/kmsguard-trail
event_selectors:
  description: The trail's basic event selectors after the run (predicted in check mode), sorted, defaults spelled out.
  returned: always
  type: list
  elements: dict
  sample:
    - read_write_type: All
      include_management_events: true
      exclude_management_event_sources: []
      data_resources: []
advanced_event_selectors:
  description: The trail's advanced event selectors after the run; always empty, as basic selectors replace them.
  returned: always
  type: list
  elements: dict
  sample: []
records_kms_pending_deletion_calls:
  description: Whether the selectors after the run record every sample call on a KMS key pending deletion.
  returned: always
  type: bool
  sample: true
"""

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_selector_decisions as decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_selectors
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import module_run
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import aws_client
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import fail_on_problems
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import finish


def current_answer(module, client) -> dict:
    """GetEventSelectors' answer; fails the module when the trail does not exist."""
    answer = event_selectors.get_event_selectors(client, module.params["trail_name"])
    if answer is None:
        module.fail_json(msg=decisions.missing_trail_message(module.params["trail_name"], module.region))
    return answer


def do(module) -> None:
    fail_on_problems(module, decisions.validate_params(module.params, module.region))
    client = aws_client(module, "cloudtrail")
    answer = current_answer(module, client)
    fail_on_problems(module, decisions.advanced_problems(module.params, decisions.current_state(answer)))
    plan = decisions.plan_selectors(module.params, answer)
    result = {
        "trail_arn": answer.get("TrailARN", module.params["trail_name"]),
        **plan.after,
        "records_kms_pending_deletion_calls": not decisions.missed_kms_events(plan.after["event_selectors"]),
    }
    finish(module, client, plan, event_selectors.WRITERS, result)


def main() -> None:
    module_run.run(decisions.ARGUMENT_SPEC, do)


if __name__ == "__main__":
    main()
