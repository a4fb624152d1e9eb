# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kms_pending_alarm's do(): the order of calls, the check-mode guard, and the result, with a stubbed client.

What each request holds is decided, and tested, in alarm_decisions; here the module must send exactly the plan's
writes, in order, after its reads, and none in check mode.
"""

from __future__ import annotations

from unittest import mock

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import alarm_decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.modules import kms_pending_alarm
from module_stub import REGION
from module_stub import documented_params
from module_stub import run_module

TOPIC = f"arn:aws:sns:{REGION}:123456789012:kms-alerts"
NAME = constants.ALARM_NAME
ARN = f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:{NAME}"
READS = ("describe_alarms", "list_tags_for_resource")


def params(**options) -> dict:
    # tags and purge_tags come from amazon.aws's tags doc fragment, not from the module's own options.
    return documented_params(
        kms_pending_alarm, **{"alarm_actions": [TOPIC], "tags": None, "purge_tags": True, **options}
    )


# The procedure's alarm as DescribeAlarms returns it once created.
EXISTING = {
    **alarm_decisions.put_metric_alarm_request(alarm_decisions.desired_alarm(params(), {})),
    "AlarmArn": ARN,
    "StateValue": "OK",
    "Dimensions": [],
}


def cloudwatch_client(alarm: dict | None, aws_tags: dict | None = None) -> mock.Mock:
    client = mock.Mock()
    client.describe_alarms.return_value = {"MetricAlarms": [alarm] if alarm else []}
    tag_list = [{"Key": key, "Value": value} for key, value in (aws_tags or {}).items()]
    client.list_tags_for_resource.return_value = {"Tags": tag_list}
    return client


def run(alarm: dict | None, aws_tags: dict | None = None, check_mode: bool = False, **options):
    """do() on a client that finds ``alarm`` tagged ``aws_tags``; ``options`` are the task's."""
    return run_module(kms_pending_alarm.do, params(**options), cloudwatch_client(alarm, aws_tags), check_mode)


def planned_writes(alarm: dict | None, aws_tags: dict | None, **options) -> list[tuple[str, dict]]:
    plan_params = params(**options)
    tags = aws_tags if alarm and plan_params["tags"] is not None else None
    return [(write.operation, write.request) for write in alarm_decisions.plan_alarm(plan_params, alarm, tags).writes]


SCENARIOS = [
    pytest.param(None, None, {}, ["describe_alarms", "put_metric_alarm"], id="create"),
    pytest.param(None, None, {"tags": {"team": "sec"}}, ["describe_alarms", "put_metric_alarm"], id="create tagged"),
    pytest.param(EXISTING, None, {}, ["describe_alarms"], id="as asked"),
    pytest.param(
        EXISTING,
        {"team": "sec"},
        {"tags": {"team": "sec"}},
        ["describe_alarms", "list_tags_for_resource"],
        id="tags too",
    ),
    pytest.param(
        EXISTING,
        {"a": "1", "b": "2"},
        {"period": 120, "tags": {"a": "9"}},
        ["describe_alarms", "list_tags_for_resource", "put_metric_alarm", "tag_resource", "untag_resource"],
        id="update and retag: put, tag, untag",
    ),
    pytest.param(EXISTING, None, {"state": "absent"}, ["describe_alarms", "delete_alarms"], id="delete"),
    pytest.param(None, None, {"state": "absent"}, ["describe_alarms"], id="already absent"),
]


@pytest.mark.parametrize(("alarm", "aws_tags", "options", "operations"), SCENARIOS)
def test_reads_then_the_planned_writes_in_order(alarm, aws_tags, options, operations):
    outcome = run(alarm, aws_tags, **options)
    assert outcome.ended == "exit", outcome.result
    assert [name for name, _request in outcome.calls] == operations
    writes = [call for call in outcome.calls if call[0] not in READS]
    assert writes == planned_writes(alarm, aws_tags, **options)
    assert outcome.calls[0] == ("describe_alarms", {"AlarmNames": [NAME], "AlarmTypes": ["MetricAlarm"]})
    assert outcome.result["changed"] is bool(writes)
    assert outcome.module.clients_made == [("cloudwatch", {})]


@pytest.mark.parametrize(("alarm", "aws_tags", "options", "operations"), SCENARIOS)
def test_check_mode_writes_nothing_and_reports_the_same(alarm, aws_tags, options, operations):
    checked = run(alarm, aws_tags, check_mode=True, **options)
    applied = run(alarm, aws_tags, **options)
    assert [name for name, _request in checked.calls] == [name for name in operations if name in READS]
    assert (checked.ended, checked.result) == (applied.ended, applied.result)
    assert set(checked.result) == {"changed", "alarm", "diff"}


def test_the_result_is_the_alarm_after_the_run():
    outcome = run(EXISTING, period=120)
    assert outcome.result["alarm"]["period"] == 120
    assert outcome.result["alarm"]["alarm_arn"] == ARN
    assert outcome.result["diff"]["before"]["period"] == 60


def test_bad_options_fail_before_any_client_is_made():
    problems = run(EXISTING, period=90, threshold=-1.0).failed_before_any_call()
    assert [problem.partition(":")[0] for problem in problems] == ["period", "threshold"]


def test_an_alarm_without_actions_is_made_with_a_warning():
    outcome = run(None, alarm_actions=None)
    assert outcome.ended == "exit"
    assert outcome.calls[-1][1]["AlarmActions"] == []
    assert outcome.module.warnings == [
        f"The alarm {NAME} has no alarm_actions: it will go off without notifying anyone."
    ]
