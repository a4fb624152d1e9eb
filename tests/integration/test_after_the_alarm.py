# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""After the alarm: playbooks/investigate.yml (which key, which call, who) and playbooks/cancel_deletion.yml on moto.

The calls reach the home region's log group as the account topology's multi-region trail delivers them: the
corpus's records, re-aimed at real keys of the test's account, with calls that must not count mixed in.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import pytest

import cloudtrail_corpus as corpus
from kms_calls import aimed_at
from kms_calls import key
from kms_calls import write_events
from moto_endpoint import is_write

REPO_ROOT = Path(__file__).resolve().parents[2]
INVESTIGATE = REPO_ROOT / "playbooks" / "investigate.yml"
CANCEL = REPO_ROOT / "playbooks" / "cancel_deletion.yml"
CANCEL_TASK = "kmsguard.alarms.pending_deletion_alarm : Cancel the scheduled deletions"
HOSTS = {"home": "us-east-1", "eu": "eu-west-1"}
NOW = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def play(account, ansible_playbook, moto_endpoint, tmp_path):
    """``play(playbook, check=False, diff=False, **extra_vars)`` on both targets, in the test's account; the run's
    AWS calls are in ``run.calls``."""

    def run(playbook: Path, check: bool = False, diff: bool = False, **extra_vars):
        moto_endpoint.forget_calls()
        completed = ansible_playbook(
            playbook,
            hosts={name: {"aws_region": region} for name, region in HOSTS.items()},
            group_vars={"ansible_python_interpreter": sys.executable},
            check=check,
            diff=diff,
            extra_args=["-e", json.dumps({"verify_report_dir": str(tmp_path / "report"), **extra_vars})],
            env=account.env,
        )
        completed.calls = moto_endpoint.calls()
        return completed

    return run


@pytest.fixture
def calls_on_a_pending_key(account):
    """A key pending deletion (7 days) called from two regions, and an enabled key called without error."""
    pending, enabled = key(account, "us-east-1", 7), key(account, "us-east-1", None)
    matching = [corpus.BY_LABEL["Decrypt by an assumed role on a key pending deletion"], corpus.PROCEDURE_MATCHES[0]]
    records = [corpus.at(aimed_at(row["record"], pending), NOW - (n + 2) * MINUTE) for n, row in enumerate(matching)]
    records += [corpus.at(aimed_at(row["record"], enabled), NOW - 3 * MINUTE) for row in corpus.NOT_MATCHING]
    write_events(account, records)
    return pending, enabled


def key_state(account, arn: str) -> str:
    return account.client("kms", arn.split(":")[3]).describe_key(KeyId=arn)["KeyMetadata"]["KeyState"]


def test_investigate_names_the_key_the_call_and_who(play, calls_on_a_pending_key, tmp_path):
    pending, _enabled = calls_on_a_pending_key

    run = play(INVESTIGATE, since="1h")

    assert run.rc == 0, run.explain()
    report = run.result("Write the report (Markdown and HTML)", "home")
    assert [found["key_arn"] for found in report["called_keys"]] == [pending]
    table = report["table"]
    assert table[0].split() == ["KEY", "ALIAS", "DAYS", "LEFT", "CALLS", "OPERATIONS", "CALLERS"]
    assert table[1].split()[:4] == [pending.rsplit("/", 1)[1], "-", "7", "2"]
    assert "Decrypt x1" in table[1] and "Encrypt x1" in table[1]
    assert "arn:aws:iam::111122223333:role/app-role" in table[1] and "user/alice" in table[1]
    assert json.loads(report["cancel_command"].split(" -e ", 1)[1].strip("'"))["key_ids"] == [pending]
    markdown = (tmp_path / "report" / "investigate-report.md").read_text()
    page = (tmp_path / "report" / "investigate-report.html").read_text()
    for text in (markdown, page):
        assert pending.rsplit("/", 1)[1] in text and "203.0.113.25" in text and "10.0.12.34" in text
    assert "<style>" in page  # the verify report's look
    assert [call for call in run.calls if is_write(call["operation"])] == []


def test_investigate_exits_0_and_says_so_when_nothing_is_found(play, account):
    write_events(account, [corpus.at(row["record"], NOW - MINUTE) for row in corpus.NOT_MATCHING])

    run = play(INVESTIGATE)

    assert run.rc == 0, run.explain()
    shown = run.result("Show the keys in use", "home")["msg"]
    assert shown[0].startswith("No call on a KMS key pending deletion was found")


def test_cancel_from_investigation_check_refuse_cancel_enable_then_nothing(play, account, calls_on_a_pending_key):
    pending, enabled = calls_on_a_pending_key

    check = play(CANCEL, check=True, diff=True, from_investigation=True, since="1h", enable=True)

    assert check.rc == 0, check.explain()
    assert [call["operation"] for call in check.calls if is_write(call["operation"])] == []
    checked = check.result(CANCEL_TASK, "home")
    assert checked["changed"] is True
    assert checked["diff"]["before"]["keys"][pending]["key_state"] == "PendingDeletion"
    assert checked["diff"]["after"]["keys"] == {pending: {"key_state": "Enabled"}}
    assert key_state(account, pending) == "PendingDeletion"

    refused = play(CANCEL, from_investigation=True, since="1h")

    assert refused.rc != 0
    assert "confirm=true" in refused.result("Refuse a run that names no key, or a real run without confirm=true",
                                            "home")["msg"]  # fmt: skip
    assert [call for call in refused.calls if is_write(call["operation"])] == []

    cancelled = play(CANCEL, from_investigation=True, since="1h", enable=True, confirm=True)

    assert cancelled.rc == 0, cancelled.explain()
    assert cancelled.writes == ["CancelKeyDeletion", "EnableKey"]
    assert (key_state(account, pending), key_state(account, enabled)) == ("Enabled", "Enabled")
    result = cancelled.result(CANCEL_TASK, "home")
    assert [(k["key_arn"], k["action"]) for k in result["key_results"]] == [(pending, "cancelled_and_enabled")]

    again = play(CANCEL, from_investigation=True, since="1h", enable=True, confirm=True)

    assert again.rc == 0, again.explain()
    assert again.changed == {"home": 0, "eu": 0}
    assert [k["action"] for k in again.result(CANCEL_TASK, "home")["key_results"]] == ["not_pending_deletion"]


def test_cancel_named_keys_unknown_fails_before_any_write(play, account):
    pending, disabled = key(account, "eu-west-1", 30), key(account, "us-east-1", None)
    account.client("kms").disable_key(KeyId=disabled.rsplit("/", 1)[1])  # moto: by ID only
    unknown = pending.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"

    failed = play(CANCEL, key_ids=[pending, disabled, unknown], confirm=True)

    assert failed.rc != 0
    assert f"KMS key {unknown} does not exist in eu-west-1" in failed.stdout
    assert [call for call in failed.calls if is_write(call["operation"])] == []
    assert key_state(account, pending) == "PendingDeletion"

    cancelled = play(CANCEL, key_ids=[pending, disabled], confirm=True)

    assert cancelled.rc == 0, cancelled.explain()
    assert cancelled.writes == ["CancelKeyDeletion"]
    assert (key_state(account, pending), key_state(account, disabled)) == ("Disabled", "Disabled")
