# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Decisions of sns_topic_encryption: input checks, then one comparison of the current and desired key.

Pure functions (no AWS calls). SNS stores ``KmsMasterKeyId`` as it was set (a key ID, key ARN, alias name or alias
ARN) and GetTopicAttributes returns that text, so the two sides are compared as strings; an unencrypted topic
has no such attribute, which is the empty string here.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Plan
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Write

AWS_MANAGED_SNS_ALIAS = "alias/aws/sns"
# The topic attribute that names the key; GetTopicAttributes omits it for a topic that is not encrypted.
KMS_MASTER_KEY_ID = "KmsMasterKeyId"
CLOUDWATCH_KEY_POLICY_HINT = (
    "Use a customer managed key whose key policy allows the service principal cloudwatch.amazonaws.com the actions "
    "kms:Decrypt and kms:GenerateDataKey*."
)

# KMS key IDs: a UUID, or mrk- and 32 hex digits for a multi-Region key.
_KEY_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32}")
# KMS alias names: alias/ then letters, digits, /, _ or -, 256 characters in all at most.
_ALIAS_NAME = re.compile(r"alias/[A-Za-z0-9/_-]{1,250}")
_KEY_FORMS = "a key ID, a key ARN, an alias name (alias/NAME) or an alias ARN"


# The module's options (sns_topic_encryption and kms_pending_chain_info apply the same defaults).
ARGUMENT_SPEC = {
    "topic_arn": {"type": "str", "required": True},
    # Required with state=present, but not said by required_if: AnsibleModule would stop at "state is present
    # but all of the following are missing: kms_key_id", alone and before the other checks, and would take an
    # explicit null as given. validate_params says how to turn encryption off instead (an empty string) and
    # reports the missing key together with every other problem.
    "kms_key_id": {"type": "str", "no_log": False},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
}


def is_aws_managed_sns_key(kms_key_id: str) -> bool:
    """True for alias/aws/sns, as an alias name or as an alias ARN of any partition, region and account."""
    if kms_key_id == AWS_MANAGED_SNS_ALIAS:
        return True
    parts = arns.parse_arn(kms_key_id)
    return bool(parts) and parts["service"] == "kms" and parts["resource"] == AWS_MANAGED_SNS_ALIAS


def _kms_arn_resource_problem(resource: str) -> str | None:
    if resource.startswith("key/") and _KEY_ID.fullmatch(resource[len("key/") :]):
        return None
    if _ALIAS_NAME.fullmatch(resource):
        return None
    return "a KMS ARN ends in key/KEY_ID or alias/NAME"


def _kms_arn_problem(parts: dict[str, str]) -> str | None:
    if parts["service"] != "kms":
        return f"it is an ARN of {parts['service']}, not of kms"
    if not arns.is_region_name(parts["region"]) or not arns.ACCOUNT_ID.fullmatch(parts["account_id"]):
        return "a KMS ARN names the key's region and 12-digit account ID (arn:aws:kms:REGION:ACCOUNT_ID:key/KEY_ID)"
    return _kms_arn_resource_problem(parts["resource"])


def kms_key_form_problems(kms_key_id: str, option: str = "kms_key_id") -> list[str]:
    """Why ``kms_key_id`` is not a KMS key reference (key ID, key ARN, alias name or alias ARN); [] when it is one."""
    if _KEY_ID.fullmatch(kms_key_id) or _ALIAS_NAME.fullmatch(kms_key_id):
        return []
    parts = arns.parse_arn(kms_key_id)
    problem = _kms_arn_problem(parts) if parts else "it is neither a KMS key ID, an alias name nor an ARN"
    if problem is None:
        return []
    return [f"{option} {json.dumps(kms_key_id)} is not a KMS key: {problem}. Give {_KEY_FORMS}."]


def kms_key_id_problems(kms_key_id: str, option: str = "kms_key_id") -> list[str]:
    """Why ``kms_key_id`` cannot encrypt a topic that CloudWatch alarms publish to; [] when it can.

    ``option`` is the name the user gave the value (the module's option or the role's variable).
    """
    if kms_key_id == "":
        return []
    if is_aws_managed_sns_key(kms_key_id):
        return [
            f"{option} {json.dumps(kms_key_id)} is the AWS managed SNS key (alias/aws/sns): CloudWatch cannot publish "
            "alarm notifications to a topic encrypted with it, because its key policy does not let CloudWatch use it "
            f"and cannot be changed. {CLOUDWATCH_KEY_POLICY_HINT}"
        ]
    return kms_key_form_problems(kms_key_id, option)


def topic_arn_problems(topic_arn: str, region: str | None) -> list[str]:
    """Why ``topic_arn`` does not name an SNS topic in the module's region; [] when it does."""
    parts = arns.parse_arn(topic_arn)
    if not parts or parts["service"] != "sns":
        return [f"topic_arn {topic_arn!r} is not an SNS topic ARN (expected arn:aws:sns:REGION:ACCOUNT_ID:TOPIC)."]
    problem = arns.sns_topic_problem(parts)
    if problem:
        return [f"topic_arn {topic_arn!r} is not an SNS topic ARN: {problem}."]
    if not region:
        return [f"No region is set: set region: {parts['region']}, the region of topic_arn {topic_arn!r}."]
    if parts["region"] != region:
        return [
            f"topic_arn {topic_arn!r} is in region {parts['region']}, but the module runs in region {region}: "
            f"set region: {parts['region']} (SNS finds a topic only through its own region's endpoint)."
        ]
    return []


def validate_params(params: dict[str, Any], region: str | None) -> list[str]:
    """Every problem with the module's options, each naming the bad value and what is expected."""
    problems = topic_arn_problems(params["topic_arn"], region)
    if params["state"] == "absent":
        return problems
    if params["kms_key_id"] is None:
        return problems + ["kms_key_id is required with state=present (an empty string turns encryption off)."]
    return problems + kms_key_id_problems(params["kms_key_id"])


def current_key(attributes: dict[str, Any] | None) -> str:
    """The topic's key as GetTopicAttributes reports it; the empty string when it is not encrypted."""
    return (attributes or {}).get(KMS_MASTER_KEY_ID) or ""


def desired_key(params: dict[str, Any]) -> str:
    return "" if params["state"] == "absent" else params["kms_key_id"]


def plan_encryption(params: dict[str, Any], attributes: dict[str, Any] | None) -> Plan:
    """Decide from the options and the topic's attributes (None when the topic does not exist).

    A missing topic has nothing to decrypt: with state=absent that is no change. The module fails before this
    for a missing topic with state=present. The one write sets the attribute, and no other; an empty value turns
    the encryption off.
    """
    before = current_key(attributes)
    after = before if attributes is None else desired_key(params)
    request = {"TopicArn": params["topic_arn"], "AttributeName": KMS_MASTER_KEY_ID, "AttributeValue": after}
    writes = (Write("set_topic_attributes", request),) if after != before else ()
    return Plan(before={"kms_master_key_id": before}, after={"kms_master_key_id": after}, writes=writes)


def missing_topic_message(topic_arn: str, region: str | None) -> str:
    return (
        f"Topic {topic_arn} does not exist in region {region}. Create it first (for example with "
        "community.aws.sns_topic), then set its encryption."
    )
