# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Calls on KMS keys as a trail delivers them to CloudWatch Logs, in a test's own account on the moto server:
real keys, and the corpus's records re-aimed at them and written with PutLogEvents."""

from __future__ import annotations

import json

import cloudtrail_corpus as corpus

LOG_GROUP = "/aws/cloudtrail/kmsguard"
STREAM = "cloudtrail"


def aimed_at(record: dict, key_arn: str) -> dict:
    """The record as if the call had been made on ``key_arn``."""
    record = json.loads(json.dumps(record))
    record["resources"] = [{"accountId": key_arn.split(":")[4], "type": "AWS::KMS::Key", "ARN": key_arn}]
    if (record.get("requestParameters") or {}).get("keyId"):
        record["requestParameters"]["keyId"] = key_arn
    message = record.get("errorMessage") or ""
    if message.startswith("arn:aws:kms:"):
        record["errorMessage"] = f"{key_arn} {message.split(' ', 1)[1]}"
    return record


def write_events(account, records: list[dict], region: str = "us-east-1", log_group: str = LOG_GROUP) -> None:
    """A new log group holding the records, oldest first, as CloudTrail delivers them."""
    logs = account.client("logs", region)
    logs.create_log_group(logGroupName=log_group)
    logs.create_log_stream(logGroupName=log_group, logStreamName=STREAM)
    events = sorted((corpus.log_event(record) for record in records), key=lambda event: event["timestamp"])
    logs.put_log_events(logGroupName=log_group, logStreamName=STREAM, logEvents=events)


def key(account, region: str, pending_days: int | None) -> str:
    """A new key's ARN; with ``pending_days``, its deletion is scheduled that many days ahead."""
    kms = account.client("kms", region)
    metadata = kms.create_key(Description="kmsguard test key")["KeyMetadata"]
    if pending_days:
        kms.schedule_key_deletion(KeyId=metadata["KeyId"], PendingWindowInDays=pending_days)
    return metadata["Arn"]
