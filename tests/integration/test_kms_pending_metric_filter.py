# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.kms_pending_metric_filter in real ansible-playbook runs against the moto server.

Outcomes are read back with boto3, and the server's call record holds the module to its API budget.
Where moto differs from CloudWatch Logs the helpers say so; the pattern-matching checks of the procedure's
filter pattern are unit tests, because moto does not implement TestMetricFilter.
"""

from __future__ import annotations

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants

MODULE = "kmsguard.alarms.kms_pending_metric_filter"
SIBLING = f"{constants.FILTER_NAME}Old"
DESCRIBE = "DescribeMetricFilters"

PROCEDURE_TRANSFORMATION = {
    "metric_name": constants.METRIC_NAME,
    "metric_namespace": constants.METRIC_NAMESPACE,
    "metric_value": constants.METRIC_VALUE,
}


def procedure_filter(group: str, **transformation) -> dict:
    """The procedure's filter as the module returns it (snake_case, no creation_time)."""
    return {
        "filter_name": constants.FILTER_NAME,
        "log_group_name": group,
        "filter_pattern": constants.FILTER_PATTERN,
        "metric_transformations": [{**PROCEDURE_TRANSFORMATION, **transformation}],
    }


def task(name: str, **options) -> dict:
    extra = {key: options.pop(key) for key in ("check_mode", "diff", "ignore_errors") if key in options}
    return {"name": name, MODULE: options, **extra}


def filters_named(logs, group: str, name: str) -> list[dict]:
    """Every filter of the group named exactly ``name``, read back with boto3."""
    found = logs.describe_metric_filters(logGroupName=group, filterNamePrefix=name)["metricFilters"]
    return [metric_filter for metric_filter in found if metric_filter["filterName"] == name]


def filter_in_effect(logs, group: str, name: str = constants.FILTER_NAME) -> dict | None:
    named = filters_named(logs, group, name)
    # A put replaces the filter of the same name (the test endpoint makes moto do as CloudWatch Logs does).
    assert len(named) <= 1, named
    return named[0] if named else None


def transformation(metric_filter: dict) -> dict:
    return metric_filter["metricTransformations"][0]


@pytest.fixture
def logs(aws_client):
    return aws_client("logs")


@pytest.fixture
def log_group(logs, unique_name) -> str:
    name = f"/aws/cloudtrail/{unique_name}"
    logs.create_log_group(logGroupName=name)
    return name


def put_procedure_filter(logs, group: str) -> None:
    """The procedure's filter, made with boto3 as if by another tool."""
    logs.put_metric_filter(
        logGroupName=group,
        filterName=constants.FILTER_NAME,
        filterPattern=constants.FILTER_PATTERN,
        metricTransformations=[
            {
                "metricName": constants.METRIC_NAME,
                "metricNamespace": constants.METRIC_NAMESPACE,
                "metricValue": constants.METRIC_VALUE,
            }
        ],
    )


def put_sibling(logs, group: str) -> dict:
    """A filter whose name extends ours: the module must never read, change or delete it."""
    sibling = {
        "logGroupName": group,
        "filterName": SIBLING,
        "filterPattern": '{ $.eventSource = "kms.amazonaws.com" }',
        "metricTransformations": [{"metricName": "Old", "metricNamespace": "Old", "metricValue": "7"}],
    }
    logs.put_metric_filter(**sibling)
    return sibling


def assert_sibling_untouched(logs, sibling: dict) -> None:
    assert filters_named(logs, sibling["logGroupName"], SIBLING) == [sibling]


def test_check_mode_on_create_predicts_and_writes_nothing(run_playbook, logs, log_group, moto_endpoint):
    moto_endpoint.forget_calls()
    run = run_playbook([task("create", log_group_name=log_group)], check=True, diff=True)

    assert run.rc == 0, run.stdout
    result = run.result("create")
    assert result["changed"] is True
    assert result["metric_filter"] == procedure_filter(log_group)
    assert result["diff"] == {"before": {}, "after": procedure_filter(log_group)}
    assert moto_endpoint.operations("logs") == [DESCRIBE]
    assert filters_named(logs, log_group, constants.FILTER_NAME) == []


def test_create_rerun_check_change_update_rerun_beside_a_prefix_sibling(run_playbook, logs, log_group):
    sibling = put_sibling(logs, log_group)

    created = run_playbook(
        [task("create", log_group_name=log_group), task("re-run", log_group_name=log_group, diff=True)]
    )
    assert created.rc == 0, created.stdout
    assert created.result("create")["changed"] is True
    rerun = created.result("re-run")
    assert rerun["changed"] is False
    assert rerun["diff"] == {"before": procedure_filter(log_group), "after": procedure_filter(log_group)}
    current = filter_in_effect(logs, log_group)
    assert current["filterPattern"] == constants.FILTER_PATTERN
    assert transformation(current) == {
        "metricName": constants.METRIC_NAME,
        "metricNamespace": constants.METRIC_NAMESPACE,
        "metricValue": constants.METRIC_VALUE,
    }
    assert_sibling_untouched(logs, sibling)

    change = {"log_group_name": log_group, "metric_value": "$.count", "default_value": 0}
    checked = run_playbook([task("change", **change)], check=True, diff=True)
    assert checked.rc == 0, checked.stdout
    predicted = checked.result("change")
    assert predicted["changed"] is True
    expected_after = procedure_filter(log_group, metric_value="$.count", default_value=0.0)
    assert predicted["diff"] == {"before": procedure_filter(log_group), "after": expected_after}
    assert predicted["metric_filter"] == expected_after
    assert transformation(filter_in_effect(logs, log_group))["metricValue"] == constants.METRIC_VALUE

    updated = run_playbook([task("update", **change), task("re-run", **change)])
    assert updated.rc == 0, updated.stdout
    assert updated.result("update")["changed"] is True
    assert updated.result("update")["metric_filter"] == expected_after
    assert updated.result("re-run")["changed"] is False
    assert transformation(filter_in_effect(logs, log_group)) == {
        "metricName": constants.METRIC_NAME,
        "metricNamespace": constants.METRIC_NAMESPACE,
        "metricValue": "$.count",
        "defaultValue": 0.0,
    }
    assert_sibling_untouched(logs, sibling)


def test_delete_check_mode_then_delete_then_again(run_playbook, logs, log_group, moto_endpoint):
    sibling = put_sibling(logs, log_group)
    put_procedure_filter(logs, log_group)

    moto_endpoint.forget_calls()
    gone = {"log_group_name": log_group, "state": "absent"}
    run = run_playbook(
        [task("check delete", check_mode=True, **gone), task("delete", **gone), task("delete again", **gone)],
        diff=True,
    )

    assert run.rc == 0, run.stdout
    check = run.result("check delete")
    assert check["changed"] is True
    assert check["diff"] == {"before": procedure_filter(log_group), "after": {}}
    assert run.result("delete")["changed"] is True
    assert run.result("delete")["metric_filter"] == {}
    again = run.result("delete again")
    assert again["changed"] is False
    assert again["diff"] == {"before": {}, "after": {}}
    # The check-mode task read and wrote nothing else: the only write is the real delete.
    assert moto_endpoint.operations("logs") == [DESCRIBE, DESCRIBE, "DeleteMetricFilter", DESCRIBE]
    assert filters_named(logs, log_group, constants.FILTER_NAME) == []
    assert_sibling_untouched(logs, sibling)


def test_call_budget(run_playbook, log_group, moto_endpoint):
    moto_endpoint.forget_calls()
    run = run_playbook(
        [
            task("create", log_group_name=log_group),
            task("no change", log_group_name=log_group),
            task("delete", log_group_name=log_group, state="absent"),
        ]
    )

    assert run.rc == 0, run.stdout
    assert [run.result(name)["changed"] for name in ("create", "no change", "delete")] == [True, False, True]
    # Create: one read, one write. No change: exactly one read. Delete: one read, one write. Nothing else.
    assert moto_endpoint.operations() == [
        *[DESCRIBE, "PutMetricFilter"],
        DESCRIBE,
        *[DESCRIBE, "DeleteMetricFilter"],
    ]


def test_a_missing_log_group_fails_with_the_fix_and_writes_nothing(run_playbook, logs, unique_name, moto_endpoint):
    missing = f"/aws/cloudtrail/{unique_name}-missing"
    # A group whose name extends the missing one must not pass for it.
    logs.create_log_group(logGroupName=f"{missing}-other")
    moto_endpoint.forget_calls()

    run = run_playbook(
        [
            task("check mode", log_group_name=missing, check_mode=True, ignore_errors=True),
            task("apply", log_group_name=missing, ignore_errors=True),
            task("absent", log_group_name=missing, state="absent"),
        ]
    )

    for name in ("check mode", "apply"):
        result = run.result(name)
        assert result["failed"] is True
        assert f"Log group '{missing}' does not exist in region us-east-1" in result["msg"]
        assert "Create it" in result["msg"]
        assert "CloudTrail" in result["msg"]
    assert run.result("absent")["changed"] is False
    assert moto_endpoint.operations("logs") == [DESCRIBE, DESCRIBE, DESCRIBE]
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.describe_metric_filters(logGroupName=missing)


VALIDATION_CASES = {
    "empty-pattern": ({"filter_pattern": ""}, "filter_pattern must not be empty"),
    "colon-name": ({"filter_name": "KMS:Pending"}, "filter_name 'KMS:Pending' contains ':'"),
    "star-name": ({"filter_name": "KMS*"}, "filter_name 'KMS*' contains '*'"),
    "long-name": ({"filter_name": "x" * 513}, "is 513 characters long; at most 512 are allowed"),
    "dollar-metric": ({"metric_name": "Errors$"}, "metric_name 'Errors$' contains '$'"),
    "colon-namespace": ({"metric_namespace": "Cloud:Trail"}, "metric_namespace 'Cloud:Trail' contains ':'"),
    "word-value": ({"metric_value": "one"}, "metric_value 'one' must be a number (such as 1) or a field of the event"),
    "space-group": ({"log_group_name": "cloudtrail logs"}, "log_group_name 'cloudtrail logs' may contain only"),
}


def test_validation_names_the_value_makes_no_call_and_writes_nothing(run_playbook, logs, log_group, moto_endpoint):
    moto_endpoint.forget_calls()
    # Every invalid task in one playbook (each run costs seconds); ignore_errors lets every case run, and each
    # result's failure is asserted below.
    run = run_playbook(
        [
            task(case, ignore_errors=True, **{"log_group_name": log_group, **options})
            for case, (options, _message) in VALIDATION_CASES.items()
        ]
    )

    assert moto_endpoint.operations() == []
    outcomes = {case: (run.result(case)["failed"], run.result(case)["msg"]) for case in VALIDATION_CASES}
    wrong = {case: outcome for case, outcome in outcomes.items() if outcome[0] is not True}
    wrong |= {case: outcome for case, outcome in outcomes.items() if VALIDATION_CASES[case][1] not in outcome[1]}
    assert wrong == {}
    assert logs.describe_metric_filters(logGroupName=log_group)["metricFilters"] == []


def test_the_filter_is_found_on_a_later_page(run_playbook, logs, log_group, moto_endpoint):
    # DescribeMetricFilters returns at most 50 filters a page: 60 siblings whose names extend ours come first,
    # so the filter itself is on the second page.
    for index in range(60):
        logs.put_metric_filter(
            logGroupName=log_group,
            filterName=f"{constants.FILTER_NAME}{index:03d}",
            filterPattern="{ $.eventSource = kms* }",
            metricTransformations=[{"metricName": "Other", "metricNamespace": "Other", "metricValue": "1"}],
        )
    put_procedure_filter(logs, log_group)
    assert "nextToken" in logs.describe_metric_filters(logGroupName=log_group, filterNamePrefix=constants.FILTER_NAME)

    moto_endpoint.forget_calls()
    run = run_playbook([task("no change", log_group_name=log_group)])

    assert run.rc == 0, run.stdout
    assert run.result("no change")["changed"] is False
    # One read of the filter, which took two pages.
    assert moto_endpoint.operations() == [DESCRIBE, DESCRIBE]


def test_match_replica_deletion_puts_the_replica_variant_once(run_playbook, moto_endpoint, logs, log_group):
    first = run_playbook([task("replica", log_group_name=log_group, match_replica_deletion=True)])
    assert first.rc == 0, first.stdout
    assert first.result("replica")["changed"] is True
    assert filter_in_effect(logs, log_group)["filterPattern"] == constants.REPLICA_FILTER_PATTERN

    moto_endpoint.forget_calls()
    again = run_playbook([task("replica", log_group_name=log_group, match_replica_deletion=True)])
    assert again.result("replica")["changed"] is False
    assert moto_endpoint.operations() == [DESCRIBE]

    moto_endpoint.forget_calls()
    both = run_playbook(
        [task("both", log_group_name=log_group, match_replica_deletion=True, filter_pattern=constants.FILTER_PATTERN)]
    )
    assert both.rc != 0
    assert "match_replica_deletion=true" in both.result("both")["msg"]
    assert moto_endpoint.operations() == []
