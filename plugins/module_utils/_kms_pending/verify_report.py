# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The verify report: from each inventory target's recorded audit to one report. Pure: no AWS call, no file.

A target that acts has an audit record (the role's verify entry point): its audit result, its account, and the
targets its audit covers (account topology: the account's other targets, recorded by the home region's
multi-region trail; regional topology: other targets of the same region). Every other target is either covered
by such a record or was not audited (its audit failed, or it was unreachable).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_rules
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_keys
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import report_render as render

AUDITED, COVERED, NOT_AUDITED = "audited", "covered", "not_audited"
TITLE = "KMS pending-deletion alarm - verify report"
CHECK_DESCRIPTIONS = {
    "trail": "A trail delivers the region's events to the log group, is logging, delivers without error, and (account "
    "topology) is multi-region so it covers the account's other targets.",
    "events": "The trail's event selectors record read management events from kms.amazonaws.com.",
    "log_group": "The log group exists and its KMS key (if any) is usable.",
    "filter": "A metric filter on the group counts every sample call on a key pending deletion and none of the "
    "allowed calls (judged by running its pattern).",
    "alarm": "An alarm on exactly that metric fires on a single event: statistic, threshold, 1 datapoint, missing "
    "data not breaching, period.",
    "actions": "The alarm's actions are enabled and each is an existing SNS topic in the same region.",
    "topic": "The topic policy lets cloudwatch.amazonaws.com publish, and its KMS key (if any) lets CloudWatch use it.",
    "subscriptions": "The topic has at least one confirmed subscription.",
}
CONSOLE_CHECKS = {
    "trail": "TRAIL",
    "events": "EVENTS",
    "log_group": "LOGS",
    "filter": "FILTER",
    "alarm": "ALARM",
    "actions": "ACTIONS",
    "topic": "TOPIC",
    "subscriptions": "SUBS",
}
CONSOLE_STATUS = {"pass": "ok", "warn": "WARN", "fail": "FAIL", "skip": "-"}


@dataclass
class Row:
    """One inventory target in the report."""

    host: str
    region: str
    account_id: str = ""
    kind: str = NOT_AUDITED
    status: str = audit_rules.FAIL
    checks: dict[str, str] = field(default_factory=dict)
    note: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    drill: dict[str, Any] | None = None


@dataclass
class Report:
    rows: list[Row]
    pending_keys: list[dict[str, Any]]
    generated_at: str

    @property
    def status(self) -> str:
        statuses = {row.status for row in self.rows}
        return next((status for status in (audit_rules.FAIL, audit_rules.WARN) if status in statuses), "pass")

    def count(self, severity: str) -> int:
        return sum(1 for row in self.rows for item in row.findings if item["severity"] == severity)

    @property
    def failed_targets(self) -> list[str]:
        return [row.host for row in self.rows if row.status == audit_rules.FAIL]

    @property
    def drills(self) -> list[Row]:
        return [row for row in self.rows if row.drill]


def _status_of(checks: dict[str, str]) -> str:
    values = set(checks.values())
    return next((status for status in (audit_rules.FAIL, audit_rules.WARN) if status in values), audit_rules.PASS)


def _audited_row(host: str, region: str, record: dict[str, Any]) -> Row:
    result = record.get("result") or {}
    if result.get("failed") or "checks" not in result:
        return Row(host, region, str(record.get("account_id", "")), note=f"audit failed: {result.get('msg', '')}")
    drill = record.get("drill") or {}
    return Row(
        host=host,
        region=record.get("region") or region,
        account_id=str(record.get("account_id") or result.get("account_id") or ""),
        kind=AUDITED,
        status=result.get("status", audit_rules.FAIL),
        checks=dict(result["checks"]),
        note="" if (record.get("region") or region) == region else f"acts in {record.get('region')}",
        findings=list(result.get("findings") or []),
        drill=drill if drill.get("states") else None,
    )


def _covered_row(host: str, region: str, covering: Row, record: dict[str, Any]) -> Row:
    """A target whose region the covering target's audit judged: it shares that chain's statuses."""
    result = record.get("result") or {}
    entry = next((item for item in result.get("coverage") or [] if item.get("region") == region), None)
    checks = dict(covering.checks)
    if entry is None:
        note = f"same region as {covering.host}: its chain is audited there"
    elif entry.get("covered"):
        note = f"covered by {entry.get('home_region')} multi-region trail {entry.get('trail_name')} ({covering.host})"
    else:
        checks["trail"] = audit_rules.FAIL
        trail = entry.get("trail_name")
        note = (
            f"NOT covered: trail {trail} of {covering.region} records {covering.region} only"
            if trail
            else f"NOT covered: {covering.region} has no trail that delivers to the log group"
        )
    return Row(host, region, covering.account_id, COVERED, _status_of(checks), checks, note)


def build_rows(targets: list[dict[str, Any]]) -> list[Row]:
    """``targets``: ``{host, region, record}`` in inventory order, ``record`` None for a target without one."""
    rows: dict[str, Row] = {}
    regions = {target["host"]: target["region"] for target in targets}
    records = [target for target in targets if target.get("record")]
    for target in records:
        rows[target["host"]] = _audited_row(target["host"], target["region"], target["record"])
    for target in records:
        covering = rows[target["host"]]
        for host in target["record"].get("covered_hosts") or []:
            if host in regions and host not in rows and covering.kind == AUDITED:
                rows[host] = _covered_row(host, regions[host], covering, target["record"])
    for target in targets:
        if target["host"] not in rows:
            note = "not audited: its audit failed or the target was unreachable (see the run's output)"
            rows[target["host"]] = Row(target["host"], target["region"], note=note)
    return [rows[target["host"]] for target in targets]


def collect_pending_keys(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every key pending deletion the audits found, once each, most urgent first."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for target in targets:
        record = target.get("record") or {}
        result = record.get("result") or {}
        for key in result.get("pending_keys") or []:
            entry = dict(key, account_id=str(record.get("account_id") or result.get("account_id") or ""))
            found.setdefault((entry["region"], entry.get("arn") or entry["key_id"]), entry)
    return sorted(
        found.values(), key=lambda key: (key.get("days_left") is None, key.get("days_left") or 0, key["key_id"])
    )


def build_report(targets: list[dict[str, Any]], generated_at: str) -> Report:
    return Report(rows=build_rows(targets), pending_keys=collect_pending_keys(targets), generated_at=generated_at)


# --- the document -------------------------------------------------------------------------------------------------


def readable_date(value: str | None) -> str:
    """An ISO 8601 date as people read it (to the minute, in UTC); "-" for none."""
    when = pending_keys.as_datetime(value)
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC") if when else "-"


def key_urgency(days_left: int | None) -> str:
    if days_left is None:
        return "skip"
    return "fail" if days_left <= 7 else "warn" if days_left <= 30 else "info"


def _row_keys(row: Row, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [key for key in keys if key.get("account_id") == row.account_id and key["region"] == row.region]


def targets_table(report: Report) -> render.Table:
    headers = ["Target", "Account", "Region", "Status", *audit_rules.CHECKS.values(), "Keys pending deletion", "Note"]
    rows = []
    for row in report.rows:
        checks = [
            render.Cell(render.STATUS_LABELS[row.checks.get(check, "skip")], row.checks.get(check, "skip"))
            for check in audit_rules.CHECKS
        ]
        keys = _row_keys(row, report.pending_keys)
        soonest = keys[0].get("days_left") if keys else None
        key_text = f"{len(keys)}" + (f" (soonest in {soonest} d)" if soonest is not None else "")
        rows.append(
            [
                render.Cell(row.host),
                render.Cell(row.account_id),
                render.Cell(row.region),
                render.Cell(render.STATUS_LABELS[row.status], row.status),
                *checks,
                render.Cell(key_text, key_urgency(soonest) if keys else None),
                render.Cell(row.note, wrap=True),
            ]
        )
    return render.Table(headers, rows)


def findings_blocks(report: Report) -> list[render.Block]:
    items = [
        render.Item(
            severity=item["severity"],
            title=item["code"],
            text=item["message"],
            remediation=item.get("remediation", ""),
            context=f"{row.host} · {item.get('region', row.region)} · {audit_rules.CHECKS.get(item['check'], '')}",
        )
        for row in report.rows
        for item in row.findings
    ]
    not_audited = [row for row in report.rows if row.kind == NOT_AUDITED]
    blocks: list[render.Block] = [
        render.Paragraph(f"{row.host} ({row.region}): {row.note}", "fail") for row in not_audited
    ]
    if items:
        blocks.append(render.Findings(items))
    elif not not_audited:
        blocks.append(render.Paragraph("No finding: every audited chain can fire and notify.", "pass"))
    return blocks


def keys_table(report: Report) -> render.Block:
    if not report.pending_keys:
        return render.Paragraph("No KMS key is pending deletion in the audited regions.", "pass")
    headers = ["Days left", "Key", "Aliases", "Account", "Region", "State", "Deletion date", "Used by the chain"]
    rows = [
        [
            render.Cell("-" if key.get("days_left") is None else str(key["days_left"]), key_urgency(key["days_left"])),
            render.Cell(key["key_id"], hint=key.get("arn", "")),
            render.Cell(", ".join(key.get("aliases") or []) or "-"),
            render.Cell(key.get("account_id", "")),
            render.Cell(key["region"]),
            render.Cell(key.get("key_state", "")),
            render.Cell(readable_date(key.get("deletion_date"))),
            render.Cell("; ".join(key.get("used_by") or []) or "-", "fail" if key.get("used_by") else None, wrap=True),
        ]
        for key in report.pending_keys
    ]
    return render.Table(
        headers,
        rows,
        "Most urgent first. Cancel a deletion with: aws kms cancel-key-deletion --key-id KEY --region REGION",
    )


def drill_blocks(report: Report) -> list[render.Block]:
    rows = [
        [
            render.Cell(row.host),
            render.Cell(row.region),
            render.Cell(row.drill.get("alarm_name", "")),
            render.Cell(" -> ".join(row.drill.get("states") or [])),
            render.Cell(", ".join(row.drill.get("notified_topics") or []), wrap=True),
        ]
        for row in report.drills
    ]
    warning = render.Paragraph(
        "A real notification was sent: each alarm below was set to ALARM and back to OK. Every confirmed "
        "subscriber of its topics should have received it; ask them.",
        "warn",
    )
    return [warning, render.Table(["Target", "Region", "Alarm", "States", "Topics notified"], rows)]


def document(report: Report) -> render.Document:
    audited = sum(1 for row in report.rows if row.kind == AUDITED)
    covered = sum(1 for row in report.rows if row.kind == COVERED)
    soonest = next((key["days_left"] for key in report.pending_keys if key.get("days_left") is not None), None)
    keys_fact = str(len(report.pending_keys)) + (f" (soonest in {soonest} days)" if soonest is not None else "")
    sections = [
        render.Section("Targets and checks", [targets_table(report)]),
        render.Section("Findings", findings_blocks(report), "Most severe first, each with its fix."),
        render.Section("Keys pending deletion", [keys_table(report)]),
    ]
    if report.drills:
        sections.append(render.Section("Drill", drill_blocks(report)))
    legend = render.Table(
        ["Check", "Passes when"],
        [
            [render.Cell(audit_rules.CHECKS[check]), render.Cell(text, wrap=True)]
            for check, text in CHECK_DESCRIPTIONS.items()
        ],
    )
    sections.append(render.Section("What is checked", [legend]))
    return render.Document(
        title=TITLE,
        status=report.status,
        facts=[
            ("Targets", f"{len(report.rows)} ({audited} audited, {covered} covered)"),
            ("Failing targets", str(len(report.failed_targets))),
            ("Critical findings", str(report.count(audit_rules.CRITICAL))),
            ("Warnings", str(report.count(audit_rules.WARNING))),
            ("Keys pending deletion", keys_fact),
            ("Generated", report.generated_at),
        ],
        sections=sections,
        footer=(
            "Generated by kmsguard.alarms (playbooks/verify.yml). The audit only reads"
            + ("; the drill sent real notifications." if report.drills else ": nothing was changed.")
        ),
    )


def console_table(report: Report) -> list[str]:
    """The compact per-target table the playbook prints."""
    headers = ["TARGET", "ACCOUNT", "REGION", "STATUS", *CONSOLE_CHECKS.values(), "KEYS", "NOTE"]
    rows = []
    for row in report.rows:
        checks = [CONSOLE_STATUS.get(row.checks.get(check, "skip"), "-") for check in CONSOLE_CHECKS]
        keys = _row_keys(row, report.pending_keys)
        soonest = keys[0].get("days_left") if keys else None
        key_text = f"{len(keys)}" + (f" ({soonest}d)" if soonest is not None else "")
        status = render.STATUS_LABELS[row.status]
        rows.append([row.host, row.account_id or "-", row.region, status, *checks, key_text, row.note])
    return render.render_text_table(headers, rows)
