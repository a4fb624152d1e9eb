# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The investigate report: from each target's recorded kms_pending_events result to one report, in the verify
report's look (``report_render``). Pure: no AWS call, no file.

A target that acts records its search (the role's ``investigate`` entry point); in the account topology the home
region's search covers the account's other targets, whose calls it reports with the region they came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import report_render as render
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import verify_report

TITLE = "KMS keys pending deletion - who is still using them"
# Shown per key in the console and the tables; the report's events table holds more.
SHOWN = 3
CANCEL_PLAYBOOK = "kmsguard.alarms.cancel_deletion"


@dataclass
class Search:
    """One target's search: where, over which window, and what it found (or why it failed)."""

    host: str
    account_id: str
    region: str
    log_group: str
    window: dict[str, Any]
    keys: list[dict[str, Any]]
    error: str = ""
    events_matched: int = 0


@dataclass
class Report:
    searches: list[Search]
    not_searched: list[str]
    generated_at: str

    @property
    def keys(self) -> list[dict[str, Any]]:
        """Every called key once (account, ARN), most urgent first."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for search in self.searches:
            for key in search.keys:
                found.setdefault((key.get("account_id", ""), key["key_arn"]), dict(key, found_by=search.host))
        return sorted(
            found.values(),
            key=lambda key: (key["days_left"] is None, key["days_left"] or 0, -key["call_count"], key["key_arn"]),
        )

    @property
    def failed(self) -> list[Search]:
        return [search for search in self.searches if search.error]

    @property
    def status(self) -> str:
        if self.failed or self.not_searched:
            return "fail"
        return "warn" if self.keys else "pass"


def build_report(targets: list[dict[str, Any]], generated_at: str) -> Report:
    """``targets``: ``{host, region, record}`` in inventory order, ``record`` None for a target without one."""
    searches, covered = [], set()
    for target in targets:
        record = target.get("record")
        if not record:
            continue
        result = record.get("result") or {}
        covered.update(record.get("covered_hosts") or [])
        searches.append(
            Search(
                host=target["host"],
                account_id=str(record.get("account_id", "")),
                region=record.get("region") or target["region"],
                log_group=result.get("log_group_name") or "",
                window=result.get("window") or {},
                keys=list(result.get("called_keys") or []),
                error="" if "called_keys" in result else str(result.get("msg") or "the search failed"),
                events_matched=int(result.get("events_matched") or 0),
            )
        )
    searched = {search.host for search in searches} | covered
    not_searched = [target["host"] for target in targets if target["host"] not in searched]
    return Report(searches, not_searched, generated_at)


def _counted(entries: list[dict[str, Any]], name: str, shown: int = SHOWN) -> str:
    parts = [f"{entry[name]} x{entry['count']}" for entry in entries[:shown]]
    more = len(entries) - shown
    return ", ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def caller_name(caller: dict[str, Any]) -> str:
    """A caller as people read it: the role of a session (else the principal), and the service that called for it."""
    principal = caller.get("role_arn") or caller.get("principal_arn") or "-"
    service = caller.get("invoked_by")
    return f"{service} for {principal}" if service and service != principal else principal


def callers_text(key: dict[str, Any], shown: int = SHOWN) -> str:
    counts: dict[str, int] = {}
    for caller in key.get("callers") or []:
        name = caller_name(caller)
        counts[name] = counts.get(name, 0) + caller["count"]
    entries = [{"name": name, "count": count} for name, count in sorted(counts.items(), key=lambda item: -item[1])]
    return _counted(entries, "name", shown)


def days_text(key: dict[str, Any]) -> str:
    if key.get("days_left") is not None:
        return str(key["days_left"])
    return key.get("key_state") or "unknown"


def cancel_command(keys: list[dict[str, Any]]) -> str:
    """The playbook run that cancels the deletion of the keys still pending deletion ("" when there is none)."""
    pending = [key["key_arn"] for key in keys if key.get("key_state") in ("PendingDeletion", "PendingReplicaDeletion")]
    if not pending:
        return ""
    extra_vars = json.dumps({"key_ids": pending, "enable": True, "confirm": True})
    return f"ansible-playbook -i INVENTORY {CANCEL_PLAYBOOK} -e '{extra_vars}'"


def console_table(report: Report) -> list[str]:
    """What the playbook prints: one row per key, or one line saying nothing was found."""
    if not report.keys:
        windows = "; ".join(
            f"{search.host}: {search.window.get('start', '?')} to {search.window.get('end', '?')}"
            for search in report.searches
            if not search.error
        )
        return [f"No call on a KMS key pending deletion was found ({windows or 'nothing was searched'})."]
    headers = ["KEY", "ALIAS", "DAYS LEFT", "CALLS", "OPERATIONS", "CALLERS"]
    rows = [
        [
            key["key_id"],
            ", ".join(key.get("aliases") or []) or "-",
            days_text(key),
            str(key["call_count"]),
            _counted(key.get("operations") or [], "operation"),
            callers_text(key),
        ]
        for key in report.keys
    ]
    command = cancel_command(report.keys)
    return render.render_text_table(headers, rows) + ([f"Cancel: {command}"] if command else [])


# --- the document -------------------------------------------------------------------------------------------------


def keys_table(report: Report) -> render.Block:
    if not report.keys:
        return render.Paragraph("No call on a KMS key pending deletion was found in the searched windows.", "pass")
    headers = ["Days left", "Key", "Aliases", "Account", "Region", "State", "Deletion date", "Calls", "First seen",
               "Last seen", "Operations", "Callers"]  # fmt: skip
    rows = [
        [
            render.Cell(days_text(key), verify_report.key_urgency(key.get("days_left"))),
            render.Cell(key["key_id"], hint=key["key_arn"]),
            render.Cell(", ".join(key.get("aliases") or []) or "-"),
            render.Cell(key.get("account_id", "")),
            render.Cell(key.get("region", "")),
            render.Cell(key.get("key_state") or "unknown"),
            render.Cell(verify_report.readable_date(key.get("deletion_date"))),
            render.Cell(str(key["call_count"])),
            render.Cell(verify_report.readable_date(key.get("first_seen"))),
            render.Cell(verify_report.readable_date(key.get("last_seen"))),
            render.Cell(_counted(key.get("operations") or [], "operation", 10), wrap=True),
            render.Cell(callers_text(key, 10), wrap=True),
        ]
        for key in report.keys
    ]
    return render.Table(headers, rows, "Most urgent first.")


def callers_table(report: Report) -> render.Block:
    headers = ["Key", "Principal", "Type", "Called by service", "Source IP", "User agent", "Operations", "Calls",
               "Last seen"]  # fmt: skip
    rows = [
        [
            render.Cell(key["key_id"], hint=key["key_arn"]),
            render.Cell(caller.get("principal_arn") or "-", wrap=True),
            render.Cell(caller.get("principal_type") or "-"),
            render.Cell(caller.get("invoked_by") or "-"),
            render.Cell(caller.get("source_ip") or "-"),
            render.Cell(caller.get("user_agent") or "-", wrap=True),
            render.Cell(", ".join(caller.get("operations") or [])),
            render.Cell(str(caller["count"])),
            render.Cell(verify_report.readable_date(caller.get("last_seen"))),
        ]
        for key in report.keys
        for caller in key.get("callers") or []
    ]
    return render.Table(headers, rows, "Who made the calls: fix or stop them before the key is deleted.")


def events_table(report: Report) -> render.Block:
    headers = ["Time", "Key", "Operation", "Region", "Principal", "Source IP", "Error"]
    rows = [
        [
            render.Cell(verify_report.readable_date(event.get("event_time"))),
            render.Cell(key["key_id"], hint=key["key_arn"]),
            render.Cell(event.get("event_name", "")),
            render.Cell(event.get("aws_region", "")),
            render.Cell(event.get("principal_arn") or event.get("invoked_by") or "-", wrap=True),
            render.Cell(event.get("source_ip", "")),
            render.Cell(event.get("error_code", "")),
        ]
        for key in report.keys
        for event in key.get("events") or []
    ]
    truncated = [key["key_id"] for key in report.keys if key.get("events_truncated")]
    caption = "The first calls per key." + (f" More calls on {', '.join(truncated)} were counted." if truncated else "")
    return render.Table(headers, rows, caption)


def searches_table(report: Report) -> render.Table:
    rows = [
        [
            render.Cell(search.host),
            render.Cell(search.account_id),
            render.Cell(search.region),
            render.Cell(search.log_group or "-"),
            render.Cell(
                f"{verify_report.readable_date(search.window.get('start'))} to "
                f"{verify_report.readable_date(search.window.get('end'))}"
            ),
            render.Cell(search.window.get("source", "-")),
            render.Cell("failed" if search.error else str(search.events_matched), "fail" if search.error else None),
            render.Cell(search.error, wrap=True),
        ]
        for search in report.searches
    ]
    rows += [
        [render.Cell(host), render.Cell(""), render.Cell(""), render.Cell("-"), render.Cell("-"), render.Cell("-"),
         render.Cell("not searched", "fail"), render.Cell("its search failed or the target was unreachable")]
        for host in report.not_searched
    ]  # fmt: skip
    headers = ["Target", "Account", "Region", "Log group", "Window", "Window from", "Calls found", "Note"]
    return render.Table(headers, rows)


def document(report: Report) -> render.Document:
    command = cancel_command(report.keys)
    next_steps = [
        render.Paragraph(
            "Fix or stop each caller first if the key is really to be deleted; otherwise cancel the deletion. "
            "CancelKeyDeletion leaves a key Disabled: enable it (enable=true) or the callers keep failing.",
        )
    ]
    if command:
        next_steps.append(render.Paragraph(f"Check first (writes nothing): {command} --check --diff"))
        next_steps.append(render.Paragraph(f"Then: {command}", "warn"))
    next_steps.append(
        render.Paragraph("Then check the alarm still works: ansible-playbook -i INVENTORY kmsguard.alarms.verify")
    )
    sections = [render.Section("Keys in use", [keys_table(report)])]
    if report.keys:
        sections += [
            render.Section("Callers", [callers_table(report)]),
            render.Section("Calls", [events_table(report)]),
            render.Section("What to do now", next_steps),
        ]
    sections.append(render.Section("Searches", [searches_table(report)]))
    soonest = next((key["days_left"] for key in report.keys if key.get("days_left") is not None), None)
    return render.Document(
        title=TITLE,
        status=report.status,
        facts=[
            ("Keys in use", str(len(report.keys))),
            ("Calls", str(sum(key["call_count"] for key in report.keys))),
            ("Soonest deletion", f"in {soonest} days" if soonest is not None else "-"),
            ("Targets searched", f"{len(report.searches)} ({len(report.failed) + len(report.not_searched)} failed)"),
            ("Generated", report.generated_at),
        ],
        sections=sections,
        footer="Generated by kmsguard.alarms (playbooks/investigate.yml). The search only reads: nothing was changed.",
    )
