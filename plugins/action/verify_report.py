# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.verify_report: the verify report of every target's recorded audit, on the controller."""

from __future__ import annotations

import datetime

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import report_files
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import verify_report
from ansible_collections.kmsguard.alarms.plugins.plugin_utils._controller_action import ControllerAction

# The fact the role's verify entry point records on each target that acts (tasks/audit.yml).
RECORD_VAR = "pending_deletion_alarm__audit"
REPORT_STEM = "verify-report"
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
        report = verify_report.build_report(targets, generated_at)
        document = verify_report.document(report)

        markdown_path, html_path = report_files.paths(args["dest"], REPORT_STEM)
        if not self._task.check_mode:
            report_files.write(args["dest"], REPORT_STEM, document)

        result.update(
            changed=False,
            written=not self._task.check_mode,
            markdown_path=markdown_path,
            html_path=html_path,
            status=report.status,
            critical_count=report.count("critical"),
            warning_count=report.count("warning"),
            failed_targets=report.failed_targets,
            table=verify_report.console_table(report),
            targets=[
                {
                    "host": row.host,
                    "account_id": row.account_id,
                    "region": row.region,
                    "kind": row.kind,
                    "status": row.status,
                    "checks": row.checks,
                    "note": row.note,
                    "findings": row.findings,
                }
                for row in report.rows
            ],
            pending_keys=report.pending_keys,
        )
        return result
