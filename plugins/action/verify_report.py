# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.verify_report: the verify report of every target's recorded audit, on the controller."""

from __future__ import annotations

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import verify_report
from ansible_collections.kmsguard.alarms.plugins.plugin_utils._controller_action import ReportAction


class ActionModule(ReportAction):
    # The fact the role's verify entry point records on each target that acts (tasks/audit.yml).
    RECORD_VAR = "pending_deletion_alarm__audit"
    REPORT_STEM = "verify-report"
    REPORT = verify_report

    def facts(self, report) -> dict:
        return {
            "critical_count": report.count("critical"),
            "warning_count": report.count("warning"),
            "failed_targets": report.failed_targets,
            "targets": [
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
            "pending_keys": report.pending_keys,
        }
