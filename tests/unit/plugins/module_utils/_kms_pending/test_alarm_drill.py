# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""When a drill may run: only on an alarm that notifies someone and is not in ALARM."""

from __future__ import annotations

import pytest

import audit_facts_builder as build
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import alarm_drill

NAME = "KMSKeyPendingDeletionErrorAlarm"


@pytest.mark.parametrize(
    ("alarm", "fragments"),
    [
        pytest.param(build.procedure_alarm(), [], id="ready"),
        pytest.param(build.procedure_alarm(StateValue="INSUFFICIENT_DATA"), [], id="insufficient-data"),
        pytest.param(None, ["does not exist in region us-east-1"], id="missing"),
        pytest.param(build.procedure_alarm(StateValue="ALARM"), ["is in ALARM now"], id="in-alarm"),
        pytest.param(build.procedure_alarm(ActionsEnabled=False), ["actions disabled"], id="actions-disabled"),
        pytest.param(build.procedure_alarm(AlarmActions=[]), ["no alarm action"], id="no-action"),
        pytest.param(
            build.procedure_alarm(AlarmActions=[], ActionsEnabled=False),
            ["actions disabled", "no alarm action"],
            id="both",
        ),
    ],
)
def test_drill_problems(alarm, fragments):
    problems = alarm_drill.drill_problems(alarm, NAME, "us-east-1")
    assert len(problems) == len(fragments)
    for problem, fragment in zip(problems, fragments, strict=True):
        assert fragment in problem


def test_notified_topics_are_the_sns_actions():
    lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    alarm = build.procedure_alarm(AlarmActions=[lambda_arn, build.TOPIC_ARN])
    assert alarm_drill.notified_topics(alarm) == [build.TOPIC_ARN]


@pytest.mark.parametrize(
    ("params", "region", "fragment"),
    [
        pytest.param({}, "us-east-1", None, id="defaults"),
        pytest.param({}, None, "No region", id="no-region"),
        pytest.param({"alarm_name": ""}, "us-east-1", "alarm_name", id="empty-name"),
        pytest.param({"reason": "x" * 1024}, "us-east-1", "it has 1024", id="reason-too-long"),
    ],
)
def test_validate_params(params, region, fragment):
    options = {"alarm_name": NAME, "reason": alarm_drill.DRILL_REASON, **params}
    errors = alarm_drill.validate_params(options, region)
    assert errors == [] if fragment is None else fragment in " ".join(errors)
