# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The detailed notification's EventBridge pattern against the CloudTrail corpus (as EventBridge receives each
record), the evaluator's syntax, the message and the topic policy statement."""

from __future__ import annotations

import pytest

import cloudtrail_corpus as corpus
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_rule


@pytest.mark.parametrize("row", corpus.CORPUS, ids=[row["label"] for row in corpus.CORPUS])
def test_pattern_matches_what_the_alarm_counts(row):
    event = event_rule.cloudtrail_event(row["record"])
    assert event_rule.matches(event_rule.event_pattern(), event) is row["procedure_match"]
    assert event_rule.matches(event_rule.event_pattern(match_replica_deletion=True), event) is row["replica_match"]


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [
        ({"a": ["x"]}, {"a": "x"}, True),
        ({"a": ["x", "y"]}, {"a": "y"}, True),
        ({"a": ["x"]}, {"a": "xx"}, False),
        ({"a": ["x"]}, {}, False),
        ({"a": ["x"]}, {"a": ["z", "x"]}, True),
        ({"a": [1]}, {"a": 1}, True),
        ({"a": [None]}, {"a": None}, True),
        ({"a": [None]}, {}, False),
        ({"a": {"b": ["x"]}}, {"a": {"b": "x"}}, True),
        ({"a": {"b": ["x"]}}, {"a": "x"}, False),
        ({"a": [{"suffix": "ion."}]}, {"a": "deletion."}, True),
        ({"a": [{"suffix": "ion."}]}, {"a": "deletion. "}, False),
        ({"a": [{"prefix": "arn:"}]}, {"a": "arn:aws"}, True),
        ({"a": [{"prefix": "arn:"}]}, {"a": 5}, False),
        ({"a": ["x"], "b": ["y"]}, {"a": "x", "b": "n"}, False),
    ],
)
def test_evaluator(pattern, event, expected):
    assert event_rule.matches(pattern, event) is expected


def test_an_unsupported_filter_is_refused_not_guessed():
    with pytest.raises(ValueError, match="unsupported EventBridge filter"):
        event_rule.matches({"a": [{"anything-but": "x"}]}, {"a": "y"})


def test_the_message_names_key_call_caller_and_the_cancel_command():
    record = corpus.record("Decrypt by an assumed role on a key pending deletion")
    text = event_rule.render_input(event_rule.cloudtrail_event(record))
    key = record["resources"][0]["ARN"]
    assert f"Key: {key}" in text
    assert "Operation: Decrypt in eu-west-1 at 2024-05-06T07:08:09Z (account 111122223333)" in text
    assert "Caller: arn:aws:sts::111122223333:assumed-role/app-role/i-0abc123def4567890  from 10.0.12.34" in text
    assert f'key_ids=["{key}"]' in text


def test_topic_policy_statement_allows_only_this_accounts_rule():
    rule = "arn:aws:events:us-east-1:111122223333:rule/kmsguard-kms-pending-deletion"
    statement = event_rule.topic_policy_statement("arn:aws:sns:us-east-1:111122223333:t", rule, "111122223333")
    assert statement == {
        "Sid": "EventBridgeRuleOfThisAccountOnly",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": "arn:aws:sns:us-east-1:111122223333:t",
        "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}, "ArnEquals": {"aws:SourceArn": rule}},
    }
