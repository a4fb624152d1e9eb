# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The values of the AWS KMS procedure "Creating an alarm that detects usage of a KMS key pending deletion".

This is the one place these facts live: module defaults, role defaults and tests read or mirror them.
"""

from __future__ import annotations

FILTER_PATTERN = '{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}'
# The same, also counting uses of a multi-Region replica key whose replica deletion is scheduled (key state
# PendingReplicaDeletion, errorMessage "<key ARN> is pending replica deletion.").
REPLICA_FILTER_PATTERN = (
    '{ $.eventSource = kms* && ($.errorMessage = "* is pending deletion." || '
    '$.errorMessage = "* is pending replica deletion.") }'
)
FILTER_NAME = "KMSKeyPendingDeletion"
METRIC_NAME = "KMSKeyPendingDeletionErrorCount"
METRIC_NAMESPACE = "CloudTrailLogMetrics"
METRIC_VALUE = "1"

ALARM_NAME = "KMSKeyPendingDeletionErrorAlarm"
ALARM_DESCRIPTION = (
    "A KMS key that is scheduled for deletion was used. Once the key is deleted, data encrypted under it "
    "cannot be decrypted. Find the call in CloudTrail (eventSource kms.amazonaws.com, errorMessage "
    "'... is pending deletion.'), identify the key and the caller, and cancel the key deletion "
    "(aws kms cancel-key-deletion --key-id KEY_ID) if the key is still needed."
)
COMPARISON_OPERATOR = "GreaterThanOrEqualToThreshold"
THRESHOLD = 1.0
EVALUATION_PERIODS = 1
DATAPOINTS_TO_ALARM = 1
TREAT_MISSING_DATA = "notBreaching"
STATISTIC = "Sum"
PERIOD = 60

# CIS AWS Foundations Benchmark 4.7 / Security Hub CloudWatch.7: disabling or scheduling deletion of a CMK.
CIS_FILTER_PATTERN = (
    "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}"
)
CIS_FILTER_NAME = "KMSKeyDisableOrScheduleDeletion"
CIS_METRIC_NAME = "KMSKeyDisableOrScheduleDeletionCount"
CIS_ALARM_NAME = "KMSKeyDisableOrScheduleDeletionAlarm"
CIS_ALARM_DESCRIPTION = (
    "CIS AWS Foundations Benchmark: a KMS key was disabled or scheduled for deletion (DisableKey or "
    "ScheduleKeyDeletion on kms.amazonaws.com). Find the call in CloudTrail and, if it was not intended, "
    "re-enable the key (aws kms enable-key) or cancel its deletion (aws kms cancel-key-deletion)."
)

# Retention periods CloudWatch Logs accepts (PutRetentionPolicy retentionInDays), in days.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# The trail's event selectors: every management event, read and write, from every source. KMS cryptographic calls
# (Decrypt, Encrypt, GenerateDataKey...) are read events, and kms.amazonaws.com is one of the two sources a basic
# selector may exclude: both must stay recorded for the filter to see a key pending deletion in use. In the shape
# GetEventSelectors answers a basic selector.
EVENT_SELECTORS = (
    {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [], "ExcludeManagementEventSources": []},
)

# The detailed notification (kms_pending_event_rule): an EventBridge rule on the default bus whose one target is the
# alarm's topic. The state that also delivers read-only management events (Decrypt, GetPublicKey...) to the rule.
EVENT_RULE_NAME = "KMSKeyPendingDeletionEventRule"
EVENT_RULE_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
EVENT_RULE_STATES = ("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", "ENABLED", "DISABLED")
EVENT_RULE_TARGET_ID = "KMSKeyPendingDeletionTopic"
EVENT_RULE_DESCRIPTION = (
    "A KMS API call failed because its key is pending deletion: names the key, the operation and the caller, "
    "and sends them to the alarm's SNS topic."
)
