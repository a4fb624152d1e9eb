# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.investigate_report: the investigate report of every target's recorded search, on the controller."""

from __future__ import annotations

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import investigate_report
from ansible_collections.kmsguard.alarms.plugins.plugin_utils._controller_action import ReportAction

# The fact the role's investigate entry point records on each target that acts (tasks/events.yml).
RECORD_VAR = "pending_deletion_alarm__investigation"
REPORT_STEM = "investigate-report"
ARGUMENT_SPEC = {
    "dest": {"type": "path", "default": "kmsguard-verify-report"},
    "hosts": {"type": "list", "elements": "str"},
}


class ActionModule(ReportAction):
    ARGUMENT_SPEC = ARGUMENT_SPEC
    RECORD_VAR = RECORD_VAR
    REPORT_STEM = REPORT_STEM

    def act(self, args, task_vars, result):
        targets = self.recorded_targets(args, task_vars)
        generated_at = self.generated_at()
        report = investigate_report.build_report(targets, generated_at)
        self.write_report(args["dest"], investigate_report.document(report), result)
        result.update(
            changed=False,
            status=report.status,
            found=bool(report.keys),
            called_keys=report.keys,
            failed_targets=[search.host for search in report.failed] + report.not_searched,
            table=investigate_report.console_table(report),
            cancel_command=investigate_report.cancel_command(report.keys),
        )
        return result
