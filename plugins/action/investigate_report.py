# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.investigate_report: the investigate report of every target's recorded search, on the controller."""

from __future__ import annotations

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import investigate_report
from ansible_collections.kmsguard.alarms.plugins.plugin_utils._controller_action import ReportAction


class ActionModule(ReportAction):
    # The fact the role's investigate entry point records on each target that acts (tasks/events.yml).
    RECORD_VAR = "pending_deletion_alarm__investigation"
    REPORT_STEM = "investigate-report"
    REPORT = investigate_report

    def facts(self, report) -> dict:
        return {
            "found": bool(report.keys),
            "called_keys": report.keys,
            "failed_targets": [search.host for search in report.failed] + report.not_searched,
            "cancel_command": investigate_report.cancel_command(report.keys),
        }
