# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The verify report: targets audited, covered or not audited; keys pending deletion; the document it renders."""

from __future__ import annotations

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_rules
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import report_render
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import verify_report
from html_tables import table_cells

ACCOUNT = "123456789012"
ALL_PASS = dict.fromkeys(audit_rules.CHECKS, "pass")


def key(key_id: str, region: str, days: int | None) -> dict:
    return {"key_id": key_id, "arn": f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}", "region": region,
            "aliases": [f"alias/{key_id}"], "key_state": "PendingDeletion", "days_left": days,
            "deletion_date": None, "used_by": []}  # fmt: skip


def result(status: str = "pass", checks: dict | None = None, findings=(), coverage=(), keys=()) -> dict:
    return {
        "status": status,
        "checks": checks or ALL_PASS,
        "findings": list(findings),
        "coverage": list(coverage),
        "pending_keys": list(keys),
        "account_id": ACCOUNT,
    }


def record(region: str, covered_hosts=(), **result_fields) -> dict:
    return {
        "account_id": ACCOUNT,
        "region": region,
        "covered_hosts": list(covered_hosts),
        "result": result(**result_fields),
        "drill": {},
    }


def coverage(region: str, covered: bool) -> dict:
    return {"region": region, "covered": covered, "trail_name": "kmsguard-trail", "home_region": "us-east-1"}


def target(host: str, region: str, record_=None) -> dict:
    return {"host": host, "region": region, "record": record_}


def account_topology(covered: bool = True, **result_fields) -> list[dict]:
    home = record(
        "us-east-1",
        covered_hosts=["eu", "ap"],
        coverage=[coverage("eu-west-1", covered), coverage("ap-southeast-2", covered)],
        **result_fields,
    )
    return [target("us", "us-east-1", home), target("eu", "eu-west-1"), target("ap", "ap-southeast-2")]


def rows_of(targets: list[dict]) -> list[tuple[str, str, str]]:
    return [(row.host, row.kind, row.status) for row in verify_report.build_rows(targets)]


@pytest.mark.parametrize(
    ("targets", "expected"),
    [
        pytest.param(
            account_topology(),
            [("us", "audited", "pass"), ("eu", "covered", "pass"), ("ap", "covered", "pass")],
            id="account-topology-covered",
        ),
        pytest.param(
            account_topology(covered=False),
            [("us", "audited", "pass"), ("eu", "covered", "fail"), ("ap", "covered", "fail")],
            id="single-region-trail-covers-nothing",
        ),
        pytest.param(
            account_topology(status="warn", checks=dict(ALL_PASS, subscriptions="warn")),
            [("us", "audited", "warn"), ("eu", "covered", "warn"), ("ap", "covered", "warn")],
            id="covered-targets-share-the-home-chain",
        ),
        pytest.param(
            [target("a", "eu-west-1", record("eu-west-1", covered_hosts=["b"])), target("b", "eu-west-1")],
            [("a", "audited", "pass"), ("b", "covered", "pass")],
            id="regional-two-targets-of-one-region",
        ),
        pytest.param(
            [target("a", "eu-west-1", record("eu-west-1")), target("b", "us-east-1")],
            [("a", "audited", "pass"), ("b", "not_audited", "fail")],
            id="target-without-a-record",
        ),
        pytest.param(
            [target("a", "eu-west-1", {"account_id": ACCOUNT, "result": {"failed": True, "msg": "AccessDenied"}})],
            [("a", "not_audited", "fail")],
            id="audit-failed",
        ),
    ],
)
def test_build_rows(targets, expected):
    assert rows_of(targets) == expected


def test_notes_say_who_covers_whom():
    rows = verify_report.build_rows(account_topology())
    assert rows[1].note == "covered by us-east-1 multi-region trail kmsguard-trail (us)"
    rows = verify_report.build_rows(account_topology(covered=False))
    assert rows[1].note == "NOT covered: trail kmsguard-trail of us-east-1 records us-east-1 only"
    assert rows[1].checks["trail"] == "fail"


def test_pending_keys_once_each_most_urgent_first():
    keys = [key("k30", "eu-west-1", 30), key("k7", "us-east-1", 7), key("replica", "us-east-1", None)]
    targets = [target("us", "us-east-1", record("us-east-1", keys=keys)), target("eu", "eu-west-1")]
    targets.append(target("us-again", "us-east-1", record("us-east-1", keys=keys[:1])))
    report = verify_report.build_report(targets, "now")
    assert [item["key_id"] for item in report.pending_keys] == ["k7", "k30", "replica"]
    assert {item["account_id"] for item in report.pending_keys} == {ACCOUNT}


def html_tables(report: verify_report.Report) -> list[list[list[tuple[str, str]]]]:
    return table_cells(report_render.render_html(verify_report.document(report)))


def test_the_html_report_shows_targets_by_checks_and_keys_by_urgency():
    finding = {"code": "trail_not_logging", "severity": "critical", "check": "trail", "message": "Not logging.",
               "remediation": "Start it.", "region": "us-east-1"}  # fmt: skip
    targets = account_topology(
        covered=True,
        status="fail",
        checks=dict(ALL_PASS, trail="fail", topic="skip"),
        findings=[finding],
        keys=[key("k12", "eu-west-1", 12), key("k3", "us-east-1", 3)],
    )
    report = verify_report.build_report(targets, "2030-01-01 00:00:00 UTC")
    assert report.failed_targets == ["us", "eu", "ap"]
    targets_table, keys_table = html_tables(report)[:2]
    header = [text for _class, text in targets_table[0]]
    assert header[:4] == ["Target", "Account", "Region", "Status"]
    assert header[4:12] == list(audit_rules.CHECKS.values())
    us = dict(zip(header, targets_table[1], strict=True))
    assert us["Status"] == ("status s-fail", "FAIL")
    assert us["Trail"] == ("status s-fail", "FAIL")
    assert us["Topic"] == ("status s-skip", "n/a")
    assert us["Keys pending deletion"] == ("status s-fail", "1 (soonest in 3 d)")
    eu = dict(zip(header, targets_table[2], strict=True))
    assert eu["Note"][1].startswith("covered by us-east-1 multi-region trail")
    assert eu["Keys pending deletion"][1] == "1 (soonest in 12 d)"
    assert [row[0] for row in keys_table[1:]] == [("status s-fail", "3"), ("status s-warn", "12")]
    page = report_render.render_html(verify_report.document(report))
    assert "Start it." in page and "trail_not_logging" in page


def test_the_drill_section_appears_after_a_drill_only():
    targets = account_topology()
    assert "Drill" not in [
        section.title for section in verify_report.document(verify_report.build_report(targets, "t")).sections
    ]
    targets[0]["record"]["drill"] = {"alarm_name": "A", "states": ["ALARM", "OK"], "notified_topics": ["arn:t"]}
    document = verify_report.document(verify_report.build_report(targets, "t"))
    drill = next(section for section in document.sections if section.title == "Drill")
    assert "real notification" in drill.blocks[0].text
    assert "real notifications" in document.footer


def test_console_table():
    lines = verify_report.console_table(verify_report.build_report(account_topology(covered=False), "t"))
    assert lines[0].split() == ["TARGET", "ACCOUNT", "REGION", "STATUS", *verify_report.CONSOLE_CHECKS.values(),
                                "KEYS", "NOTE"]  # fmt: skip
    assert lines[1].split()[:5] == ["us", ACCOUNT, "us-east-1", "PASS", "ok"]
    assert lines[2].split()[:5] == ["eu", ACCOUNT, "eu-west-1", "FAIL", "FAIL"]
    assert "NOT covered" in lines[2]
