# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.investigate_report: the investigate report of every target's recorded search, on the controller."""

from __future__ import annotations

import datetime

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import investigate_report
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import report_files
from ansible_collections.kmsguard.alarms.plugins.plugin_utils._controller_action import ControllerAction

# The fact the role's investigate entry point records on each target that acts (tasks/events.yml).
RECORD_VAR = "pending_deletion_alarm__investigation"
REPORT_STEM = "investigate-report"
ARGUMENT_SPEC = {
    "dest": {"type": "path", "default": "kmsguard-verify-report"},
    "hosts": {"type": "list", "elements": "str"},
}


class ActionModule(ControllerAction):
    ARGUMENT_SPEC = ARGUMENT_SPEC

    def act(self, args, task_vars, result):
        task_vars = task_vars or {}
        hosts = args["hosts"] if args["hosts"] is not None else list(task_vars.get("ansible_play_hosts_all", []))
        hostvars = task_vars.get("hostvars", {})
        targets = [
            {
                "host": host,
                "region": str(hostvars[host].get("aws_region", "")) if host in hostvars else "",
                "record": hostvars[host].get(RECORD_VAR) if host in hostvars else None,
            }
            for host in hosts
        ]
        generated_at = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        report = investigate_report.build_report(targets, generated_at)
        markdown_path, html_path = report_files.paths(args["dest"], REPORT_STEM)
        if not self._task.check_mode:
            report_files.write(args["dest"], REPORT_STEM, investigate_report.document(report))
        result.update(
            changed=False,
            written=not self._task.check_mode,
            markdown_path=markdown_path,
            html_path=html_path,
            status=report.status,
            found=bool(report.keys),
            called_keys=report.keys,
            failed_targets=[search.host for search in report.failed] + report.not_searched,
            table=investigate_report.console_table(report),
            cancel_command=investigate_report.cancel_command(report.keys),
        )
        return result
