# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input to the modules: each case fails with a message naming the bad value, and nothing reaches AWS.

All the cases run as the tasks of one play (ignore_errors), against the test endpoint, whose call record must stay
empty: each module refuses its input before its first call. The role's variables have their own table
(test_role_pending_deletion_alarm.py::test_bad_input_fails_before_any_aws_call, run through site.yml) and the
unit tables of role_inputs; docs/reliability.md counts them together.
"""

from __future__ import annotations

import pytest

import reliability_figures

REGION = "us-east-1"  # the runs' region (AWS_DEFAULT_REGION of the fixtures)
ACCOUNT_ID = "123456789012"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:alarms"
OTHER_REGION_TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT_ID}:alarms"
ALARM = "kmsguard.alarms.kms_pending_alarm"
FILTER = "kmsguard.alarms.kms_pending_metric_filter"
ENCRYPTION = "kmsguard.alarms.sns_topic_encryption"
FILTER_TEST = "kmsguard.alarms.metric_filter_test"
SELECTORS = "kmsguard.alarms.cloudtrail_event_selectors"
EVENTS = "kmsguard.alarms.kms_pending_events"
CANCEL = "kmsguard.alarms.kms_key_cancel_deletion"
EVENT_RULE = "kmsguard.alarms.kms_pending_event_rule"

# (case id, module, options, text the failure message must contain: the bad value or the option and its rule; a
# tuple when it must contain several)
CASES = [
    ("alarm-action-not-an-arn", ALARM, {"alarm_actions": ["alarms-topic"]}, "alarms-topic"),
    ("alarm-action-other-region", ALARM, {"alarm_actions": [OTHER_REGION_TOPIC]}, OTHER_REGION_TOPIC),
    ("alarm-action-short-account", ALARM, {"alarm_actions": [f"arn:aws:sns:{REGION}:123:alarms"]}, ":123:"),
    ("alarm-period-45", ALARM, {"period": 45}, "45"),
    ("alarm-threshold-negative", ALARM, {"threshold": -1}, "-1"),
    ("alarm-datapoints-above-periods", ALARM, {"datapoints_to_alarm": 3, "evaluation_periods": 1}, "3"),
    ("alarm-evaluation-periods-0", ALARM, {"evaluation_periods": 0}, "evaluation_periods"),
    ("alarm-name-256", ALARM, {"alarm_name": "a" * 256}, "a" * 256),
    ("alarm-statistic-unknown", ALARM, {"statistic": "Median"}, "Median"),
    ("alarm-comparison-unknown", ALARM, {"comparison_operator": "Bigger"}, "Bigger"),
    ("alarm-missing-data-unknown", ALARM, {"treat_missing_data": "maybe"}, "maybe"),
    # Ansible's own type check names the option and the type it expects (each ansible-core in its own words).
    ("alarm-threshold-wrong-type", ALARM, {"threshold": "high"}, ("argument 'threshold' is of type", "to float")),
    ("alarm-periods-wrong-type", ALARM, {"evaluation_periods": "often"}, "often"),
    ("filter-log-group-colon", FILTER, {"log_group_name": "trail:logs"}, "trail:logs"),
    ("filter-log-group-513", FILTER, {"log_group_name": "g" * 513}, "513"),
    ("filter-name-star", FILTER, {"log_group_name": "g", "filter_name": "a*b"}, "a*b"),
    ("filter-pattern-empty", FILTER, {"log_group_name": "g", "filter_pattern": ""}, "filter_pattern"),
    ("filter-metric-value-word", FILTER, {"log_group_name": "g", "metric_value": "one"}, "one"),
    ("filter-metric-name-dollar", FILTER, {"log_group_name": "g", "metric_name": "Count$"}, "Count$"),
    (
        "filter-pattern-and-replica",
        FILTER,
        {"log_group_name": "g", "filter_pattern": "{ $.a = 1 }", "match_replica_deletion": True},
        "match_replica_deletion",
    ),
    ("encryption-topic-not-an-arn", ENCRYPTION, {"topic_arn": "alarms", "kms_key_id": "alias/alarms"}, "alarms"),
    (
        "encryption-topic-other-region",
        ENCRYPTION,
        {"topic_arn": OTHER_REGION_TOPIC, "kms_key_id": "alias/alarms"},
        "eu-west-1",
    ),
    ("encryption-aws-managed-key", ENCRYPTION, {"topic_arn": TOPIC, "kms_key_id": "alias/aws/sns"}, "alias/aws/sns"),
    ("encryption-not-a-key", ENCRYPTION, {"topic_arn": TOPIC, "kms_key_id": "my key"}, "my key"),
    ("encryption-key-missing", ENCRYPTION, {"topic_arn": TOPIC}, "kms_key_id"),
    (
        "encryption-key-arn-region-xx",
        ENCRYPTION,
        {"topic_arn": TOPIC, "kms_key_id": f"arn:aws:kms:xx:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
        "arn:aws:kms:xx:",
    ),
    ("filter-test-malformed", FILTER_TEST, {"filter_pattern": "{ $.a = }", "log_event_messages": ["x"]}, "position"),
    ("filter-test-no-message", FILTER_TEST, {"filter_pattern": "ERROR", "log_event_messages": []}, "0 messages"),
    ("selectors-unknown-option", SELECTORS, {"trail_name": "t", "selectors": "all"}, "selectors"),
    ("events-start-time-word", EVENTS, {"log_group_name": "g", "start_time": "yesterday"}, ("yesterday", "24h")),
    ("cancel-not-a-key", CANCEL, {"key_ids": ["my key"]}, ("my key", "key ARN")),
    ("event-rule-topic-not-an-arn", EVENT_RULE, {"topic_arn": "alarms-topic"}, ("alarms-topic", "SNS topic ARN")),
]


@pytest.fixture(scope="module")
def matrix_run(run_playbook, moto_endpoint):
    tasks = [{"name": case_id, module: options, "ignore_errors": True} for case_id, module, options, _named in CASES]
    moto_endpoint.forget_calls()
    run = run_playbook(tasks)
    return run, moto_endpoint.calls()


def fragments(named: str | tuple[str, ...]) -> tuple[str, ...]:
    return named if isinstance(named, tuple) else (named,)


def test_the_matrix_has_at_least_30_cases():
    # The role's own bad inputs (site.yml runs) come on top: test_role_pending_deletion_alarm.py.
    assert len(CASES) >= 30
    assert len({case[0] for case in CASES}) == len(CASES)


def test_no_bad_input_reaches_aws(matrix_run):
    run, calls = matrix_run
    assert run.report, run.stdout
    results = [run.result(case_id) for case_id, _module, _options, _named in CASES]
    named = sum(
        1
        for result, case in zip(results, CASES, strict=True)
        if result.get("failed") is True and all(text in result["msg"] for text in fragments(case[3]))
    )
    reliability_figures.record(
        "bad_input", "modules", where="modules", tried=len(CASES), failed_naming_the_value=named, calls=len(calls)
    )
    assert calls == [], calls


@pytest.mark.parametrize(("case_id", "named"), [(case[0], case[3]) for case in CASES], ids=[case[0] for case in CASES])
def test_each_bad_input_fails_naming_the_value(matrix_run, case_id, named):
    run, _calls = matrix_run
    result = run.result(case_id)
    assert result.get("failed") is True, result
    for text in fragments(named):
        assert text in result["msg"], result["msg"]
