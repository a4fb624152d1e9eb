# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The playbooks as AWX / Automation Controller runs them: ansible-runner on AWX-shaped private data dirs, on moto.

Each job is launched from its job template in awx/job_templates.json (playbook, slice count, survey defaults) with
survey answers as AWX passes them (strings), the AWS credential's keys in the environment and the slices as AWX
cuts them (tests/support/awx_job.py). Sliced jobs run their slices at the same time, as separate ansible-runner
processes: the account-level resources meet concurrent creators.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from aws_account import Account
from awx_job import launch
from awx_job import run_sliced

SIXTEEN_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
    "eu-north-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-south-1",
    "ca-central-1", "sa-east-1",
)  # fmt: skip
HOME = "us-east-1"
EMAIL = "security-team@example.com"
DEPLOY, VERIFY, TEARDOWN = "kmsguard - deploy", "kmsguard - verify", "kmsguard - teardown"
TRAIL, IAM_ROLE, TOPIC = "kmsguard-trail", "kmsguard-cloudtrail-to-logs", "kmsguard-kms-pending-deletion"
# The member-account role's permissions: the deployer policy, with what the jobs' survey answers add (docs/iam).
MEMBER_POLICY = Path(__file__).resolve().parents[2] / "docs" / "iam" / "deployer-policy.json"
PURGE_LOGS_ACTIONS = {"logs:DeleteLogGroup"}
# The signing name of a service in the call record, and its prefix in IAM actions.
IAM_PREFIX = {"monitoring": "cloudwatch"}


@pytest.fixture
def new_account(aws_client, aws_env):
    """``new_account()``: another fresh moto account, with credentials of a role assumed in it."""

    def make() -> Account:
        account_id = str(random.randrange(10**11, 10**12))
        credentials = aws_client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/kmsguard-deployer", RoleSessionName="kmsguard-tests"
        )["Credentials"]
        return Account(account_id=account_id, credentials=credentials, endpoint_url=aws_env["AWS_ENDPOINT_URL"])

    return make


def alarms(account: Account, region: str) -> list[str]:
    found = account.client("cloudwatch", region).describe_alarms(AlarmTypes=["MetricAlarm"])["MetricAlarms"]
    return [alarm["AlarmName"] for alarm in found]


def topics(account: Account, region: str) -> list[str]:
    return [topic["TopicArn"] for topic in account.client("sns", region).list_topics()["Topics"]]


def own_trails(account: Account, region: str) -> list[dict]:
    return account.client("cloudtrail", region).describe_trails(includeShadowTrails=False)["trailList"]


def role_names(account: Account) -> list[str]:
    return [role["RoleName"] for role in account.client("iam").list_roles()["Roles"]]


def own_buckets(account: Account) -> list[str]:
    names = [bucket["Name"] for bucket in account.client("s3").list_buckets()["Buckets"]]
    return [name for name in names if account.account_id in name]


def subscriptions(account: Account, region: str) -> list[tuple[str, str]]:
    topic_arn = f"arn:aws:sns:{region}:{account.account_id}:{TOPIC}"
    found = account.client("sns", region).list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    return [(subscription["Protocol"], subscription["Endpoint"]) for subscription in found]


def assert_all_succeeded(results) -> None:
    failed = [result for result in results if result.rc != 0 or result.status != "successful"]
    assert not failed, "\n\n".join(result.explain() for result in failed)


def sixteen_targets() -> dict[str, dict]:
    return {f"kms-{region}": {"aws_region": region} for region in SIXTEEN_REGIONS}


@pytest.mark.parametrize("topology", ["regional", "account"])
def test_four_concurrent_slices_converge_to_one_unsliced_run(topology, account, aws_env, tmp_path):
    """16 regions of one account, 4 slices at the same moment: the account-level resources exist once."""
    answers = {"pending_deletion_alarm_emails": EMAIL, "pending_deletion_alarm_topology": topology}
    first = run_sliced(
        launch(DEPLOY, answers, hosts=sixteen_targets(), credential=account.env, slices=4, job_id=100),
        tmp_path / "first",
        aws_env,
    )
    assert_all_succeeded(first)
    assert [len(result.hosts) for result in first] == [4, 4, 4, 4]

    assert role_names(account).count(IAM_ROLE) == 1
    assert len(own_buckets(account)) == 1
    assert own_buckets(account) == [f"kmsguard-cloudtrail-{account.account_id}-{HOME}"]
    per_region_alarms = {region: alarms(account, region) for region in SIXTEEN_REGIONS}
    per_region_topics = {region: topics(account, region) for region in SIXTEEN_REGIONS}
    if topology == "regional":
        assert per_region_alarms == {region: [constants.ALARM_NAME] for region in SIXTEEN_REGIONS}
        assert all(len(found) == 1 for found in per_region_topics.values()), per_region_topics
        assert all(subscriptions(account, region) == [("email", EMAIL)] for region in SIXTEEN_REGIONS)
    else:
        assert sum(len(found) for found in per_region_alarms.values()) == 1
        assert per_region_alarms[HOME] == [constants.ALARM_NAME]
        assert sum(len(found) for found in per_region_topics.values()) == 1
        assert subscriptions(account, HOME) == [("email", EMAIL)]
        trails = [trail for region in SIXTEEN_REGIONS for trail in own_trails(account, region)]
        assert [(trail["Name"], trail["HomeRegion"], trail["IsMultiRegionTrail"]) for trail in trails] == [
            (TRAIL, HOME, True)
        ]

    again = run_sliced(
        launch(DEPLOY, answers, hosts=sixteen_targets(), credential=account.env, slices=4, job_id=200),
        tmp_path / "again",
        aws_env,
    )
    assert_all_succeeded(again)
    for result in again:
        assert set(result.changed.values()) == {0}, result.explain()


def member_policy_actions() -> set[str]:
    actions = set()
    for statement in json.loads(MEMBER_POLICY.read_text())["Statement"]:
        action = statement["Action"]
        actions.update([action] if isinstance(action, str) else action)
    return actions


def operation_names(calls: list[dict]) -> set[str]:
    """IAM action names of recorded calls in the target accounts.

    S3 calls are recorded by HTTP method and path, not by operation: the policy's S3 part is checked by reading.
    sts:AssumeRole is the caller's own permission (its credential's), not the member account role's.
    """
    return {
        f"{IAM_PREFIX.get(call['service'], call['service'])}:{call['operation']}"
        for call in calls
        if call["service"] != "s3"
    } - {"sts:AssumeRole"}


def test_deploy_verify_teardown_in_two_accounts_by_assumed_role(account, new_account, moto_endpoint, aws_env, tmp_path):
    """One AWX credential (the caller's keys), two target accounts by aws_assume_role_arn: nothing in the caller's.

    Every call the three jobs make in the target accounts is one the documented member-account role allows.
    """
    targets = {"b": new_account(), "c": new_account()}
    made = set()

    def run_job(template: str, answers: dict, directory: str):
        """One job; the calls it made, and only those (the checks' own calls are not the role's)."""
        moto_endpoint.forget_calls()
        results = run_sliced(
            launch(template, answers, hosts=hosts, credential=account.env), tmp_path / directory, aws_env
        )
        made.update(operation_names(moto_endpoint.calls()))
        return results

    hosts = {
        f"{name}-{region}": {
            "aws_region": region,
            "aws_assume_role_arn": target.deployer_role_arn,
            "aws_assume_role_external_id": f"kmsguard-{name}",
            "aws_assume_role_session_name": "awx-kmsguard",
        }
        for name, target in targets.items()
        for region in (HOME, "eu-west-1")
    }
    answers = {"pending_deletion_alarm_topology": "regional", "pending_deletion_alarm_cis_alarm": "true"}

    deployed = run_job(DEPLOY, {**answers, "pending_deletion_alarm_emails": EMAIL}, "deploy")
    assert_all_succeeded(deployed)
    assert [result.hosts for result in deployed] == [["b-eu-west-1"], ["b-us-east-1"], ["c-eu-west-1"], ["c-us-east-1"]]
    for target in targets.values():
        for region in (HOME, "eu-west-1"):
            assert sorted(alarms(target, region)) == sorted([constants.ALARM_NAME, constants.CIS_ALARM_NAME])
            assert subscriptions(target, region) == [("email", EMAIL)]
        assert role_names(target).count(IAM_ROLE) == 1
        assert len(own_buckets(target)) == 1
    for region in (HOME, "eu-west-1"):
        assert alarms(account, region) == [] and topics(account, region) == [] and own_trails(account, region) == []
    assert IAM_ROLE not in role_names(account) and own_buckets(account) == []

    verified = run_job(VERIFY, answers, "verify")
    assert_all_succeeded(verified)
    assert len(verified) == 1

    removed = run_job(TEARDOWN, {**answers, "pending_deletion_alarm_purge_logs": "true"}, "teardown")
    assert_all_succeeded(removed)
    for target in targets.values():
        for region in (HOME, "eu-west-1"):
            assert alarms(target, region) == [] and topics(target, region) == []
        assert IAM_ROLE not in role_names(target)

    assert {"iam:CreateRole", "cloudtrail:CreateTrail", "sns:Subscribe", "cloudwatch:DeleteAlarms"} <= made
    assert made - member_policy_actions() - PURGE_LOGS_ACTIONS == set(), "calls the member-account role does not allow"


@pytest.mark.parametrize(
    ("answers", "host_vars", "named"),
    [
        pytest.param({"pending_deletion_alarm_home_region": ""}, {}, "pending_deletion_alarm_home_region", id="home"),
        pytest.param({}, {"aws_profile": "prod"}, 'sets aws_profile "prod"', id="profile-under-credential-keys"),
    ],
)
def test_an_awx_job_fails_before_any_aws_call(answers, host_vars, named, account, moto_endpoint, aws_env, tmp_path):
    hosts = {f"kms-{region}": {"aws_region": region, **host_vars} for region in SIXTEEN_REGIONS[:4]}
    answers = {"pending_deletion_alarm_emails": EMAIL, **answers}
    moto_endpoint.forget_calls()
    results = run_sliced(launch(DEPLOY, answers, hosts=hosts, credential=account.env, slices=2), tmp_path, aws_env)
    assert [result.status for result in results] == ["failed", "failed"]
    for result in results:
        assert any(named in message for message in result.failure_messages()), result.explain()
    assert moto_endpoint.operations() == []
