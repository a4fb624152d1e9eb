# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.kms_pending_events in real ansible-playbook runs on moto.

The corpus's CloudTrail records are written to the log group with PutLogEvents, re-aimed at real keys of the test's
account: calls on keys pending deletion mixed with calls that must not count. moto's FilterLogEvents ignores JSON
patterns and returns every event, so only the module's confirmation by the local engine keeps the non-matching
ones out; the endpoint pages FilterLogEvents at 50 events (moto_fidelity.py), so the module must follow nextToken.
"""

from __future__ import annotations

import datetime

import yaml

import cloudtrail_corpus as corpus
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from kms_calls import LOG_GROUP
from kms_calls import aimed_at
from kms_calls import key
from kms_calls import write_events
from moto_endpoint import is_write
from moto_fidelity import PAGE_SIZE

MODULE = "kmsguard.alarms.kms_pending_events"
HOME = "us-east-1"
NOW = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
MINUTE = datetime.timedelta(minutes=1)


def search(ansible_playbook, account, tmp_path, **options) -> dict:
    task = {"name": "search", MODULE: {"region": HOME, **options}, "register": "found"}
    play = {"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [task]}
    playbook = tmp_path / "search.yml"
    playbook.write_text(yaml.safe_dump([play]))
    run = ansible_playbook(playbook, env=account.env)
    assert run.rc == 0, run.explain()
    return run.result("search")


def test_calls_found_grouped_and_attributed_non_matching_never_reported(
    account, ansible_playbook, moto_endpoint, tmp_path
):
    soon, later, enabled = key(account, HOME, 7), key(account, "eu-west-1", 30), key(account, HOME, None)
    matching = corpus.PROCEDURE_MATCHES  # 22 calls, each made twice: on the key due soon and on the other
    records = [
        corpus.at(aimed_at(row["record"], target), NOW - (number % 50 + 1) * MINUTE)
        for number, row in enumerate(matching * 2)
        for target in [soon if number < len(matching) else later]
    ]
    # Non-matching calls on every key: other key states, successful calls, other services' errors, replica deletion.
    others = corpus.NOT_MATCHING + corpus.REPLICA_ONLY
    records += [
        corpus.at(aimed_at(row["record"], target), NOW - 10 * MINUTE) for row in others for target in (soon, enabled)
    ]
    # Older than the window: a matching call on the enabled key.
    records.append(corpus.at(aimed_at(matching[0]["record"], enabled), NOW - 5 * datetime.timedelta(hours=1)))
    write_events(account, records)
    trail_arn = f"arn:aws:logs:{HOME}:{account.account_id}:log-group:{LOG_GROUP}:*"
    account.client("s3", HOME).create_bucket(Bucket=f"trail-{account.account_id}")
    account.client("cloudtrail", HOME).create_trail(
        Name="kmsguard-trail",
        S3BucketName=f"trail-{account.account_id}",
        IsMultiRegionTrail=True,
        CloudWatchLogsLogGroupArn=trail_arn,
        CloudWatchLogsRoleArn=f"arn:aws:iam::{account.account_id}:role/kmsguard-cloudtrail-to-logs",
    )
    moto_endpoint.forget_calls()

    result = search(ansible_playbook, account, tmp_path, start_time="2h", max_events=5)

    assert len(records) > PAGE_SIZE
    filter_calls = [op for op in moto_endpoint.operations("logs") if op == "FilterLogEvents"]
    assert result["pages_read"] == len(filter_calls) >= 2
    assert [op for op in moto_endpoint.operations() if is_write(op)] == []
    assert result["log_group_name"] == LOG_GROUP  # discovered from the trail
    assert result["window"]["source"] == "start_time"
    assert result["events_read"] == len(records) - 1  # moto ignored the pattern; the window held
    assert result["events_matched"] == 2 * len(matching)
    assert result["found"] is True
    assert [found["key_arn"] for found in result["called_keys"]] == [soon, later]  # most urgent first, no enabled key
    first = result["called_keys"][0]
    assert (first["key_state"], first["days_left"], first["region"]) == ("PendingDeletion", 7, HOME)
    assert first["call_count"] == len(matching)
    expected_operations = {}
    for row in matching:
        expected_operations[row["record"]["eventName"]] = expected_operations.get(row["record"]["eventName"], 0) + 1
    assert {op["operation"]: op["count"] for op in first["operations"]} == expected_operations
    principals = {caller["principal_arn"] for caller in first["callers"]}
    assert principals == {row["record"]["userIdentity"].get("arn") or row["record"]["userIdentity"].get("invokedBy")
                          for row in matching}  # fmt: skip
    assert "s3.amazonaws.com" in {caller["invoked_by"] for caller in first["callers"]}
    assert {region["region"] for region in first["call_regions"]} == {row["record"]["awsRegion"] for row in matching}
    assert (len(first["events"]), first["events_truncated"]) == (5, True)
    reported = {event["event_id"] for found in result["called_keys"] for event in found["events"]}
    assert not reported & {row["record"]["eventID"] for row in others}
    assert {message.split(" ", 1)[1] for found in result["called_keys"] for message in
            (event["error_message"] for event in found["events"])} == {"is pending deletion."}  # fmt: skip
    assert result["called_keys"][1]["region"] == "eu-west-1" and result["called_keys"][1]["days_left"] == 30


def test_nothing_found_and_the_default_window(account, ansible_playbook, tmp_path):
    enabled = key(account, HOME, None)
    write_events(account, [corpus.at(aimed_at(row["record"], enabled), NOW - MINUTE) for row in corpus.NOT_MATCHING])

    searched_from = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    result = search(ansible_playbook, account, tmp_path, log_group_name=LOG_GROUP)
    searched_until = datetime.datetime.now(datetime.UTC)

    assert (result["found"], result["called_keys"], result["events_matched"]) == (False, [], 0)
    assert result["events_read"] == len(corpus.NOT_MATCHING)
    assert (result["window"]["source"], result["window"]["reason"]) == ("default", "no alarm of that name")
    start = datetime.datetime.fromisoformat(result["window"]["start"])
    # The window starts 24 hours before the module ran (the module's clock, not the one of this file's import).
    assert searched_from - datetime.timedelta(hours=24) <= start <= searched_until - datetime.timedelta(hours=24)


def test_bad_options_fail_before_any_call(ansible_playbook, account, moto_endpoint, tmp_path):
    task = {
        "name": "search",
        MODULE: {"region": HOME, "start_time": "last week", "filter_pattern": "pending deletion"},
    }
    playbook = tmp_path / "bad.yml"
    playbook.write_text(
        yaml.safe_dump([{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [task]}])
    )
    moto_endpoint.forget_calls()

    run = ansible_playbook(playbook, env=account.env)

    result = run.result("search")
    assert run.rc != 0 and result["failed"] is True
    assert "start_time: 'last week' is neither" in result["msg"]
    assert "is not a JSON pattern" in result["msg"]
    assert constants.FILTER_PATTERN not in result["msg"]
    assert moto_endpoint.calls() == []
