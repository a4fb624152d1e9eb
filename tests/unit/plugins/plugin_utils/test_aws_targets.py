# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The inventory plugin's decisions: option checks, the accounts kept, and the hosts with their vars."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.kmsguard.alarms.plugins.plugin_utils import _aws_targets as targets

GOOD = {
    "regions": ["us-east-1", "eu-west-1"],
    "extra_regions": [],
    "accounts": [],
    "exclude_accounts": [],
    "organizational_units": [],
    "assume_role_name": "kmsguard-deployer",
    "assume_role_external_id": None,
    "assume_role_in_caller_account": False,
    "profile": None,
}


def account(account_id: str, name: str = "", status: str = "ACTIVE", partition: str = "aws") -> targets.Account:
    return targets.Account(account_id, name or f"account {account_id}", partition, status)


def test_good_options_have_no_problem():
    assert targets.option_problems(GOOD) == []
    assert targets.option_problems({**GOOD, "assume_role_name": "deploy/ops/kmsguard-deployer"}) == []
    assert targets.option_problems({**GOOD, "organizational_units": ["r-ab12", "ou-ab12-34cd56ef"]}) == []
    assert targets.option_problems({**GOOD, "regions": ["xx-newregion-1"], "extra_regions": ["xx-newregion-1"]}) == []
    assert targets.option_problems({**GOOD, "assume_role_external_id": "kmsguard-awx"}) == []


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"regions": ["us-esat-1"]}, 'regions: "us-esat-1" is not an AWS region. Did you mean us-east-1?'),
        ({"regions": ["US-EAST-1"]}, 'regions: "US-EAST-1" is not an AWS region.'),
        ({"regions": []}, "regions [] is not a list of regions: expected the AWS regions to deploy to"),
        ({"regions": None}, "regions null is not a list of regions"),
        ({"regions": "us-east-1"}, 'regions "us-east-1" is not a list of regions'),
        ({"regions": ["us-east-1", "us-east-1"]}, 'regions: ["us-east-1"] listed more than once'),
        ({"regions": ["us-east-1", "cn-north-1"]}, 'span the partitions ["aws", "aws-cn"]'),
        ({"regions": ["xx-newregion-1"]}, "add a region newer than the installed botocore to extra_regions"),
        ({"extra_regions": ["newregion"]}, 'extra_regions: "newregion" is not shaped like an AWS region name'),
        ({"extra_regions": "xx-newregion-1"}, 'extra_regions "xx-newregion-1" is not a list'),
        ({"accounts": ["12345"]}, 'accounts: "12345" is not a 12-digit AWS account ID.'),
        (
            {"accounts": [111122223333]},
            "accounts: 111122223333 is a number: expected a 12-digit AWS account ID as a quoted string "
            '("111122223333").',
        ),
        ({"accounts": "111122223333"}, 'accounts "111122223333" is not a list: expected a list, each item a 12-digit'),
        ({"exclude_accounts": ["1111-2222-3333"]}, 'exclude_accounts: "1111-2222-3333" is not a 12-digit AWS'),
        ({"organizational_units": ["prod"]}, 'organizational_units: "prod" is not an organizational unit ID'),
        ({"organizational_units": ["ou-ab12"]}, 'organizational_units: "ou-ab12" is not an organizational unit ID'),
        (
            {"accounts": ["111122223333"], "exclude_accounts": ["111122223333"]},
            '["111122223333"] in both accounts and exclude_accounts',
        ),
        ({"assume_role_name": None}, "assume_role_name null is not an IAM role name"),
        ({"assume_role_name": "kms guard"}, 'assume_role_name "kms guard" is not an IAM role name'),
        ({"assume_role_name": "/kmsguard-deployer"}, 'assume_role_name "/kmsguard-deployer" is not an IAM role name'),
        ({"assume_role_name": "x" * 65}, "is not an IAM role name"),
        ({"assume_role_name": "arn:aws:iam::111122223333:role/x"}, "is not an IAM role name: expected the name"),
        ({"assume_role_name": "d\u00e9ployeur"}, 'assume_role_name "d\u00e9ployeur" is not an IAM role name'),
        # Another script's digits are digits to Python's \d, not to AWS.
        ({"accounts": ["\u0661" * 12]}, 'accounts: "' + "\u0661" * 12 + '" is not a 12-digit'),
        (
            {"assume_role_external_id": "cl\u00e9-awx"},
            'assume_role_external_id "cl\u00e9-awx" is not valid: expected 2 to 1224 ASCII',
        ),
        ({"regions": ["us-east-1", {"name": "eu-west-1"}]}, 'regions: {"name": "eu-west-1"} is not an AWS region.'),
        (
            {"accounts": [["111122223333"]], "exclude_accounts": ["111122223333"]},
            'accounts: ["111122223333"] is not a 12-digit AWS account ID.',
        ),
        ({"assume_role_external_id": "x"}, 'assume_role_external_id "x" is not valid: expected 2 to 1224'),
        ({"assume_role_external_id": "has space"}, 'assume_role_external_id "has space" is not valid'),
    ],
)
def test_each_bad_option_is_named_with_what_is_expected(options, expected):
    problems = targets.option_problems({**GOOD, **options})
    assert len(problems) == 1, problems
    assert expected in problems[0]


def test_every_bad_option_is_reported_at_once():
    problems = targets.option_problems(
        {**GOOD, "regions": ["us-esat-1"], "accounts": ["1"], "organizational_units": ["x"], "assume_role_name": ""}
    )
    assert len(problems) == 4, problems


def test_account_from_the_api_takes_its_partition_and_state():
    listed = targets.Account.from_api(
        {
            "Id": "111122223333",
            "Arn": "arn:aws-us-gov:organizations::999988887777:account/o-abc/111122223333",
            "Name": "gov",
            "Status": "ACTIVE",
            "State": "SUSPENDED",
        }
    )
    assert listed == targets.Account("111122223333", "gov", "aws-us-gov", "SUSPENDED")
    assert targets.Account.from_dict(listed.as_dict()) == listed
    older = targets.Account.from_api(
        {"Id": "111122223333", "Arn": "arn:aws:organizations::1:account/o/1", "Status": "ACTIVE"}
    )
    assert (older.status, older.partition, older.name) == ("ACTIVE", "aws", "")


def test_active_accounts_are_kept_in_id_order_without_the_excluded_ones():
    listed = [account("333333333333"), account("111111111111"), account("222222222222", status="SUSPENDED")]
    kept, problems = targets.accounts_from(listed, [], [])
    assert ([a.account_id for a in kept], problems) == (["111111111111", "333333333333"], [])
    kept, problems = targets.accounts_from(listed, [], ["333333333333"])
    assert ([a.account_id for a in kept], problems) == (["111111111111"], [])
    kept, problems = targets.accounts_from(listed, ["333333333333"], [])
    assert ([a.account_id for a in kept], problems) == (["333333333333"], [])


def test_an_account_asked_for_but_not_listed_or_not_active_is_a_problem():
    listed = [account("111111111111"), account("222222222222", status="SUSPENDED")]
    kept, problems = targets.accounts_from(listed, ["111111111111", "222222222222", "444444444444"], [])
    assert [a.account_id for a in kept] == ["111111111111"]
    assert problems == [
        "accounts: 222222222222 is SUSPENDED: expected an ACTIVE account.",
        "accounts: 444444444444 is not an account of the organization (or of the organizational units given): "
        "expected the ID of one of its accounts.",
    ]


def test_regions_outside_the_accounts_partition_are_a_problem():
    gov = [account("111111111111", partition="aws-us-gov")]
    assert targets.partition_problems(gov, ["us-gov-west-1"]) == []
    assert targets.partition_problems(gov, ["us-east-1", "us-gov-west-1"]) == [
        'regions ["us-east-1"] are not in partition aws-us-gov, the partition of the organization\'s accounts: '
        "expected regions of that partition."
    ]
    # A region newer than botocore (extra_regions) has no known partition: it is not refused here.
    assert targets.partition_problems(gov, ["xx-newregion-1"]) == []


@pytest.mark.parametrize(
    ("target_regions", "region"),
    [
        (["eu-west-1", "us-east-1"], "us-east-1"),
        (["us-gov-east-1"], "us-gov-west-1"),
        (["cn-north-1"], "cn-northwest-1"),
    ],
)
def test_organizations_is_called_in_the_partition_of_the_targets(target_regions, region):
    assert targets.organizations_region(target_regions) == region


def test_one_host_per_account_and_region_in_order_with_the_contract_vars():
    accounts = [account("111111111111", "management"), account("222222222222", "dev")]
    hosts = targets.targets(accounts, ["eu-west-1", "us-east-1"], "111111111111", GOOD)
    assert [host.name for host in hosts] == [
        "111111111111-eu-west-1",
        "111111111111-us-east-1",
        "222222222222-eu-west-1",
        "222222222222-us-east-1",
    ]
    assert hosts[0].groups == ("account_111111111111",)
    # The caller's own account: its credentials as they are.
    assert hosts[0].variables == {
        "ansible_connection": "local",
        "aws_region": "eu-west-1",
        "aws_account_id": "111111111111",
        "aws_account_name": "management",
    }
    assert hosts[3].variables == {
        "ansible_connection": "local",
        "aws_region": "us-east-1",
        "aws_account_id": "222222222222",
        "aws_account_name": "dev",
        "aws_assume_role_arn": "arn:aws:iam::222222222222:role/kmsguard-deployer",
    }


def test_profile_external_id_path_partition_and_the_role_in_the_caller_account():
    options = {
        **GOOD,
        "profile": "security",
        "assume_role_name": "ops/kmsguard-deployer",
        "assume_role_external_id": "kmsguard-awx",
        "assume_role_in_caller_account": True,
    }
    hosts = targets.targets([account("111111111111", partition="aws-cn")], ["cn-north-1"], "111111111111", options)
    assert hosts[0].variables == {
        "ansible_connection": "local",
        "aws_region": "cn-north-1",
        "aws_account_id": "111111111111",
        "aws_account_name": "account 111111111111",
        "aws_profile": "security",
        "aws_assume_role_arn": "arn:aws-cn:iam::111111111111:role/ops/kmsguard-deployer",
        "aws_assume_role_external_id": "kmsguard-awx",
    }


def test_the_example_inventory_has_good_options():
    example = Path(__file__).resolve().parents[4] / "inventories" / "organization" / "kmsguard.aws_targets.yml"
    options = yaml.safe_load(example.read_text())
    assert options.pop("plugin") == "kmsguard.alarms.aws_targets"
    assert set(options) <= set(GOOD)
    assert targets.option_problems({**GOOD, **options}) == []
