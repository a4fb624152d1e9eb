# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The shape of the collection's controller-side actions: no connection, no file transfer, checked arguments."""

from __future__ import annotations

import datetime

from ansible.plugins.action import ActionBase

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import report_files


class ControllerAction(ActionBase):
    """An action that runs on the controller only; subclasses set ARGUMENT_SPEC and implement ``act``."""

    TRANSFERS_FILES = False
    _requires_connection = False
    ARGUMENT_SPEC: dict = {}

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC)[1]
        return self.act(args, task_vars, result)

    def act(self, args: dict, task_vars: dict, result: dict) -> dict:
        raise NotImplementedError


class ReportAction(ControllerAction):
    """A report of what each target recorded, written as Markdown and HTML and returned with a console table.

    Subclasses set RECORD_VAR (the fact each target recorded), REPORT_STEM (the file names) and REPORT (the
    module_utils that builds the report: ``build_report(targets, generated_at)``, ``document(report)`` and
    ``console_table(report)``), and return their own result fields from ``facts``.
    """

    ARGUMENT_SPEC = {
        "dest": {"type": "path", "default": "kmsguard-verify-report"},
        "hosts": {"type": "list", "elements": "str"},
    }
    RECORD_VAR = ""
    REPORT_STEM = ""
    REPORT = None

    def act(self, args: dict, task_vars: dict, result: dict) -> dict:
        report = self.REPORT.build_report(self.recorded_targets(args, task_vars), self.generated_at())
        self.write_report(args["dest"], self.REPORT.document(report), result)
        result.update(changed=False, status=report.status, table=self.REPORT.console_table(report))
        result.update(self.facts(report))
        return result

    def facts(self, report) -> dict:
        raise NotImplementedError

    def recorded_targets(self, args: dict, task_vars: dict) -> list[dict]:
        """Each host (``hosts``, or every host of the play) with its region and the fact it recorded, or None."""
        task_vars = task_vars or {}
        hosts = args["hosts"] if args["hosts"] is not None else list(task_vars.get("ansible_play_hosts_all", []))
        hostvars = task_vars.get("hostvars", {})
        return [
            {
                "host": host,
                "region": str(hostvars[host].get("aws_region", "")) if host in hostvars else "",
                "record": hostvars[host].get(self.RECORD_VAR) if host in hostvars else None,
            }
            for host in hosts
        ]

    @staticmethod
    def generated_at() -> str:
        return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")

    def write_report(self, dest: str, document, result: dict) -> None:
        """Write the Markdown and HTML files (not in check mode) and say where they are."""
        markdown_path, html_path = report_files.paths(dest, self.REPORT_STEM)
        if not self._task.check_mode:
            report_files.write(dest, self.REPORT_STEM, document)
        result.update(written=not self._task.check_mode, markdown_path=markdown_path, html_path=html_path)
