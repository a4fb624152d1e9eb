# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""A compact, representative set of CloudTrail records of AWS KMS calls, as CloudWatch Logs receives them.

Each function returns ``(label, message)`` pairs, the message being one CloudTrail record as compact JSON (one
record per log event, as CloudTrail delivers to CloudWatch Logs):

* ``pending_deletion_events()``: calls that failed because the KMS key is pending deletion; a filter that detects
  usage of a key pending deletion must match every one;
* ``allowed_events()``: calls it must not match (operations AWS KMS allows on a key pending deletion, calls on keys
  in other states, other services with similar messages);
* ``replica_pending_deletion_events()``: calls on a multi-Region replica key pending replica deletion; only a filter
  that also watches replica deletion matches them.

The records follow AWS's documented CloudTrail record for AWS KMS. The test corpus (tests/fixtures/cloudtrail) has a
record with the same label and verdict for every sample here.
"""

from __future__ import annotations

import json
from typing import Any

ACCOUNT_ID = "111122223333"
REGION = "us-east-1"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
REPLICA_KEY_ID = "mrk-1234abcd12ab34cd56ef1234567890ab"

# Who calls: the userIdentity, sourceIPAddress and userAgent CloudTrail records for each kind of caller.
CALLERS: dict[str, dict[str, Any]] = {
    "an IAM user": {
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEUSERID0001",
            "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/alice",
            "accountId": ACCOUNT_ID,
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
            "userName": "alice",
        },
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023",
    },
    "an assumed role": {
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEROLEID0001:app-session",
            "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/app-role/app-session",
            "accountId": ACCOUNT_ID,
            "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROAEXAMPLEROLEID0001",
                    "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/app-role",
                    "accountId": ACCOUNT_ID,
                    "userName": "app-role",
                },
                "attributes": {"creationDate": "2024-05-06T07:00:00Z", "mfaAuthenticated": "false"},
            },
        },
        "sourceIPAddress": "198.51.100.20",
        "userAgent": "Boto3/1.34.90 md/Botocore#1.34.90 ua/2.0 os/linux#6.1 lang/python#3.12.3",
    },
    "Amazon S3": {
        "userIdentity": {"type": "AWSService", "invokedBy": "s3.amazonaws.com"},
        "sourceIPAddress": "s3.amazonaws.com",
        "userAgent": "s3.amazonaws.com",
    },
}

# The errorMessage AWS KMS gives a KMSInvalidStateException, by key state.
STATE_MESSAGES = {
    "pending deletion": "{arn} is pending deletion.",
    "pending replica deletion": "{arn} is pending replica deletion.",
    "disabled": "{arn} is disabled.",
    "pending import": "{arn} is pending import.",
}
# CloudTrail records the cryptographic operations as read-only events, like the Describe/Get/List ones (AWS KMS
# Developer Guide, "Examples of AWS KMS log entries": Encrypt, Decrypt, ReEncrypt, Sign, Verify... have
# "readOnly": true), so a trail that records write events only never sees a use of a key pending deletion.
READ_ONLY_OPERATIONS = frozenset(
    {"DescribeKey", "GetKeyPolicy", "GetPublicKey", "ListAliases", "ListKeys", "ListResourceTags"}
    | {"Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair"}
    | {"GenerateDataKeyPairWithoutPlaintext", "GenerateRandom", "GenerateMac", "VerifyMac", "Sign", "Verify"}
    | {"DeriveSharedSecret"}
)


def key_arn(key_id: str = KEY_ID) -> str:
    return f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/{key_id}"


def kms_record(operation: str, caller: str, key_id: str = KEY_ID, **fields: Any) -> dict[str, Any]:
    """One CloudTrail record of an AWS KMS call on the key; ``fields`` add or replace top-level fields."""
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        **CALLERS[caller],
        "eventTime": "2024-05-06T07:08:09Z",
        "eventSource": "kms.amazonaws.com",
        "eventName": operation,
        "awsRegion": REGION,
        "requestParameters": {"keyId": key_arn(key_id)},
        "responseElements": None,
        "requestID": "4f0c8e2a-1b3d-4c5e-8f7a-9b0c1d2e3f40",
        "eventID": "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
        "readOnly": operation in READ_ONLY_OPERATIONS,
        "resources": [{"accountId": ACCOUNT_ID, "type": "AWS::KMS::Key", "ARN": key_arn(key_id)}],
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT_ID,
        "eventCategory": "Management",
    }
    record.update(fields)
    return record


def failed_on_state(operation: str, caller: str, state: str, key_id: str = KEY_ID) -> dict[str, Any]:
    """The record of a call AWS KMS refused because of the key's state (KMSInvalidStateException)."""
    message = STATE_MESSAGES[state].format(arn=key_arn(key_id))
    return kms_record(operation, caller, key_id, errorCode="KMSInvalidStateException", errorMessage=message)


def sample(label: str, record: dict[str, Any]) -> tuple[str, str]:
    return label, json.dumps(record, separators=(",", ":"))


PENDING_CALLS = (
    ("Encrypt", "an IAM user"),
    ("Decrypt", "an assumed role"),
    ("Decrypt", "Amazon S3"),
    ("ReEncrypt", "an assumed role"),
    ("GenerateDataKey", "Amazon S3"),
    ("GenerateDataKeyWithoutPlaintext", "an assumed role"),
    ("GenerateDataKeyPair", "an IAM user"),
    ("Sign", "an assumed role"),
    ("Verify", "an IAM user"),
    ("GenerateMac", "an assumed role"),
    ("VerifyMac", "an IAM user"),
    ("GetPublicKey", "an IAM user"),
    ("DeriveSharedSecret", "an assumed role"),
)
ALLOWED_CALLS = (
    ("ListKeys", "an IAM user"),
    ("DescribeKey", "an assumed role"),
    ("CancelKeyDeletion", "an IAM user"),
    ("PutKeyPolicy", "an assumed role"),
    ("GetKeyPolicy", "an IAM user"),
    ("ScheduleKeyDeletion", "an IAM user"),
    ("ListAliases", "an assumed role"),
    ("ListResourceTags", "an IAM user"),
)
OTHER_STATE_CALLS = (
    ("Decrypt", "an assumed role", "disabled"),
    ("Encrypt", "an IAM user", "pending import"),
)


def pending_deletion_events() -> list[tuple[str, str]]:
    """Calls that failed because the key is pending deletion: a correct filter matches each."""
    return [
        sample(
            f"{operation} by {caller} on a key pending deletion", failed_on_state(operation, caller, "pending deletion")
        )
        for operation, caller in PENDING_CALLS
    ]


def other_service_record(source: str, operation: str, category: str) -> dict[str, Any]:
    """Another service's record of a call that failed because of the KMS key: the same message, not from KMS."""
    record = failed_on_state(operation, "an assumed role", "pending deletion")
    record.update(eventSource=source, errorCode="KMS.KMSInvalidStateException", eventCategory=category)
    return record


def allowed_events() -> list[tuple[str, str]]:
    """Calls a filter for usage of keys pending deletion must not match."""
    succeeded = [
        sample(f"{operation} by {caller} succeeds", kms_record(operation, caller))
        for operation, caller in ALLOWED_CALLS
    ]
    other_states = [
        sample(f"{operation} by {caller} on a key that is {state}", failed_on_state(operation, caller, state))
        for operation, caller, state in OTHER_STATE_CALLS
    ]
    other_services = [
        sample(
            "GetObject in Amazon S3 fails on a key pending deletion",
            other_service_record("s3.amazonaws.com", "GetObject", "Data"),
        ),
        sample(
            "GetSecretValue in AWS Secrets Manager fails on a key pending deletion",
            other_service_record("secretsmanager.amazonaws.com", "GetSecretValue", "Management"),
        ),
    ]
    return succeeded + other_states + other_services


def replica_pending_deletion_events() -> list[tuple[str, str]]:
    """Calls on a multi-Region replica key pending replica deletion."""
    return [
        sample(
            f"{operation} by {caller} on a replica key pending replica deletion",
            failed_on_state(operation, caller, "pending replica deletion", REPLICA_KEY_ID),
        )
        for operation, caller in (("Decrypt", "an assumed role"), ("GenerateDataKey", "Amazon S3"))
    ]
