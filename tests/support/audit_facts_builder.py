# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The facts of a healthy chain, as audit_facts.gather returns them, for the audit's unit tables to break."""

from __future__ import annotations

import datetime
import json

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from procedure_alarm import PROCEDURE_ALARM_FIELDS

REGION = "us-east-1"
ACCOUNT = "123456789012"
LOG_GROUP = "/aws/cloudtrail/kmsguard"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/kmsguard-trail"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:kmsguard-kms-pending-deletion"
ALARM_ARN = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{constants.ALARM_NAME}"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
NOW = datetime.datetime(2030, 1, 1, 12, 0, tzinfo=datetime.UTC)

# The topic policy the role writes: CloudWatch alarms of this account only.
ROLE_TOPIC_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "CloudWatchAlarmsOfThisAccountOnly",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": TOPIC_ARN,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:*"},
            },
        }
    ],
}

# A key policy that lets CloudWatch encrypt the notifications of an encrypted topic.
CLOUDWATCH_KEY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        },
    ],
}


def trail() -> dict:
    return {
        "Name": "kmsguard-trail",
        "TrailARN": TRAIL_ARN,
        "HomeRegion": REGION,
        "IsMultiRegionTrail": True,
        "CloudWatchLogsLogGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{LOG_GROUP}:*",
        "CloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT}:role/kmsguard-cloudtrail-to-logs",
    }


def procedure_filter(**changes) -> dict:
    transformation = {
        "metricName": constants.METRIC_NAME,
        "metricNamespace": constants.METRIC_NAMESPACE,
        "metricValue": constants.METRIC_VALUE,
    }
    transformation.update(changes.pop("transformation", {}))
    found = {
        "filterName": constants.FILTER_NAME,
        "logGroupName": LOG_GROUP,
        "filterPattern": constants.FILTER_PATTERN,
        "metricTransformations": [transformation],
    }
    found.update(changes)
    return found


def procedure_alarm(**changes) -> dict:
    alarm = {
        "AlarmName": constants.ALARM_NAME,
        "AlarmArn": ALARM_ARN,
        "ActionsEnabled": True,
        "AlarmActions": [TOPIC_ARN],
        **PROCEDURE_ALARM_FIELDS,
        "Dimensions": [],
        "StateValue": "OK",
    }
    alarm.update(changes)
    return alarm


def key(key_id: str = KEY_ID, state: str = "Enabled", manager: str = "CUSTOMER", **changes) -> dict:
    metadata = {
        "KeyId": key_id,
        "Arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}",
        "KeyState": state,
        "KeyManager": manager,
        "MultiRegion": False,
    }
    if state == "PendingDeletion":
        metadata["DeletionDate"] = NOW + datetime.timedelta(days=6, hours=3)
    metadata.update(changes)
    return metadata


def healthy_facts() -> dict:
    return {
        "region": REGION,
        "covered_regions": [],
        "filter_name": constants.FILTER_NAME,
        "alarm_name": constants.ALARM_NAME,
        "all_trails": [trail()],
        "candidate_log_groups": [LOG_GROUP],
        "log_group_name": LOG_GROUP,
        "log_group_source": "option",
        "trails": [
            {
                "trail": trail(),
                "status": {"IsLogging": True},
                "selectors": {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]},
            }
        ],
        "log_group": {"logGroupName": LOG_GROUP},
        "metric_filters": [procedure_filter()],
        "named_alarm": procedure_alarm(),
        "metric_alarms": [],
        "topics": {
            TOPIC_ARN: {
                "attributes": {"TopicArn": TOPIC_ARN, "Policy": json.dumps(ROLE_TOPIC_POLICY)},
                "subscriptions": [
                    {
                        "SubscriptionArn": f"{TOPIC_ARN}:0c7e2b4e-0000-4000-8000-000000000001",
                        "Protocol": "email",
                        "Endpoint": "security-team@example.com",
                    }
                ],
            }
        },
        "keys": {REGION: {"metadata": [], "aliases": []}},
        "account_id": ACCOUNT,
    }
