# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The rules of kms_pending_alarm_info: from the facts read in one region to findings. Pure: no AWS call.

Every link of the chain is judged by what it does, not by its name or text: a metric filter by running its
pattern on sample CloudTrail records of calls on a key pending deletion (and of calls that must not count), a
trail by whether its event selectors record those records, an alarm by whether one such event breaches it. So a
hand-written filter, a CIS filter or a console-made alarm are judged as fairly as the ones the role creates.

A finding is ``{code, severity, check, message, remediation}``; ``CODES`` fixes each code's check and severity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_rule
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import kms_event_samples
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import pending_keys as keys_lib
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import resource_policy
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import trail_selectors
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import FilterPatternError
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import compile_pattern

CRITICAL, WARNING, INFO = "critical", "warning", "info"
SEVERITIES = (CRITICAL, WARNING, INFO)
PASS, WARN, FAIL, SKIP = "pass", "warn", "fail", "skip"

# The links of the chain, in the order events travel; each finding belongs to one.
CHECKS = {
    "trail": "Trail",
    "events": "KMS events recorded",
    "log_group": "Log group",
    "filter": "Metric filter",
    "alarm": "Alarm",
    "actions": "Alarm actions",
    "topic": "Topic",
    "subscriptions": "Subscriptions",
}

CODES = {
    "trail_missing": ("trail", CRITICAL),
    "trail_not_logging": ("trail", CRITICAL),
    "trail_no_logs_role": ("trail", CRITICAL),
    "trail_delivery_error": ("trail", CRITICAL),
    "trail_not_multi_region": ("trail", CRITICAL),
    "trail_key_unusable": ("trail", WARNING),
    "log_group_ambiguous": ("trail", INFO),
    "trail_no_management_events": ("events", CRITICAL),
    "trail_write_only": ("events", CRITICAL),
    "trail_excludes_kms": ("events", CRITICAL),
    "trail_selectors_miss_events": ("events", CRITICAL),
    "log_group_missing": ("log_group", CRITICAL),
    "log_group_key_unusable": ("log_group", CRITICAL),
    "filter_missing": ("filter", CRITICAL),
    "filter_pattern_invalid": ("filter", CRITICAL),
    "filter_misses_events": ("filter", CRITICAL),
    "filter_metric_value": ("filter", CRITICAL),
    "filter_matches_allowed": ("filter", WARNING),
    "filter_metric_value_field": ("filter", WARNING),
    "filter_dimensions": ("filter", WARNING),
    "filter_other_name": ("filter", INFO),
    "filter_misses_replica_deletion": ("filter", INFO),
    "alarm_missing": ("alarm", CRITICAL),
    "alarm_wrong_metric": ("alarm", CRITICAL),
    "alarm_dimensions": ("alarm", CRITICAL),
    "alarm_threshold": ("alarm", CRITICAL),
    "alarm_always_breaching": ("alarm", CRITICAL),
    "alarm_datapoints": ("alarm", CRITICAL),
    "alarm_missing_data_breaching": ("alarm", CRITICAL),
    "alarm_missing_data": ("alarm", WARNING),
    "alarm_metric_math": ("alarm", WARNING),
    "alarm_period_short": ("alarm", WARNING),
    "alarm_in_alarm": ("alarm", WARNING),
    "alarm_period_slow": ("alarm", INFO),
    "alarm_statistic": ("alarm", INFO),
    "alarm_other_name": ("alarm", INFO),
    "alarm_actions_disabled": ("actions", CRITICAL),
    "alarm_no_actions": ("actions", CRITICAL),
    "alarm_action_invalid": ("actions", CRITICAL),
    "alarm_action_other_region": ("actions", CRITICAL),
    "topic_missing": ("actions", CRITICAL),
    "alarm_action_not_sns": ("actions", INFO),
    "topic_policy_denies_cloudwatch": ("topic", CRITICAL),
    "topic_aws_managed_key": ("topic", CRITICAL),
    "topic_key_unusable": ("topic", CRITICAL),
    "topic_key_policy_denies_cloudwatch": ("topic", CRITICAL),
    "topic_policy_unknown": ("topic", WARNING),
    "topic_key_policy_unknown": ("topic", WARNING),
    "topic_key_unknown": ("topic", INFO),
    "topic_no_subscriptions": ("subscriptions", CRITICAL),
    "topic_subscription_pending": ("subscriptions", WARNING),
    # The detailed notification (audited when its rule is named): a complement of the alarm, so warnings only.
    "event_rule_missing": ("topic", WARNING),
    "event_rule_state": ("topic", WARNING),
    "event_rule_pattern": ("topic", WARNING),
    "event_rule_target": ("topic", WARNING),
}

SITE = "re-run kmsguard.alarms.site (playbooks/site.yml) if the role built this chain"
CLOUDWATCH = "cloudwatch.amazonaws.com"
PENDING_CONFIRMATION = "PendingConfirmation"
# Statistics that give the value of the single event in a period; SampleCount gives 1 whatever the value.
VALUE_STATISTICS = ("Sum", "Average", "Minimum", "Maximum")
BREACHES = {
    "GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
    "GreaterThanThreshold": lambda value, threshold: value > threshold,
    "LessThanThreshold": lambda value, threshold: value < threshold,
    "LessThanOrEqualToThreshold": lambda value, threshold: value <= threshold,
}


def validate_params(params: dict[str, Any], region: str | None) -> list[str]:
    """Every problem of the module's options, each naming the bad value and what is expected; [] if none."""
    errors = [] if region else ["No region is set: set region (or AWS_REGION) to the region to audit."]
    errors += [
        f"covered_regions: {name!r} is not an AWS region name (expected e.g. eu-west-1)."
        for name in params["covered_regions"]
        if not arns.is_region_name(name)
    ]
    errors += [f"{option}: must not be empty." for option in ("filter_name", "alarm_name") if not params[option]]
    if params["log_group_name"] == "":
        errors.append("log_group_name: must not be empty; leave it out to find the log group from the trails.")
    return errors


def finding(code: str, message: str, remediation: str = "") -> dict[str, str]:
    check, severity = CODES[code]
    return {"code": code, "severity": severity, "check": check, "message": message, "remediation": remediation}


@dataclass(frozen=True)
class Samples:
    """CloudTrail records as ``(label, JSON)``: calls the alarm must count, calls it must not, replica deletions."""

    pending: tuple[tuple[str, str], ...]
    allowed: tuple[tuple[str, str], ...]
    replica: tuple[tuple[str, str], ...]


# A finding names at most this many sample calls; the others are counted.
LABELS_SHOWN = 3


def _labels(labels) -> str:
    labels = list(labels)
    shown = "; ".join(labels[:LABELS_SHOWN])
    return shown if len(labels) <= LABELS_SHOWN else f"{shown}; and {len(labels) - LABELS_SHOWN} more"


# --- trails -------------------------------------------------------------------------------------------------------


def log_group_of(trail: dict[str, Any]) -> tuple[str, str] | None:
    """(region, log group name) of the trail's CloudWatch Logs delivery, or None when it has none."""
    parts = arns.parse_arn(trail.get("CloudWatchLogsLogGroupArn") or "")
    if not parts or not parts["resource"].startswith("log-group:"):
        return None
    return parts["region"], parts["resource"].removeprefix("log-group:").removesuffix(":*")


def candidate_log_groups(trails: list[dict[str, Any]], region: str) -> list[str]:
    """The log groups of ``region`` that trails deliver to, sorted; the alarm can only count events there."""
    return sorted({group[1] for trail in trails if (group := log_group_of(trail)) and group[0] == region})


def delivering_trails(trails: list[dict[str, Any]], region: str, log_group_name: str) -> list[dict[str, Any]]:
    return [trail for trail in trails if log_group_of(trail) == (region, log_group_name)]


def _unusable_key(reference: str | None, region: str, keys: dict[str, Any]) -> dict[str, Any] | None:
    if not reference:
        return None
    metadata = keys_lib.resolve_key(reference, region, keys.get("metadata", []), keys.get("aliases", []))
    return metadata if metadata and metadata.get("KeyState") in keys_lib.UNUSABLE_STATES else None


def _selector_finding(trail: dict[str, Any], verdict: trail_selectors.SelectorVerdict) -> dict[str, str]:
    name, missed = trail["Name"], _labels(verdict.missed)
    fix = (
        f"Record management events, read and write, from every source: aws cloudtrail put-event-selectors "
        f"--trail-name {trail['TrailARN']} --event-selectors "
        '\'[{"ReadWriteType":"All","IncludeManagementEvents":true}]\''
    )
    if verdict.cause == trail_selectors.NO_MANAGEMENT_EVENTS:
        return finding(
            "trail_no_management_events", f"Trail {name} records no management events, so it misses: {missed}.", fix
        )
    if verdict.cause == trail_selectors.WRITE_ONLY:
        return finding(
            "trail_write_only",
            f"Trail {name} records write management events only; KMS cryptographic calls (Decrypt, Encrypt, "
            f"GenerateDataKey...) are read events, so it misses: {missed}.",
            fix,
        )
    if verdict.cause == trail_selectors.EXCLUDES_KMS:
        return finding(
            "trail_excludes_kms",
            f"Trail {name} excludes events from {trail_selectors.KMS_EVENT_SOURCE} "
            f"(ExcludeManagementEventSources or an eventSource condition), so it misses: {missed}.",
            fix,
        )
    return finding("trail_selectors_miss_events", f"The event selectors of trail {name} do not record: {missed}.", fix)


def trail_findings(
    trail_facts: dict[str, Any], region: str, covered_regions: list[str], samples: Samples, keys: dict[str, Any]
) -> list[dict[str, str]]:
    """Findings on one trail that delivers to the log group: logging, delivery, coverage, event selectors."""
    trail, status = trail_facts["trail"], trail_facts.get("status") or {}
    name, arn, home = trail["Name"], trail["TrailARN"], trail.get("HomeRegion", region)
    found = []
    if not status.get("IsLogging"):
        found.append(
            finding(
                "trail_not_logging",
                f"Trail {name} is not logging: it records no event, so the alarm cannot fire.",
                f"Start it: aws cloudtrail start-logging --name {arn} --region {home}; or {SITE}.",
            )
        )
    if not trail.get("CloudWatchLogsRoleArn"):
        found.append(
            finding(
                "trail_no_logs_role",
                f"Trail {name} names no IAM role for CloudWatch Logs delivery, so no event reaches the log group.",
                "Give the trail a role that cloudtrail.amazonaws.com may assume, with logs:CreateLogStream and "
                "logs:PutLogEvents on the log group (aws cloudtrail update-trail --cloud-watch-logs-role-arn); "
                f"or {SITE}.",
            )
        )
    error = status.get("LatestCloudWatchLogsDeliveryError")
    if error:
        found.append(
            finding(
                "trail_delivery_error",
                f"The last delivery of trail {name} to CloudWatch Logs failed: {error}.",
                "Check that the log group exists and that the trail's role (CloudWatchLogsRoleArn) trusts "
                "cloudtrail.amazonaws.com and allows logs:CreateLogStream and logs:PutLogEvents on it.",
            )
        )
    if covered_regions and not trail.get("IsMultiRegionTrail"):
        found.append(
            finding(
                "trail_not_multi_region",
                f"Trail {name} records region {home} only, but {', '.join(covered_regions)} rely on it (account "
                "topology): calls on keys pending deletion there are never counted.",
                f"Make it multi-region: aws cloudtrail update-trail --name {arn} --is-multi-region-trail; or {SITE}.",
            )
        )
    verdict = trail_selectors.judge_selectors(trail_facts.get("selectors") or {}, list(samples.pending))
    if not verdict.records_all:
        found.append(_selector_finding(trail, verdict))
    key = _unusable_key(trail.get("KmsKeyId"), region, keys)
    if key:
        found.append(
            finding(
                "trail_key_unusable",
                f"The KMS key that encrypts the log files of trail {name} ({key['KeyId']}) is {key['KeyState']}: "
                "CloudTrail cannot write its log files to S3 with it.",
                f"Cancel the key's deletion or enable it (aws kms cancel-key-deletion --key-id {key['KeyId']}), "
                "or give the trail another key.",
            )
        )
    return found


def _severity_rank(found: list[dict[str, str]]) -> tuple[int, int]:
    return (
        sum(1 for item in found if item["severity"] == CRITICAL),
        sum(1 for item in found if item["severity"] == WARNING),
    )


def choose_trail(
    trails: list[dict[str, Any]], region: str, covered_regions: list[str], samples: Samples, keys: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """The trail the chain relies on (the one with the fewest problems) and its findings."""
    judged = [(facts, trail_findings(facts, region, covered_regions, samples, keys)) for facts in trails]
    if not judged:
        return None, []
    return min(judged, key=lambda pair: (_severity_rank(pair[1]), pair[0]["trail"]["Name"]))


def missing_trail_finding(region: str, log_group_name: str | None) -> dict[str, str]:
    if log_group_name:
        message = f"No trail of region {region} delivers its events to log group {log_group_name}."
    else:
        message = f"No trail of region {region} delivers its events to a CloudWatch Logs log group."
    return finding(
        "trail_missing",
        message + " Without it no call on a key pending deletion reaches the metric filter.",
        f"{SITE[0].upper()}{SITE[1:]}, or give a trail CloudWatch Logs delivery to the log group "
        "(aws cloudtrail update-trail --cloud-watch-logs-log-group-arn ... --cloud-watch-logs-role-arn ...).",
    )


def coverage(covered_regions: list[str], trail: dict[str, Any] | None) -> list[dict[str, Any]]:
    """For each covered region: whether the home region's trail records it (a multi-region trail does)."""
    covered = bool(trail and trail.get("IsMultiRegionTrail"))
    return [
        {
            "region": region,
            "covered": covered,
            "trail_name": trail["Name"] if trail else None,
            "trail_arn": trail["TrailARN"] if trail else None,
            "home_region": trail.get("HomeRegion") if trail else None,
        }
        for region in covered_regions
    ]


# --- log group ----------------------------------------------------------------------------------------------------


def log_group_findings(
    log_group: dict[str, Any] | None, log_group_name: str, region: str, keys: dict[str, Any]
) -> list[dict[str, str]]:
    if log_group is None:
        return [
            finding(
                "log_group_missing",
                f"Log group {log_group_name} does not exist in region {region}: nothing can count the events.",
                f"{SITE[0].upper()}{SITE[1:]}, or create the group and point the trail's CloudWatch Logs delivery "
                "at it.",
            )
        ]
    key = _unusable_key(log_group.get("kmsKeyId"), region, keys)
    if not key:
        return []
    return [
        finding(
            "log_group_key_unusable",
            f"The KMS key that encrypts log group {log_group_name} ({key['KeyId']}) is {key['KeyState']}: CloudWatch "
            "Logs cannot store new events in the group, so the metric filter sees none.",
            f"Cancel the key's deletion or enable it (aws kms cancel-key-deletion --key-id {key['KeyId']}; aws kms "
            f"enable-key --key-id {key['KeyId']}), or disassociate it (aws logs disassociate-kms-key).",
        )
    ]


# --- metric filter ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterVerdict:
    """A pattern run on the samples: ``error`` when it is malformed, else the labels it misses and wrongly counts."""

    error: str | None
    missed: tuple[str, ...]
    false_positives: tuple[str, ...]
    misses_replica: bool

    @property
    def counts_all(self) -> bool:
        return self.error is None and not self.missed


def judge_pattern(pattern: str, samples: Samples) -> FilterVerdict:
    try:
        compiled = compile_pattern(pattern)
    except FilterPatternError as error:
        return FilterVerdict(error=str(error), missed=(), false_positives=(), misses_replica=False)
    return FilterVerdict(
        error=None,
        missed=tuple(label for label, message in samples.pending if compiled.match(message) is None),
        false_positives=tuple(label for label, message in samples.allowed if compiled.match(message) is not None),
        misses_replica=any(compiled.match(message) is None for _label, message in samples.replica),
    )


def choose_filter(
    filters: list[dict[str, Any]], filter_name: str, samples: Samples
) -> tuple[dict[str, Any] | None, FilterVerdict | None]:
    """The filter that counts the calls: ``filter_name`` when it does, else the best other one; (None, None) if none.

    Every filter of the group is judged by its behaviour on the samples, whatever its name or pattern text.
    """
    judged = [(item, judge_pattern(item.get("filterPattern", ""), samples)) for item in filters]
    counting = [(item, verdict) for item, verdict in judged if verdict.counts_all]
    if not counting:
        return None, None
    return min(
        counting,
        key=lambda pair: (pair[0]["filterName"] != filter_name, len(pair[1].false_positives), pair[0]["filterName"]),
    )


def transformation_of(metric_filter: dict[str, Any] | None) -> dict[str, Any]:
    return ((metric_filter or {}).get("metricTransformations") or [{}])[0]


def metric_value(transformation: dict[str, Any]) -> float | None:
    """The value the filter publishes per event, or None when it is taken from the event ($.field)."""
    try:
        return float(transformation.get("metricValue", ""))
    except ValueError:
        return None


def _missing_filter_findings(
    filters: list[dict[str, Any]], filter_name: str, log_group_name: str, samples: Samples
) -> list[dict[str, str]]:
    named = next((item for item in filters if item.get("filterName") == filter_name), None)
    fix = (
        f"Put the procedure's filter: aws logs put-metric-filter --log-group-name {log_group_name} --filter-name "
        f"{filter_name} --filter-pattern '<the procedure's pattern>' --metric-transformations ...; or {SITE}."
    )
    if named is None:
        judged = [
            f"{item['filterName']} (misses: {_labels(verdict.missed) or verdict.error})"
            for item in filters
            for verdict in [judge_pattern(item.get("filterPattern", ""), samples)]
        ]
        seen = f" Its filters count other events: {'; '.join(judged)}." if judged else ""
        return [
            finding(
                "filter_missing",
                f"No metric filter on log group {log_group_name} counts calls on keys pending deletion.{seen}",
                fix,
            )
        ]
    verdict = judge_pattern(named.get("filterPattern", ""), samples)
    if verdict.error:
        return [
            finding(
                "filter_pattern_invalid",
                f"The pattern of metric filter {filter_name} is not a valid filter pattern ({verdict.error}): "
                f"{named.get('filterPattern', '')!r}.",
                fix,
            )
        ]
    return [
        finding(
            "filter_misses_events",
            f"Metric filter {filter_name} on {log_group_name} does not count: {_labels(verdict.missed)}. "
            f"Its pattern: {named.get('filterPattern', '')!r}.",
            fix,
        )
    ]


def filter_findings(
    filters: list[dict[str, Any]],
    filter_name: str,
    log_group_name: str,
    samples: Samples,
    multi_region_keys: bool,
) -> list[dict[str, str]]:
    """Findings on the metric filter that should count calls on keys pending deletion."""
    chosen, verdict = choose_filter(filters, filter_name, samples)
    if chosen is None or verdict is None:
        return _missing_filter_findings(filters, filter_name, log_group_name, samples)
    name, found = chosen["filterName"], []
    if name != filter_name:
        found.append(
            finding(
                "filter_other_name",
                f"No filter is named {filter_name}, but filter {name} counts the calls; the audit follows it.",
            )
        )
    if verdict.false_positives:
        found.append(
            finding(
                "filter_matches_allowed",
                f"Metric filter {name} also counts calls that are not on a key pending deletion: "
                f"{_labels(verdict.false_positives)}. The alarm would go off without reason.",
                "Narrow the pattern, for example to the procedure's pattern "
                '{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}.',
            )
        )
    transformation = transformation_of(chosen)
    value = metric_value(transformation)
    if value is not None and value <= 0:
        found.append(
            finding(
                "filter_metric_value",
                f"Metric filter {name} publishes {transformation.get('metricValue')!r} per event: the count never "
                "rises, so no alarm on it can fire.",
                f'Publish 1 per event (metricValue "1"); or {SITE}.',
            )
        )
    if value is None:
        found.append(
            finding(
                "filter_metric_value_field",
                f"Metric filter {name} publishes {transformation.get('metricValue')!r} per event, a value taken "
                "from the event: the audit cannot tell whether one event breaches the alarm.",
                'Publish 1 per event (metricValue "1"), as the procedure does.',
            )
        )
    if transformation.get("dimensions"):
        found.append(
            finding(
                "filter_dimensions",
                f"Metric filter {name} publishes its metric with dimensions "
                f"({', '.join(sorted(transformation['dimensions']))}): an alarm sees one combination of values only.",
                "Publish the metric without dimensions, as the procedure does.",
            )
        )
    if multi_region_keys and verdict.misses_replica:
        found.append(
            finding(
                "filter_misses_replica_deletion",
                f"This region has multi-Region keys, and metric filter {name} does not count calls on a replica "
                "key pending replica deletion.",
                "Set pending_deletion_alarm_match_replica_deletion: true if those calls should raise the alarm too.",
            )
        )
    return found


# --- alarm --------------------------------------------------------------------------------------------------------


def _metric_of(alarm: dict[str, Any]) -> tuple[str | None, str | None]:
    return alarm.get("MetricName"), alarm.get("Namespace")


def filter_metric(metric_filter: dict[str, Any] | None) -> tuple[str, str] | None:
    transformation = transformation_of(metric_filter)
    if not transformation.get("metricName"):
        return None
    return transformation["metricName"], transformation.get("metricNamespace", "")


def choose_alarm(
    named_alarm: dict[str, Any] | None,
    metric_alarms: list[dict[str, Any]],
    metric_filter: dict[str, Any] | None,
    alarm_name: str,
) -> dict[str, Any] | None:
    """The alarm the chain relies on: ``alarm_name`` when it watches the filter's metric, else the alarm on that
    metric with the fewest problems, else ``alarm_name`` whatever it watches (to say what is wrong with it)."""
    metric = filter_metric(metric_filter)
    if named_alarm and (metric is None or _metric_of(named_alarm) == metric):
        return named_alarm
    on_metric = [alarm for alarm in metric_alarms if metric and _metric_of(alarm) == metric]
    if on_metric:
        return min(
            on_metric,
            key=lambda alarm: (
                _severity_rank(alarm_findings(alarm, metric_filter, alarm_name) + action_findings(alarm, {}, "")),
                alarm["AlarmName"],
            ),
        )
    return named_alarm


def _one_event_value(alarm: dict[str, Any], transformation: dict[str, Any]) -> float | None:
    if alarm.get("Statistic") == "SampleCount":
        return 1.0
    return metric_value(transformation) if transformation else 1.0


def _threshold_findings(alarm: dict[str, Any], transformation: dict[str, Any]) -> list[dict[str, str]]:
    name, operator, threshold = alarm["AlarmName"], alarm.get("ComparisonOperator"), alarm.get("Threshold", 0.0)
    breaches = BREACHES.get(operator or "")
    value = _one_event_value(alarm, transformation)
    statistic = alarm.get("Statistic") or alarm.get("ExtendedStatistic") or "?"
    found = []
    if breaches and value is not None and not breaches(value, threshold):
        found.append(
            finding(
                "alarm_threshold",
                f"One event gives {statistic} = {value:g} in a period, and {value:g} {operator} {threshold:g} is "
                f"false: a single use of a key pending deletion does not set alarm {name} off.",
                f"Use ComparisonOperator GreaterThanOrEqualToThreshold with Threshold 1; or {SITE}.",
            )
        )
    quiet = transformation.get("defaultValue")
    if breaches and quiet is not None and breaches(float(quiet), threshold):
        found.append(
            finding(
                "alarm_always_breaching",
                f"The filter publishes {float(quiet):g} in quiet periods, which already breaches alarm {name} "
                f"({operator} {threshold:g}): it stays in ALARM and never notifies again.",
                f"Remove the filter's default value or raise the threshold to 1; or {SITE}.",
            )
        )
    return found


def _evaluation_findings(alarm: dict[str, Any]) -> list[dict[str, str]]:
    name, found = alarm["AlarmName"], []
    evaluation_periods = alarm.get("EvaluationPeriods", 1)
    datapoints = alarm.get("DatapointsToAlarm") or evaluation_periods
    if datapoints > 1:
        found.append(
            finding(
                "alarm_datapoints",
                f"Alarm {name} needs {datapoints} breaching periods out of {evaluation_periods}: a single use of a "
                "key pending deletion breaches one period only, so it does not fire.",
                f"Set DatapointsToAlarm 1 (1 out of 1); or {SITE}.",
            )
        )
    missing = alarm.get("TreatMissingData") or "missing"
    if missing == "breaching":
        found.append(
            finding(
                "alarm_missing_data_breaching",
                f"Alarm {name} treats missing data as breaching: the metric is empty while nothing happens, so the "
                "alarm sits in ALARM and a real event sends no new notification.",
                f"Set TreatMissingData notBreaching; or {SITE}.",
            )
        )
    elif missing != "notBreaching":
        found.append(
            finding(
                "alarm_missing_data",
                f"Alarm {name} treats missing data as {missing!r}: between events it can stay in ALARM or "
                "INSUFFICIENT_DATA, and an event that comes then sends no notification.",
                f"Set TreatMissingData notBreaching; or {SITE}.",
            )
        )
    period = alarm.get("Period") or 0
    if period < 60:
        found.append(
            finding(
                "alarm_period_short",
                f"Alarm {name} evaluates {period}-second periods, but metric filters publish one datapoint per "
                "minute: the alarm may never see a whole datapoint.",
                "Use a period of 60 seconds.",
            )
        )
    elif period > 60:
        found.append(
            finding(
                "alarm_period_slow",
                f"Alarm {name} evaluates {period}-second periods: a notification can come up to {period // 60} "
                "minutes after the event (60 seconds is the fastest for a metric filter's metric).",
                "Use a period of 60 seconds.",
            )
        )
    return found


def alarm_findings(
    alarm: dict[str, Any] | None, metric_filter: dict[str, Any] | None, alarm_name: str
) -> list[dict[str, str]]:
    """Findings on the alarm: its metric, and whether one event sets it off."""
    metric = filter_metric(metric_filter)
    if alarm is None:
        on_metric = f", and no alarm watches {metric[1]}/{metric[0]}" if metric else ""
        return [
            finding(
                "alarm_missing",
                f"There is no alarm named {alarm_name}{on_metric}: events are counted, but nobody is told.",
                f"{SITE[0].upper()}{SITE[1:]}, or create the alarm on the filter's metric.",
            )
        ]
    name, found = alarm["AlarmName"], []
    if name != alarm_name:
        found.append(
            finding("alarm_other_name", f"No alarm is named {alarm_name}; alarm {name} watches the filter's metric.")
        )
    if metric and _metric_of(alarm) != metric:
        found.append(
            finding(
                "alarm_wrong_metric",
                f"Alarm {name} watches {alarm.get('Namespace')}/{alarm.get('MetricName')}, but the filter publishes "
                f"{metric[1]}/{metric[0]}: it never sees the count.",
                f"Put the alarm on MetricName {metric[0]} in Namespace {metric[1]}; or {SITE}.",
            )
        )
    if alarm.get("Metrics") or alarm.get("ThresholdMetricId"):
        found.append(
            finding(
                "alarm_metric_math",
                f"Alarm {name} uses metric math or anomaly detection: the audit cannot tell whether one event sets "
                "it off.",
                "Use a static threshold alarm: Sum >= 1, 1 out of 1 period of 60 seconds.",
            )
        )
        return found
    transformation = transformation_of(metric_filter)
    if alarm.get("Dimensions") and not transformation.get("dimensions"):
        found.append(
            finding(
                "alarm_dimensions",
                f"Alarm {name} watches the metric with dimensions "
                f"({', '.join(d['Name'] for d in alarm['Dimensions'])}), which the filter never publishes.",
                f"Remove the alarm's dimensions; or {SITE}.",
            )
        )
    found += _threshold_findings(alarm, transformation)
    statistic = alarm.get("Statistic") or alarm.get("ExtendedStatistic")
    if statistic != "Sum":
        found.append(
            finding(
                "alarm_statistic",
                f"Alarm {name} uses the statistic {statistic}; one event still sets it off, but its value is not "
                "the number of calls (Sum is).",
                "Use the statistic Sum.",
            )
        )
    found += _evaluation_findings(alarm)
    if alarm.get("StateValue") == "ALARM":
        found.append(
            finding(
                "alarm_in_alarm",
                f"Alarm {name} is in ALARM ({alarm.get('StateReason', '')}): a key pending deletion was used "
                "recently, or a drill left it there. While it stays in ALARM, new events send no notification.",
                "Find the calls (kmsguard.alarms.investigate, or CloudTrail: errorMessage '... is pending "
                "deletion.'), cancel the key's deletion if it is still needed, and let the alarm return to OK.",
            )
        )
    return found


# --- alarm actions, topics, subscriptions -------------------------------------------------------------------------


def action_findings(alarm: dict[str, Any] | None, topics: dict[str, Any], region: str) -> list[dict[str, str]]:
    """Findings on the alarm's actions: enabled, and each an existing SNS topic of the alarm's region.

    ``topics`` maps topic ARN to its facts; with ``region`` empty only the alarm's own settings are judged.
    """
    if alarm is None:
        return []
    name, found = alarm["AlarmName"], []
    if alarm.get("ActionsEnabled") is False:
        found.append(
            finding(
                "alarm_actions_disabled",
                f"Alarm {name} has its actions disabled: it changes state but notifies nobody.",
                f"aws cloudwatch enable-alarm-actions --alarm-names {name}; or {SITE}.",
            )
        )
    actions = alarm.get("AlarmActions") or []
    if not actions:
        found.append(
            finding(
                "alarm_no_actions",
                f"Alarm {name} has no alarm action: it changes state but notifies nobody.",
                f"Add the SNS topic as an alarm action; or {SITE}.",
            )
        )
    if region:
        found += [item for action in actions for item in _one_action_findings(name, action, topics, region)]
    return found


def _one_action_findings(name: str, action: str, topics: dict[str, Any], region: str) -> list[dict[str, str]]:
    parts = arns.parse_arn(action)
    if parts is None:
        return [
            finding(
                "alarm_action_invalid",
                f"Alarm action {action!r} of alarm {name} is not an ARN: CloudWatch cannot run it.",
                f"Replace it with the ARN of an SNS topic in the alarm's region; or {SITE}.",
            )
        ]
    if parts["service"] != "sns":
        return [
            finding(
                "alarm_action_not_sns",
                f"Alarm action {action} of alarm {name} is not an SNS topic; the audit checks SNS topics only.",
            )
        ]
    if parts["region"] != region:
        return [
            finding(
                "alarm_action_other_region",
                f"Alarm {name} notifies topic {action} in {parts['region']}, but the alarm is in {region}: "
                "CloudWatch cannot notify a topic in another region.",
                f"Use a topic in {region}; or {SITE}.",
            )
        ]
    if (topics.get(action) or {}).get("attributes") is None:
        return [
            finding(
                "topic_missing",
                f"Topic {action}, an alarm action of alarm {name}, does not exist: the notification goes nowhere.",
                f"Create the topic and subscribe the recipients; or {SITE}.",
            )
        ]
    return []


def policy_context(account_id: str | None, alarm_arn: str | None) -> dict[str, str]:
    """The request context of CloudWatch publishing an alarm's notification (what topic policies can test)."""
    context = {"aws:SecureTransport": "true"}
    if account_id:
        context.update({"aws:SourceAccount": account_id, "aws:SourceOwner": account_id})
    if alarm_arn:
        context["aws:SourceArn"] = alarm_arn
    return context


def _is_aws_managed_alias(reference: str) -> bool:
    """alias/aws/... names (or their ARNs) belong to AWS managed keys, whose key policies nobody can change."""
    parts = arns.parse_arn(reference)
    name = parts["resource"] if parts and parts["service"] == "kms" else reference
    return name.startswith("alias/aws/")


def _topic_key_findings(
    topic_arn: str, key_id: str, key_policy: str | None, context: dict[str, str], region: str, keys: dict[str, Any]
) -> list[dict[str, str]]:
    metadata = keys_lib.resolve_key(key_id, region, keys.get("metadata", []), keys.get("aliases", []))
    hint = (
        "Encrypt the topic with a customer managed key whose key policy allows cloudwatch.amazonaws.com "
        "kms:Decrypt and kms:GenerateDataKey* (kmsguard.alarms.sns_topic_encryption)."
    )
    if _is_aws_managed_alias(key_id) or (metadata and metadata.get("KeyManager") == "AWS"):
        return [
            finding(
                "topic_aws_managed_key",
                f"Topic {topic_arn} is encrypted with the AWS managed key {key_id}: its key policy does not let "
                "CloudWatch use it, so every alarm notification is lost.",
                hint,
            )
        ]
    if metadata is None:
        return [
            finding(
                "topic_key_unknown",
                f"Topic {topic_arn} is encrypted with {key_id}, a key of another account or region: the audit "
                "cannot check its state and key policy.",
            )
        ]
    if metadata.get("KeyState") in keys_lib.UNUSABLE_STATES:
        return [
            finding(
                "topic_key_unusable",
                f"The KMS key that encrypts topic {topic_arn} ({metadata['KeyId']}) is {metadata['KeyState']}: SNS "
                "cannot accept the alarm's notification.",
                f"Cancel the key's deletion or enable it (aws kms cancel-key-deletion --key-id {metadata['KeyId']}).",
            )
        ]
    verdict = resource_policy.evaluate_all(
        key_policy, CLOUDWATCH, ["kms:Decrypt", "kms:GenerateDataKey"], metadata.get("Arn", "*"), context
    )
    if verdict.allowed is False:
        return [
            finding(
                "topic_key_policy_denies_cloudwatch",
                f"The key policy of {metadata['KeyId']}, which encrypts topic {topic_arn}, does not let CloudWatch "
                f"use the key ({verdict.reason}): every alarm notification is lost.",
                hint,
            )
        ]
    if verdict.allowed is None:
        return [
            finding(
                "topic_key_policy_unknown",
                f"The audit cannot tell whether the key policy of {metadata['KeyId']} lets CloudWatch use the key "
                f"that encrypts topic {topic_arn}: {verdict.reason}.",
                "Check the key policy by hand, or run a drill (-e pending_deletion_alarm_drill=true).",
            )
        ]
    return []


def topic_findings(
    topic_arn: str,
    topic: dict[str, Any],
    account_id: str | None,
    alarm_arn: str | None,
    region: str,
    keys: dict[str, Any],
) -> list[dict[str, str]]:
    """Findings on an existing topic: may CloudWatch publish to it, and can it encrypt the message."""
    attributes = topic.get("attributes") or {}
    context = policy_context(account_id, alarm_arn)
    verdict = resource_policy.evaluate(attributes.get("Policy"), CLOUDWATCH, "sns:Publish", topic_arn, context)
    found = []
    if verdict.allowed is False:
        found.append(
            finding(
                "topic_policy_denies_cloudwatch",
                f"The policy of topic {topic_arn} does not let CloudWatch alarms of account {account_id} publish "
                f"({verdict.reason}): every alarm notification is refused.",
                "Allow the principal cloudwatch.amazonaws.com sns:Publish on the topic, with conditions naming this "
                f"account (aws:SourceAccount) or its alarms (aws:SourceArn); or {SITE}.",
            )
        )
    elif verdict.allowed is None:
        found.append(
            finding(
                "topic_policy_unknown",
                f"The audit cannot tell whether the policy of topic {topic_arn} lets CloudWatch publish: "
                f"{verdict.reason}.",
                "Check the topic policy by hand, or run a drill (-e pending_deletion_alarm_drill=true).",
            )
        )
    key_id = attributes.get("KmsMasterKeyId")
    if key_id:
        found += _topic_key_findings(topic_arn, key_id, topic.get("key_policy"), context, region, keys)
    return found


def is_confirmed(subscription: dict[str, Any]) -> bool:
    return (subscription.get("SubscriptionArn") or PENDING_CONFIRMATION) not in (PENDING_CONFIRMATION, "Deleted")


def subscription_findings(topic_arn: str, subscriptions: list[dict[str, Any]]) -> list[dict[str, str]]:
    if not subscriptions:
        return [
            finding(
                "topic_no_subscriptions",
                f"Topic {topic_arn} has no subscription: the alarm's notification reaches nobody.",
                "Subscribe the recipients (pending_deletion_alarm_emails, or aws sns subscribe --protocol email) "
                "and have them confirm.",
            )
        ]
    pending = [item for item in subscriptions if item.get("SubscriptionArn") == PENDING_CONFIRMATION]
    if not pending:
        return []
    endpoints = ", ".join(f"{item.get('Endpoint')} ({item.get('Protocol')})" for item in pending)
    reach = "only the confirmed subscribers" if any(is_confirmed(item) for item in subscriptions) else "nobody"
    return [
        finding(
            "topic_subscription_pending",
            f"Subscriptions to topic {topic_arn} wait for confirmation: {endpoints}. Until they are confirmed, the "
            f"alarm's notification reaches {reach}.",
            "Ask each recipient to confirm the email: open 'AWS Notification - Subscription Confirmation' and "
            "click 'Confirm subscription'. The link expires after 3 days; re-run kmsguard.alarms.site to send a "
            "new one.",
        )
    ]


# --- the detailed notification's EventBridge rule ----------------------------------------------------------------


def _rule_misses(pattern_text: str | None, samples: Samples) -> list[str]:
    """The sample calls on keys pending deletion that the rule's pattern does not match."""
    try:
        pattern = json.loads(pattern_text or "{}")
        return [
            label
            for label, record in samples.pending
            if not event_rule.matches(pattern, event_rule.cloudtrail_event(json.loads(record)))
        ]
    except ValueError:  # not JSON, or a filter the local evaluator does not know: not judged
        return []


def event_rule_findings(
    facts: dict[str, Any] | None, topic_arns: list[str], region: str, samples: Samples
) -> list[dict[str, str]]:
    """The rule exists, is enabled for read-only calls too, matches the calls the alarm counts, and sends to the
    alarm's topic (any SNS topic when the alarm has none in this region)."""
    if not facts:
        return []
    name, rule = facts["name"], facts.get("rule")
    if rule is None:
        message = f"EventBridge rule {name} does not exist in {region}: no message names the key (the alarm fires)."
        return [finding("event_rule_missing", message, SITE)]
    found = []
    if rule.get("State") != event_rule.RULE_STATE:
        message = (
            f"EventBridge rule {name} is {rule.get('State')}, not {event_rule.RULE_STATE}: read-only calls such as "
            "Decrypt do not reach it."
        )
        found.append(finding("event_rule_state", message, SITE))
    misses = _rule_misses(rule.get("EventPattern"), samples)
    if misses:
        message = f"EventBridge rule {name}'s event pattern misses calls on keys pending deletion: {_labels(misses)}."
        found.append(finding("event_rule_pattern", message, SITE))
    sends = {target.get("Arn", "") for target in facts.get("targets") or [] if ":sns:" in target.get("Arn", "")}
    if not (sends & set(topic_arns) if topic_arns else sends):
        shown = ", ".join(topic_arns) if topic_arns else "any SNS topic"
        found.append(finding("event_rule_target", f"EventBridge rule {name} does not send to {shown}.", SITE))
    return found


# --- the whole audit ----------------------------------------------------------------------------------------------


def check_statuses(found: list[dict[str, str]], evaluated: set[str]) -> dict[str, str]:
    """pass / warn / fail per check (``skip`` for a check that could not be evaluated: a link before it is missing)."""
    statuses = {}
    for check in CHECKS:
        severities = {item["severity"] for item in found if item["check"] == check}
        if CRITICAL in severities:
            statuses[check] = FAIL
        elif WARNING in severities:
            statuses[check] = WARN
        else:
            statuses[check] = PASS if check in evaluated else SKIP
    return statuses


def overall_status(found: list[dict[str, str]]) -> str:
    severities = {item["severity"] for item in found}
    return FAIL if CRITICAL in severities else WARN if WARNING in severities else PASS


def summary(found: list[dict[str, str]]) -> dict[str, int]:
    return {severity: sum(1 for item in found if item["severity"] == severity) for severity in SEVERITIES}


def account_id_of(*resource_arns: str | None) -> str | None:
    """The account of the first ARN that names one (the alarm's ARN first: its account is the publisher)."""
    for arn in resource_arns:
        parts = arns.parse_arn(arn or "")
        if parts and parts["account_id"]:
            return parts["account_id"]
    return None


@dataclass
class Audit:
    """The findings, the status of each check, and the links the chain relies on (``trail``: trail, status and
    selectors of the trail that delivers to the log group)."""

    findings: list[dict[str, str]]
    checks: dict[str, str]
    trail: dict[str, Any] | None
    metric_filter: dict[str, Any] | None
    alarm: dict[str, Any] | None
    coverage: list[dict[str, Any]]


def _chain_findings(facts: dict[str, Any], samples: Samples, evaluated: set[str]) -> tuple[list, Any, Any]:
    """Findings from the log group to the subscriptions, the chosen filter and alarm."""
    region, keys = facts["region"], facts.get("keys", {}).get(facts["region"], {})
    found: list[dict[str, str]] = []
    log_group_name = facts.get("log_group_name")
    metric_filter = None
    if log_group_name:
        evaluated.add("log_group")
        found += log_group_findings(facts.get("log_group"), log_group_name, region, keys)
    if log_group_name and facts.get("log_group") is not None:
        evaluated.add("filter")
        filters = facts.get("metric_filters") or []
        multi_region_keys = any(item.get("MultiRegion") for item in keys.get("metadata", []))
        found += filter_findings(filters, facts["filter_name"], log_group_name, samples, multi_region_keys)
        metric_filter = choose_filter(filters, facts["filter_name"], samples)[0]
    evaluated.add("alarm")
    alarm = choose_alarm(facts.get("named_alarm"), facts.get("metric_alarms") or [], metric_filter, facts["alarm_name"])
    found += alarm_findings(alarm, metric_filter, facts["alarm_name"])
    if alarm is not None:
        evaluated.add("actions")
        found += action_findings(alarm, facts.get("topics", {}), region)
    for topic_arn, topic in sorted(facts.get("topics", {}).items()):
        if topic.get("attributes") is None:
            continue
        evaluated.update(("topic", "subscriptions"))
        alarm_arn = (alarm or {}).get("AlarmArn")
        found += topic_findings(topic_arn, topic, facts.get("account_id"), alarm_arn, region, keys)
        found += subscription_findings(topic_arn, topic.get("subscriptions") or [])
    return found, metric_filter, alarm


def audit(facts: dict[str, Any], samples: Samples) -> Audit:
    """Judge the chain of one region from its facts (see audit_facts.gather for their shape)."""
    region, covered = facts["region"], facts.get("covered_regions") or []
    keys = facts.get("keys", {}).get(region, {})
    evaluated = {"trail"}
    found: list[dict[str, str]] = []
    candidates = facts.get("candidate_log_groups") or []
    if len(candidates) > 1 and facts.get("log_group_source") == "discovered":
        found.append(
            finding(
                "log_group_ambiguous",
                f"Trails deliver to several log groups in {region} ({', '.join(candidates)}); the audit follows "
                f"{facts.get('log_group_name')}.",
                "Name the log group to audit with log_group_name.",
            )
        )
    trail_facts, trail_found = choose_trail(facts.get("trails") or [], region, covered, samples, keys)
    if trail_facts is None:
        found.append(missing_trail_finding(region, facts.get("log_group_name")))
    else:
        evaluated.add("events")
        found += trail_found
    chain_found, metric_filter, alarm = _chain_findings(facts, samples, evaluated)
    found += chain_found
    found += event_rule_findings(facts.get("event_rule"), sorted(facts.get("topics") or {}), region, samples)
    return Audit(
        findings=found,
        checks=check_statuses(found, evaluated),
        trail=trail_facts,
        metric_filter=metric_filter,
        alarm=alarm,
        coverage=coverage(covered, trail_facts["trail"] if trail_facts else None),
    )


def procedure_samples() -> Samples:
    """The sample CloudTrail records the audit judges filters and trails with."""
    return Samples(
        pending=tuple(kms_event_samples.pending_deletion_events()),
        allowed=tuple(kms_event_samples.allowed_events()),
        replica=tuple(kms_event_samples.replica_pending_deletion_events()),
    )
