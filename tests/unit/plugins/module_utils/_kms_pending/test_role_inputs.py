# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The role's input checks and the collection's region rule: each bad value is named, with what is expected."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import regions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import role_inputs
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.deployment_plan import Target
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.deployment_plan import alarms as plan_alarms
from role_settings import role_settings

KEY_UUID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def test_the_defaults_with_an_email_are_valid():
    assert role_inputs.settings_problems(role_settings(emails=["security@example.com"])) == []


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({"topic_kms_key_id": KEY_UUID}, id="topic-key-id"),
        pytest.param({"topic_kms_key_id": f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_UUID}"}, id="topic-key-arn"),
        pytest.param({"topic_kms_key_id": "alias/alarms"}, id="topic-key-alias"),
        pytest.param({"topic_kms_key_id": ""}, id="topic-key-empty-turns-encryption-off"),
        pytest.param({"bucket_encryption": "aws:kms", "bucket_kms_key_id": "alias/trail-logs"}, id="bucket-key"),
        pytest.param({"home_region": "eu-central-2"}, id="home-region"),
        pytest.param({"home_region": "xx-future-1", "extra_regions": ["xx-future-1"]}, id="extra-region"),
        pytest.param({"purge_logs": True, "purge_bucket": True}, id="purge-both"),
        pytest.param({"existing_log_group_name": "aws-controltower/CloudTrailLogs"}, id="existing-log-group"),
        pytest.param({"log_retention_days": 3653}, id="retention-10-years"),
        pytest.param({"name_prefix": "a"}, id="one-letter-prefix"),
        pytest.param({"cis_alarm": True}, id="cis"),
        pytest.param({"match_replica_deletion": True}, id="replica-variant"),
        pytest.param({"aws_config": {}}, id="botocore-defaults"),
        pytest.param({"aws_config": {"retries": {"mode": "adaptive", "max_attempts": 20}}}, id="adaptive-20"),
        pytest.param({"aws_config": {"connect_timeout": 5}}, id="other-botocore-setting"),
        pytest.param({"trail_retries": 0, "trail_retry_delay": 0}, id="no-trail-retry"),
        pytest.param({"kms_key_id": f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_UUID}"}, id="shared-key-arn"),
        pytest.param(
            {"kms_key_id": f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_UUID}", "topic_kms_key_id": "alias/sns-key"},
            id="shared-key-and-topic-key",
        ),
        pytest.param(
            {"tags": {"team": "s\u00e9curit\u00e9", "cost center": "1234", "owner:email": "a+b@example.com", "x": ""}},
            id="tags-letters-spaces-punctuation-empty-value",
        ),
        pytest.param({"tags": {f"k{i}": "v" for i in range(50)}}, id="tags-50"),
        pytest.param({"tags": {"k" * 128: "v" * 256}}, id="tag-key-128-value-256"),
        # The CIS names are used only with the CIS alarm.
        pytest.param({"cis_metric_name": "a:b"}, id="cis-metric-unused"),
        pytest.param({"filter_pattern": '{ $.eventSource = "kms.amazonaws.com" }'}, id="own-json-pattern"),
        pytest.param({"filter_pattern": "[version, account, ...]"}, id="own-space-delimited-pattern"),
        pytest.param({"filter_pattern": "?AccessDenied ?pending"}, id="own-terms-pattern"),
        pytest.param({"match_replica_deletion": True}, id="replica-pattern"),
    ],
)
def test_good_values_have_no_problem(settings):
    assert role_inputs.settings_problems(role_settings(**settings)) == []


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        pytest.param({"emails": ["security-team.example.com"]}, '"security-team.example.com"', id="email-no-at"),
        pytest.param({"emails": ["a@b"]}, '"a@b"', id="email-no-domain"),
        pytest.param(
            {"emails": ["ok@example.com", "two words@example.com"]}, '"two words@example.com"', id="email-space"
        ),
        pytest.param(
            {"home_region": "us-esat-1"}, 'pending_deletion_alarm_home_region "us-esat-1"', id="misspelt-home"
        ),
        pytest.param({"home_region": "eu-middle-9"}, '"eu-middle-9"', id="unknown-home-region"),
        pytest.param({"extra_regions": ["not a region"]}, '"not a region"', id="extra-region-not-shaped"),
        pytest.param({"name_prefix": "KMS"}, 'pending_deletion_alarm_name_prefix "KMS"', id="prefix-upper-case"),
        pytest.param({"name_prefix": "a" * 24}, "pending_deletion_alarm_name_prefix", id="prefix-too-long"),
        pytest.param({"name_prefix": "kms_x"}, '"kms_x"', id="prefix-underscore"),
        pytest.param({"topic_kms_key_id": "alias/aws/sns"}, "alias/aws/sns", id="aws-managed-sns-key"),
        pytest.param(
            {"topic_kms_key_id": "arn:aws:kms:us-east-1:123456789012:alias/aws/sns"},
            "AWS managed SNS key",
            id="aws-managed-sns-key-arn",
        ),
        pytest.param(
            {"topic_kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/not-a-uuid"},
            "key/not-a-uuid",
            id="key-arn-not-a-uuid",
        ),
        pytest.param(
            {"topic_kms_key_id": "alias/" + "a" * 294}, "pending_deletion_alarm_topic_kms_key_id", id="alias-300"
        ),
        pytest.param(
            {"topic_kms_key_id": f"arn:aws:kms:xx:123456789012:key/{KEY_UUID}"},
            ":xx:",
            id="key-arn-region-xx",
        ),
        pytest.param({"topic_kms_key_id": "my key"}, '"my key"', id="key-not-a-key"),
        pytest.param(
            {"bucket_kms_key_id": "alias/trail-logs"},
            "pending_deletion_alarm_bucket_encryption",
            id="bucket-key-aes",
        ),
        pytest.param(
            {"bucket_encryption": "aws:kms", "bucket_kms_key_id": "trail key"},
            "pending_deletion_alarm_bucket_kms_key_id",
            id="bucket-key-not-a-key",
        ),
        pytest.param({"purge_bucket": True}, "pending_deletion_alarm_purge_logs is false", id="purge-bucket-alone"),
        pytest.param(
            {"existing_log_group_name": "org/logs", "purge_logs": True},
            '"org/logs" is not the role',
            id="reuse-and-purge",
        ),
        pytest.param({"log_retention_days": 42}, "pending_deletion_alarm_log_retention_days 42", id="retention-42"),
        pytest.param({"trail_name": "my trail"}, 'pending_deletion_alarm_trail_name "my trail"', id="trail-name-space"),
        pytest.param({"trail_name": "t" * 129}, "pending_deletion_alarm_trail_name", id="trail-name-129"),
        pytest.param({"iam_role_name": "r" * 65}, "pending_deletion_alarm_iam_role_name", id="role-name-65"),
        # IAM's and CloudWatch Logs' letters are ASCII: AWS would refuse these only when the run reaches the call.
        pytest.param(
            {"iam_role_name": "r\u00f4le-kmsguard"},
            'pending_deletion_alarm_iam_role_name "r\u00f4le-kmsguard"',
            id="role-name-accented",
        ),
        pytest.param(
            {"log_group_name": "journal/cl\u00e9s"},
            'pending_deletion_alarm_log_group_name "journal/cl\u00e9s"',
            id="log-group-accented",
        ),
        pytest.param({"topic_name": "alarms.topic"}, '"alarms.topic"', id="topic-name-dot"),
        pytest.param(
            {"event_rule_name": "kms rule"}, 'pending_deletion_alarm_event_rule_name "kms rule"', id="rule-space"
        ),
        pytest.param({"event_rule_name": "r" * 65}, "pending_deletion_alarm_event_rule_name", id="rule-name-65"),
        pytest.param({"bucket_name": "My_Bucket"}, '"My_Bucket"', id="bucket-name-upper"),
        pytest.param({"log_group_name": "logs:all"}, '"logs:all"', id="log-group-colon"),
        pytest.param({"filter_name": "a*b"}, '"a*b"', id="filter-name-star"),
        pytest.param(
            {"cis_alarm": True, "cis_filter_name": "x:y"}, "pending_deletion_alarm_cis_filter_name", id="cis-name"
        ),
        pytest.param(
            {"match_replica_deletion": True, "filter_pattern": "{ $.eventSource = kms* }"},
            "pending_deletion_alarm_match_replica_deletion is true",
            id="replica-and-own-pattern",
        ),
        pytest.param(
            {"aws_config": {"retries": {"mode": "fast"}}},
            'pending_deletion_alarm_aws_config.retries.mode "fast"',
            id="retry-mode-unknown",
        ),
        pytest.param(
            {"aws_config": {"retries": {"total_max_attempts": 0}}}, "retries.total_max_attempts 0", id="attempts-0"
        ),
        pytest.param(
            {"aws_config": {"retries": {"max_attempts": "10"}}}, 'retries.max_attempts "10"', id="attempts-string"
        ),
        pytest.param({"aws_config": {"retries": "standard"}}, 'retries "standard"', id="retries-not-a-dict"),
        pytest.param({"aws_config": "standard"}, 'pending_deletion_alarm_aws_config "standard"', id="config-not-dict"),
        pytest.param({"trail_retry_delay": -1}, "pending_deletion_alarm_trail_retry_delay -1", id="trail-delay-neg"),
        pytest.param({"kms_key_id": KEY_UUID}, f'kms_key_id "{KEY_UUID}"', id="shared-key-id-not-arn"),
        pytest.param({"kms_key_id": "alias/trail-logs"}, "CloudWatch Logs takes a key ARN only", id="shared-alias"),
        pytest.param({"kms_key_id": "alias/aws/cloudtrail"}, "it is an AWS managed key", id="shared-aws-managed"),
        pytest.param(
            {"kms_key_id": "arn:aws:kms:eu-west-1:123456789012:alias/aws/logs"},
            "it is an AWS managed key",
            id="shared-aws-managed-alias-arn",
        ),
        pytest.param(
            {"kms_key_id": "arn:aws:kms:eu-west-1:123456789012:key/nope"}, "ends in key/KEY_ID", id="shared-bad-arn"
        ),
        pytest.param({"kms_key_id": ["x"]}, 'kms_key_id ["x"] is not a string', id="shared-key-list"),
        # AWS refuses these tags on the resource it tags first, or (a number: CloudWatch Logs) only on a later one.
        pytest.param({"tags": {"cost": 1234}}, 'the value of "cost" 1234 (a number) is not a string', id="tag-number"),
        pytest.param({"tags": {"on": True}}, 'quote it: "true"', id="tag-boolean"),
        pytest.param({"tags": {"since": datetime.date(2024, 1, 31)}}, "2024-01-31 (a date) is not", id="tag-date"),
        pytest.param({"tags": {"aws:owner": "me"}}, 'key "aws:owner" starts with aws:', id="tag-aws-prefix"),
        pytest.param({"tags": {"AWS:Owner": "me"}}, 'key "AWS:Owner" starts with aws:', id="tag-aws-prefix-upper"),
        pytest.param({"tags": {"team#": "sec"}}, 'key "team#" contains "#"', id="tag-key-hash"),
        pytest.param({"tags": {"team": "a;b"}}, 'the value of "team" "a;b" contains ";"', id="tag-value-semicolon"),
        pytest.param({"tags": {"team": "a\tb"}}, 'contains "\\t"', id="tag-value-tab"),
        pytest.param({"tags": {"k" * 129: "v"}}, "is 129 characters long: expected 1 to 128", id="tag-key-129"),
        pytest.param({"tags": {"": "v"}}, 'key "" is 0 characters long', id="tag-key-empty"),
        pytest.param({"tags": {"k": "v" * 257}}, "is 257 characters long: expected 0 to 256", id="tag-value-257"),
        pytest.param({"tags": {f"k{i}": "v" for i in range(51)}}, "has 51 tags: expected at most 50", id="tags-51"),
        pytest.param({"tags": ["team"]}, 'pending_deletion_alarm_tags ["team"] is not a mapping', id="tags-list"),
        pytest.param({"filter_pattern": ""}, 'pending_deletion_alarm_filter_pattern "" must not', id="pattern-empty"),
    ],
)
def test_each_bad_value_is_named_with_what_is_expected(settings, named):
    problems = role_inputs.settings_problems(role_settings(**settings))
    assert len(problems) == 1, problems
    assert named in problems[0]
    assert any(word in problems[0].lower() for word in ("expected", "must", "give", "use a", "set it")), problems[0]


# kms_pending_metric_filter's own checks, run on the role's values before any AWS call: the module would refuse them
# only when the run reaches the filters, after the trail and its delivery exist.
@pytest.mark.parametrize(
    ("settings", "named"),
    [
        pytest.param({"metric_name": "Count$"}, "pending_deletion_alarm_metric_name 'Count$' contains '$'", id="name"),
        pytest.param({"metric_namespace": "a:b"}, "pending_deletion_alarm_metric_namespace 'a:b'", id="namespace"),
        pytest.param({"metric_namespace": "n" * 256}, "is 256 characters long; at most 255", id="namespace-256"),
        pytest.param(
            {"cis_alarm": True, "cis_metric_name": "a*"}, "pending_deletion_alarm_cis_metric_name 'a*'", id="cis-name"
        ),
        pytest.param(
            {"cis_alarm": True, "cis_filter_pattern": " "},
            'pending_deletion_alarm_cis_filter_pattern " " must not be empty',
            id="cis-pattern-blank",
        ),
        pytest.param(
            {"filter_pattern": "x" * 1025},
            "pending_deletion_alarm_filter_pattern",
            id="pattern-1025",
        ),
        # PutMetricFilter refuses a malformed pattern.
        pytest.param(
            {"filter_pattern": "{ $.eventSource = }"},
            "accepts, at character 19: expected a value after '=', found '}'",
            id="pattern-malformed",
        ),
        pytest.param(
            {"cis_alarm": True, "cis_filter_pattern": "{ ($.eventName = DisableKey) "},
            "pending_deletion_alarm_cis_filter_pattern",
            id="cis-pattern-unclosed",
        ),
    ],
)
def test_what_the_metric_filter_module_refuses_is_refused_by_the_plan(settings, named):
    problems = role_inputs.settings_problems(role_settings(emails=["a@example.com"], **settings))
    assert len(problems) == 1, problems
    assert named in problems[0]


def test_every_problem_is_reported_at_once():
    settings = role_settings(
        emails=["x"], home_region="us-esat-1", log_retention_days=2, topic_kms_key_id="alias/aws/sns"
    )
    assert len(role_inputs.settings_problems(settings)) == 4


@pytest.mark.parametrize(
    ("target", "named"),
    [
        pytest.param(Target("t1", ""), "Host t1 has no aws_region", id="no-region"),
        pytest.param(Target("t1", "us-esat-1"), 'aws_region of host t1 "us-esat-1"', id="misspelt-region"),
        pytest.param(Target("t1", "us-east-1", assume_role_arn="ops"), 'aws_assume_role_arn "ops"', id="role-not-arn"),
        pytest.param(
            Target("t1", "us-east-1", assume_role_arn="arn:aws:iam::123:role/ops"),
            "of host t1 is not an IAM role ARN",
            id="role-account-short",
        ),
        pytest.param(
            Target("t1", "cn-north-1", assume_role_arn="arn:aws:iam::123456789012:role/ops"),
            "partition aws-cn",
            id="role-in-another-partition",
        ),
    ],
)
def test_target_problems(target, named):
    problems = role_inputs.target_problems(target, [])
    assert len(problems) == 1 and named in problems[0], problems


@pytest.mark.parametrize(
    "target",
    [
        Target("t1", "us-east-1"),
        Target("t1", "cn-north-1", assume_role_arn="arn:aws-cn:iam::123456789012:role/ops"),
        Target("t1", "us-gov-west-1", profile="gov"),
        Target("t1", "eu-west-1", assume_role_arn="arn:aws:iam::123456789012:role/path/to/ops"),
    ],
)
def test_good_targets(target):
    assert role_inputs.target_problems(target, []) == []


def test_a_region_newer_than_botocore_is_accepted_when_named():
    assert role_inputs.target_problems(Target("t1", "xx-future-1"), ["xx-future-1"]) == []
    assert role_inputs.target_problems(Target("t1", "xx-future-1"), [])


def test_serial_batches_are_refused():
    assert role_inputs.batch_problems(["a", "b"], ["a", "b"]) == []
    assert "serial" in role_inputs.batch_problems(["a"], ["a", "b"])[0]


# --- the region rule: botocore's data, not a pattern -------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "known"),
    [
        ("us-east-1", True),
        ("eu-central-2", True),
        ("cn-northwest-1", True),
        ("us-gov-east-1", True),
        ("us-esat-1", False),
        ("eu-middle-9", False),
        ("us-east-1 ", False),
        ("US-EAST-1", False),
        ("aws-global", False),
        ("", False),
    ],
)
def test_regions_come_from_botocore(region, known):
    assert regions.is_region(region) is known


def test_a_misspelt_region_gets_a_suggestion():
    assert "Did you mean us-east-1?" in regions.region_problem("us-esat-1", "aws_region")
    assert "Did you mean" not in regions.region_problem("mars-north-1", "aws_region")


@pytest.mark.parametrize(("region", "partition"), [("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("nowhere", None)])
def test_partition_of_a_region(region, partition):
    assert regions.partition_of(region) == partition


KEY_ARN = f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_UUID}"
MRK_ARN = "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"


@pytest.mark.parametrize(
    ("key", "home_region", "region", "wrong"),
    [
        (None, "us-east-1", "eu-west-1", False),
        (KEY_ARN, "eu-west-1", "eu-west-1", False),
        (KEY_ARN, "us-east-1", "eu-west-1", True),
        (KEY_ARN, "eu-west-1", "us-east-1", True),
        (MRK_ARN, "eu-west-1", "ap-southeast-2", False),
    ],
)
def test_the_shared_key_is_in_the_regions_that_use_it(key, home_region, region, wrong):
    problems = role_inputs.kms_key_region_problems(role_settings(kms_key_id=key), home_region, region)
    assert bool(problems) is wrong, problems
    if wrong:
        assert "is a key of region eu-west-1" in problems[0] and "multi-Region key" in problems[0]


# --- AWX / Automation Controller --------------------------------------------------------------------------------

ARGUMENT_SPECS_FILE = (
    Path(__file__).resolve().parents[5] / "roles" / "pending_deletion_alarm" / "meta" / "argument_specs.yml"
)
ROLE_ARN = "arn:aws:iam::123456789012:role/kmsguard-deployer"


def role_option_types() -> dict:
    return role_inputs.option_types(yaml.safe_load(ARGUMENT_SPECS_FILE.read_text())["argument_specs"])


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({"cis_alarm": "false"}, {"cis_alarm": False}, id="survey-bool-false"),
        pytest.param({"cis_alarm": "true", "purge_logs": "yes"}, {"cis_alarm": True, "purge_logs": True}, id="bools"),
        pytest.param({"cis_alarm": False}, {"cis_alarm": False}, id="real-bool-kept"),
        pytest.param(
            {"emails": "a@example.com, b@example.com"},
            {"emails": ["a@example.com", "b@example.com"]},
            id="survey-emails-comma-separated",
        ),
        pytest.param({"emails": "a@example.com"}, {"emails": ["a@example.com"]}, id="survey-one-email"),
        pytest.param({"emails": ["a@example.com"]}, {"emails": ["a@example.com"]}, id="list-kept"),
        pytest.param({"log_retention_days": "90"}, {"log_retention_days": 90}, id="survey-int"),
        pytest.param({"home_region": "eu-west-1"}, {"home_region": "eu-west-1"}, id="str-kept"),
        pytest.param({"home_region": None}, {"home_region": None}, id="unset-kept"),
        pytest.param({"cis_alarm": "maybe"}, {"cis_alarm": "maybe"}, id="not-a-bool-left-to-the-argument-spec"),
    ],
)
def test_survey_answers_are_read_as_the_argument_spec_types_them(overrides, expected):
    settings = role_inputs.typed_settings(role_settings(**overrides), role_option_types())
    assert {name: settings[f"pending_deletion_alarm_{name}"] for name in expected} == expected


def test_a_survey_false_is_false_for_the_plan():
    settings = role_inputs.typed_settings(role_settings(cis_alarm="false"), role_option_types())
    assert [alarm["alarm_name"] for alarm in plan_alarms(settings)] == ["KMSKeyPendingDeletionErrorAlarm"]


@pytest.mark.parametrize(
    ("overrides", "job_vars", "problem"),
    [
        pytest.param({}, {}, False, id="plain-run-takes-the-first-target"),
        pytest.param({}, {"awx_job_id": 42}, True, id="awx-job-without-home-region"),
        pytest.param({}, {"tower_job_id": 42}, True, id="tower-job-without-home-region"),
        pytest.param({}, {"awx_job_id": None}, False, id="awx-job-id-null-is-no-job"),
        pytest.param({"home_region": "eu-west-1"}, {"awx_job_id": 42}, False, id="awx-job-with-home-region"),
        pytest.param({"home_region": ""}, {"awx_job_id": 42}, True, id="awx-survey-left-empty"),
        pytest.param(
            {"topology": "regional", "existing_log_group_name": "org-trail"},
            {"awx_job_id": 42},
            False,
            id="regional-on-existing-log-group-has-no-account-level-resource",
        ),
        pytest.param(
            {"topology": "account", "existing_log_group_name": "org-trail"},
            {"awx_job_id": 42},
            True,
            id="account-topology-on-existing-log-group-acts-in-the-home-region",
        ),
    ],
)
def test_an_awx_job_must_name_the_home_region(overrides, job_vars, problem):
    problems = role_inputs.home_region_problems(role_settings(**overrides), job_vars)
    assert bool(problems) is problem, problems
    if problem:
        assert "pending_deletion_alarm_home_region" in problems[0] and "42" in problems[0]
        assert "slice" in problems[0]


@pytest.mark.parametrize(
    ("target", "environment", "named"),
    [
        pytest.param(Target("t1", "us-east-1"), {"AWS_ACCESS_KEY_ID": "AKIA"}, None, id="awx-keys-no-profile"),
        pytest.param(Target("t1", "us-east-1", profile="prod"), {}, None, id="profile-no-keys"),
        pytest.param(Target("t1", "us-east-1", profile="prod"), {"AWS_ACCESS_KEY_ID": ""}, None, id="empty-key"),
        pytest.param(
            Target("t1", "us-east-1", profile="prod"),
            {"AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s"},
            'Host t1 sets aws_profile "prod"',
            id="awx-keys-and-profile",
        ),
        pytest.param(
            Target("t1", "us-east-1", profile="prod", assume_role_arn=ROLE_ARN),
            {"AWS_SESSION_TOKEN": "t"},
            "AWS_SESSION_TOKEN",
            id="token-only-and-profile",
        ),
        pytest.param(
            Target("t1", "us-east-1", profile="prod"), {"AWS_ACCESS_KEY": "AKIA"}, "AWS_ACCESS_KEY", id="old-name"
        ),
    ],
)
def test_a_profile_under_environment_keys_is_refused(target, environment, named):
    problems = role_inputs.credential_problems(target, environment)
    if named is None:
        assert problems == []
    else:
        assert len(problems) == 1 and named in problems[0] and "aws_assume_role_arn" in problems[0], problems


@pytest.mark.parametrize(
    ("target", "named"),
    [
        pytest.param(
            Target("t1", "us-east-1", assume_role_arn=ROLE_ARN, external_id="x"),
            'aws_assume_role_external_id "x"',
            id="external-id-too-short",
        ),
        pytest.param(
            Target("t1", "us-east-1", assume_role_arn=ROLE_ARN, session_name="awx job 42"),
            'aws_assume_role_session_name "awx job 42"',
            id="session-name-with-spaces",
        ),
        pytest.param(
            Target("t1", "us-east-1", assume_role_arn=ROLE_ARN, session_name="s" * 65),
            "aws_assume_role_session_name",
            id="session-name-too-long",
        ),
        pytest.param(
            Target("t1", "us-east-1", assume_role_arn=ROLE_ARN, session_name="s\u00e9curit\u00e9"),
            'aws_assume_role_session_name "s\u00e9curit\u00e9" of host t1 is not valid: expected 2 to 64 ASCII',
            id="session-name-accented",
        ),
        pytest.param(
            Target("t1", "us-east-1", assume_role_arn=ROLE_ARN, external_id="cl\u00e9-awx"),
            'aws_assume_role_external_id "cl\u00e9-awx"',
            id="external-id-accented",
        ),
        pytest.param(
            Target("t1", "us-east-1", assume_role_arn="arn:aws:iam::" + "\u0661" * 12 + ":role/kmsguard-deployer"),
            "is not an IAM role ARN",
            id="role-arn-account-in-other-digits",
        ),
        pytest.param(
            Target("t1", "us-east-1", external_id="abc123"),
            "aws_assume_role_external_id of host t1 is set without aws_assume_role_arn",
            id="external-id-without-role",
        ),
    ],
)
def test_assume_role_options_follow_sts_rules(target, named):
    problems = role_inputs.target_problems(target, [])
    assert len(problems) == 1 and named in problems[0], problems


def test_assume_role_options_accepted():
    target = Target("t1", "us-east-1", assume_role_arn=ROLE_ARN, external_id="org:prod/42", session_name="awx-42")
    assert role_inputs.target_problems(target, []) == []
