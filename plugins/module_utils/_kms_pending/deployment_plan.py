# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Who does what where: the role's deployment plan for one target, computed from the play's targets.

Pure functions, no AWS call. The action plugin ``kmsguard.alarms.deployment_plan`` feeds them the play's
targets (inventory host, ``aws_region``, ``aws_profile``, ``aws_assume_role_arn``), the role's settings and the
caller identities read so far, and returns the plan as one fact. Planning has two steps:

1. before any AWS call: which identity reads are needed. Targets with the same profile and role share one set
   of credentials, so their first target reads the identity (or assumes the role) for all of them.
2. once those identities are read: each target's account and partition, the account's targets in play order,
   its first target (the leader, which creates the account-level IAM role and bucket), the home region, the
   region this target acts in, whether it acts at all (one target per place), and every name and ARN the role
   uses, including the policy documents.

A target reached through ``aws_assume_role_arn`` needs no read: its account and partition are in the ARN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_rule
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_selector_decisions

PREFIX = "pending_deletion_alarm_"


@dataclass(frozen=True)
class Target:
    """One inventory host: a place (account by credentials, region) the role deploys to."""

    host: str
    region: str
    profile: str = ""
    assume_role_arn: str = ""

    @property
    def credentials(self) -> tuple[str, str]:
        """Targets with equal credentials see the same identity: one read serves them all."""
        return (self.profile, self.assume_role_arn)


@dataclass(frozen=True)
class Identity:
    account_id: str
    partition: str


def target_from_vars(host: str, host_vars: dict[str, Any]) -> Target:
    """A Target from a host's variables; unset and empty values are the empty string."""
    return Target(
        host=host,
        region=host_vars.get("aws_region") or "",
        profile=host_vars.get("aws_profile") or "",
        assume_role_arn=host_vars.get("aws_assume_role_arn") or "",
    )


def identity_host(targets: list[Target], host: str) -> str:
    """The first target in play order with the same credentials as ``host``: it reads the identity for both."""
    me = _find(targets, host)
    return next(target.host for target in targets if target.credentials == me.credentials)


def identity_reads(targets: list[Target], host: str) -> dict[str, Any]:
    """What ``host`` must ask AWS before the plan can be completed: nothing, a caller identity, or a role session."""
    me = _find(targets, host)
    reader = identity_host(targets, host)
    return {
        "identity_host": reader,
        "reads_caller_identity": reader == host and not me.assume_role_arn,
        "assumes_role": reader == host and bool(me.assume_role_arn),
    }


def identity_from_role_arn(role_arn: str) -> Identity:
    parts = arns.parse_arn(role_arn)
    return Identity(account_id=parts["account_id"], partition=parts["partition"])


def identity_from_caller(caller: dict[str, Any]) -> Identity:
    """From amazon.aws.aws_caller_info's result (``account`` and ``arn``)."""
    return Identity(account_id=caller["account"], partition=arns.parse_arn(caller["arn"])["partition"])


def identities(targets: list[Target], callers: dict[str, dict[str, Any] | None]) -> dict[str, Identity | None]:
    """Each target's identity: from its role ARN, or from the caller identity its credentials' reader read.

    ``callers`` maps a host to what it read (None when it read nothing); a target whose reader read nothing (it
    failed, or it is not in the play) has no identity (None).
    """
    resolved: dict[str, Identity | None] = {}
    for target in targets:
        if target.assume_role_arn:
            resolved[target.host] = identity_from_role_arn(target.assume_role_arn)
            continue
        caller = callers.get(identity_host(targets, target.host))
        resolved[target.host] = identity_from_caller(caller) if caller and caller.get("account") else None
    return resolved


def plan_target(
    settings: dict[str, Any], targets: list[Target], resolved: dict[str, Identity | None], host: str
) -> dict[str, Any]:
    """The whole plan of ``host`` once every target's identity is known (``resolved`` from ``identities``)."""
    me = _find(targets, host)
    identity = resolved[host]
    account_targets = [target for target in targets if resolved[target.host] == identity]
    leader = account_targets[0]
    home_region = settings[PREFIX + "home_region"] or leader.region
    account_topology = settings[PREFIX + "topology"] == "account"
    region = home_region if account_topology else me.region
    first_here = next(target for target in account_targets if target.region == me.region)
    covered = covered_targets(account_targets, me, account_topology)
    names = resource_names(settings, identity, home_region, region)
    return {
        **identity_reads(targets, host),
        "complete": True,
        "account_id": identity.account_id,
        "partition": identity.partition,
        "account_hosts": [target.host for target in account_targets],
        "is_leader": leader.host == host,
        "acts": leader.host == host if account_topology else first_here.host == host,
        "home_region": home_region,
        "region": region,
        "covered_hosts": [target.host for target in covered],
        "covered_regions": list(dict.fromkeys(target.region for target in covered if target.region != region)),
        **names,
        "detailed_notification": bool(settings.get(PREFIX + "detailed_notification")),
        "policies": policies(names, identity, bool(settings.get(PREFIX + "detailed_notification"))),
        "subscriptions": subscriptions(settings[PREFIX + "emails"]),
        "alarms": alarms(settings),
        "trail_event_selectors": event_selector_decisions.procedure_selectors(),
        "kms_keys": kms_keys(settings, home_region, region),
    }


def covered_targets(account_targets: list[Target], me: Target, account_topology: bool) -> list[Target]:
    """The account's other targets whose calls this target's chain sees (verify reports them as covered by it).

    Account topology: all of them (the home region's multi-region trail records their regions). Regional topology:
    the other targets of its own region, which do not act.
    """
    others = [target for target in account_targets if target.host != me.host]
    return others if account_topology else [target for target in others if target.region == me.region]


def resource_names(settings: dict[str, Any], identity: Identity, home_region: str, region: str) -> dict[str, Any]:
    """Names and ARNs of everything the role creates or points at; ARNs follow from account, partition and name."""
    partition, account = identity.partition, identity.account_id
    existing_log_group = settings[PREFIX + "existing_log_group_name"] or ""
    own_log_group = settings[PREFIX + "log_group_name"]
    bucket = (
        settings[PREFIX + "bucket_name"] or f"{settings[PREFIX + 'name_prefix']}-cloudtrail-{account}-{home_region}"
    )
    trail = settings[PREFIX + "trail_name"]
    event_rule_name = settings[PREFIX + "event_rule_name"]
    return {
        "bucket": bucket,
        "event_rule": event_rule_name,
        "reuses_log_group": bool(existing_log_group),
        "log_group": existing_log_group or own_log_group,
        "arns": {
            "bucket": f"arn:{partition}:s3:::{bucket}",
            "log_group": f"arn:{partition}:logs:{region}:{account}:log-group:{own_log_group}:*",
            "log_streams": f"arn:{partition}:logs:*:{account}:log-group:{own_log_group}:log-stream:*",
            "delivery_role": f"arn:{partition}:iam::{account}:role/{settings[PREFIX + 'iam_role_name']}",
            # Any region: the policies must not change when --limit leaves some of the account's regions out.
            "trails": f"arn:{partition}:cloudtrail:*:{account}:trail/{trail}",
            "topic": f"arn:{partition}:sns:{region}:{account}:{settings[PREFIX + 'topic_name']}",
            "alarms": f"arn:{partition}:cloudwatch:{region}:{account}:alarm:*",
            # The detailed notification's rule: on the default bus of the topic's region (an SNS target must be in
            # the rule's region), so it sees the calls made in that region only.
            "event_rule": f"arn:{partition}:events:{region}:{account}:rule/{event_rule_name}",
        },
    }


def policies(
    names: dict[str, Any], identity: Identity, detailed_notification: bool = False
) -> dict[str, dict[str, Any]]:
    """The policy documents: bucket, topic, the delivery role's trust and its inline policy."""
    return {
        "bucket": bucket_policy(names["arns"], identity.account_id),
        "topic": topic_policy(names["arns"], identity.account_id, detailed_notification),
        "delivery_role_trust": delivery_role_trust_policy(names["arns"], identity.account_id),
        "delivery_role": delivery_role_policy(names["arns"]),
    }


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _service_statement(sid: str, service: str, action: str, **fields: Any) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Principal": {"Service": service}, "Action": action, **fields}


def bucket_policy(resource_arns: dict[str, str], account_id: str) -> dict[str, Any]:
    """CloudTrail of this account's role trails may check the ACL and write logs; nobody may use plain HTTP."""
    bucket_arn, from_trails = resource_arns["bucket"], {"ArnLike": {"aws:SourceArn": resource_arns["trails"]}}
    return _policy(
        _service_statement(
            "CloudTrailAclCheck",
            "cloudtrail.amazonaws.com",
            "s3:GetBucketAcl",
            Resource=bucket_arn,
            Condition=from_trails,
        ),
        _service_statement(
            "CloudTrailWrite",
            "cloudtrail.amazonaws.com",
            "s3:PutObject",
            Resource=f"{bucket_arn}/AWSLogs/{account_id}/*",
            Condition={"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}, **from_trails},
        ),
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )


def _from_this_account(account_id: str, source_arn: str) -> dict[str, Any]:
    return {"StringEquals": {"aws:SourceAccount": account_id}, "ArnLike": {"aws:SourceArn": source_arn}}


def topic_policy(resource_arns: dict[str, str], account_id: str, detailed_notification: bool = False) -> dict[str, Any]:
    """Only this account's CloudWatch alarms in the topic's region may publish and, with the detailed notification,
    this account's EventBridge rule of the role."""
    alarms = _service_statement(
        "CloudWatchAlarmsOfThisAccountOnly",
        "cloudwatch.amazonaws.com",
        "sns:Publish",
        Resource=resource_arns["topic"],
        Condition=_from_this_account(account_id, resource_arns["alarms"]),
    )
    if not detailed_notification:
        return _policy(alarms)
    rule = event_rule.topic_policy_statement(resource_arns["topic"], resource_arns["event_rule"], account_id)
    return _policy(alarms, rule)


def delivery_role_trust_policy(resource_arns: dict[str, str], account_id: str) -> dict[str, Any]:
    """Only this account's role trails may have CloudTrail assume the delivery role."""
    return _policy(
        _service_statement(
            "CloudTrailOfThisAccountOnly",
            "cloudtrail.amazonaws.com",
            "sts:AssumeRole",
            Condition=_from_this_account(account_id, resource_arns["trails"]),
        )
    )


def delivery_role_policy(resource_arns: dict[str, str]) -> dict[str, Any]:
    """Create log streams and put events in the trail's log group (any region), nothing else."""
    return _policy(
        {
            "Sid": "DeliverTrailEventsToTheLogGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": resource_arns["log_streams"],
        }
    )


def subscriptions(emails: list[str]) -> list[dict[str, str]]:
    """One email subscription per address, in the order given, duplicates once."""
    return [{"protocol": "email", "endpoint": address} for address in dict.fromkeys(emails)]


def main_filter_pattern(settings: dict[str, Any]) -> str:
    """The procedure's pattern or, with match_replica_deletion, its variant that also counts replica keys."""
    if settings.get(PREFIX + "match_replica_deletion"):
        return constants.REPLICA_FILTER_PATTERN
    return settings[PREFIX + "filter_pattern"]


def alarms(settings: dict[str, Any]) -> list[dict[str, str]]:
    """The main filter and alarm and, with ``cis_alarm``, the CIS companion: same shape, one loop in the role."""
    main = {
        "filter_name": settings[PREFIX + "filter_name"],
        "filter_pattern": main_filter_pattern(settings),
        "metric_name": settings[PREFIX + "metric_name"],
        "alarm_name": settings[PREFIX + "alarm_name"],
    }
    if not settings[PREFIX + "cis_alarm"]:
        return [main]
    cis = {
        "filter_name": settings[PREFIX + "cis_filter_name"],
        "filter_pattern": settings[PREFIX + "cis_filter_pattern"],
        "metric_name": settings[PREFIX + "cis_metric_name"],
        "alarm_name": settings[PREFIX + "cis_alarm_name"],
        "alarm_description": constants.CIS_ALARM_DESCRIPTION,
    }
    return [main, cis]


def key_in_region(key_arn: str, region: str) -> str:
    """The key to use in ``region``: a multi-Region key (mrk-) by its replica there, any other key as given."""
    parts = arns.parse_arn(key_arn)
    if not parts or not parts["resource"].startswith("key/mrk-"):
        return key_arn
    return f"arn:{parts['partition']}:kms:{region}:{parts['account_id']}:{parts['resource']}"


def kms_keys(settings: dict[str, Any], home_region: str, region: str) -> dict[str, str | None]:
    """Which key encrypts what (None: the role leaves that encryption alone).

    ``pending_deletion_alarm_kms_key_id`` encrypts the trail's log files, the log group and the topic. CloudTrail
    wants the key in the bucket's region (the home region); the log group and the topic want it in theirs.
    ``pending_deletion_alarm_topic_kms_key_id``, when set, is the topic's key instead (an empty string: none).
    """
    shared = settings.get(PREFIX + "kms_key_id") or None
    topic = settings[PREFIX + "topic_kms_key_id"]
    if topic is None and shared:
        topic = key_in_region(shared, region)
    return {
        "trail": key_in_region(shared, home_region) if shared else None,
        "log_group": key_in_region(shared, region) if shared else None,
        "topic": topic,
    }


def _find(targets: list[Target], host: str) -> Target:
    return next(target for target in targets if target.host == host)
