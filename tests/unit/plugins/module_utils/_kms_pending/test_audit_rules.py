# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The audit's rules: a healthy chain has no finding; each way of breaking it gives exactly its findings."""

from __future__ import annotations

import json

import pytest

import audit_facts_builder as build
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_rules as rules
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_rule

SAMPLES = rules.procedure_samples()
OTHER_REGION_TOPIC = f"arn:aws:sns:eu-west-1:{build.ACCOUNT}:kmsguard-kms-pending-deletion"


def codes(facts: dict) -> list[str]:
    return sorted(item["code"] for item in rules.audit(facts, SAMPLES).findings)


def test_the_healthy_chain_has_no_finding_and_passes_every_check():
    audit = rules.audit(build.healthy_facts(), SAMPLES)
    assert audit.findings == []
    assert audit.checks == dict.fromkeys(rules.CHECKS, rules.PASS)
    assert audit.metric_filter["filterName"] == constants.FILTER_NAME
    assert audit.alarm["AlarmName"] == constants.ALARM_NAME
    assert audit.trail["trail"]["Name"] == "kmsguard-trail"


# --- each way of breaking the chain: (mutation of the healthy facts, the exact findings) --------------------------


def trail0(facts: dict) -> dict:
    return facts["trails"][0]


def set_selectors(facts: dict, selectors: dict) -> None:
    trail0(facts)["selectors"] = selectors


def topic(facts: dict) -> dict:
    return facts["topics"][build.TOPIC_ARN]


def set_policy(facts: dict, policy: dict) -> None:
    topic(facts)["attributes"]["Policy"] = json.dumps(policy)


def policy_with_condition(condition: dict) -> dict:
    policy = json.loads(json.dumps(build.ROLE_TOPIC_POLICY))
    policy["Statement"][0]["Condition"] = condition
    return policy


def encrypt_topic(facts: dict, key_id: str, key_metadata: dict | None = None, key_policy: dict | None = None) -> None:
    topic(facts)["attributes"]["KmsMasterKeyId"] = key_id
    if key_metadata:
        facts["keys"][build.REGION]["metadata"].append(key_metadata)
    if key_policy is not None:
        topic(facts)["key_policy"] = json.dumps(key_policy)


def set_alarm(facts: dict, **changes) -> None:
    facts["named_alarm"] = build.procedure_alarm(**changes)


def set_filter(facts: dict, **changes) -> None:
    facts["metric_filters"] = [build.procedure_filter(**changes)]


def drop_key(mapping: dict, name: str) -> None:
    mapping.pop(name)


def no_trail(facts):
    facts["trails"] = []


def ambiguous(facts):
    facts.update(log_group_source="discovered", candidate_log_groups=[build.LOG_GROUP, "/aws/cloudtrail/org"])


def advanced_selectors(*field_selectors: dict) -> dict:
    return {"AdvancedEventSelectors": [{"Name": "selector", "FieldSelectors": list(field_selectors)}]}


MANAGEMENT = {"Field": "eventCategory", "Equals": ["Management"]}

BREAKAGES = [
    # trail
    pytest.param(no_trail, ["trail_missing"], id="no-trail-delivers-to-the-group"),
    pytest.param(lambda f: trail0(f)["status"].update(IsLogging=False), ["trail_not_logging"], id="trail-stopped"),
    pytest.param(lambda f: drop_key(trail0(f)["trail"], "CloudWatchLogsRoleArn"), ["trail_no_logs_role"], id="no-role"),
    pytest.param(
        lambda f: trail0(f)["status"].update(LatestCloudWatchLogsDeliveryError="AccessDeniedException"),
        ["trail_delivery_error"],
        id="delivery-error",
    ),
    pytest.param(
        lambda f: (f.update(covered_regions=["eu-west-1"]), trail0(f)["trail"].update(IsMultiRegionTrail=False)),
        ["trail_not_multi_region"],
        id="single-region-trail-in-the-account-topology",
    ),
    pytest.param(
        lambda f: trail0(f)["trail"].update(IsMultiRegionTrail=False), [], id="single-region-trail-covering-nothing"
    ),
    pytest.param(
        lambda f: (
            trail0(f)["trail"].update(KmsKeyId=build.KEY_ARN),
            f["keys"][build.REGION]["metadata"].append(build.key(state="PendingDeletion")),
        ),
        ["trail_key_unusable"],
        id="trail-key-pending-deletion",
    ),
    pytest.param(ambiguous, ["log_group_ambiguous"], id="several-log-groups-discovered"),
    # event selectors
    pytest.param(
        lambda f: set_selectors(f, {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]}),
        ["trail_no_management_events"],
        id="data-events-only",
    ),
    pytest.param(
        lambda f: set_selectors(f, {"EventSelectors": [{"ReadWriteType": "WriteOnly"}]}),
        ["trail_write_only"],
        id="write-only-selectors",
    ),
    pytest.param(
        lambda f: set_selectors(
            f, {"EventSelectors": [{"ReadWriteType": "All", "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]}
        ),
        ["trail_excludes_kms"],
        id="kms-events-excluded",
    ),
    pytest.param(
        lambda f: set_selectors(f, advanced_selectors(MANAGEMENT, {"Field": "readOnly", "Equals": ["false"]})),
        ["trail_write_only"],
        id="advanced-write-only",
    ),
    pytest.param(
        lambda f: set_selectors(
            f, advanced_selectors(MANAGEMENT, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]})
        ),
        ["trail_excludes_kms"],
        id="advanced-kms-excluded",
    ),
    pytest.param(
        lambda f: set_selectors(f, advanced_selectors(MANAGEMENT, {"Field": "eventName", "Equals": ["DisableKey"]})),
        ["trail_selectors_miss_events"],
        id="advanced-other-events-only",
    ),
    pytest.param(
        lambda f: set_selectors(
            f,
            advanced_selectors(
                MANAGEMENT, {"Field": "eventSource", "NotEquals": ["s3.amazonaws.com", "dynamodb.amazonaws.com"]}
            ),
        ),
        [],
        id="advanced-other-sources-excluded",
    ),
    pytest.param(lambda f: set_selectors(f, {}), [], id="no-selectors-means-the-default"),
    # log group
    pytest.param(lambda f: f.update(log_group=None, metric_filters=None), ["log_group_missing"], id="group-missing"),
    pytest.param(
        lambda f: (
            f["log_group"].update(kmsKeyId=build.KEY_ARN),
            f["keys"][build.REGION]["metadata"].append(build.key(state="Disabled")),
        ),
        ["log_group_key_unusable"],
        id="log-group-key-disabled",
    ),
    # metric filter
    pytest.param(lambda f: f.update(metric_filters=[]), ["filter_missing"], id="filter-missing"),
    pytest.param(
        lambda f: set_filter(
            f,
            filterName=constants.CIS_FILTER_NAME,
            filterPattern=constants.CIS_FILTER_PATTERN,
            transformation={"metricName": constants.CIS_METRIC_NAME},
        ),
        ["filter_missing"],
        id="cis-filter-only",
    ),
    pytest.param(
        lambda f: set_filter(f, filterPattern='{ $.eventSource = "'), ["filter_pattern_invalid"], id="invalid"
    ),
    pytest.param(
        lambda f: set_filter(
            f, filterPattern='{ $.eventName = "Encrypt" && $.errorMessage = "* is pending deletion." }'
        ),
        ["filter_misses_events"],
        id="pattern-misses-decrypt",
    ),
    pytest.param(
        lambda f: set_filter(f, filterPattern="{ $.eventSource = kms* }"),
        ["filter_matches_allowed"],
        id="pattern-counts-every-kms-call",
    ),
    pytest.param(
        lambda f: set_filter(f, transformation={"metricValue": "0"}),
        ["filter_metric_value", "alarm_threshold"],
        id="publishes-zero-so-no-alarm-can-fire",
    ),
    pytest.param(
        lambda f: set_filter(f, transformation={"metricValue": "$.count"}),
        ["filter_metric_value_field"],
        id="publishes-a-field",
    ),
    pytest.param(
        lambda f: set_filter(f, transformation={"dimensions": {"KeyId": "$.requestParameters.keyId"}}),
        ["filter_dimensions"],
        id="filter-dimensions",
    ),
    pytest.param(lambda f: set_filter(f, filterName="HandWritten"), ["filter_other_name"], id="other-filter-name"),
    pytest.param(
        lambda f: f["keys"][build.REGION]["metadata"].append(build.key(MultiRegion=True, KeyId="mrk-1")),
        ["filter_misses_replica_deletion"],
        id="multi-region-keys-and-no-replica-match",
    ),
    # alarm
    pytest.param(lambda f: f.update(named_alarm=None, topics={}), ["alarm_missing"], id="alarm-missing"),
    pytest.param(
        lambda f: set_alarm(f, Namespace="OtherNamespace"), ["alarm_wrong_metric"], id="alarm-on-another-namespace"
    ),
    pytest.param(
        lambda f: f.update(named_alarm=None, metric_alarms=[build.procedure_alarm(AlarmName="ConsoleAlarm")]),
        ["alarm_other_name"],
        id="console-alarm-on-the-metric",
    ),
    pytest.param(
        lambda f: set_alarm(f, Metrics=[{"Id": "m1", "Expression": "SUM(METRICS())"}]),
        ["alarm_metric_math"],
        id="metric-math",
    ),
    pytest.param(
        lambda f: set_alarm(f, Dimensions=[{"Name": "KeyId", "Value": "x"}]), ["alarm_dimensions"], id="dimensions"
    ),
    pytest.param(
        lambda f: set_alarm(f, ComparisonOperator="GreaterThanThreshold"), ["alarm_threshold"], id="greater-than-1"
    ),
    pytest.param(
        lambda f: set_alarm(f, ComparisonOperator="GreaterThanThreshold", Threshold=0.0), [], id="greater-than-0"
    ),
    pytest.param(lambda f: set_alarm(f, Threshold=2.0), ["alarm_threshold"], id="threshold-2"),
    pytest.param(lambda f: set_alarm(f, ComparisonOperator="LessThanThreshold"), ["alarm_threshold"], id="less-than"),
    pytest.param(
        lambda f: (set_filter(f, transformation={"defaultValue": 0.0}), set_alarm(f, Threshold=0.0)),
        ["alarm_always_breaching"],
        id="quiet-periods-breach",
    ),
    pytest.param(lambda f: set_filter(f, transformation={"defaultValue": 0.0}), [], id="zero-default-is-fine"),
    pytest.param(
        lambda f: set_alarm(f, EvaluationPeriods=3, DatapointsToAlarm=2), ["alarm_datapoints"], id="2-out-of-3"
    ),
    pytest.param(
        lambda f: (set_alarm(f, EvaluationPeriods=2), drop_key(f["named_alarm"], "DatapointsToAlarm")),
        ["alarm_datapoints"],
        id="2-out-of-2-implicit",
    ),
    pytest.param(lambda f: set_alarm(f, EvaluationPeriods=5), [], id="1-out-of-5"),
    pytest.param(
        lambda f: set_alarm(f, TreatMissingData="breaching"), ["alarm_missing_data_breaching"], id="missing-breaching"
    ),
    pytest.param(
        lambda f: drop_key(f["named_alarm"], "TreatMissingData"), ["alarm_missing_data"], id="missing-data-default"
    ),
    pytest.param(lambda f: set_alarm(f, TreatMissingData="ignore"), ["alarm_missing_data"], id="missing-ignore"),
    pytest.param(lambda f: set_alarm(f, Period=10), ["alarm_period_short"], id="period-10s"),
    pytest.param(lambda f: set_alarm(f, Period=300), ["alarm_period_slow"], id="period-5min"),
    pytest.param(lambda f: set_alarm(f, Statistic="Maximum"), ["alarm_statistic"], id="maximum"),
    pytest.param(lambda f: set_alarm(f, Statistic="SampleCount"), ["alarm_statistic"], id="sample-count"),
    pytest.param(
        lambda f: set_alarm(f, StateValue="ALARM", StateReason="Threshold Crossed"), ["alarm_in_alarm"], id="in-alarm"
    ),
    # alarm actions
    pytest.param(lambda f: set_alarm(f, ActionsEnabled=False), ["alarm_actions_disabled"], id="actions-disabled"),
    pytest.param(lambda f: (set_alarm(f, AlarmActions=[]), f.update(topics={})), ["alarm_no_actions"], id="no-actions"),
    pytest.param(
        lambda f: set_alarm(f, AlarmActions=[build.TOPIC_ARN, "my-topic"]),
        ["alarm_action_invalid"],
        id="action-not-an-arn",
    ),
    pytest.param(
        lambda f: set_alarm(
            f, AlarmActions=[build.TOPIC_ARN, f"arn:aws:lambda:us-east-1:{build.ACCOUNT}:function:page-oncall"]
        ),
        ["alarm_action_not_sns"],
        id="lambda-action-too",
    ),
    pytest.param(
        lambda f: (set_alarm(f, AlarmActions=[OTHER_REGION_TOPIC]), f.update(topics={})),
        ["alarm_action_other_region"],
        id="topic-in-another-region",
    ),
    pytest.param(lambda f: topic(f).update(attributes=None), ["topic_missing"], id="topic-missing"),
    # topic
    pytest.param(
        lambda f: set_policy(f, policy_with_condition({"StringEquals": {"aws:SourceAccount": "999999999999"}})),
        ["topic_policy_denies_cloudwatch"],
        id="policy-names-another-account",
    ),
    pytest.param(
        lambda f: set_policy(f, {"Version": "2012-10-17", "Statement": []}),
        ["topic_policy_denies_cloudwatch"],
        id="empty-policy",
    ),
    pytest.param(
        lambda f: set_policy(f, policy_with_condition({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}})),
        ["topic_policy_unknown"],
        id="policy-condition-on-an-unknown-key",
    ),
    pytest.param(
        lambda f: set_policy(
            f,
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": ["SNS:Publish", "SNS:Subscribe"],
                        "Resource": build.TOPIC_ARN,
                        "Condition": {"StringEquals": {"AWS:SourceOwner": build.ACCOUNT}},
                    }
                ]
            },
        ),
        [],
        id="default-topic-policy-of-the-account",
    ),
    pytest.param(lambda f: encrypt_topic(f, "alias/aws/sns"), ["topic_aws_managed_key"], id="alias-aws-sns"),
    pytest.param(
        lambda f: encrypt_topic(f, build.KEY_ID, build.key(manager="AWS")),
        ["topic_aws_managed_key"],
        id="aws-managed-key-by-id",
    ),
    pytest.param(
        lambda f: encrypt_topic(f, build.KEY_ARN, build.key(state="PendingDeletion"), build.CLOUDWATCH_KEY_POLICY),
        ["topic_key_unusable"],
        id="topic-key-pending-deletion",
    ),
    pytest.param(
        lambda f: encrypt_topic(
            f, build.KEY_ID, build.key(), {"Statement": build.CLOUDWATCH_KEY_POLICY["Statement"][:1]}
        ),
        ["topic_key_policy_denies_cloudwatch"],
        id="key-policy-without-cloudwatch",
    ),
    pytest.param(
        lambda f: encrypt_topic(f, build.KEY_ID, build.key(), build.CLOUDWATCH_KEY_POLICY),
        [],
        id="customer-key-cloudwatch-may-use",
    ),
    pytest.param(
        lambda f: (
            encrypt_topic(f, "alias/alarms", build.key(), build.CLOUDWATCH_KEY_POLICY),
            f["keys"][build.REGION]["aliases"].append({"AliasName": "alias/alarms", "TargetKeyId": build.KEY_ID}),
        ),
        [],
        id="customer-key-by-alias",
    ),
    pytest.param(
        lambda f: encrypt_topic(
            f,
            build.KEY_ID,
            build.key(),
            {
                "Statement": [
                    dict(
                        build.CLOUDWATCH_KEY_POLICY["Statement"][1],
                        Condition={"StringEquals": {"kms:ViaService": "sns.us-east-1.amazonaws.com"}},
                    )
                ]
            },
        ),
        ["topic_key_policy_unknown"],
        id="key-policy-condition-on-an-unknown-key",
    ),
    pytest.param(
        lambda f: encrypt_topic(f, f"arn:aws:kms:eu-west-1:{build.ACCOUNT}:key/{build.KEY_ID}"),
        ["topic_key_unknown"],
        id="key-of-another-region",
    ),
    # subscriptions
    pytest.param(lambda f: topic(f).update(subscriptions=[]), ["topic_no_subscriptions"], id="no-subscription"),
    pytest.param(
        lambda f: topic(f)["subscriptions"].append(
            {"SubscriptionArn": "PendingConfirmation", "Protocol": "email", "Endpoint": "oncall@example.com"}
        ),
        ["topic_subscription_pending"],
        id="one-subscription-pending",
    ),
    pytest.param(
        lambda f: topic(f).update(
            subscriptions=[{"SubscriptionArn": "PendingConfirmation", "Protocol": "email", "Endpoint": "a@example.com"}]
        ),
        ["topic_subscription_pending"],
        id="only-subscription-pending",
    ),
    # The detailed notification's rule, audited when named (the healthy chain has it as the role makes it).
    pytest.param(lambda f: f.update(event_rule=event_rule_facts()), [], id="event-rule-healthy"),
    pytest.param(lambda f: f.update(event_rule=event_rule_facts(missing=True)), ["event_rule_missing"], id="rule-gone"),
    pytest.param(
        lambda f: f.update(event_rule=event_rule_facts({"State": "DISABLED"})), ["event_rule_state"], id="rule-off"
    ),
    pytest.param(
        lambda f: f.update(event_rule=event_rule_facts({"EventPattern": json.dumps({"source": ["aws.kms"]})})),
        [],
        id="rule-pattern-wider-still-matches",
    ),
    pytest.param(
        lambda f: f.update(event_rule=event_rule_facts({"EventPattern": '{"detail": {"errorMessage": ["x"]}}'})),
        ["event_rule_pattern"],
        id="rule-pattern-misses",
    ),
    pytest.param(
        lambda f: f.update(event_rule=event_rule_facts(targets=[])), ["event_rule_target"], id="rule-no-target"
    ),
]


@pytest.mark.parametrize(("breakage", "expected"), BREAKAGES)
def test_each_breakage_gives_exactly_its_findings(breakage, expected):
    facts = build.healthy_facts()
    breakage(facts)
    assert codes(facts) == sorted(expected)


def test_the_table_covers_every_rule():
    covered = {code for param in BREAKAGES for code in param.values[1]}
    assert covered == set(rules.CODES)


@pytest.mark.parametrize(("breakage", "expected"), BREAKAGES)
def test_findings_carry_their_check_severity_message_and_remediation(breakage, expected):
    facts = build.healthy_facts()
    breakage(facts)
    for item in rules.audit(facts, SAMPLES).findings:
        assert (item["check"], item["severity"]) == rules.CODES[item["code"]]
        assert item["message"].endswith("."), item
        if item["severity"] != rules.INFO:
            assert item["remediation"], item


# --- messages name what matters -----------------------------------------------------------------------------------


def finding_of(facts: dict, code: str) -> dict:
    return next(item for item in rules.audit(facts, SAMPLES).findings if item["code"] == code)


def test_a_filter_that_misses_decrypt_errors_names_them():
    facts = build.healthy_facts()
    set_filter(facts, filterPattern='{ $.eventName = "Encrypt" && $.errorMessage = "* is pending deletion." }')
    message = finding_of(facts, "filter_misses_events")["message"]
    missed = message.split("does not count:")[1].split("Its pattern")[0]
    assert "Decrypt" in missed


def test_a_long_list_of_missed_calls_is_cut_short():
    facts = build.healthy_facts()
    set_selectors(facts, {"EventSelectors": [{"ReadWriteType": "WriteOnly"}]})
    message = finding_of(facts, "trail_write_only")["message"]
    missed = [label for label, _message in SAMPLES.pending if label in message]
    assert len(missed) == rules.LABELS_SHOWN
    assert message.endswith(f"; and {len(SAMPLES.pending) - rules.LABELS_SHOWN} more.")


def test_a_missing_filter_names_the_filters_that_count_other_events():
    facts = build.healthy_facts()
    set_filter(facts, filterName=constants.CIS_FILTER_NAME, filterPattern=constants.CIS_FILTER_PATTERN)
    assert constants.CIS_FILTER_NAME in finding_of(facts, "filter_missing")["message"]


def test_greater_than_threshold_1_explains_why_one_event_is_not_enough():
    facts = build.healthy_facts()
    set_alarm(facts, ComparisonOperator="GreaterThanThreshold")
    item = finding_of(facts, "alarm_threshold")
    assert "1 GreaterThanThreshold 1 is false" in item["message"]
    assert "GreaterThanOrEqualToThreshold" in item["remediation"]


def test_a_stopped_trail_remediation_names_the_trail_and_region():
    facts = build.healthy_facts()
    trail0(facts)["status"]["IsLogging"] = False
    assert (
        f"start-logging --name {build.TRAIL_ARN} --region {build.REGION}"
        in finding_of(facts, "trail_not_logging")["remediation"]
    )


def test_a_pending_subscription_says_to_confirm_the_email():
    facts = build.healthy_facts()
    topic(facts)["subscriptions"] = [
        {"SubscriptionArn": "PendingConfirmation", "Protocol": "email", "Endpoint": "a@example.com"}
    ]
    item = finding_of(facts, "topic_subscription_pending")
    assert "a@example.com" in item["message"]
    assert "reaches nobody" in item["message"]
    assert "confirm" in item["remediation"].lower()


# --- choices: the chain's links are found by behaviour, not by name -----------------------------------------------


def test_a_good_filter_under_another_name_is_preferred_to_a_broken_named_one():
    facts = build.healthy_facts()
    facts["metric_filters"] = [
        build.procedure_filter(filterPattern="{ $.eventName = ScheduleKeyDeletion }"),
        build.procedure_filter(filterName="HandWritten"),
    ]
    audit = rules.audit(facts, SAMPLES)
    assert audit.metric_filter["filterName"] == "HandWritten"
    assert [item["code"] for item in audit.findings] == ["filter_other_name"]


def test_the_named_alarm_on_another_metric_gives_way_to_an_alarm_on_the_filter_metric():
    facts = build.healthy_facts()
    set_alarm(facts, Namespace="Elsewhere")
    facts["metric_alarms"] = [
        build.procedure_alarm(AlarmName="Broken", ComparisonOperator="GreaterThanThreshold"),
        build.procedure_alarm(AlarmName="Good"),
    ]
    audit = rules.audit(facts, SAMPLES)
    assert audit.alarm["AlarmName"] == "Good"
    assert [item["code"] for item in audit.findings] == ["alarm_other_name"]


def test_of_several_trails_the_one_with_fewest_problems_is_followed():
    facts = build.healthy_facts()
    stopped = {"trail": dict(build.trail(), Name="a-stopped-trail"), "status": {"IsLogging": False}, "selectors": {}}
    facts["trails"].insert(0, stopped)
    audit = rules.audit(facts, SAMPLES)
    assert audit.trail["trail"]["Name"] == "kmsguard-trail"
    assert audit.findings == []


# --- check statuses, coverage, helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("breakage", "statuses"),
    [
        pytest.param(no_trail, {"trail": "fail", "events": "skip"}, id="no-trail-events-not-evaluated"),
        pytest.param(
            lambda f: f.update(log_group=None, metric_filters=None),
            {"log_group": "fail", "filter": "skip"},
            id="no-group-filter-not-evaluated",
        ),
        pytest.param(
            lambda f: f.update(named_alarm=None, topics={}),
            {"alarm": "fail", "actions": "skip", "topic": "skip", "subscriptions": "skip"},
            id="no-alarm-actions-not-evaluated",
        ),
        pytest.param(
            lambda f: topic(f).update(attributes=None),
            {"actions": "fail", "topic": "skip", "subscriptions": "skip"},
            id="no-topic",
        ),
        pytest.param(
            lambda f: topic(f)["subscriptions"].append({"SubscriptionArn": "PendingConfirmation"}),
            {"subscriptions": "warn"},
            id="pending-subscription-warns",
        ),
        pytest.param(lambda f: set_alarm(f, Period=300), {"alarm": "pass"}, id="info-passes"),
    ],
)
def test_check_statuses(breakage, statuses):
    facts = build.healthy_facts()
    breakage(facts)
    checks = rules.audit(facts, SAMPLES).checks
    assert {check: checks[check] for check in statuses} == statuses
    assert all(checks[check] == "pass" for check in rules.CHECKS if check not in statuses)


@pytest.mark.parametrize(
    ("multi_region", "covered"), [pytest.param(True, True, id="multi-region"), pytest.param(False, False, id="single")]
)
def test_coverage_of_the_account_topology(multi_region, covered):
    facts = build.healthy_facts()
    facts["covered_regions"] = ["eu-west-1", "ap-southeast-2"]
    trail0(facts)["trail"]["IsMultiRegionTrail"] = multi_region
    coverage = rules.audit(facts, SAMPLES).coverage
    assert [(item["region"], item["covered"]) for item in coverage] == [
        ("eu-west-1", covered),
        ("ap-southeast-2", covered),
    ]
    assert {item["trail_name"] for item in coverage} == {"kmsguard-trail"}


def test_coverage_without_a_trail_covers_nothing():
    facts = build.healthy_facts()
    facts["covered_regions"] = ["eu-west-1"]
    no_trail(facts)
    assert rules.audit(facts, SAMPLES).coverage == [
        {"region": "eu-west-1", "covered": False, "trail_name": None, "trail_arn": None, "home_region": None}
    ]


@pytest.mark.parametrize(
    ("trails", "region", "expected"),
    [
        pytest.param([build.trail()], "us-east-1", [build.LOG_GROUP], id="one"),
        pytest.param([build.trail()], "eu-west-1", [], id="group-of-another-region"),
        pytest.param([{"Name": "s3-only", "TrailARN": "x"}], "us-east-1", [], id="no-delivery"),
        pytest.param(
            [build.trail(), dict(build.trail(), CloudWatchLogsLogGroupArn="arn:aws:logs:us-east-1:1:log-group:/a:*")],
            "us-east-1",
            ["/a", build.LOG_GROUP],
            id="two-sorted",
        ),
    ],
)
def test_candidate_log_groups(trails, region, expected):
    assert rules.candidate_log_groups(trails, region) == expected


@pytest.mark.parametrize(
    ("params", "region", "expected"),
    [
        pytest.param({}, "us-east-1", [], id="defaults"),
        pytest.param({}, None, ["No region is set"], id="no-region"),
        pytest.param({"covered_regions": ["eu-west-1", "europe"]}, "us-east-1", ["'europe'"], id="bad-region"),
        pytest.param({"alarm_name": ""}, "us-east-1", ["alarm_name: must not be empty"], id="empty-alarm-name"),
        pytest.param({"log_group_name": ""}, "us-east-1", ["log_group_name: must not be empty"], id="empty-group"),
    ],
)
def test_validate_params(params, region, expected):
    options = {
        "log_group_name": None,
        "filter_name": constants.FILTER_NAME,
        "alarm_name": constants.ALARM_NAME,
        "covered_regions": [],
        **params,
    }
    errors = rules.validate_params(options, region)
    assert len(errors) == len(expected)
    for error, fragment in zip(errors, expected, strict=True):
        assert fragment in error


@pytest.mark.parametrize(
    ("arns", "expected"),
    [
        pytest.param([build.ALARM_ARN, build.TOPIC_ARN], build.ACCOUNT, id="alarm"),
        pytest.param([None, "arn:aws:sns:us-east-1:210987654321:t"], "210987654321", id="topic-when-no-alarm"),
        pytest.param([None, "not an arn"], None, id="none"),
    ],
)
def test_account_id_of(arns, expected):
    assert rules.account_id_of(*arns) == expected


# --- the detailed notification's EventBridge rule ------------------------------------------------------------------

EVENT_TOPIC = build.TOPIC_ARN


def event_rule_facts(rule=None, targets=None, missing=False) -> dict:
    described = {"Name": "r", "State": event_rule.RULE_STATE, "EventPattern": json.dumps(event_rule.event_pattern())}
    return {
        "name": "r",
        "rule": None if missing else {**described, **(rule or {})},
        "targets": [{"Id": "t", "Arn": EVENT_TOPIC}] if targets is None else targets,
    }


@pytest.mark.parametrize(
    ("facts", "topics", "codes"),
    [
        pytest.param(None, [EVENT_TOPIC], [], id="not audited"),
        pytest.param(event_rule_facts(), [EVENT_TOPIC], [], id="as the role makes it"),
        pytest.param(event_rule_facts(), [], [], id="alarm without topic: any SNS target"),
        pytest.param(event_rule_facts(missing=True), [EVENT_TOPIC], ["event_rule_missing"], id="missing"),
        pytest.param(event_rule_facts({"State": "DISABLED"}), [EVENT_TOPIC], ["event_rule_state"], id="disabled"),
        pytest.param(event_rule_facts({"State": "ENABLED"}), [EVENT_TOPIC], ["event_rule_state"], id="plain enabled"),
        pytest.param(
            event_rule_facts({"EventPattern": json.dumps({"source": ["aws.kms"], "detail": {"errorMessage": ["x"]}})}),
            [EVENT_TOPIC],
            ["event_rule_pattern"],
            id="pattern misses",
        ),
        pytest.param(event_rule_facts(targets=[]), [EVENT_TOPIC], ["event_rule_target"], id="no target"),
        pytest.param(
            event_rule_facts(targets=[{"Id": "t", "Arn": EVENT_TOPIC + "-other"}]),
            [EVENT_TOPIC],
            ["event_rule_target"],
            id="another topic",
        ),
        pytest.param(
            event_rule_facts(targets=[{"Id": "q", "Arn": "arn:aws:sqs:us-east-1:111122223333:q"}]),
            [],
            ["event_rule_target"],
            id="no SNS target",
        ),
    ],
)
def test_event_rule_findings(facts, topics, codes):
    found = rules.event_rule_findings(facts, topics, "us-east-1", rules.procedure_samples())
    assert [item["code"] for item in found] == codes
    assert {(item["check"], item["severity"]) for item in found} <= {("topic", rules.WARNING)}
