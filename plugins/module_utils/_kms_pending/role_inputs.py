# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The role's input checks that its argument spec cannot express: values together, and values against AWS's rules.

Pure functions, no AWS call; the action plugin ``kmsguard.alarms.deployment_plan`` runs them on every target before
the first AWS call. The checks reuse the modules' own validators (``arns``, ``regions``, the topic encryption
key checks), so the role refuses exactly what the modules would refuse in the middle of a run. Each problem names
the variable, the bad value and what is expected; every problem is reported, not just the first.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from ansible.module_utils.common.validation import check_type_bool
from ansible.module_utils.common.validation import check_type_int
from ansible.module_utils.common.validation import check_type_list

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import metric_filter_decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import regions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import topic_encryption_decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.deployment_plan import PREFIX
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.deployment_plan import Target
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import FilterPatternError
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import compile_pattern

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}")
# Part of the bucket name PREFIX-cloudtrail-ACCOUNTID-REGION, which S3 limits to 63 characters.
_NAME_PREFIX = re.compile(r"[a-z0-9][a-z0-9-]{0,22}")
# AWS's rules below are ASCII only: their \w is [A-Za-z0-9_] and \d is [0-9], where Python's would also take accented
# letters and other scripts' digits, which AWS refuses only when the run reaches the call (a log group name: after the
# account-level writes). Hence re.ASCII.
# An IAM role's name with its path: the end of a role ARN, and the aws_targets inventory plugin's assume_role_name.
ROLE_NAME = re.compile(r"(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}", re.ASCII)
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/" + ROLE_NAME.pattern, re.ASCII)
# STS AssumeRole's rules for ExternalId and RoleSessionName.
EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
_EXTRA_REGIONS_HINT = "; add a region newer than the installed botocore to pending_deletion_alarm_extra_regions"

# Each name the role gives a resource, with the service's rule for it (pattern, and what to say when it fails).
_NAME_RULES = {
    "trail_name": (
        re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{1,126})[A-Za-z0-9]"),
        "3 to 128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit (CloudTrail)",
    ),
    "log_group_name": (
        re.compile(r"[\w./#-]{1,512}", re.ASCII),
        "1 to 512 ASCII letters, digits, '_', '-', '/', '.' or '#' (CloudWatch Logs)",
    ),
    "iam_role_name": (re.compile(r"[\w+=,.@-]{1,64}", re.ASCII), "1 to 64 ASCII letters, digits or '+=,.@_-' (IAM)"),
    "topic_name": (re.compile(r"[A-Za-z0-9_-]{1,256}"), "1 to 256 letters, digits, '_' or '-' (SNS)"),
    "event_rule_name": (re.compile(r"[.\-_A-Za-z0-9]{1,64}"), "1 to 64 letters, digits, '.', '-' or '_' (EventBridge)"),
    "bucket_name": (
        re.compile(r"(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
        "3 to 63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit (S3)",
    ),
    "filter_name": (re.compile(r"[^:*]{1,512}"), "1 to 512 characters, none of them ':' or '*' (CloudWatch Logs)"),
    "alarm_name": (re.compile(r"[^\x00-\x1f]{1,255}"), "1 to 255 printable characters (CloudWatch)"),
}


def _show(value: Any) -> str:
    # As typed: a refused accented letter is shown as itself, not as a \u escape; a value JSON has no form for (a
    # YAML date) as its text.
    return json.dumps(value, ensure_ascii=False, default=str)


def target_problems(target: Target, extra_regions: list[str]) -> list[str]:
    """Problems of one inventory host's own variables."""
    if not target.region:
        return [
            f"Host {target.host} has no aws_region: set the host var aws_region to the AWS region this target deploys "
            "to (for example us-east-1)."
        ]
    problems = []
    problem = regions.region_problem(
        target.region, f"aws_region of host {target.host}", extra_regions, _EXTRA_REGIONS_HINT
    )
    if problem:
        problems.append(problem)
    if target.assume_role_arn and not _ROLE_ARN.fullmatch(target.assume_role_arn):
        problems.append(
            f"aws_assume_role_arn {_show(target.assume_role_arn)} of host {target.host} is not an IAM role ARN "
            "(expected arn:aws:iam::123456789012:role/NAME)."
        )
    elif target.assume_role_arn and not problem:
        problems += _partition_problems(target)
    return problems + _assume_role_option_problems(target)


def _assume_role_option_problems(target: Target) -> list[str]:
    problems = []
    options = (
        (
            "aws_assume_role_external_id",
            target.external_id,
            EXTERNAL_ID,
            "2 to 1224 ASCII letters, digits or '+=,.@:/_-'",
        ),
        (
            "aws_assume_role_session_name",
            target.session_name,
            _SESSION_NAME,
            "2 to 64 ASCII letters, digits or '+=,.@_-'",
        ),
    )
    for name, value, pattern, expected in options:
        if value and not target.assume_role_arn:
            problems.append(f"{name} of host {target.host} is set without aws_assume_role_arn: set both or neither.")
        elif value and not (isinstance(value, str) and pattern.fullmatch(value)):
            problems.append(f"{name} {_show(value)} of host {target.host} is not valid: expected {expected} (STS).")
    return problems


def _partition_problems(target: Target) -> list[str]:
    role_partition = arns.parse_arn(target.assume_role_arn)["partition"]
    region_partition = regions.partition_of(target.region)
    if region_partition and role_partition != region_partition:
        return [
            f"aws_assume_role_arn {_show(target.assume_role_arn)} of host {target.host} is in partition "
            f"{role_partition}, but its aws_region {target.region} is in partition {region_partition}: a role is "
            "assumed in its own partition only."
        ]
    return []


def settings_problems(settings: dict[str, Any]) -> list[str]:
    """Problems of the role's variables, alone and together."""
    return (
        _region_setting_problems(settings)
        + _email_problems(settings[PREFIX + "emails"])
        + _name_problems(settings)
        + _metric_filter_problems(settings)
        + tag_problems(settings[PREFIX + "tags"])
        + _kms_key_problems(settings)
        + _purge_problems(settings)
        + _replica_problems(settings)
        + _retention_problems(settings[PREFIX + "log_retention_days"])
        + aws_config_problems(settings[PREFIX + "aws_config"])
        + _trail_retry_problems(settings)
    )


def _region_setting_problems(settings: dict[str, Any]) -> list[str]:
    extra_regions = settings[PREFIX + "extra_regions"]
    problems = [
        f"pending_deletion_alarm_extra_regions: {_show(name)} is not shaped like an AWS region name (expected e.g. "
        "xx-newregion-1)."
        for name in extra_regions
        if not arns.is_region_shaped(name)
    ]
    home_region = settings[PREFIX + "home_region"]
    if home_region:
        problem = regions.region_problem(home_region, PREFIX + "home_region", extra_regions, _EXTRA_REGIONS_HINT)
        problems += [problem] if problem else []
    return problems


def _email_problems(emails: list[Any]) -> list[str]:
    bad = [address for address in emails if not isinstance(address, str) or not _EMAIL.fullmatch(address)]
    if not bad:
        return []
    shown = ", ".join(map(_show, bad))
    return [f"pending_deletion_alarm_emails: {shown} is not an email address (expected name@domain.tld)."]


def _name_problems(settings: dict[str, Any]) -> list[str]:
    problems = []
    prefix = settings[PREFIX + "name_prefix"]
    if not isinstance(prefix, str) or not _NAME_PREFIX.fullmatch(prefix):
        problems.append(
            f"pending_deletion_alarm_name_prefix {_show(prefix)} is not valid: expected 1-23 lower-case letters, "
            "digits or hyphens, starting with a letter or digit (it is part of the S3 bucket name)."
        )
    names = dict(_NAME_RULES)
    if settings[PREFIX + "cis_alarm"]:
        names.update({f"cis_{key}": _NAME_RULES[key] for key in ("filter_name", "alarm_name")})
    for key, (pattern, expected) in names.items():
        value = settings[PREFIX + key]
        if value and not (isinstance(value, str) and pattern.fullmatch(value)):
            problems.append(f"{PREFIX}{key} {_show(value)} is not a valid name: expected {expected}.")
    return problems


def _metric_filter_problems(settings: dict[str, Any]) -> list[str]:
    """What kms_pending_metric_filter would refuse in the role's filters, after the trail and its delivery exist."""
    patterns = ["filter_pattern"] if settings[PREFIX + "filter_pattern"] is not None else []
    metrics = ["metric_name", "metric_namespace"]
    if settings[PREFIX + "cis_alarm"]:
        patterns.append("cis_filter_pattern")
        metrics.append("cis_metric_name")
    problems = []
    for key in patterns:
        value = settings[PREFIX + key]
        found = metric_filter_decisions.filter_pattern_problems(value, f"{PREFIX}{key} {_show(value)}")
        problems += found or _pattern_syntax_problems(PREFIX + key, value)
    for key in metrics:
        problems += metric_filter_decisions.metric_problems(PREFIX + key, settings[PREFIX + key])
    return problems


def _pattern_syntax_problems(option: str, pattern: str) -> list[str]:
    """PutMetricFilter refuses a malformed pattern; the collection's filter-pattern engine (the one verify.yml judges
    the deployed filters with) reads the syntax CloudWatch Logs documents."""
    try:
        compile_pattern(pattern)
    except FilterPatternError as error:
        return [
            f"{option} {_show(pattern)} is not a filter pattern CloudWatch Logs accepts, at character "
            f"{error.position + 1}: {error.reason}. The procedure's pattern is {_show(constants.FILTER_PATTERN)}."
        ]
    return []


# The tag rules that IAM, S3, CloudTrail, CloudWatch Logs, SNS and CloudWatch share (the role tags a resource of
# each): keys and values of Unicode letters, numbers and separators ([\p{L}\p{Z}\p{N}_.:/=+\-@]) - a tab or a new
# line is not a separator -, at most 50 tags.
_TAG_PUNCTUATION = set("_.:/=+-@")
_TAGS_MAX = 50
_TAG_KEY_MAX = 128
_TAG_VALUE_MAX = 256
_TAG_EXPECTED = "letters, digits, spaces and _ . : / = + - @"


def _tag_text_problem(what: str, text: Any, maximum: int, minimum: int) -> str | None:
    if not isinstance(text, str):
        # YAML reads 1234, true or 2024-01-01 as a number, a boolean or a date; AWS takes text only.
        shown = _show(text)
        shown = json.loads(shown) if shown.startswith('"') else shown
        return f'{what} {shown} ({_kind(text)}) is not a string: expected a string (in YAML, quote it: "{shown}")'
    if not minimum <= len(text) <= maximum:
        return f"{what} {_show(text)} is {len(text)} characters long: expected {minimum} to {maximum}"
    bad = sorted({c for c in text if unicodedata.category(c)[0] not in "LNZ" and c not in _TAG_PUNCTUATION})
    if bad:
        return f"{what} {_show(text)} contains {' '.join(map(_show, bad))}: expected {_TAG_EXPECTED}"
    return None


def _kind(value: Any) -> str:
    """What YAML made of a value, in YAML's words (Ansible wraps values in types of its own)."""
    kinds = ((bool, "a boolean"), (int, "a number"), (float, "a number"), (datetime.date, "a date"), (list, "a list"),
             (Mapping, "a mapping"), (type(None), "null"))  # fmt: skip
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


def tag_problems(tags: Any) -> list[str]:
    """Why AWS would refuse ``pending_deletion_alarm_tags`` (on the first resource it tags, or only a later one)."""
    option = PREFIX + "tags"
    if not isinstance(tags, Mapping):
        return [f"{option} {_show(tags)} is not a mapping: expected tag keys with their values."]
    problems = []
    if len(tags) > _TAGS_MAX:
        problems.append(f"{option} has {len(tags)} tags: expected at most {_TAGS_MAX} (AWS's limit per resource).")
    for key, value in tags.items():
        found = [
            _tag_text_problem(f"{option}: key", key, _TAG_KEY_MAX, 1),
            _tag_text_problem(f"{option}: the value of {_show(key)}", value, _TAG_VALUE_MAX, 0),
        ]
        if isinstance(key, str) and key.lower().startswith("aws:"):
            found.append(f"{option}: key {_show(key)} starts with aws:, which AWS reserves for its own tags: expected "
                         "another key")  # fmt: skip
        problems += [f"{problem}." for problem in found if problem]
    return problems


# What CloudTrail and CloudWatch Logs need from the shared key's policy (README, One key for the whole chain).
_SHARED_KEY_HINT = (
    "Give the ARN of a symmetric customer managed key (arn:aws:kms:REGION:ACCOUNT_ID:key/KEY_ID) whose key policy lets "
    "cloudtrail.amazonaws.com, logs.REGION.amazonaws.com and cloudwatch.amazonaws.com use it"
)


def shared_key_problems(key: Any) -> list[str]:
    """Why ``pending_deletion_alarm_kms_key_id`` cannot encrypt the trail's logs, the log group and the topic."""
    option = PREFIX + "kms_key_id"
    if not isinstance(key, str):
        return [f"{option} {_show(key)} is not a string. {_SHARED_KEY_HINT}."]
    form = topic_encryption_decisions.kms_key_form_problems(key, option=option)
    if form:
        return form
    parts = arns.parse_arn(key)
    if parts and parts["resource"].startswith("key/"):
        return []
    managed = "alias/aws/" in key
    why = (
        "it is an AWS managed key, whose key policy lets neither CloudTrail nor CloudWatch Logs use it"
        if managed
        else "CloudWatch Logs takes a key ARN only, not a key ID or an alias"
    )
    return [f"{option} {_show(key)} cannot encrypt the trail's logs and log group: {why}. {_SHARED_KEY_HINT}."]


def kms_key_region_problems(settings: dict[str, Any], home_region: str, region: str) -> list[str]:
    """The shared key must be where CloudTrail (the bucket's home region) and the log group (``region``) are.

    A multi-Region key is used through its replica in each region (``deployment_plan.key_in_region``).
    """
    key = settings.get(PREFIX + "kms_key_id")
    parts = arns.parse_arn(key) if isinstance(key, str) and key else None
    if not parts or parts["resource"].startswith("key/mrk-"):
        return []
    wrong = [where for where in dict.fromkeys((home_region, region)) if where != parts["region"]]
    if not wrong:
        return []
    return [
        f"{PREFIX}kms_key_id {_show(key)} is a key of region {parts['region']}, but the trail bucket is in "
        f"{home_region} and the log group in {region}: CloudTrail and CloudWatch Logs use a key of their own region. "
        "Give a key of that region, or a multi-Region key (mrk-) replicated to every region the role deploys to."
    ]


def _kms_key_problems(settings: dict[str, Any]) -> list[str]:
    problems = []
    shared_key = settings.get(PREFIX + "kms_key_id")
    if shared_key:
        problems += shared_key_problems(shared_key)
    topic_key = settings[PREFIX + "topic_kms_key_id"]
    if topic_key:
        problems += topic_encryption_decisions.kms_key_id_problems(topic_key, option=PREFIX + "topic_kms_key_id")
    bucket_key = settings[PREFIX + "bucket_kms_key_id"]
    if bucket_key:
        problems += topic_encryption_decisions.kms_key_form_problems(bucket_key, option=PREFIX + "bucket_kms_key_id")
        if settings[PREFIX + "bucket_encryption"] != "aws:kms":
            problems.append(
                "pending_deletion_alarm_bucket_kms_key_id is set but pending_deletion_alarm_bucket_encryption is "
                f"{_show(settings[PREFIX + 'bucket_encryption'])}: set it to aws:kms."
            )
    return problems


def _purge_problems(settings: dict[str, Any]) -> list[str]:
    problems = []
    purge_logs, purge_bucket = settings[PREFIX + "purge_logs"], settings[PREFIX + "purge_bucket"]
    if purge_bucket and not purge_logs:
        problems.append(
            "pending_deletion_alarm_purge_bucket is true but pending_deletion_alarm_purge_logs is false: deleting the "
            "bucket deletes the trail logs, so both must be true."
        )
    existing = settings[PREFIX + "existing_log_group_name"]
    if existing and (purge_logs or purge_bucket):
        problems.append(
            f"pending_deletion_alarm_existing_log_group_name {_show(existing)} is not the role's: the role never "
            "deletes it nor any trail log, so pending_deletion_alarm_purge_logs and "
            "pending_deletion_alarm_purge_bucket must be false."
        )
    return problems


def _replica_problems(settings: dict[str, Any]) -> list[str]:
    pattern = settings[PREFIX + "filter_pattern"]
    if not settings.get(PREFIX + "match_replica_deletion") or pattern == constants.FILTER_PATTERN:
        return []
    return [
        f"pending_deletion_alarm_filter_pattern {_show(pattern)} is not the procedure's and "
        "pending_deletion_alarm_match_replica_deletion is true: the option replaces the procedure's pattern with its "
        "replica variant, so give one or the other."
    ]


def _retention_problems(days: Any) -> list[str]:
    if days in constants.LOG_RETENTION_DAYS:
        return []
    return [
        f"pending_deletion_alarm_log_retention_days {_show(days)} is not a retention CloudWatch Logs accepts "
        f"(expected one of {', '.join(map(str, constants.LOG_RETENTION_DAYS))})."
    ]


_RETRY_MODES = ("legacy", "standard", "adaptive")
_ATTEMPT_KEYS = ("max_attempts", "total_max_attempts")


def aws_config_problems(aws_config: Any) -> list[str]:
    """What botocore would refuse in the middle of the run (``Config(**aws_config)``), said before any call."""
    option = PREFIX + "aws_config"
    if not aws_config:
        return []
    if not isinstance(aws_config, dict):
        return [f"{option} {_show(aws_config)} is not a dict of botocore settings (expected e.g. {{'retries': ...}})."]
    retries = aws_config.get("retries", {})
    if not isinstance(retries, dict):
        return [f"{option}.retries {_show(retries)} is not a dict (expected e.g. {{'mode': 'standard'}})."]
    problems = []
    if "mode" in retries and retries["mode"] not in _RETRY_MODES:
        problems.append(
            f"{option}.retries.mode {_show(retries['mode'])} is not a botocore retry mode: expected one of "
            f"{', '.join(_RETRY_MODES)}."
        )
    for key in _ATTEMPT_KEYS:
        value = retries.get(key)
        if key in retries and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            problems.append(
                f"{option}.retries.{key} {_show(value)} is not valid: expected a whole number of 1 or more."
            )
    return problems


def _trail_retry_problems(settings: dict[str, Any]) -> list[str]:
    return [
        f"{PREFIX}{key} {_show(settings[PREFIX + key])} is not valid: expected a whole number of 0 or more."
        for key in ("trail_retries", "trail_retry_delay")
        if isinstance(settings[PREFIX + key], bool)
        or not isinstance(settings[PREFIX + key], int)
        or settings[PREFIX + key] < 0
    ]


def batch_problems(play_batch: list[str], play_hosts: list[str]) -> list[str]:
    """The plan groups each account's targets over the whole play: serial batches would hide earlier accounts."""
    if len(play_batch) == len(play_hosts):
        return []
    return [
        f"The play runs in batches (serial): this batch holds {len(play_batch)} of {len(play_hosts)} targets. The role "
        "plans each account over all of its targets: run the play without serial so that every target is in the "
        "same batch."
    ]


# --- how AWX / Automation Controller runs the role ---------------------------------------------------------------

_CONVERTERS = {"bool": check_type_bool, "int": check_type_int, "list": check_type_list}


def option_types(argument_specs: Mapping[str, Any], entry_point: str = "main") -> dict[str, str]:
    """Each role variable's type (bool, int, list ...) as the role's meta/argument_specs.yml declares it."""
    options = argument_specs.get(entry_point, {}).get("options", {})
    return {name: spec.get("type", "str") for name, spec in options.items() if name.startswith(PREFIX)}


def typed_settings(settings: dict[str, Any], types: Mapping[str, str]) -> dict[str, Any]:
    """The settings with the values the argument spec converts, converted: what the plan must reason about.

    AWX survey answers and ``-e key=value`` arrive as strings: ``"false"`` (a true value in Python), ``"a@x.com,
    b@y.com"`` (a list for the argument spec). The role's argument spec accepts them, converting them the way
    Ansible converts module options; the plan reads them the same way. A value that does not convert is left as it
    is (the argument spec validation has refused it already).
    """
    converted = dict(settings)
    for name, value in settings.items():
        converter = _CONVERTERS.get(types.get(name, ""))
        if converter is None or value is None:
            continue
        try:
            converted[name] = converter(value)
        except (TypeError, ValueError):
            continue
    if isinstance(converted.get(PREFIX + "emails"), list):
        converted[PREFIX + "emails"] = [
            address.strip() if isinstance(address, str) else address for address in converted[PREFIX + "emails"]
        ]
    return converted


def awx_job_id(job_vars: Mapping[str, Any]) -> Any:
    """The AWX / Automation Controller job id when this run is an AWX job (awx_job_id, tower_job_id), else None."""
    return next((job_vars[name] for name in constants.AWX_JOB_VARIABLES if job_vars.get(name) is not None), None)


def home_region_problems(settings: dict[str, Any], job_vars: Mapping[str, Any]) -> list[str]:
    """An AWX job must name the home region: a sliced job's slices cannot agree on any other.

    Unset, the home region is the region of the account's first target in the play. Each slice of a sliced AWX job
    is a play of its own that holds only some of the account's targets, so its first target, and with it the home
    region, the bucket name and the account topology's trail, alarm and topic, would differ from slice to slice.
    """
    job_id = awx_job_id(job_vars)
    if job_id is None or settings[PREFIX + "home_region"] or not _uses_home_region(settings):
        return []
    return [
        f"pending_deletion_alarm_home_region is not set, and this run is AWX job {job_id}: set it (job template "
        "survey or extra vars, or per account in the inventory's group vars). In an AWX job the home region is not "
        "taken from the account's first target, because each slice of a sliced job holds other targets and the "
        "slices would build the account-level resources in different regions."
    ]


def _uses_home_region(settings: dict[str, Any]) -> bool:
    """The regional topology on an existing log group creates no account-level resource: no home region."""
    return settings[PREFIX + "topology"] == "account" or not settings[PREFIX + "existing_log_group_name"]


def credential_problems(target: Target, environment: Mapping[str, str]) -> list[str]:
    """A host's aws_profile next to access keys in the environment (an AWX credential): amazon.aws refuses both."""
    keys = [name for name in constants.ACCESS_KEY_ENVIRONMENT_VARIABLES if environment.get(name)]
    if not target.profile or not keys:
        return []
    return [
        f"Host {target.host} sets aws_profile {_show(target.profile)}, but the environment holds access keys "
        f'({", ".join(keys)}), as an AWX "Amazon Web Services" credential injects them: amazon.aws cannot use a '
        "profile and access keys together. Remove aws_profile from the host and reach other accounts with "
        "aws_assume_role_arn (the keys' identity assumes the role), or run without the access keys to use the profile."
    ]
