# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""A strict ARN parser for alarm actions.

amazon.aws's ``parse_aws_arn`` searches for an ARN anywhere in a string, so ``"topic arn:aws:sns:..."`` or an ARN
with trailing blanks passes it; CloudWatch rejects those later, after other calls were made. Here the whole
string must be one ARN.
"""

from __future__ import annotations

import re

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import regions

# arn:partition:service:region:account-id:resource (the resource may contain further colons and slashes).
_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z]+)*):(?P<service>[a-z0-9][a-z0-9-]*):(?P<region>[a-z0-9-]*)"
    r":(?P<account_id>[A-Za-z0-9-]*):(?P<resource>\S+)"
)
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+", re.ASCII)
ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)
_TOPIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}(?:\.fifo)?")


def parse_arn(arn: str) -> dict[str, str] | None:
    """The parts of ``arn`` (partition, service, region, account_id, resource), or None if it is not one ARN."""
    match = _ARN.fullmatch(arn)
    return match.groupdict() if match else None


def is_region_name(region: str) -> bool:
    """The collection's one region rule (``regions.is_region``): a region that botocore's region data lists."""
    return regions.is_region(region)


def is_region_shaped(name: str) -> bool:
    """Shaped like a region name (xx-name-1), known or not: what a region newer than botocore must look like."""
    return isinstance(name, str) and bool(_REGION.fullmatch(name))


def sns_topic_problem(parts: dict[str, str]) -> str | None:
    """Why a parsed ``arn:...:sns:...`` ARN cannot name an SNS topic, or None when it can."""
    if not is_region_name(parts["region"]):
        return "an SNS topic ARN names the topic's region (arn:aws:sns:REGION:ACCOUNT_ID:TOPIC)"
    if not ACCOUNT_ID.fullmatch(parts["account_id"]):
        return "an SNS topic ARN names a 12-digit account ID (arn:aws:sns:REGION:ACCOUNT_ID:TOPIC)"
    if not _TOPIC_NAME.fullmatch(parts["resource"]):
        return "an SNS topic name has 1 to 256 letters, digits, hyphens or underscores"
    return None
