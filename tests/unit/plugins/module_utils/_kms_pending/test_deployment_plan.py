# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The deployment plan: identity reads, accounts, leaders, who acts where, names, ARNs and policies."""

from __future__ import annotations

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import deployment_plan as plan
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.deployment_plan import Target
from role_settings import role_settings

SIXTEEN_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-south-1",
    "ca-central-1",
    "sa-east-1",
)
ACCOUNTS = ("111111111111", "222222222222", "333333333333")


def role_arn(account: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account}:role/kmsguard-deployer"


def caller(account: str, partition: str = "aws") -> dict:
    return {"account": account, "arn": f"arn:{partition}:sts::{account}:assumed-role/ops/session"}


def one_account(regions=("us-east-1", "eu-west-1", "ap-southeast-2"), profile: str = "") -> list[Target]:
    return [Target(host=f"t-{region}", region=region, profile=profile) for region in regions]


def by_profile() -> list[Target]:
    """Three accounts by profile, two regions each, listed region-major (accounts interleaved in play order)."""
    return [
        Target(host=f"{account}-{region}", region=region, profile=f"profile-{account}")
        for region in ("eu-west-1", "us-east-1")
        for account in ACCOUNTS
    ]


def by_role() -> list[Target]:
    return [
        Target(host=f"{account}-{region}", region=region, assume_role_arn=role_arn(account))
        for account in ACCOUNTS
        for region in ("us-east-1", "eu-west-1")
    ]


PROFILE_CALLERS = {f"{account}-eu-west-1": caller(account) for account in ACCOUNTS}


def full_plan(targets, host, callers=None, **settings) -> dict:
    resolved = plan.identities(targets, callers or {})
    return plan.plan_target(role_settings(**settings), targets, resolved, host)


# --- identity reads: one per set of credentials -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("targets", "readers", "assumers"),
    [
        pytest.param(one_account(SIXTEEN_REGIONS), {"t-us-east-1"}, set(), id="1-account-16-regions-one-read"),
        pytest.param(
            by_profile(),
            {"111111111111-eu-west-1", "222222222222-eu-west-1", "333333333333-eu-west-1"},
            set(),
            id="3-accounts-by-profile-one-read-each",
        ),
        pytest.param(
            by_role(),
            set(),
            {"111111111111-us-east-1", "222222222222-us-east-1", "333333333333-us-east-1"},
            id="3-accounts-by-role-one-session-each-no-read",
        ),
        pytest.param(
            one_account(("us-east-1",), profile="a") + [Target("t-b", "eu-west-1", profile="b")],
            {"t-us-east-1", "t-b"},
            set(),
            id="two-profiles-two-reads",
        ),
    ],
)
def test_identity_reads_once_per_set_of_credentials(targets, readers, assumers):
    reads = {target.host: plan.identity_reads(targets, target.host) for target in targets}
    assert {host for host, read in reads.items() if read["reads_caller_identity"]} == readers
    assert {host for host, read in reads.items() if read["assumes_role"]} == assumers
    for target in targets:
        reader = reads[target.host]["identity_host"]
        assert next(t for t in targets if t.host == reader).credentials == target.credentials


def test_shared_credentials_give_every_target_the_reader_identity():
    targets = one_account(SIXTEEN_REGIONS)
    resolved = plan.identities(targets, {"t-us-east-1": caller("444444444444")})
    assert set(resolved.values()) == {plan.Identity("444444444444", "aws")}


def test_a_target_whose_reader_read_nothing_has_no_identity():
    targets = by_profile()
    resolved = plan.identities(targets, {"111111111111-eu-west-1": caller("111111111111")})
    assert resolved["111111111111-us-east-1"] == plan.Identity("111111111111", "aws")
    assert resolved["222222222222-us-east-1"] is None


def test_an_assumed_role_names_account_and_partition_without_a_read():
    targets = [Target("cn", "cn-north-1", assume_role_arn=role_arn("555555555555", "aws-cn"))]
    assert plan.identities(targets, {}) == {"cn": plan.Identity("555555555555", "aws-cn")}


# --- who acts where -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("targets", "callers", "settings", "expected"),
    [
        pytest.param(
            one_account(),
            {"t-us-east-1": caller("111111111111")},
            {},
            {
                "t-us-east-1": {"acts": True, "is_leader": True, "region": "us-east-1", "home_region": "us-east-1"},
                "t-eu-west-1": {"acts": False, "is_leader": False, "region": "us-east-1", "home_region": "us-east-1"},
                "t-ap-southeast-2": {"acts": False, "is_leader": False, "region": "us-east-1"},
            },
            id="account-topology-leader-acts-in-home-region",
        ),
        pytest.param(
            one_account(),
            {"t-us-east-1": caller("111111111111")},
            {"topology": "regional"},
            {
                "t-us-east-1": {"acts": True, "is_leader": True, "region": "us-east-1"},
                "t-eu-west-1": {"acts": True, "is_leader": False, "region": "eu-west-1", "home_region": "us-east-1"},
                "t-ap-southeast-2": {"acts": True, "is_leader": False, "region": "ap-southeast-2"},
            },
            id="regional-topology-every-target-acts-in-its-region",
        ),
        pytest.param(
            one_account(),
            {"t-us-east-1": caller("111111111111")},
            {"home_region": "eu-west-1"},
            {
                "t-us-east-1": {"acts": True, "is_leader": True, "region": "eu-west-1", "home_region": "eu-west-1"},
                "t-eu-west-1": {"acts": False, "region": "eu-west-1"},
            },
            id="account-topology-home-region-given",
        ),
        pytest.param(
            one_account(),
            {"t-us-east-1": caller("111111111111")},
            {"home_region": "eu-west-1", "topology": "regional"},
            {
                "t-us-east-1": {"acts": True, "is_leader": True, "region": "us-east-1", "home_region": "eu-west-1"},
                "t-ap-southeast-2": {"acts": True, "region": "ap-southeast-2", "home_region": "eu-west-1"},
            },
            id="regional-topology-home-region-given",
        ),
        pytest.param(
            one_account()[1:],
            {"t-eu-west-1": caller("111111111111")},
            {},
            {"t-eu-west-1": {"acts": True, "is_leader": True, "region": "eu-west-1", "home_region": "eu-west-1"}},
            id="limit-to-a-subset-first-target-of-the-subset-leads",
        ),
        pytest.param(
            one_account() + [Target("again-eu-west-1", "eu-west-1")],
            {"t-us-east-1": caller("111111111111")},
            {"topology": "regional"},
            {"t-eu-west-1": {"acts": True}, "again-eu-west-1": {"acts": False, "region": "eu-west-1"}},
            id="two-entries-for-one-place-only-the-first-acts",
        ),
        pytest.param(
            one_account(("us-east-1",), profile="a") + [Target("t-b", "eu-west-1", profile="b")],
            {"t-us-east-1": caller("111111111111"), "t-b": caller("111111111111")},
            {},
            {
                "t-us-east-1": {"acts": True, "is_leader": True, "account_hosts": ["t-us-east-1", "t-b"]},
                "t-b": {"acts": False, "is_leader": False, "account_hosts": ["t-us-east-1", "t-b"]},
            },
            id="two-profiles-of-one-account-are-one-account",
        ),
        pytest.param(
            by_profile(),
            PROFILE_CALLERS,
            {},
            {
                "111111111111-eu-west-1": {"acts": True, "is_leader": True, "account_id": "111111111111"},
                "111111111111-us-east-1": {"acts": False, "region": "eu-west-1", "account_id": "111111111111"},
                "333333333333-eu-west-1": {
                    "acts": True,
                    "account_hosts": ["333333333333-eu-west-1", "333333333333-us-east-1"],
                },
            },
            id="3-accounts-by-profile-interleaved",
        ),
        pytest.param(
            by_role(),
            {},
            {"topology": "regional"},
            {
                "222222222222-us-east-1": {"acts": True, "is_leader": True, "account_id": "222222222222"},
                "222222222222-eu-west-1": {"acts": True, "is_leader": False, "home_region": "us-east-1"},
            },
            id="3-accounts-by-role",
        ),
    ],
)
def test_who_acts_where(targets, callers, settings, expected):
    for host, fields in expected.items():
        got = full_plan(targets, host, callers, **settings)
        assert {key: got[key] for key in fields} == fields, host


def test_sixteen_regions_regional_every_target_acts_once_and_one_leads():
    targets = one_account(SIXTEEN_REGIONS)
    plans = [full_plan(targets, t.host, {"t-us-east-1": caller("111111111111")}, topology="regional") for t in targets]
    assert [p["region"] for p in plans] == list(SIXTEEN_REGIONS)
    assert all(p["acts"] for p in plans)
    assert [p["is_leader"] for p in plans].count(True) == 1
    assert {p["bucket"] for p in plans} == {"kmsguard-cloudtrail-111111111111-us-east-1"}


# --- names, ARNs and policies -------------------------------------------------------------------------------------


def test_names_and_arns_follow_account_partition_and_region():
    targets = [Target("gov", "us-gov-west-1", assume_role_arn=role_arn("666666666666", "aws-us-gov"))]
    got = full_plan(targets, "gov", name_prefix="acme", topology="regional")
    assert got["bucket"] == "acme-cloudtrail-666666666666-us-gov-west-1"
    assert got["arns"] == {
        "bucket": "arn:aws-us-gov:s3:::acme-cloudtrail-666666666666-us-gov-west-1",
        "log_group": "arn:aws-us-gov:logs:us-gov-west-1:666666666666:log-group:/aws/cloudtrail/acme:*",
        "log_streams": "arn:aws-us-gov:logs:*:666666666666:log-group:/aws/cloudtrail/acme:log-stream:*",
        "delivery_role": "arn:aws-us-gov:iam::666666666666:role/acme-cloudtrail-to-logs",
        "trails": "arn:aws-us-gov:cloudtrail:*:666666666666:trail/acme-trail",
        "topic": "arn:aws-us-gov:sns:us-gov-west-1:666666666666:acme-kms-pending-deletion",
        "alarms": "arn:aws-us-gov:cloudwatch:us-gov-west-1:666666666666:alarm:*",
        "event_rule": "arn:aws-us-gov:events:us-gov-west-1:666666666666:rule/acme-kms-pending-deletion",
    }
    assert got["event_rule"] == "acme-kms-pending-deletion"


def test_bucket_name_given_and_existing_log_group_reused():
    targets = one_account(("eu-west-1",))
    got = full_plan(
        targets,
        "t-eu-west-1",
        {"t-eu-west-1": caller("111111111111")},
        bucket_name="my-trail-logs",
        existing_log_group_name="aws-controltower/CloudTrailLogs",
    )
    assert (got["bucket"], got["log_group"], got["reuses_log_group"]) == (
        "my-trail-logs",
        "aws-controltower/CloudTrailLogs",
        True,
    )


def test_policies_limit_each_service_to_this_account():
    got = full_plan(one_account(("us-east-1",)), "t-us-east-1", {"t-us-east-1": caller("111111111111")})
    trails = "arn:aws:cloudtrail:*:111111111111:trail/kmsguard-trail"
    bucket = got["policies"]["bucket"]["Statement"]
    assert [s["Sid"] for s in bucket] == ["CloudTrailAclCheck", "CloudTrailWrite", "DenyInsecureTransport"]
    assert bucket[1]["Resource"] == "arn:aws:s3:::kmsguard-cloudtrail-111111111111-us-east-1/AWSLogs/111111111111/*"
    assert bucket[1]["Condition"]["ArnLike"] == {"aws:SourceArn": trails}
    assert bucket[2]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    topic = got["policies"]["topic"]["Statement"][0]
    assert topic["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert topic["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "111111111111"},
        "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:111111111111:alarm:*"},
    }
    trust = got["policies"]["delivery_role_trust"]["Statement"][0]
    assert (trust["Action"], trust["Condition"]["ArnLike"]["aws:SourceArn"]) == ("sts:AssumeRole", trails)
    assert got["policies"]["delivery_role"]["Statement"][0]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]


@pytest.mark.parametrize(
    ("emails", "endpoints"),
    [([], []), (["a@example.com", "b@example.com", "a@example.com"], ["a@example.com", "b@example.com"])],
)
def test_subscriptions_one_per_address_in_order(emails, endpoints):
    assert [s["endpoint"] for s in plan.subscriptions(emails)] == endpoints
    assert {s["protocol"] for s in plan.subscriptions(emails)} <= {"email"}


@pytest.mark.parametrize(
    ("cis_alarm", "names"),
    [
        (False, ["KMSKeyPendingDeletionErrorAlarm"]),
        (True, ["KMSKeyPendingDeletionErrorAlarm", "KMSKeyDisableOrScheduleDeletionAlarm"]),
    ],
)
def test_alarms_main_and_cis_companion(cis_alarm, names):
    assert [alarm["alarm_name"] for alarm in plan.alarms(role_settings(cis_alarm=cis_alarm))] == names


@pytest.mark.parametrize(
    ("settings", "host", "hosts", "regions"),
    [
        pytest.param({}, "t-us-east-1", ["t-eu-west-1", "t-ap-southeast-2", "again-eu-west-1"],
                     ["eu-west-1", "ap-southeast-2"], id="account-topology-leader-covers-the-account"),
        pytest.param({"topology": "regional"}, "t-eu-west-1", ["again-eu-west-1"], [], id="regional-covers-its-region"),
        pytest.param({"topology": "regional"}, "t-us-east-1", [], [], id="regional-alone-in-its-region"),
    ],
)  # fmt: skip
def test_covered_targets_for_verify(settings, host, hosts, regions):
    targets = one_account() + [Target("again-eu-west-1", "eu-west-1")]
    got = full_plan(targets, host, {"t-us-east-1": caller("111111111111")}, **settings)
    assert (got["covered_hosts"], got["covered_regions"]) == (hosts, regions)


@pytest.mark.parametrize(
    ("replica", "pattern"), [(False, constants.FILTER_PATTERN), (True, constants.REPLICA_FILTER_PATTERN)]
)
def test_match_replica_deletion_chooses_the_replica_variant(replica, pattern):
    assert plan.alarms(role_settings(match_replica_deletion=replica))[0]["filter_pattern"] == pattern


ALARMS_STATEMENT = {
    "Sid": "CloudWatchAlarmsOfThisAccountOnly",
    "Effect": "Allow",
    "Principal": {"Service": "cloudwatch.amazonaws.com"},
    "Action": "sns:Publish",
    "Resource": "arn:aws:sns:eu-west-1:111111111111:kmsguard-kms-pending-deletion",
    "Condition": {
        "StringEquals": {"aws:SourceAccount": "111111111111"},
        "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:*"},
    },
}
RULE_STATEMENT = {
    "Sid": "EventBridgeRuleOfThisAccountOnly",
    "Effect": "Allow",
    "Principal": {"Service": "events.amazonaws.com"},
    "Action": "sns:Publish",
    "Resource": "arn:aws:sns:eu-west-1:111111111111:kmsguard-kms-pending-deletion",
    "Condition": {
        "StringEquals": {"aws:SourceAccount": "111111111111"},
        "ArnEquals": {"aws:SourceArn": "arn:aws:events:eu-west-1:111111111111:rule/kmsguard-kms-pending-deletion"},
    },
}


@pytest.mark.parametrize(
    ("topology", "host", "detailed", "statements"),
    [
        pytest.param("account", "t-us-east-1", False, [ALARMS_STATEMENT], id="off"),
        pytest.param("account", "t-us-east-1", True, [ALARMS_STATEMENT, RULE_STATEMENT], id="account: home region"),
        pytest.param("regional", "t-eu-west-1", True, [ALARMS_STATEMENT, RULE_STATEMENT], id="regional: own region"),
    ],
)
def test_topic_policy_lets_the_rule_publish_only_with_the_detailed_notification(topology, host, detailed, statements):
    targets = one_account(("us-east-1", "eu-west-1"))
    got = full_plan(
        targets,
        host,
        {"t-us-east-1": caller("111111111111")},
        topology=topology,
        home_region="eu-west-1",
        detailed_notification=detailed,
    )
    assert got["detailed_notification"] is detailed
    assert got["region"] == "eu-west-1"
    assert got["arns"]["event_rule"] == "arn:aws:events:eu-west-1:111111111111:rule/kmsguard-kms-pending-deletion"
    assert got["policies"]["topic"] == {"Version": "2012-10-17", "Statement": statements}


KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MRK = "key/mrk-1234abcd12ab34cd56ef1234567890ab"


@pytest.mark.parametrize(
    ("settings", "host", "keys"),
    [
        ({}, "t-eu-west-1", {"trail": None, "log_group": None, "topic": None}),
        ({"topic_kms_key_id": "alias/sns"}, "t-us-east-1", {"trail": None, "log_group": None, "topic": "alias/sns"}),
        # The one key everywhere; the topic key, when set, wins, and an empty one turns the topic's encryption off.
        ({"kms_key_id": KEY_ARN}, "t-us-east-1", {"trail": KEY_ARN, "log_group": KEY_ARN, "topic": KEY_ARN}),
        (
            {"kms_key_id": KEY_ARN, "topic_kms_key_id": "alias/sns"},
            "t-us-east-1",
            {"trail": KEY_ARN, "log_group": KEY_ARN, "topic": "alias/sns"},
        ),
        (
            {"kms_key_id": KEY_ARN, "topic_kms_key_id": ""},
            "t-us-east-1",
            {"trail": KEY_ARN, "log_group": KEY_ARN, "topic": ""},
        ),
        # A multi-Region key by its replica: the home region's for CloudTrail, the target's for the group and topic.
        (
            {"kms_key_id": f"arn:aws:kms:us-east-1:111111111111:{MRK}", "topology": "regional"},
            "t-eu-west-1",
            {
                "trail": f"arn:aws:kms:us-east-1:111111111111:{MRK}",
                "log_group": f"arn:aws:kms:eu-west-1:111111111111:{MRK}",
                "topic": f"arn:aws:kms:eu-west-1:111111111111:{MRK}",
            },
        ),
    ],
)
def test_one_key_for_the_whole_chain(settings, host, keys):
    got = full_plan(one_account(), host, {"t-us-east-1": caller("111111111111")}, **settings)
    assert got["kms_keys"] == keys


def test_the_trail_selectors_are_the_procedure_ones():
    got = full_plan(one_account(), "t-us-east-1", {"t-us-east-1": caller("111111111111")})
    assert got["trail_event_selectors"] == [
        {
            "read_write_type": "All",
            "include_management_events": True,
            "exclude_management_event_sources": [],
            "data_resources": [],
        }
    ]
