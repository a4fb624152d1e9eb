# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The decisions of the inventory plugin ``kmsguard.alarms.aws_targets``, apart from its AWS calls.

``option_problems`` checks the plugin's options before any call; ``accounts_from`` keeps the organization's
accounts that the options select; ``targets`` makes one host per (account, region) with the host vars of the
inventory contract. Nothing here talks to AWS.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import regions as region_data
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import role_inputs

# Organizations' own patterns for a root and an organizational unit ID.
PARENT_ID = re.compile(r"r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")
ACTIVE = "ACTIVE"
# The region of the Organizations endpoint of each partition (Organizations is a global service).
ORGANIZATIONS_REGION = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-northwest-1"}
_EXTRA_REGIONS_HINT = "; add a region newer than the installed botocore to extra_regions"


@dataclass(frozen=True)
class Account:
    """An account of the organization as ListAccounts describes it."""

    account_id: str
    name: str
    partition: str
    status: str

    @classmethod
    def from_api(cls, account: dict[str, Any]) -> Account:
        parts = arns.parse_arn(account.get("Arn") or "") or {}
        # State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED ...) replaces the older Status where AWS returns it.
        status = account.get("State") or account.get("Status") or ""
        return cls(account["Id"], account.get("Name") or "", parts.get("partition") or "aws", status)

    def as_dict(self) -> dict[str, str]:
        return {"Id": self.account_id, "Name": self.name, "Partition": self.partition, "State": self.status}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Account:
        return cls(data["Id"], data["Name"], data["Partition"], data["State"])


@dataclass(frozen=True)
class Host:
    """One deployment target: its inventory name, its groups and its host vars."""

    name: str
    groups: tuple[str, ...]
    variables: dict[str, Any] = field(default_factory=dict)


def _show(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def _list_problems(name: str, values: Any, pattern: re.Pattern, expected: str) -> list[str]:
    if not isinstance(values, list):
        return [f"{name} {_show(values)} is not a list: expected a list, each item {expected}."]
    problems = []
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML reads an unquoted ID as a number, and a number loses an ID's leading zeros.
            problems.append(f'{name}: {value} is a number: expected {expected} as a quoted string ("{value}").')
        elif not (isinstance(value, str) and pattern.fullmatch(value)):
            problems.append(f"{name}: {_show(value)} is not {expected}.")
    return problems


def option_problems(options: dict[str, Any]) -> list[str]:
    """Every problem of the plugin's options, each naming the value and what is expected; [] when they are good."""
    problems: list[str] = []
    extra_regions = options.get("extra_regions") or []
    if not isinstance(extra_regions, list):
        problems.append(f"extra_regions {_show(extra_regions)} is not a list: expected a list of region names.")
        extra_regions = []
    problems += [
        f"extra_regions: {_show(name)} is not shaped like an AWS region name (expected e.g. xx-newregion-1)."
        for name in extra_regions
        if not arns.is_region_shaped(name)
    ]
    target_regions = options.get("regions")
    if not isinstance(target_regions, list) or not target_regions:
        problems.append(
            f"regions {_show(target_regions)} is not a list of regions: expected the AWS regions to deploy to in "
            "every account, for example [us-east-1, eu-west-1]."
        )
    else:
        for region in target_regions:
            problem = region_data.region_problem(region, "regions:", tuple(extra_regions), _EXTRA_REGIONS_HINT)
            if problem:
                problems.append(problem)
        names = [region for region in target_regions if isinstance(region, str)]
        duplicates = sorted({region for region in names if names.count(region) > 1})
        if duplicates:
            problems.append(f"regions: {_show(duplicates)} listed more than once: expected each region once.")
        partitions = {region_data.partition_of(region) for region in names} - {None}
        if len(partitions) > 1:
            problems.append(
                f"regions {_show(target_regions)} span the partitions {_show(sorted(partitions))}: an organization "
                "and its roles live in one partition; expected regions of one partition."
            )
    for name in ("accounts", "exclude_accounts"):
        problems += _list_problems(name, options.get(name) or [], arns.ACCOUNT_ID, "a 12-digit AWS account ID")
    problems += _list_problems(
        "organizational_units",
        options.get("organizational_units") or [],
        PARENT_ID,
        "an organizational unit ID (ou-xxxx-xxxxxxxx) or a root ID (r-xxxx)",
    )
    only, exclude = options.get("accounts") or [], options.get("exclude_accounts") or []
    if isinstance(only, list) and isinstance(exclude, list):
        both = sorted({value for value in only if isinstance(value, str)} & set(exclude))
        if both:
            problems.append(f"{_show(both)} in both accounts and exclude_accounts: expected an account in one at most.")
    role_name = options.get("assume_role_name")
    if not (isinstance(role_name, str) and role_inputs.ROLE_NAME.fullmatch(role_name)):
        problems.append(
            f"assume_role_name {_show(role_name)} is not an IAM role name: expected the name (or path/name) of the "
            "role to assume in each member account, for example kmsguard-deployer."
        )
    external_id = options.get("assume_role_external_id")
    if external_id is not None and not (
        isinstance(external_id, str) and role_inputs.EXTERNAL_ID.fullmatch(external_id)
    ):
        problems.append(
            f"assume_role_external_id {_show(external_id)} is not valid: expected 2 to 1224 ASCII letters, digits "
            "or '+=,.@:/_-' (STS)."
        )
    return problems


def organizations_region(target_regions: list[str]) -> str:
    """The region of the Organizations endpoint in the partition of the target regions."""
    return ORGANIZATIONS_REGION.get(region_data.partition_of(target_regions[0]) or "aws", "us-east-1")


def accounts_from(listed: list[Account], only: list[str], exclude: list[str]) -> tuple[list[Account], list[str]]:
    """The active accounts of ``listed`` that ``only`` (all when empty) selects and ``exclude`` does not, by ID.

    Returns them with the problems: an account of ``only`` that is not in the listing, or not active, is named
    (a mistyped ID would otherwise leave an account without the alarm, silently).
    """
    by_id = {account.account_id: account for account in listed}
    problems = []
    for account_id in only:
        if account_id not in by_id:
            problems.append(
                f"accounts: {account_id} is not an account of the organization (or of the organizational units "
                "given): expected the ID of one of its accounts."
            )
        elif by_id[account_id].status != ACTIVE:
            problems.append(
                f"accounts: {account_id} is {by_id[account_id].status or 'not active'}: expected an ACTIVE account."
            )
    selected = [
        account
        for account in sorted(listed, key=lambda account: account.account_id)
        if account.status == ACTIVE and (not only or account.account_id in only) and account.account_id not in exclude
    ]
    return selected, problems


def partition_problems(accounts: list[Account], target_regions: list[str]) -> list[str]:
    """A target region must be in the partition of the accounts (a role is assumed in its own partition only)."""
    problems = []
    for partition in sorted({account.partition for account in accounts}):
        wrong = [region for region in target_regions if region_data.partition_of(region) not in (None, partition)]
        if wrong:
            problems.append(
                f"regions {_show(wrong)} are not in partition {partition}, the partition of the organization's "
                "accounts: expected regions of that partition."
            )
    return problems


def role_arn(account: Account, role_name: str) -> str:
    return f"arn:{account.partition}:iam::{account.account_id}:role/{role_name}"


def targets(
    accounts: list[Account],
    target_regions: list[str],
    caller_account: str,
    options: dict[str, Any],
) -> list[Host]:
    """One host per (account, region), accounts in ID order and regions in the order given.

    The first region of an account is its first target, so the home region of the role's ``account`` topology
    unless ``pending_deletion_alarm_home_region`` says otherwise. A target of the caller's own account uses the
    caller's credentials (the management account usually has no member role) unless
    ``assume_role_in_caller_account``; every other target assumes ``assume_role_name`` in its account.
    """
    hosts = []
    for account in accounts:
        assumes = account.account_id != caller_account or options.get("assume_role_in_caller_account")
        for region in target_regions:
            variables: dict[str, Any] = {
                "ansible_connection": "local",
                "aws_region": region,
                "aws_account_id": account.account_id,
                "aws_account_name": account.name,
            }
            if options.get("profile"):
                variables["aws_profile"] = options["profile"]
            if assumes:
                variables["aws_assume_role_arn"] = role_arn(account, options["assume_role_name"])
                if options.get("assume_role_external_id"):
                    variables["aws_assume_role_external_id"] = options["assume_role_external_id"]
            hosts.append(Host(f"{account.account_id}-{region}", (f"account_{account.account_id}",), variables))
    return hosts
