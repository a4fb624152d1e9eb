# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The CloudTrail corpus of tests/fixtures/cloudtrail/kms_events.jsonl (its README says what a row holds), and
how a trail puts a record into CloudWatch Logs: one log event per record, its JSON as the message."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

CORPUS_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "cloudtrail" / "kms_events.jsonl"
CORPUS = [json.loads(line) for line in CORPUS_FILE.read_text(encoding="utf-8").splitlines()]
BY_LABEL = {row["label"]: row for row in CORPUS}
PROCEDURE_MATCHES = [row for row in CORPUS if row["procedure_match"]]
NOT_MATCHING = [row for row in CORPUS if not row["procedure_match"] and not row["replica_match"]]
REPLICA_ONLY = [row for row in CORPUS if row["replica_match"] and not row["procedure_match"]]


def record(label: str, **changes) -> dict:
    """A copy of the labelled record, with top-level fields changed."""
    return {**json.loads(json.dumps(BY_LABEL[label]["record"])), **changes}


def at(record_: dict, when: datetime.datetime) -> dict:
    """The record as made at ``when`` (its eventTime)."""
    return {**record_, "eventTime": when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def log_event(record_: dict) -> dict:
    """The PutLogEvents entry CloudTrail writes for the record: its time, its JSON."""
    when = datetime.datetime.fromisoformat(record_["eventTime"].replace("Z", "+00:00"))
    return {"timestamp": int(when.timestamp() * 1000), "message": json.dumps(record_)}
