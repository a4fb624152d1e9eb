# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Decisions of kms_pending_alarm_drill: whether a drill can send a notification. Pure: no AWS call."""

from __future__ import annotations

from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns

DRILL_REASON = (
    "Drill by kmsguard.alarms: this notification tests that the alarm reaches its recipients. "
    "No KMS key pending deletion was used."
)
BACK_TO_OK_REASON = "Drill by kmsguard.alarms finished: the alarm is back to OK until its next evaluation."
# SetAlarmState takes a reason of at most 1023 characters.
REASON_MAX = 1023


def validate_params(params: dict[str, Any], region: str | None) -> list[str]:
    errors = [] if region else ["No region is set: set region (or AWS_REGION) to the alarm's region."]
    if not 1 <= len(params["alarm_name"]) <= 255:
        errors.append(f"alarm_name: {params['alarm_name']!r} must be 1 to 255 characters long.")
    if not 1 <= len(params["reason"]) <= REASON_MAX:
        errors.append(f"reason: must be 1 to {REASON_MAX} characters long (it has {len(params['reason'])}).")
    return errors


def notified_topics(alarm: dict[str, Any]) -> list[str]:
    """The SNS topics the alarm notifies when it goes to ALARM."""
    return sorted(
        action
        for action in alarm.get("AlarmActions") or []
        if (parts := arns.parse_arn(action)) and parts["service"] == "sns"
    )


def drill_problems(alarm: dict[str, Any] | None, alarm_name: str, region: str) -> list[str]:
    """Why a drill on the alarm would notify nobody (or hide a real alarm); [] when it can run."""
    if alarm is None:
        return [
            f"Alarm {alarm_name} does not exist in region {region}: there is nothing to drill. Deploy the chain "
            "first (kmsguard.alarms.site)."
        ]
    problems = []
    if alarm.get("StateValue") == "ALARM":
        problems.append(
            f"Alarm {alarm_name} is in ALARM now ({alarm.get('StateReason', '')}): setting it to ALARM again sends "
            "no notification, and setting it back to OK would hide a real alarm. Investigate first."
        )
    if alarm.get("ActionsEnabled") is False:
        problems.append(f"Alarm {alarm_name} has its actions disabled: the drill would notify nobody.")
    if not alarm.get("AlarmActions"):
        problems.append(f"Alarm {alarm_name} has no alarm action: the drill would notify nobody.")
    return problems
