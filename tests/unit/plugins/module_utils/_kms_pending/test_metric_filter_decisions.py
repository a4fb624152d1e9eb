# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Decisions of kms_pending_metric_filter: validation, exact-name lookup, one comparison for changed and diff."""

from __future__ import annotations

import json

import pytest
import yaml

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import metric_filter_decisions as decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import compile_pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Write
from ansible_collections.kmsguard.alarms.plugins.modules import kms_pending_metric_filter

GROUP = "/aws/cloudtrail/org"


def params(**overrides) -> dict:
    """The module's parameters as Ansible hands them over: defaults filled in."""
    base = {
        "log_group_name": GROUP,
        "filter_name": constants.FILTER_NAME,
        "filter_pattern": None,
        "match_replica_deletion": False,
        "metric_name": constants.METRIC_NAME,
        "metric_namespace": constants.METRIC_NAMESPACE,
        "metric_value": constants.METRIC_VALUE,
        "default_value": None,
        "state": "present",
    }
    base.update(overrides)
    return base


def aws_filter(**overrides) -> dict:
    """A filter as DescribeMetricFilters returns it for the procedure's values."""
    transformation = {
        "metricName": constants.METRIC_NAME,
        "metricNamespace": constants.METRIC_NAMESPACE,
        "metricValue": constants.METRIC_VALUE,
    }
    transformation.update(overrides.pop("transformation", {}))
    metric_filter = {
        "filterName": constants.FILTER_NAME,
        "filterPattern": constants.FILTER_PATTERN,
        "metricTransformations": [transformation],
        "creationTime": 1700000000000,
        "logGroupName": GROUP,
    }
    metric_filter.update(overrides)
    return metric_filter


def procedure_snake(**transformation) -> dict:
    return {
        "filter_name": constants.FILTER_NAME,
        "log_group_name": GROUP,
        "filter_pattern": constants.FILTER_PATTERN,
        "metric_transformations": [
            {
                "metric_name": constants.METRIC_NAME,
                "metric_namespace": constants.METRIC_NAMESPACE,
                "metric_value": constants.METRIC_VALUE,
                **transformation,
            }
        ],
    }


# ---------------------------------------------------------------- validation


def test_the_procedures_values_are_valid():
    assert decisions.validate_params(params()) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"log_group_name": ""}, "log_group_name must not be empty"),
        ({"log_group_name": "bad group"}, "log_group_name 'bad group' may contain only letters"),
        ({"log_group_name": "g" * 513}, "at most 512"),
        ({"filter_name": ""}, "filter_name must not be empty"),
        ({"filter_name": "a:b"}, "filter_name 'a:b' contains ':', which AWS rejects"),
        ({"filter_name": "KMS*"}, "filter_name 'KMS*' contains '*', which AWS rejects"),
        ({"filter_name": "f" * 513}, "is 513 characters long; at most 512"),
        ({"filter_pattern": ""}, "filter_pattern must not be empty: an empty pattern matches every log event"),
        ({"filter_pattern": "   "}, "filter_pattern must not be empty"),
        ({"filter_pattern": "x" * 1025}, "filter_pattern is 1025 characters long; at most 1024"),
        ({"metric_name": ""}, "metric_name must not be empty"),
        ({"metric_name": "Count$"}, "metric_name 'Count$' contains '$'"),
        ({"metric_name": "m" * 256}, "at most 255"),
        ({"metric_namespace": "Cloud:Trail"}, "metric_namespace 'Cloud:Trail' contains ':'"),
        ({"metric_value": "one"}, "metric_value 'one' must be a number (such as 1) or a field of the event"),
        ({"metric_value": "nan"}, "metric_value 'nan' must be a number"),
        ({"metric_value": "$"}, "metric_value '$' must be a number"),
        ({"metric_value": "1" * 101}, "at most 100"),
    ],
)
def test_a_bad_value_is_named_with_what_is_expected(overrides, expected):
    problems = decisions.validate_params(params(**overrides))
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize("metric_value", ["1", "0.5", "-2", "1e3", "$.bytes", "$.requestParameters.keyId", "$size"])
def test_a_metric_value_is_a_number_or_an_event_field(metric_value):
    assert decisions.validate_params(params(metric_value=metric_value)) == []


def test_every_problem_is_reported_at_once():
    problems = decisions.validate_params(params(filter_name="a*", metric_value="x"))
    assert len(problems) == 2


def test_deleting_checks_only_the_names():
    assert decisions.validate_params(params(state="absent", filter_pattern="", metric_value="x")) == []
    assert decisions.validate_params(params(state="absent", filter_name="a:b")) != []


# ---------------------------------------------------------------- exact-name lookup


@pytest.mark.parametrize(
    ("names", "expected_index"),
    [
        ([], None),
        (["KMSKeyPendingDeletionOld"], None),
        (["KMSKeyPendingDeletionOld", "KMSKeyPendingDeletion"], 1),
        (["KMSKeyPendingDeletion", "KMSKeyPendingDeletion2", "KMSKeyPendingDeletionOld"], 0),
    ],
)
def test_the_filter_is_found_by_its_exact_name(names, expected_index):
    filters = [aws_filter(filterName=name, filterPattern=f"pattern {index}") for index, name in enumerate(names)]
    found = decisions.find_filter(filters, constants.FILTER_NAME)
    assert found is (None if expected_index is None else filters[expected_index])


# ---------------------------------------------------------------- plan: changed and diff from one comparison


PLANS = [
    pytest.param(params(), None, "create", {}, procedure_snake(), id="create"),
    pytest.param(params(), aws_filter(), None, procedure_snake(), procedure_snake(), id="as-asked"),
    pytest.param(
        params(default_value=0),
        aws_filter(transformation={"defaultValue": 0.0}),
        None,
        procedure_snake(default_value=0.0),
        procedure_snake(default_value=0.0),
        id="default-value-int-equals-aws-double",
    ),
    pytest.param(
        params(),
        aws_filter(filterPattern="{ $.eventSource = kms* }"),
        "update",
        {**procedure_snake(), "filter_pattern": "{ $.eventSource = kms* }"},
        procedure_snake(),
        id="pattern-drifted",
    ),
    pytest.param(
        params(metric_value="2"),
        aws_filter(),
        "update",
        procedure_snake(),
        procedure_snake(metric_value="2"),
        id="metric-value-changed",
    ),
    pytest.param(
        params(),
        aws_filter(transformation={"defaultValue": 0.0}),
        "update",
        procedure_snake(default_value=0.0),
        procedure_snake(),
        id="default-value-unset-removes-it",
    ),
    pytest.param(
        params(default_value=0.0),
        aws_filter(),
        "update",
        procedure_snake(),
        procedure_snake(default_value=0.0),
        id="default-value-added",
    ),
    pytest.param(
        params(),
        aws_filter(transformation={"unit": "Count", "dimensions": {"KeyId": "$.keyId"}}),
        None,
        procedure_snake(unit="Count", dimensions={"KeyId": "$.keyId"}),
        procedure_snake(unit="Count", dimensions={"KeyId": "$.keyId"}),
        id="unmanaged-unit-and-dimensions-kept",
    ),
    pytest.param(
        params(metric_namespace="Security"),
        aws_filter(applyOnTransformedLogs=False, transformation={"unit": "Count"}),
        "update",
        {**procedure_snake(unit="Count"), "apply_on_transformed_logs": False},
        {**procedure_snake(unit="Count", metric_namespace="Security"), "apply_on_transformed_logs": False},
        id="update-carries-unmanaged-fields",
    ),
    pytest.param(
        params(),
        aws_filter(someFutureField="x"),
        None,
        procedure_snake(),
        procedure_snake(),
        id="unknown-fields-never-a-change",
    ),
    pytest.param(params(state="absent"), aws_filter(), "delete", procedure_snake(), {}, id="delete"),
    pytest.param(params(state="absent"), None, None, {}, {}, id="already-absent"),
]


# A create and an update are both one PutMetricFilter (it replaces the whole filter); they differ in ``before``.
OPERATIONS = {"create": ("put_metric_filter",), "update": ("put_metric_filter",), "delete": ("delete_metric_filter",)}


@pytest.mark.parametrize(("module_params", "existing", "action", "before", "after"), PLANS)
def test_one_comparison_decides_changed_and_diff(module_params, existing, action, before, after):
    plan = decisions.plan_metric_filter(module_params, existing)
    assert tuple(write.operation for write in plan.writes) == OPERATIONS.get(action, ())
    assert plan.changed is (action is not None)
    assert plan.diff == {"before": before, "after": after}
    assert "creation_time" not in plan.diff["before"]


def test_the_put_request_is_the_predicted_filter():
    plan = decisions.plan_metric_filter(params(default_value=2.5), aws_filter(transformation={"unit": "Count"}))
    [write] = plan.writes
    assert write.operation == "put_metric_filter"
    assert decisions.snake_filter(write.request) == plan.after
    assert write.request == {
        "filterName": constants.FILTER_NAME,
        "logGroupName": GROUP,
        "filterPattern": constants.FILTER_PATTERN,
        "metricTransformations": [
            {
                "metricName": constants.METRIC_NAME,
                "metricNamespace": constants.METRIC_NAMESPACE,
                "metricValue": constants.METRIC_VALUE,
                "defaultValue": 2.5,
                "unit": "Count",
            }
        ],
    }


def test_the_delete_request_names_the_filter_and_its_group():
    plan = decisions.plan_metric_filter(params(state="absent"), aws_filter())
    assert plan.writes == (Write("delete_metric_filter", {"logGroupName": GROUP, "filterName": constants.FILTER_NAME}),)


def test_dimension_names_are_returned_as_written():
    assert decisions.snake_filter({"metricTransformations": [{"dimensions": {"KeyId": "$.keyId"}}]}) == {
        "metric_transformations": [{"dimensions": {"KeyId": "$.keyId"}}]
    }


# ---------------------------------------------------------------- documentation mirrors the procedure's values


def test_documented_defaults_are_the_procedures_values():
    options = yaml.safe_load(kms_pending_metric_filter.DOCUMENTATION)["options"]
    # params() is every option with the procedure's value; log_group_name is required, so it has no default.
    assert {name: options[name].get("default") for name in options} == params(log_group_name=None)


# ---------------------------------------------------------------- the procedure's pattern matches what it should
#
# moto does not implement TestMetricFilter: the collection's filter-pattern engine judges the pattern (its own
# tests hold it to AWS's documented syntax and answers).


def pattern_matches(pattern: str, message: str) -> bool:
    return compile_pattern(pattern).match(message) is not None


KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def cloudtrail_event(**fields) -> str:
    event = {
        "eventVersion": "1.08",
        "eventTime": "2024-05-01T12:00:00Z",
        "eventSource": "kms.amazonaws.com",
        "eventName": "Decrypt",
        "awsRegion": "eu-west-1",
        "requestParameters": {"keyId": KEY_ARN},
    }
    event.update(fields)
    return json.dumps(event)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (cloudtrail_event(errorCode="KMSInvalidStateException", errorMessage=f"{KEY_ARN} is pending deletion."), True),
        (cloudtrail_event(eventName="Encrypt", errorMessage=f"{KEY_ARN} is pending deletion."), True),
        (cloudtrail_event(eventName="DescribeKey"), False),
        (cloudtrail_event(errorCode="DisabledException", errorMessage=f"{KEY_ARN} is disabled."), False),
        (cloudtrail_event(eventSource="s3.amazonaws.com", errorMessage=f"{KEY_ARN} is pending deletion."), False),
        (cloudtrail_event(errorMessage=f"{KEY_ARN} is pending deletion"), False),
    ],
    ids=["decrypt-pending", "encrypt-pending", "describe-key-success", "disabled-key", "other-service", "no-period"],
)
def test_the_procedures_pattern_matches_uses_of_a_key_pending_deletion(message, expected):
    assert pattern_matches(constants.FILTER_PATTERN, message) is expected


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({}, constants.FILTER_PATTERN),
        ({"match_replica_deletion": True}, constants.REPLICA_FILTER_PATTERN),
        ({"filter_pattern": "{ $.eventSource = kms* }"}, "{ $.eventSource = kms* }"),
    ],
    ids=["procedure", "replica-variant", "given"],
)
def test_the_pattern_put_is_the_given_one_or_the_procedures(overrides, pattern):
    assert decisions.desired_filter(params(**overrides))["filterPattern"] == pattern


def test_a_given_pattern_and_match_replica_deletion_are_refused_together():
    [problem] = decisions.validate_params(params(filter_pattern="{ $.a = 1 }", match_replica_deletion=True))
    assert "'{ $.a = 1 }'" in problem and "match_replica_deletion=true" in problem


@pytest.mark.parametrize("replica", [False, True])
def test_the_replica_variant_counts_replica_keys_and_keeps_everything_else(replica):
    pattern = decisions.filter_pattern(params(match_replica_deletion=replica))
    replica_event = cloudtrail_event(errorMessage=f"{KEY_ARN} is pending replica deletion.")
    assert pattern_matches(pattern, replica_event) is replica
    assert pattern_matches(pattern, cloudtrail_event(errorMessage=f"{KEY_ARN} is pending deletion."))
    assert not pattern_matches(pattern, cloudtrail_event(errorMessage=f"{KEY_ARN} is disabled."))
