# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The procedure's alarm settings in CloudWatch's own shape (PutMetricAlarm / DescribeAlarms), for tests."""

from __future__ import annotations

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants

# Metric, statistic, period, datapoints, threshold, comparison, missing data: everything but name and actions.
PROCEDURE_ALARM_FIELDS = {
    "MetricName": constants.METRIC_NAME,
    "Namespace": constants.METRIC_NAMESPACE,
    "Statistic": constants.STATISTIC,
    "Period": constants.PERIOD,
    "EvaluationPeriods": constants.EVALUATION_PERIODS,
    "DatapointsToAlarm": constants.DATAPOINTS_TO_ALARM,
    "Threshold": constants.THRESHOLD,
    "ComparisonOperator": constants.COMPARISON_OPERATOR,
    "TreatMissingData": constants.TREAT_MISSING_DATA,
}
