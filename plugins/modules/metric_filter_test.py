#!/usr/bin/python

# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: metric_filter_test
version_added: 1.0.0
short_description: Tests a CloudWatch Logs filter pattern against log event messages, like TestMetricFilter
description:
  - Evaluates a CloudWatch Logs filter pattern against a list of log event messages and returns the messages that
    match, with the values the pattern extracts, in the shape of the CloudWatch Logs TestMetricFilter API.
  - Use it to check a metric filter pattern before putting it on a log group, for example that the pattern of the AWS
    KMS procedure "Creating an alarm that detects usage of a KMS key pending deletion" matches the CloudTrail
    records it must count and none it must not.
  - Two engines can answer. The C(api) engine calls TestMetricFilter. The C(local) engine is the collection's own
    implementation of the filter pattern syntax AWS documents (JSON, term, space-delimited and regular expression
    patterns); it makes no AWS call and needs no region or credentials, so it works offline.
  - Every pattern is first read by the local engine. A malformed pattern fails the task with the position and the
    nature of the error, before any AWS call.
  - The module changes nothing. It reports C(changed=false) and runs the same way in check mode.
author:
  - kmsguard.alarms maintainers (@kmsguard)
options:
  filter_pattern:
    description:
      - The filter pattern to test, as for a metric filter. An empty pattern matches every message.
      - At most 1024 characters, as the API allows.
    type: str
    required: true
  log_event_messages:
    description:
      - The log event messages to test the pattern against, 1 to 50 of them, each at least 1 character long (the
        limits of TestMetricFilter).
      - For CloudTrail, one message is one CloudTrail record as JSON, as CloudTrail delivers it to CloudWatch Logs.
    type: list
    elements: str
    required: true
  engine:
    description:
      - Which engine answers.
      - V(auto) calls TestMetricFilter and, when the endpoint answers that it does not implement the operation (as
        some AWS emulators do), uses the local engine. Any other error fails the task.
      - V(api) calls TestMetricFilter and fails when the endpoint does not implement it.
      - V(local) uses the local engine only and makes no AWS call; the AWS connection options are then ignored.
    type: str
    choices: ["auto", "api", "local"]
    default: auto
notes:
  - The local engine gives AWS's answer to every example of the TestMetricFilter API reference and of the filter
    pattern syntax guide. Where AWS's documentation leaves a case open, it reads the pattern as follows. A comparison
    matches only a string or a number (never an object, an array, a boolean, null or a missing property, with
    C(!=) neither); booleans and null are matched with C(IS TRUE), C(IS FALSE) and C(IS NULL), a missing property
    with C(NOT EXISTS). A C(*) in a value matches any run of characters wherever it stands. A number in the pattern
    matches a property or field whose text is that number. Unquoted terms may contain letters, digits and C(_)
    only. With C(engine=auto) or C(engine=api), AWS's answer is authoritative.
  - The matching events are numbered as TestMetricFilter numbers them, from 0 (the position of the message in
    O(log_event_messages)), as in every answer its API reference shows, whichever engine answered.
  - "Supported regular expressions (C(%...%)): the subset AWS documents, that is letters, digits, the symbols
    C(: _ # = @ / ; , -) and space, the operators C(^ $ ? * + . |), C({m,n}), character classes C([...]), and the
    escapes C(\\d \\D \\s \\S \\w \\W \\xhh) and C(\\) before an operator or symbol. Parentheses and multi-byte
    characters are refused, as by AWS."
seealso:
  - name: Filter pattern syntax for metric filters, subscription filters, filter log events, and Live Tail
    description: The syntax both engines implement.
    link: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
  - name: TestMetricFilter
    description: The API the C(api) engine calls.
    link: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TestMetricFilter.html
  - module: kmsguard.alarms.kms_pending_metric_filter
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3,
                                 kmsguard.alarms.attributes, kmsguard.alarms.attributes.READS]
"""

EXAMPLES = r"""
- name: The procedure's pattern against a CloudTrail record of a Decrypt on a key pending deletion, offline
  kmsguard.alarms.metric_filter_test:
    filter_pattern: '{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}'
    engine: local
    log_event_messages:
      - "{{ decrypt_record | to_json }}"
  vars:
    decrypt_record:
      eventVersion: "1.09"
      userIdentity:
        type: AssumedRole
        arn: arn:aws:sts::111122223333:assumed-role/app-role/app-session
        accountId: "111122223333"
      eventTime: "2024-05-06T07:08:09Z"
      eventSource: kms.amazonaws.com
      eventName: Decrypt
      awsRegion: us-east-1
      sourceIPAddress: 192.0.2.10
      errorCode: KMSInvalidStateException
      errorMessage: >-
        arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
        is pending deletion.
      readOnly: true
      eventCategory: Management
      recipientAccountId: "111122223333"
  register: procedure_test

- name: The record matched
  ansible.builtin.assert:
    that:
      - procedure_test.matches | length == 1
      - procedure_test.matches[0].event_number == 0

- name: Ask TestMetricFilter in eu-west-1, falling back to the local engine where the endpoint does not implement it
  kmsguard.alarms.metric_filter_test:
    region: eu-west-1
    filter_pattern: "[ip, identity, user, timestamp, request, status_code = 4*, size]"
    log_event_messages:
      - '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'
      - '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /index.html HTTP/1.0" 200 5324'
  register: apache_test
  # apache_test.matches[0].extracted_values["$status_code"] == "404"; apache_test.engine says who answered

- name: Only AWS's answer will do
  kmsguard.alarms.metric_filter_test:
    filter_pattern: 'ERROR -DEBUG'
    log_event_messages: "{{ sample_lines }}"
    engine: api
"""

RETURN = r"""
matches:
  description:
    - The messages the pattern matches, in the order of O(log_event_messages), in the shape of TestMetricFilter's
      answer with snake_case keys.
  returned: always
  type: list
  elements: dict
  contains:
    event_number:
      description: The position of the message in O(log_event_messages), counted from 0 as TestMetricFilter does.
      returned: always
      type: int
      sample: 0
    event_message:
      description: The message.
      returned: always
      type: str
      sample: '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'
    extracted_values:
      description:
        - The values the pattern extracts. Space-delimited patterns extract each field, under C($) and the field's
          name, or C($) and the field's position (from 1) for fields an ellipsis or an unnamed field covers. Other
          patterns extract nothing.
      returned: always
      type: dict
      sample: {"$ip": "127.0.0.1", "$status_code": "404", "$size": "1534"}
engine:
  description: Which engine answered, V(api) (TestMetricFilter) or V(local).
  returned: always
  type: str
  sample: local
pattern_kind:
  description:
    - The form of the pattern as the local engine reads it, one of V(json), V(terms), V(space_delimited), V(regex),
      or V(all) for an empty pattern.
  returned: always
  type: str
  sample: json
"""

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_test_decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_tests
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import module_run

NOT_IMPLEMENTED = (
    "The endpoint does not implement TestMetricFilter. Use engine=auto to let the local engine answer instead, or "
    "engine=local to make no AWS call."
)


def api_answer(module) -> list[dict] | None:
    """TestMetricFilter's matches in the module's shape; None when the endpoint does not implement it."""
    client = module.client("logs", config=filter_tests.CLIENT_CONFIG)
    records = filter_tests.test_metric_filter(
        client, module.params["filter_pattern"], module.params["log_event_messages"]
    )
    return None if records is None else filter_test_decisions.api_matches(records)


def do(module) -> None:
    problems = filter_test_decisions.validate_params(module.params)
    if problems:
        module.fail_json(msg=" ".join(problems))

    engine = module.params["engine"]
    matches = None if engine == "local" else api_answer(module)
    if matches is None and engine == "api":
        module.fail_json(msg=NOT_IMPLEMENTED)
    answered_by = "api" if matches is not None else "local"
    if matches is None:
        matches = filter_pattern.test_pattern(module.params["filter_pattern"], module.params["log_event_messages"])

    kind = filter_pattern.compile_pattern(module.params["filter_pattern"]).kind
    module.exit_json(changed=False, matches=matches, engine=answered_by, pattern_kind=kind)


def main() -> None:
    argument_spec = {
        "filter_pattern": {"type": "str", "required": True},
        "log_event_messages": {"type": "list", "elements": "str", "required": True},
        "engine": {"type": "str", "choices": list(filter_test_decisions.ENGINES), "default": "auto"},
    }
    module_run.run(argument_spec, do)


if __name__ == "__main__":
    main()
