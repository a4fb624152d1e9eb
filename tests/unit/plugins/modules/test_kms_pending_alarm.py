# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kms_pending_alarm's do(): the order of calls, the check-mode guard, and the result, with a stubbed client."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.modules import kms_pending_alarm
from module_stub import StubModule
from module_stub import api_calls
from module_stub import documented_params
from module_stub import run_module

REGION = "us-east-1"
TOPIC = f"arn:aws:sns:{REGION}:123456789012:kms-alerts"
NAME = constants.ALARM_NAME
ARN = f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:{NAME}"
DESCRIBE = ("describe_alarms", {"AlarmNames": [NAME], "AlarmTypes": ["MetricAlarm"]})
LIST_TAGS = ("list_tags_for_resource", {"ResourceARN": ARN})
PROCEDURE_ALARM = {
    "AlarmName": NAME,
    "AlarmDescription": constants.ALARM_DESCRIPTION,
    "ActionsEnabled": True,
    "AlarmActions": [TOPIC],
    "OKActions": [],
    "InsufficientDataActions": [],
    "MetricName": constants.METRIC_NAME,
    "Namespace": constants.METRIC_NAMESPACE,
    "Statistic": constants.STATISTIC,
    "Period": constants.PERIOD,
    "EvaluationPeriods": constants.EVALUATION_PERIODS,
    "DatapointsToAlarm": constants.DATAPOINTS_TO_ALARM,
    "Threshold": constants.THRESHOLD,
    "ComparisonOperator": constants.COMPARISON_OPERATOR,
    "TreatMissingData": constants.TREAT_MISSING_DATA,
}
EXISTING = {**PROCEDURE_ALARM, "AlarmArn": ARN, "StateValue": "OK", "Dimensions": []}


def cloudwatch_client(alarm: dict | None, tags: dict | None = None) -> mock.Mock:
    client = mock.Mock()
    client.describe_alarms.return_value = {"MetricAlarms": [alarm] if alarm else []}
    client.list_tags_for_resource.return_value = {"Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()]}
    return client


def params(**overrides) -> dict:
    # tags and purge_tags come from amazon.aws's tags doc fragment, not from the module's own options.
    return documented_params(
        kms_pending_alarm, **{"alarm_actions": [TOPIC], "tags": None, "purge_tags": True, **overrides}
    )


def run(alarm: dict | None, aws_tags: dict | None = None, check_mode: bool = False, **options):
    """do() on a client that finds ``alarm`` tagged ``aws_tags``; ``options`` are the task's."""
    client = cloudwatch_client(alarm, aws_tags)
    module = StubModule(params(**options), client, check_mode, region=REGION)
    outcome, result = run_module(kms_pending_alarm.do, module)
    return outcome, result, api_calls(client), module


SCENARIOS = [
    pytest.param(None, None, {}, [DESCRIBE, ("put_metric_alarm", PROCEDURE_ALARM)], id="create"),
    pytest.param(
        None,
        None,
        {"tags": {"team": "sec"}},
        [DESCRIBE, ("put_metric_alarm", {**PROCEDURE_ALARM, "Tags": [{"Key": "team", "Value": "sec"}]})],
        id="create with tags: one put",
    ),
    pytest.param(EXISTING, None, {}, [DESCRIBE], id="as asked"),
    pytest.param(EXISTING, {"team": "sec"}, {"tags": {"team": "sec"}}, [DESCRIBE, LIST_TAGS], id="as asked, tags too"),
    pytest.param(
        EXISTING,
        {"a": "1", "b": "2"},
        {"period": 120, "tags": {"a": "9"}},
        [
            DESCRIBE,
            LIST_TAGS,
            ("put_metric_alarm", {**PROCEDURE_ALARM, "Period": 120}),
            ("tag_resource", {"ResourceARN": ARN, "Tags": [{"Key": "a", "Value": "9"}]}),
            ("untag_resource", {"ResourceARN": ARN, "TagKeys": ["b"]}),
        ],
        id="update and retag: put, tag, untag",
    ),
    pytest.param(
        EXISTING, None, {"state": "absent"}, [DESCRIBE, ("delete_alarms", {"AlarmNames": [NAME]})], id="delete"
    ),
    pytest.param(None, None, {"state": "absent"}, [DESCRIBE], id="already absent"),
]


@pytest.mark.parametrize(("alarm", "aws_tags", "options", "calls"), SCENARIOS)
def test_reads_then_the_planned_writes_in_order(alarm, aws_tags, options, calls):
    outcome, result, made, module = run(alarm, aws_tags, **options)
    assert outcome == "exit", result
    assert made == calls
    assert module.clients_made == [("cloudwatch", {})]
    assert result["changed"] is any(call not in (DESCRIBE, LIST_TAGS) for call in calls)


@pytest.mark.parametrize(("alarm", "aws_tags", "options", "calls"), SCENARIOS)
def test_check_mode_writes_nothing_and_reports_the_same(alarm, aws_tags, options, calls):
    checked = run(alarm, aws_tags, check_mode=True, **options)
    applied = run(alarm, aws_tags, **options)
    assert checked[2] == [call for call in calls if call in (DESCRIBE, LIST_TAGS)]
    assert checked[:2] == applied[:2]
    assert set(checked[1]) == {"changed", "alarm", "diff"}


def test_the_result_is_the_alarm_after_the_run():
    _outcome, result, _calls, _module = run(EXISTING, period=120)
    assert result["alarm"]["period"] == 120
    assert result["alarm"]["alarm_arn"] == ARN
    assert result["diff"]["before"]["period"] == 60


def test_bad_options_fail_before_any_client_is_made():
    outcome, result, calls, module = run(EXISTING, period=90, threshold=-1.0)
    assert outcome == "fail"
    assert [problem.partition(":")[0] for problem in result["problems"]] == ["period", "threshold"]
    assert result["msg"] == " ".join(result["problems"])
    assert module.clients_made == []
    assert calls == []


def test_an_alarm_without_actions_is_made_with_a_warning():
    outcome, _result, calls, module = run(None, alarm_actions=None)
    assert outcome == "exit"
    assert calls[-1] == ("put_metric_alarm", {**PROCEDURE_ALARM, "AlarmActions": []})
    assert module.warnings == [f"The alarm {NAME} has no alarm_actions: it will go off without notifying anyone."]
