# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The inventory plugin kmsguard.alarms.aws_targets: real ansible-inventory and ansible-playbook runs, moto's
AWS Organizations.

Each test makes an organization in an account of its own (the management account) with two member accounts, one
in an organizational unit. The member accounts are reached through the role the inventory names; moto maps the
credentials of a role assumed in an account to that account, whether or not the role exists.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from aws_account import Account
from playbook_run import ANSIBLE_PLAYBOOK
from playbook_run import execute_playbook
from playbook_run import json_report_env

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE = REPO_ROOT / "playbooks" / "site.yml"
ANSIBLE_INVENTORY = ANSIBLE_PLAYBOOK.with_name("ansible-inventory")
REGIONS = ["eu-west-1", "us-east-1"]
ROLE = "kmsguard-deployer"
ALARM = "KMSKeyPendingDeletionErrorAlarm"


@dataclass
class Organization:
    management: Account
    dev: str
    prod: str
    prod_unit: str
    root: str


@pytest.fixture
def organization(account) -> Organization:
    client = account.client("organizations")
    client.create_organization(FeatureSet="ALL")
    root = client.list_roots()["Roots"][0]["Id"]
    unit = client.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]["Id"]
    nested = client.create_organizational_unit(ParentId=unit, Name="prod-eu")["OrganizationalUnit"]["Id"]
    dev = client.create_account(AccountName="dev", Email="dev@example.com")["CreateAccountStatus"]["AccountId"]
    prod = client.create_account(AccountName="prod eu", Email="prod@example.com")["CreateAccountStatus"]["AccountId"]
    # Two levels down: the plugin walks every organizational unit below the one it is given.
    client.move_account(AccountId=prod, SourceParentId=root, DestinationParentId=nested)
    return Organization(management=account, dev=dev, prod=prod, prod_unit=unit, root=root)


def through_role(org: Organization, account_id: str) -> Account:
    """``account_id`` as its targets reach it: with the management account's credentials, through ``ROLE``."""
    credentials = org.management.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}", RoleSessionName="kmsguard-tests"
    )["Credentials"]
    return Account(account_id=account_id, credentials=credentials, endpoint_url=org.management.endpoint_url)


def write_inventory(tmp_path: Path, **options) -> Path:
    path = tmp_path / "org.aws_targets.yml"
    path.write_text(yaml.safe_dump({"plugin": "kmsguard.alarms.aws_targets", **options}, sort_keys=False))
    return path


def inventory_list(path: Path, aws_env: dict, account: Account) -> subprocess.CompletedProcess:
    return run_with_inventory(aws_env, account, ANSIBLE_INVENTORY, "-i", path, "--list")


def run_with_inventory(aws_env: dict, account: Account, *command) -> subprocess.CompletedProcess:
    env = inventory_env(aws_env, account)
    return subprocess.run([str(part) for part in command], env=env, capture_output=True, text=True, check=False)


def inventory_env(aws_env: dict, account: Account) -> dict[str, str]:
    """The test environment with ``account``'s credentials, where an inventory source that fails to parse fails."""
    return {**json_report_env(aws_env), **account.env, "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"}


def listed(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return plain(json.loads(result.stdout))


def plain(value):
    """ansible-inventory's JSON without the marks of values that are not templates (ansible-core 2.19 and later)."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def test_one_host_per_account_and_region_with_the_inventory_contract(organization, aws_env, moto_endpoint, tmp_path):
    org = organization
    path = write_inventory(
        tmp_path,
        regions=REGIONS,
        assume_role_name=ROLE,
        assume_role_external_id="kmsguard-awx",
        keyed_groups=[{"key": "aws_account_name", "prefix": "name"}],
    )
    moto_endpoint.forget_calls()
    inventory = listed(inventory_list(path, aws_env, org.management))
    operations = sorted(call["operation"] for call in moto_endpoint.calls())
    hostvars = inventory["_meta"]["hostvars"]

    accounts = sorted([org.management.account_id, org.dev, org.prod])
    expected_hosts = [f"{account}-{region}" for account in accounts for region in REGIONS]
    assert sorted(hostvars) == sorted(expected_hosts)
    # Each account's group lists its hosts in the order of the regions given: the first is its home region.
    for account in accounts:
        assert inventory[f"account_{account}"]["hosts"] == [f"{account}-{region}" for region in REGIONS]
    for account in (org.dev, org.prod):
        for region in REGIONS:
            assert hostvars[f"{account}-{region}"] == {
                "ansible_connection": "local",
                "aws_region": region,
                "aws_account_id": account,
                "aws_account_name": "dev" if account == org.dev else "prod eu",
                "aws_assume_role_arn": f"arn:aws:iam::{account}:role/{ROLE}",
                "aws_assume_role_external_id": "kmsguard-awx",
            }
    # The listing account's targets use its credentials as they are: no member role there.
    management = hostvars[f"{org.management.account_id}-eu-west-1"]
    assert "aws_assume_role_arn" not in management and "aws_assume_role_external_id" not in management
    assert inventory["name_prod_eu"]["hosts"] == [f"{org.prod}-{region}" for region in REGIONS]
    assert operations == ["GetCallerIdentity", "ListAccounts"]


def test_organizational_units_exclusions_and_the_caller_account_role(organization, aws_env, moto_endpoint, tmp_path):
    org = organization
    by_unit = listed(
        inventory_list(
            write_inventory(
                tmp_path, regions=["us-east-1"], assume_role_name=ROLE, organizational_units=[org.prod_unit]
            ),
            aws_env,
            org.management,
        )
    )
    assert sorted(by_unit["_meta"]["hostvars"]) == [f"{org.prod}-us-east-1"]

    everyone_but_dev = listed(
        inventory_list(
            write_inventory(
                tmp_path,
                regions=["us-east-1"],
                assume_role_name=f"ops/{ROLE}",
                organizational_units=[org.root],
                exclude_accounts=[org.dev],
                assume_role_in_caller_account=True,
            ),
            aws_env,
            org.management,
        )
    )
    hostvars = everyone_but_dev["_meta"]["hostvars"]
    assert sorted(hostvars) == sorted(f"{account}-us-east-1" for account in (org.management.account_id, org.prod))
    for account in (org.management.account_id, org.prod):
        assert hostvars[f"{account}-us-east-1"]["aws_assume_role_arn"] == f"arn:aws:iam::{account}:role/ops/{ROLE}"

    only = listed(
        inventory_list(
            write_inventory(tmp_path, regions=["us-east-1"], assume_role_name=ROLE, accounts=[org.dev]),
            aws_env,
            org.management,
        )
    )
    assert sorted(only["_meta"]["hostvars"]) == [f"{org.dev}-us-east-1"]


def test_a_cached_listing_is_used_until_flushed_or_for_other_units(organization, aws_env, moto_endpoint, tmp_path):
    org = organization
    cached_options = {
        "regions": ["us-east-1"],
        "assume_role_name": ROLE,
        "cache": True,
        "cache_plugin": "ansible.builtin.jsonfile",
        "cache_connection": str(tmp_path / "cache"),
        "cache_timeout": 3600,
    }
    path = write_inventory(tmp_path, **cached_options)
    moto_endpoint.forget_calls()
    first = listed(inventory_list(path, aws_env, org.management))
    assert [call["operation"] for call in moto_endpoint.calls()] == ["GetCallerIdentity", "ListAccounts"]
    moto_endpoint.forget_calls()
    assert listed(inventory_list(path, aws_env, org.management)) == first
    assert moto_endpoint.calls() == []
    assert len(first["_meta"]["hostvars"]) == 3
    # ansible-playbook --flush-cache lists again (ansible-inventory has the option from ansible-core 2.19 only).
    flushed = run_with_inventory(
        aws_env, org.management, ANSIBLE_PLAYBOOK, "-i", path, "--flush-cache", "--list-hosts", SITE
    )
    assert flushed.returncode == 0, flushed.stderr
    assert f"{org.dev}-us-east-1" in flushed.stdout
    assert [call["operation"] for call in moto_endpoint.calls()] == ["GetCallerIdentity", "ListAccounts"]

    # The same file (so the same cache key) for other organizational units: the cached listing is not theirs.
    cached_options["organizational_units"] = [org.prod_unit]
    path = write_inventory(tmp_path, **cached_options)
    moto_endpoint.forget_calls()
    assert sorted(listed(inventory_list(path, aws_env, org.management))["_meta"]["hostvars"]) == [
        f"{org.prod}-us-east-1"
    ]
    assert "ListAccountsForParent" in [call["operation"] for call in moto_endpoint.calls()]


def test_bad_options_fail_naming_each_before_any_call(organization, aws_env, moto_endpoint, tmp_path):
    """Every bad option is named in one failure (tests/unit/plugins/plugin_utils/test_aws_targets.py has them all)."""
    path = write_inventory(
        tmp_path,
        regions=["us-esat-1", "eu-west-1"],
        accounts=["12345"],
        organizational_units=["prod"],
        assume_role_name="kms guard",
    )
    moto_endpoint.forget_calls()
    result = inventory_list(path, aws_env, organization.management)
    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    for named in (
        'regions: "us-esat-1" is not an AWS region. Did you mean us-east-1?',
        'accounts: "12345" is not a 12-digit AWS account ID',
        'organizational_units: "prod" is not an organizational unit ID',
        'assume_role_name "kms guard" is not an IAM role name',
    ):
        assert named in message, message
    assert moto_endpoint.calls() == []


def test_an_unlisted_account_or_no_account_left_fails_clearly(organization, aws_env, tmp_path):
    org = organization
    path = write_inventory(
        tmp_path,
        regions=["us-east-1"],
        assume_role_name=ROLE,
        organizational_units=[org.prod_unit],
        accounts=[org.prod, org.dev],
    )
    result = inventory_list(path, aws_env, org.management)
    assert result.returncode != 0
    assert f"accounts: {org.dev} is not an account of the organization" in " ".join(result.stderr.split())

    everything_excluded = write_inventory(
        tmp_path,
        regions=["us-east-1"],
        assume_role_name=ROLE,
        organizational_units=[org.prod_unit],
        exclude_accounts=[org.prod],
    )
    result = inventory_list(everything_excluded, aws_env, org.management)
    assert result.returncode != 0
    assert "no active account is left" in " ".join(result.stderr.split())

    # A member account's credentials (moto lists no account there, where AWS refuses the call).
    member = through_role(org, org.dev)
    result = inventory_list(write_inventory(tmp_path, regions=["us-east-1"], assume_role_name=ROLE), aws_env, member)
    assert result.returncode != 0
    assert "the listing found no account: expected the credentials of" in " ".join(result.stderr.split())


def test_site_deploys_the_alarm_in_every_account_of_the_inventory(organization, aws_env, tmp_path):
    """site.yml on the plugin's inventory: each account gets its alarm in its home region (the first region),
    the members through the role the inventory names, the management account with the listing's credentials."""
    org = organization
    write_inventory(tmp_path, regions=REGIONS, assume_role_name=ROLE)
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "all.yml").write_text(
        yaml.safe_dump({"pending_deletion_alarm_emails": ["a@example.com"]})
    )
    # The directory, as the README runs inventories/organization.
    run = execute_playbook(SITE, tmp_path, inventory_env(aws_env, org.management))
    assert run.rc == 0, run.explain()
    assert sorted(run.stats) == sorted(
        f"{a}-{r}" for a in (org.management.account_id, org.dev, org.prod) for r in REGIONS
    )

    for account in (org.management.account_id, org.dev, org.prod):
        reached = through_role(org, account)
        alarms = {
            region: [
                alarm["AlarmName"] for alarm in reached.client("cloudwatch", region).describe_alarms()["MetricAlarms"]
            ]
            for region in REGIONS
        }
        assert alarms == {"eu-west-1": [ALARM], "us-east-1": []}, (account, alarms)
