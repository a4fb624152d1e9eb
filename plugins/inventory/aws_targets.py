# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: aws_targets
short_description: One deployment target per account and region of an AWS organization
version_added: 1.2.0
description:
  - Lists the accounts of an AWS organization (C(organizations:ListAccounts), or the accounts under the
    organizational units given) and makes one inventory host per active account and region, with the host vars of
    the collection's inventory contract - C(aws_region), C(aws_assume_role_arn) (the member role to assume in that
    account) and, when set, C(aws_profile) and C(aws_assume_role_external_id) - so that the role
    C(kmsguard.alarms.pending_deletion_alarm) and the collection's playbooks reach every account from one set of
    credentials.
  - Host names are C(ACCOUNTID-REGION); each host is also in the group C(account_ACCOUNTID) (for per-account
    group_vars such as C(pending_deletion_alarm_home_region)) and has the vars C(aws_account_id) and
    C(aws_account_name) for O(compose), O(groups) and O(keyed_groups).
  - Hosts come account by account (in account ID order), in the order of O(regions) within each account, so the
    first region is each account's home region in the role's C(account) topology unless
    C(pending_deletion_alarm_home_region) is set.
  - Each host is run with C(ansible_connection=local). The modules need boto3 on the controller; set
    C(ansible_python_interpreter) in C(group_vars/all.yml) next to the inventory file when the controller's default
    Python lacks it (see the collection's C(inventories/example/group_vars/all.yml)).
  - The options are checked before any AWS call; a bad one fails with a message that names it. The calls (one
    C(sts:GetCallerIdentity), then C(organizations:ListAccounts) or, with O(organizational_units),
    C(organizations:ListAccountsForParent) and C(organizations:ListOrganizationalUnitsForParent)) go to the
    standard AWS credential chain (environment, O(profile), instance role) and honour C(AWS_ENDPOINT_URL); they
    need the management account or a delegated administrator of AWS Organizations.
  - The inventory file name must end in C(aws_targets.yml) or C(aws_targets.yaml).
author:
  - kmsguard.alarms maintainers (@kmsguard)
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
requirements:
  - boto3
options:
  plugin:
    description: The name of this plugin; it must be C(kmsguard.alarms.aws_targets).
    type: str
    required: true
    choices: [kmsguard.alarms.aws_targets]
  regions:
    description:
      - The regions to deploy to in every selected account, each a region in botocore's region data (or in
        O(extra_regions)), all in one partition.
      - The first is each account's home region in the role's C(account) topology (see above).
    type: list
    elements: str
    required: true
  extra_regions:
    description: Region names to accept besides the regions in botocore's region data, for regions newer than the
      installed botocore (shaped like a region name, for example C(xx-newregion-1)).
    type: list
    elements: str
    default: []
  accounts:
    description:
      - Only these accounts (12-digit IDs). Empty - every active account the listing finds.
      - An ID that the listing does not find, or finds suspended or closed, fails the inventory (a mistyped ID
        would otherwise leave that account without the alarm).
    type: list
    elements: str
    default: []
  exclude_accounts:
    description: Accounts (12-digit IDs) left out, for example the management account.
    type: list
    elements: str
    default: []
  organizational_units:
    description:
      - Only the accounts under these organizational units (C(ou-...)) or roots (C(r-...)), directly or in any
        organizational unit below them. Empty - every account of the organization.
    type: list
    elements: str
    default: []
  assume_role_name:
    description:
      - The role that each target assumes in its account (C(aws_assume_role_arn) is
        C(arn:PARTITION:iam::ACCOUNTID:role/NAME)); a role path goes before the name (C(PATH/NAME)).
      - Create it in every member account, for example with a CloudFormation StackSet; the collection's README
        (Multi-account) gives its trust and permissions policies. C(OrganizationAccountAccessRole), which
        Organizations creates in the accounts it creates, works too but grants administrator access.
    type: str
    required: true
  assume_role_external_id:
    description: The external ID that the member role's trust policy requires (host var
      C(aws_assume_role_external_id)).
    type: str
  assume_role_in_caller_account:
    description:
      - Whether the targets of the account whose credentials list the organization also assume O(assume_role_name).
      - By default they use those credentials as they are, since the management account usually has no member role.
    type: bool
    default: false
  profile:
    description:
      - The AWS profile whose credentials list the organization; also set as the host var C(aws_profile) of every
        target, so the targets assume their roles with the same credentials.
      - Unset - the standard credential chain (environment variables, for example an AWX credential's).
    type: str
    env:
      - name: AWS_PROFILE
"""

EXAMPLES = r"""
---
# inventories/organization/kmsguard.aws_targets.yml - every account of the organization, three regions each.
plugin: kmsguard.alarms.aws_targets
regions: [us-east-1, eu-west-1, ap-southeast-2]
assume_role_name: kmsguard-deployer
assume_role_external_id: kmsguard-awx

---
# The production organizational unit only, without one account; a group per account name.
plugin: kmsguard.alarms.aws_targets
regions: [us-east-1, us-west-2]
organizational_units: [ou-ab12-prod0001]
exclude_accounts: ["111122223333"]
assume_role_name: kmsguard-deployer
keyed_groups:
  - key: aws_account_name
    prefix: name

---
# Listing the organization takes a few calls: cache it for an hour between runs.
plugin: kmsguard.alarms.aws_targets
regions: [us-east-1]
assume_role_name: kmsguard-deployer
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/kmsguard-aws-targets
cache_timeout: 3600
"""

from ansible.errors import AnsibleError
from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin
from ansible.plugins.inventory import Cacheable
from ansible.plugins.inventory import Constructable

from ansible_collections.kmsguard.alarms.plugins.plugin_utils import _aws_targets as decide

try:
    import boto3
    import botocore.config
    import botocore.exceptions
except ImportError:
    boto3 = None  # pylint: disable=invalid-name

# As the role's default (pending_deletion_alarm_aws_config): throttling and transient errors are retried.
_RETRIES = {"mode": "standard", "total_max_attempts": 10}


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """One host per (account, region) of an AWS organization."""

    NAME = "kmsguard.alarms.aws_targets"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(("aws_targets.yml", "aws_targets.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        options = {
            name: self.get_option(name)
            for name in (
                "regions",
                "extra_regions",
                "accounts",
                "exclude_accounts",
                "organizational_units",
                "assume_role_name",
                "assume_role_external_id",
                "assume_role_in_caller_account",
                "profile",
            )
        }
        problems = decide.option_problems(options)
        if problems:
            raise AnsibleParserError(f"{self.NAME} ({path}): " + " ".join(problems))

        cache_key = self.get_cache_key(path)
        # What the listing depends on: a cached listing of other units or other credentials is not used.
        source = {"organizational_units": options["organizational_units"], "profile": options["profile"]}
        listing = None
        if self.get_option("cache") and cache:
            listing = self._cache.get(cache_key)
            if not isinstance(listing, dict) or listing.get("source") != source:
                listing = None
        if listing is None:
            listing = {"source": source, **self._read_organization(options)}
            if self.get_option("cache"):
                self._cache[cache_key] = listing

        accounts = [decide.Account.from_dict(account) for account in listing["accounts"]]
        selected, problems = decide.accounts_from(accounts, options["accounts"], options["exclude_accounts"])
        problems += decide.partition_problems(selected, options["regions"])
        if not accounts:
            problems.append(
                "the listing found no account: expected the credentials of an AWS organization's management account "
                "or delegated administrator (and, with organizational_units, units that hold accounts)."
            )
        elif not selected and not problems:
            problems.append(
                "no active account is left after accounts, exclude_accounts and organizational_units: expected at "
                "least one account to deploy to."
            )
        if problems:
            raise AnsibleParserError(f"{self.NAME} ({path}): " + " ".join(problems))
        self._populate(decide.targets(selected, options["regions"], listing["caller_account"], options))

    def _populate(self, hosts):
        strict = self.get_option("strict")
        for host in hosts:
            self.inventory.add_host(host.name)
            for group in host.groups:
                self.inventory.add_group(group)
                self.inventory.add_child(group, host.name)
            for name, value in host.variables.items():
                self.inventory.set_variable(host.name, name, value)
            self._set_composite_vars(self.get_option("compose"), host.variables, host.name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), host.variables, host.name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host.variables, host.name, strict=strict)

    def _read_organization(self, options):
        """The caller's account and the accounts that the listing finds (as JSON-ready dicts, for the cache)."""
        if boto3 is None:
            raise AnsibleError(f"{self.NAME} needs boto3 and botocore on the controller (pip install boto3).")
        try:
            session = boto3.session.Session(profile_name=options["profile"] or None)
            config = botocore.config.Config(retries=_RETRIES)
            region = decide.organizations_region(options["regions"])
            caller = session.client("sts", region_name=region, config=config).get_caller_identity()["Account"]
            client = session.client("organizations", region_name=region, config=config)
            if options["organizational_units"]:
                listed = []
                for parent in options["organizational_units"]:
                    listed += self._accounts_under(client, parent)
            else:
                listed = [
                    account for page in client.get_paginator("list_accounts").paginate() for account in page["Accounts"]
                ]
        except botocore.exceptions.ClientError as error:
            details = error.response.get("Error", {})
            raise AnsibleError(
                f"{self.NAME}: {error.operation_name} failed: {details.get('Code')}: {details.get('Message')}. "
                "Listing the organization needs the credentials of its management account or of a delegated "
                "administrator, with organizations:ListAccounts (or, with organizational_units, "
                "organizations:ListAccountsForParent and organizations:ListOrganizationalUnitsForParent)."
            ) from error
        except botocore.exceptions.BotoCoreError as error:
            raise AnsibleError(f"{self.NAME}: cannot list the organization: {error}") from error
        unique = {account["Id"]: decide.Account.from_api(account) for account in listed}
        return {"caller_account": caller, "accounts": [account.as_dict() for account in unique.values()]}

    @staticmethod
    def _accounts_under(client, parent):
        """The accounts directly under ``parent`` and in every organizational unit below it."""
        accounts = []
        parents = [parent]
        while parents:
            current = parents.pop(0)
            for page in client.get_paginator("list_accounts_for_parent").paginate(ParentId=current):
                accounts += page["Accounts"]
            for page in client.get_paginator("list_organizational_units_for_parent").paginate(ParentId=current):
                parents += [unit["Id"] for unit in page["OrganizationalUnits"]]
        return accounts
