# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.metric_filter_test in real ansible-playbook runs.

The test endpoint answers TestMetricFilter with AWS's documented answers to AWS's documented requests and, to any
other request, the way moto answers an operation it does not implement (moto_fidelity.py). So the api engine is
tested on the documented requests, and auto's fallback to the local engine on everything else, both over HTTP.
"""

from __future__ import annotations

import uuid

import pytest
import yaml

import recorded_answers
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_test_state
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import kms_event_samples

MODULE = "kmsguard.alarms.metric_filter_test"
OPERATION = "TestMetricFilter"
EXAMPLES = recorded_answers.documented()["examples"]
PENDING = kms_event_samples.pending_deletion_events()
ALLOWED = kms_event_samples.allowed_events()
# The procedure's pattern against allowed and pending events, interleaved: no recorded answer exists for it.
MIXED = [message for pair in zip(ALLOWED, PENDING, strict=False) for message in (pair[0][1], pair[1][1])]


def task(name: str, **options) -> dict:
    extra = {key: options.pop(key) for key in ("check_mode", "ignore_errors") if key in options}
    return {"name": name, MODULE: options, **extra}


def documented_request(example: dict) -> dict:
    return {
        "filter_pattern": example["request"]["filterPattern"],
        "log_event_messages": example["request"]["logEventMessages"],
    }


def test_local_engine_works_offline_and_calls_nothing(ansible_playbook, moto_endpoint, tmp_path):
    # No region and no credentials; the endpoint stays the recording one, so any call would show in its record.
    playbook = tmp_path / "local.yml"
    tasks = [task("test", filter_pattern=constants.FILTER_PATTERN, log_event_messages=MIXED, engine="local")]
    play = {"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}
    playbook.write_text(yaml.safe_dump([play]))
    offline = {"AWS_DEFAULT_REGION": "", "AWS_REGION": "", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    moto_endpoint.forget_calls()

    run = ansible_playbook(playbook, env=offline)

    assert run.rc == 0, run.stdout
    result = run.result("test")
    assert (result["changed"], result["engine"], result["pattern_kind"]) == (False, "local", "json")
    assert [match["event_number"] for match in result["matches"]] == list(range(2, 2 * len(ALLOWED) + 1, 2))
    assert [match["event_message"] for match in result["matches"]] == [pair[1] for pair in PENDING[: len(ALLOWED)]]
    assert moto_endpoint.calls() == []


@pytest.mark.parametrize("example", EXAMPLES[:3], ids=[example["title"] for example in EXAMPLES[:3]])
def test_auto_uses_the_api_where_the_endpoint_answers(run_playbook, moto_endpoint, example):
    moto_endpoint.forget_calls()

    run = run_playbook([task("test", **documented_request(example))])

    assert run.rc == 0, run.stdout
    result = run.result("test")
    assert (result["changed"], result["engine"]) == (False, "api")
    answer = recorded_answers.corrected_answer(example)["matches"]
    assert result["matches"] == filter_test_state.api_matches(answer)
    # Both engines agree, event numbers included.
    local = filter_pattern.test_pattern(example["request"]["filterPattern"], example["request"]["logEventMessages"])
    assert result["matches"] == local
    assert moto_endpoint.operations("logs") == [OPERATION]


def test_auto_falls_back_to_the_local_engine_where_the_endpoint_lacks_the_operation(run_playbook, moto_endpoint):
    moto_endpoint.forget_calls()

    run = run_playbook([task("test", filter_pattern=constants.FILTER_PATTERN, log_event_messages=MIXED)])

    assert run.rc == 0, run.stdout
    result = run.result("test")
    assert (result["changed"], result["engine"]) == (False, "local")
    assert result["matches"] == filter_pattern.test_pattern(constants.FILTER_PATTERN, MIXED)
    assert len(result["matches"]) == len(ALLOWED)
    # One attempt told the endpoint apart: no retries of its HTTP 500.
    assert moto_endpoint.operations("logs") == [OPERATION]


def test_api_engine_answers_with_aws_or_fails(run_playbook, moto_endpoint):
    example = EXAMPLES[-1]
    moto_endpoint.forget_calls()

    run = run_playbook(
        [
            task("documented", engine="api", **documented_request(example)),
            task(
                "not documented",
                engine="api",
                filter_pattern=constants.FILTER_PATTERN,
                log_event_messages=[PENDING[0][1]],
                ignore_errors=True,
            ),
        ]
    )

    documented = run.result("documented")
    assert (documented["engine"], documented["pattern_kind"]) == ("api", "terms")
    assert documented["matches"] == [
        {"event_number": 4, "event_message": example["request"]["logEventMessages"][3], "extracted_values": {}}
    ]
    failed = run.result("not documented")
    assert failed["failed"] is True
    assert "does not implement TestMetricFilter" in failed["msg"]
    assert "matches" not in failed
    assert moto_endpoint.operations("logs") == [OPERATION, OPERATION]


@pytest.mark.parametrize("engine", ["auto", "api", "local"])
def test_malformed_pattern_fails_before_any_call(run_playbook, moto_endpoint, engine):
    pattern = '{ $.eventSource = kms* && $. = "* is pending deletion."}'
    moto_endpoint.forget_calls()

    run = run_playbook(
        [task("test", filter_pattern=pattern, log_event_messages=["x"], engine=engine, ignore_errors=True)]
    )

    result = run.result("test")
    assert result["failed"] is True
    assert result["msg"] == (
        f"filter_pattern {pattern!r} is malformed: filter pattern error at position 28: "
        "expected a property selector after '$.'"
    )
    assert moto_endpoint.calls() == []


@pytest.mark.parametrize(
    ("messages", "complaint"),
    [
        ([], "log_event_messages has 0 messages; give 1 to 50"),
        ([f"m{number}" for number in range(51)], "log_event_messages has 51 messages; give 1 to 50"),
        (["a", ""], "log_event_messages has empty messages (number 2)"),
    ],
)
def test_bad_messages_fail_before_any_call(run_playbook, moto_endpoint, messages, complaint):
    moto_endpoint.forget_calls()

    run = run_playbook([task("test", filter_pattern="ERROR", log_event_messages=messages, ignore_errors=True)])

    result = run.result("test")
    assert result["failed"] is True
    assert complaint in result["msg"]
    assert moto_endpoint.calls() == []


def test_check_mode_answers_the_same_and_changes_nothing(run_playbook, moto_endpoint):
    example = EXAMPLES[3]
    moto_endpoint.forget_calls()

    run = run_playbook(
        [
            task("auto", **documented_request(example)),
            task("local", engine="local", **documented_request(example)),
            task("fallback", filter_pattern=f"{uuid.uuid4().hex} -DEBUG", log_event_messages=["INFO x"]),
        ],
        check=True,
    )

    assert run.rc == 0, run.stdout
    auto, local, fallback = run.result("auto"), run.result("local"), run.result("fallback")
    assert [result["changed"] for result in (auto, local, fallback)] == [False, False, False]
    assert (auto["engine"], local["engine"], fallback["engine"]) == ("api", "local", "local")
    assert (
        auto["matches"]
        == local["matches"]
        == [{**match, "event_number": match["event_number"] + 1} for match in snake(example["response"]["matches"])]
    )
    assert fallback["matches"] == []
    assert moto_endpoint.operations("logs") == [OPERATION, OPERATION]


def snake(records: list[dict]) -> list[dict]:
    """TestMetricFilter's records with the module's keys and AWS's own numbering (from 0)."""
    return [
        {
            "event_number": record["eventNumber"],
            "event_message": record["eventMessage"],
            "extracted_values": record["extractedValues"],
        }
        for record in records
    ]
