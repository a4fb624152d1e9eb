# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kms_pending_events' decisions: options, the time window, confirmation by the local engine, grouping by key."""

from __future__ import annotations

import datetime
import json

import pytest

import cloudtrail_corpus as corpus
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_events

NOW = datetime.datetime(2030, 1, 1, 12, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
KEY_A = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_B = "arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"
ENCRYPT_A = "Encrypt by an IAM user on a key pending deletion"
DECRYPT_B = "Decrypt by an assumed role on a key pending deletion"
S3_DECRYPT = "Decrypt by Amazon S3 on a key pending deletion"


def params(**changes) -> dict:
    return {
        "log_group_name": None,
        "start_time": None,
        "end_time": None,
        "filter_pattern": constants.FILTER_PATTERN,
        "alarm_name": constants.ALARM_NAME,
        "max_events": pending_events.DEFAULT_MAX_EVENTS,
        **changes,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("24h", NOW - 24 * HOUR),
        ("7d", NOW - 7 * 24 * HOUR),
        ("30m", NOW - datetime.timedelta(minutes=30)),
        ("2w", NOW - 14 * 24 * HOUR),
        ("2030-01-01T10:00:00Z", NOW - 2 * HOUR),
        ("2030-01-01T11:00:00+01:00", NOW - 2 * HOUR),
        ("2030-01-01T10:00:00", NOW - 2 * HOUR),
        ("yesterday", None),
        ("7 days", None),
        ("-3h", None),
        # Seven in Arabic-Indic digits: a digit to Python's \d and int(), not a number of days to a reader of the docs.
        ("\u0667d", None),
    ],
)
def test_parse_time(value, expected):
    assert pending_events.parse_time(value, NOW) == expected


@pytest.mark.parametrize(
    ("changes", "fragments"),
    [
        ({}, []),
        ({"start_time": "7d", "end_time": "1h"}, []),
        ({"start_time": "last week"}, ["start_time: 'last week' is neither"]),
        ({"end_time": "soon"}, ["end_time: 'soon' is neither"]),
        ({"start_time": "1h", "end_time": "2h"}, ["start_time '1h' must be before end_time '2h'"]),
        ({"filter_pattern": "{ $.eventSource = "}, ["filter_pattern '{ $.eventSource = ' is malformed"]),
        ({"filter_pattern": "pending deletion"}, ["is not a JSON pattern"]),
        ({"max_events": -1}, ["max_events: -1 must be 0 or more"]),
        ({"log_group_name": ""}, ["log_group_name: must not be empty"]),
        ({"start_time": "x", "max_events": -2}, ["start_time: 'x'", "max_events: -2"]),
    ],
)
def test_validate_params(changes, fragments):
    problems = pending_events.validate_params(params(**changes), NOW)
    assert len(problems) == len(fragments)
    for problem, fragment in zip(problems, fragments, strict=True):
        assert fragment in problem


def history_item(when: datetime.datetime, old: str, new: str) -> dict:
    data = {"oldState": {"stateValue": old}, "newState": {"stateValue": new}}
    return {"Timestamp": when, "HistoryItemType": "StateUpdate", "HistoryData": json.dumps(data)}


ALARM_OK = {"AlarmName": constants.ALARM_NAME, "StateValue": "OK"}
ALARM_FIRING = {**ALARM_OK, "StateValue": "ALARM", "StateTransitionedTimestamp": NOW - 3 * HOUR}


@pytest.mark.parametrize(
    ("changes", "alarm", "history", "start", "source"),
    [
        pytest.param({"start_time": "7d"}, None, None, NOW - 168 * HOUR, "start_time", id="option-wins"),
        pytest.param({}, ALARM_FIRING, None, NOW - 4 * HOUR, "alarm", id="in-alarm-since-transition"),
        pytest.param(
            {},
            ALARM_OK,
            [
                history_item(NOW - 2 * HOUR, "ALARM", "OK"),
                history_item(NOW - 3 * HOUR, "OK", "ALARM"),
                history_item(NOW - 30 * HOUR, "OK", "ALARM"),
            ],
            NOW - 4 * HOUR,
            "alarm",
            id="back-to-ok-last-departure-from-history",
        ),
        pytest.param({}, ALARM_OK, [history_item(NOW - 5 * HOUR, "INSUFFICIENT_DATA", "OK")], NOW - 24 * HOUR,
                     "default", id="never-left-ok"),
        pytest.param({}, ALARM_OK, None, NOW - 24 * HOUR, "default", id="history-unreadable"),
        pytest.param({}, None, None, NOW - 24 * HOUR, "default", id="no-alarm"),
        pytest.param({"end_time": "48h"}, ALARM_FIRING, None, NOW - 72 * HOUR, "default",
                     id="alarm-after-the-window-is-ignored"),
    ],
)  # fmt: skip
def test_window(changes, alarm, history, start, source):
    got = pending_events.window(params(**changes), NOW, alarm, history)
    assert (got["start"], got["source"]) == (start.isoformat(), source)


def test_window_says_why_it_is_the_default():
    assert pending_events.window(params(), NOW, ALARM_OK, None)["reason"] == "the alarm's history cannot be read"
    assert pending_events.window(params(), NOW, ALARM_OK, [])["reason"] == "the alarm has not left OK"
    assert pending_events.window(params(), NOW, None, None)["reason"] == "no alarm of that name"


# --- confirmation by the local engine: moto ignores JSON patterns, AWS may be looser ------------------------------


def events_of(rows) -> list[dict]:
    return [
        {"eventId": str(number), **corpus.log_event(corpus.at(row["record"], NOW - number * HOUR))}
        for number, row in enumerate(rows)
    ]


@pytest.mark.parametrize(
    ("pattern", "verdict"),
    [(constants.FILTER_PATTERN, "procedure_match"), (constants.REPLICA_FILTER_PATTERN, "replica_match")],
)
def test_only_events_the_pattern_matches_are_confirmed(pattern, verdict):
    records = pending_events.confirmed_records(pattern, events_of(corpus.CORPUS))
    assert {r["eventID"] for r in records} == {row["record"]["eventID"] for row in corpus.CORPUS if row[verdict]}


def test_confirmed_records_oldest_first_each_event_once():
    events = events_of(corpus.PROCEDURE_MATCHES[:3])
    records = pending_events.confirmed_records(constants.FILTER_PATTERN, [*events, events[0]])
    assert [r["eventTime"] for r in records] == sorted(r["eventTime"] for r in records)
    assert len(records) == 3


def test_a_message_that_is_not_json_is_not_confirmed():
    events = [{"eventId": "1", "timestamp": 0, "message": "kms is pending deletion."}]
    assert pending_events.confirmed_records(constants.FILTER_PATTERN, events) == []


# --- which key, who ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "arn"),
    [
        pytest.param(corpus.record(ENCRYPT_A), KEY_A, id="resource"),
        pytest.param(corpus.record(ENCRYPT_A, resources=[]), KEY_A, id="from-the-error-message"),
        pytest.param(corpus.record(ENCRYPT_A, resources=None, errorMessage="x"), KEY_A, id="requested-key-id"),
        pytest.param({"eventName": "Decrypt"}, "unknown", id="nothing-names-it"),
    ],
)
def test_key_arn(record, arn):
    assert pending_events.key_arn(record) == arn


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (ENCRYPT_A, {"principal_arn": "arn:aws:iam::111122223333:user/alice", "principal_type": "IAMUser",
                     "role_arn": "", "invoked_by": "", "source_ip": "203.0.113.25"}),
        (DECRYPT_B, {"principal_arn": "arn:aws:sts::111122223333:assumed-role/app-role/i-0abc123def4567890",
                     "principal_type": "AssumedRole", "role_arn": "arn:aws:iam::111122223333:role/app-role",
                     "source_ip": "10.0.12.34"}),
        (S3_DECRYPT, {"principal_arn": "s3.amazonaws.com", "principal_type": "AWSService",
                      "invoked_by": "s3.amazonaws.com"}),
    ],
)  # fmt: skip
def test_caller(label, expected):
    got = pending_events.caller(corpus.record(label))
    assert {key: got[key] for key in expected} == expected


def test_calls_grouped_by_key_with_operations_callers_and_regions():
    records = [
        corpus.at(corpus.record(ENCRYPT_A), NOW - 3 * HOUR),
        corpus.at(corpus.record(ENCRYPT_A, awsRegion="eu-west-1"), NOW - 2 * HOUR),
        corpus.at(corpus.record(ENCRYPT_A, eventName="Decrypt"), NOW - HOUR),
        corpus.at(corpus.record(DECRYPT_B), NOW - HOUR),
    ]
    grouped = pending_events.group_calls(records, max_events=2)
    assert set(grouped) == {KEY_A, KEY_B}
    metadata = {"Arn": KEY_A, "KeyId": KEY_A.rsplit("/", 1)[1], "KeyState": "PendingDeletion",
                "DeletionDate": NOW + 6.5 * 24 * HOUR}  # fmt: skip
    key = pending_events.key_result(grouped[KEY_A], metadata, ["alias/payments"], NOW)
    assert (key["call_count"], key["days_left"], key["aliases"], key["region"]) == (
        3,
        7,
        ["alias/payments"],
        "us-east-1",
    )
    assert [(op["operation"], op["count"]) for op in key["operations"]] == [("Encrypt", 2), ("Decrypt", 1)]
    assert [(c["principal_arn"], c["count"], c["operations"]) for c in key["callers"]] == [
        ("arn:aws:iam::111122223333:user/alice", 3, ["Decrypt", "Encrypt"])
    ]
    assert [(r["region"], r["count"]) for r in key["call_regions"]] == [("us-east-1", 2), ("eu-west-1", 1)]
    assert (key["first_seen"], key["last_seen"]) == (records[0]["eventTime"], records[2]["eventTime"])
    assert (len(key["events"]), key["events_truncated"]) == (2, True)
    other = pending_events.key_result(grouped[KEY_B], None, [], NOW)
    assert (other["key_state"], other["days_left"], other["events_truncated"]) == (None, None, False)


def test_by_urgency_fewest_days_left_then_most_calls():
    keys = [
        {"key_arn": "c", "days_left": None, "call_count": 9},
        {"key_arn": "b", "days_left": 7, "call_count": 1},
        {"key_arn": "a", "days_left": 7, "call_count": 5},
        {"key_arn": "d", "days_left": 2, "call_count": 1},
    ]
    assert [key["key_arn"] for key in pending_events.by_urgency(keys)] == ["d", "a", "b", "c"]
