# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The procedure's filter pattern and its replica variant against the CloudTrail corpus, and the runtime samples
against the corpus's labels."""

from __future__ import annotations

import json

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import kms_event_samples as samples
from cloudtrail_corpus import BY_LABEL
from cloudtrail_corpus import CORPUS

PROCEDURE = filter_pattern.compile_pattern(constants.FILTER_PATTERN)
REPLICA = filter_pattern.compile_pattern(constants.REPLICA_FILTER_PATTERN)
CRYPTOGRAPHIC_OPERATIONS = {
    "Encrypt",
    "Decrypt",
    "ReEncrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair",
    "Sign",
    "Verify",
    "GenerateMac",
    "VerifyMac",
    "GetPublicKey",
    "DeriveSharedSecret",
}
# Each group of samples, with the verdicts (procedure's pattern, replica variant) the corpus must give its labels.
SAMPLE_GROUPS = [
    (samples.pending_deletion_events, True, True),
    (samples.allowed_events, False, False),
    (samples.replica_pending_deletion_events, False, True),
]


def message(row: dict) -> str:
    """The record as CloudTrail delivers it to CloudWatch Logs: one compact JSON object per log event."""
    return json.dumps(row["record"], separators=(",", ":"))


def test_corpus_labels_are_unique_and_cover_every_case() -> None:
    assert len(BY_LABEL) == len(CORPUS)
    pending = [row["record"] for row in CORPUS if row["procedure_match"]]
    assert {record["eventName"] for record in pending} >= CRYPTOGRAPHIC_OPERATIONS
    assert {"IAMUser", "AssumedRole", "AWSService", "Root"} <= {record["userIdentity"]["type"] for record in pending}
    assert any("invokedBy" in record["userIdentity"] for record in pending)
    unmatched = [row["record"] for row in CORPUS if not row["procedure_match"]]
    messages = {record.get("errorMessage", "").rsplit(" is ", 1)[-1] for record in unmatched}
    assert {"disabled.", "pending import.", "pending replica deletion.", "pending deletion."} <= messages
    assert {"ListKeys", "DescribeKey", "CancelKeyDeletion", "PutKeyPolicy", "GetKeyPolicy"} <= {
        record["eventName"] for record in unmatched if "errorCode" not in record
    }
    assert any(not record["eventSource"].startswith("kms") for record in unmatched)


@pytest.mark.parametrize("row", CORPUS, ids=[row["label"] for row in CORPUS])
def test_procedure_pattern_against_the_corpus(row: dict) -> None:
    assert (PROCEDURE.match(message(row)) is not None) == row["procedure_match"]


@pytest.mark.parametrize("row", CORPUS, ids=[row["label"] for row in CORPUS])
def test_replica_pattern_against_the_corpus(row: dict) -> None:
    assert (REPLICA.match(message(row)) is not None) == row["replica_match"]


def test_test_pattern_over_the_whole_corpus_numbers_the_matching_records() -> None:
    batch = [message(row) for row in CORPUS]
    expected = [number for number, row in enumerate(CORPUS) if row["procedure_match"]]
    # TestMetricFilter takes at most 50 messages; the corpus fits one call.
    assert len(batch) <= 50
    assert [match["event_number"] for match in filter_pattern.test_pattern(constants.FILTER_PATTERN, batch)] == expected


@pytest.mark.parametrize(
    ("group", "procedure", "replica"), SAMPLE_GROUPS, ids=lambda value: getattr(value, "__name__", "")
)
def test_samples_agree_with_the_corpus(group, procedure: bool, replica: bool) -> None:
    pairs = group()
    assert pairs
    for label, sample_message in pairs:
        row = BY_LABEL[label]
        assert (row["procedure_match"], row["replica_match"]) == (procedure, replica), label
        assert (PROCEDURE.match(sample_message) is not None, REPLICA.match(sample_message) is not None) == (
            procedure,
            replica,
        ), label


@pytest.mark.parametrize(
    "pair", [pair for group, _procedure, _replica in SAMPLE_GROUPS for pair in group()], ids=lambda pair: pair[0]
)
def test_each_sample_describes_the_same_call_as_its_corpus_record(pair: tuple[str, str]) -> None:
    label, sample_message = pair
    sample, record = json.loads(sample_message), BY_LABEL[label]["record"]
    for field in ("eventSource", "eventName", "errorCode", "eventType", "eventCategory"):
        assert sample.get(field) == record.get(field), field
    assert sample["userIdentity"]["type"] == record["userIdentity"]["type"]
    assert sample.get("errorMessage", "").rsplit(" is ", 1)[-1] == record.get("errorMessage", "").rsplit(" is ", 1)[-1]
