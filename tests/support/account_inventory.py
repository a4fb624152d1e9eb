# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Everything of the kinds the role creates that an account holds, and what the role's deployment should leave.

Comparing the two whole, as sorted lists with repeats kept, shows in one assertion a missing resource, a duplicate
(two subscriptions of one address, two filters of one name) and an orphan (a resource the role made but no longer
knows about, e.g. a second topic or trail). The role's names are its defaults (prefix ``kmsguard``).
"""

from __future__ import annotations

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from aws_account import Account

PREFIX = "kmsguard"
TRAIL = f"{PREFIX}-trail"
LOG_GROUP = f"/aws/cloudtrail/{PREFIX}"
IAM_ROLE = f"{PREFIX}-cloudtrail-to-logs"
TOPIC = f"{PREFIX}-kms-pending-deletion"


def inventory(account: Account, regions: tuple[str, ...] | list[str]) -> dict[str, list]:
    """Per ``region/kind`` (and ``account/kind``), the sorted names the account holds."""
    found: dict[str, list] = {
        "account/iam_roles": sorted(role["RoleName"] for role in account.client("iam").list_roles()["Roles"]),
        "account/buckets": sorted(
            bucket["Name"]
            for bucket in account.client("s3").list_buckets()["Buckets"]
            if account.account_id in bucket["Name"]
        ),
    }
    for region in regions:
        found.update(_regional(account, region))
    return found


def _regional(account: Account, region: str) -> dict[str, list]:
    logs = account.client("logs", region)
    sns = account.client("sns", region)
    cloudtrail = account.client("cloudtrail", region)
    trails = cloudtrail.describe_trails(includeShadowTrails=False)["trailList"]
    alarms = account.client("cloudwatch", region).describe_alarms()["MetricAlarms"]
    return {
        f"{region}/trails": sorted(f"{trail['Name']} {_logging(cloudtrail, trail)}" for trail in trails),
        f"{region}/log_groups": sorted(group["logGroupName"] for group in logs.describe_log_groups()["logGroups"]),
        f"{region}/metric_filters": sorted(
            f"{metric_filter['logGroupName']}:{metric_filter['filterName']}"
            for metric_filter in logs.describe_metric_filters()["metricFilters"]
        ),
        f"{region}/alarms": sorted(alarm["AlarmName"] for alarm in alarms),
        f"{region}/topics": sorted(topic["TopicArn"].rsplit(":", 1)[1] for topic in sns.list_topics()["Topics"]),
        f"{region}/subscriptions": sorted(
            f"{subscription['TopicArn'].rsplit(':', 1)[1]}:{subscription['Protocol']}:{subscription['Endpoint']}"
            for subscription in sns.list_subscriptions()["Subscriptions"]
        ),
    }


def _logging(cloudtrail, trail: dict) -> str:
    return "logging" if cloudtrail.get_trail_status(Name=trail["TrailARN"])["IsLogging"] else "off"


def expected(
    account: Account, regions: tuple[str, ...] | list[str], topology: str, emails: list[str]
) -> dict[str, list]:
    """What site.yml with the role's defaults leaves: the chain in the home region (``account``) or in every region
    (``regional``), with the delivery role and the bucket once per account. The home region is ``regions[0]``."""
    home = regions[0]
    acting = [home] if topology == "account" else regions
    want: dict[str, list] = {
        "account/iam_roles": [IAM_ROLE],
        "account/buckets": [f"{PREFIX}-cloudtrail-{account.account_id}-{home}"],
    }
    for region in regions:
        chain = region in acting
        want.update(
            {
                f"{region}/trails": [f"{TRAIL} logging"] if chain else [],
                f"{region}/log_groups": [LOG_GROUP] if chain else [],
                f"{region}/metric_filters": [f"{LOG_GROUP}:{constants.FILTER_NAME}"] if chain else [],
                f"{region}/alarms": [constants.ALARM_NAME] if chain else [],
                f"{region}/topics": [TOPIC] if chain else [],
                f"{region}/subscriptions": sorted(f"{TOPIC}:email:{email}" for email in emails) if chain else [],
            }
        )
    return want


def differences(found: dict[str, list], want: dict[str, list]) -> dict[str, dict[str, list]]:
    """The kinds whose names differ, with both sides: empty when the account holds exactly what it should."""
    return {
        kind: {"found": found.get(kind, []), "expected": want.get(kind, [])}
        for kind in sorted(set(found) | set(want))
        if found.get(kind, []) != want.get(kind, [])
    }
