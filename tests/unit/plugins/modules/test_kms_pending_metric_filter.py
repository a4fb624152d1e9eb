# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kms_pending_metric_filter's do(): the order of calls, the check-mode guard, and the result, with a stubbed client."""

from __future__ import annotations

from unittest import mock

import botocore.exceptions
import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.modules import kms_pending_metric_filter
from module_stub import StubModule
from module_stub import api_calls
from module_stub import documented_params
from module_stub import run_module

GROUP = "/aws/cloudtrail/org"
DESCRIBE = ("get_paginator", {})
PROCEDURE_FILTER = {
    "filterName": constants.FILTER_NAME,
    "logGroupName": GROUP,
    "filterPattern": constants.FILTER_PATTERN,
    "metricTransformations": [
        {
            "metricName": constants.METRIC_NAME,
            "metricNamespace": constants.METRIC_NAMESPACE,
            "metricValue": constants.METRIC_VALUE,
        }
    ],
}


def logs_client(filters: list[dict] | None) -> mock.Mock:
    """A logs client whose DescribeMetricFilters finds ``filters``; None: the log group does not exist."""
    client = mock.Mock()
    pages = client.get_paginator.return_value.paginate.return_value
    if filters is None:
        error = {"Error": {"Code": "ResourceNotFoundException", "Message": "The specified log group does not exist."}}
        pages.build_full_result.side_effect = botocore.exceptions.ClientError(error, "DescribeMetricFilters")
    else:
        pages.build_full_result.return_value = {"metricFilters": filters}
    return client


def run(filters: list[dict] | None, check_mode: bool = False, **options):
    client = logs_client(filters)
    module = StubModule(
        documented_params(kms_pending_metric_filter, log_group_name=GROUP, **options), client, check_mode
    )
    outcome, result = run_module(kms_pending_metric_filter.do, module)
    return outcome, result, api_calls(client), module


SCENARIOS = [
    pytest.param([], {}, [("put_metric_filter", PROCEDURE_FILTER)], id="create"),
    pytest.param(
        [{**PROCEDURE_FILTER, "filterPattern": "{ $.eventSource = kms* }", "creationTime": 1}],
        {},
        [("put_metric_filter", PROCEDURE_FILTER)],
        id="update",
    ),
    pytest.param([{**PROCEDURE_FILTER, "creationTime": 1}], {}, [], id="as asked"),
    pytest.param(
        [PROCEDURE_FILTER],
        {"state": "absent"},
        [("delete_metric_filter", {"logGroupName": GROUP, "filterName": constants.FILTER_NAME})],
        id="delete",
    ),
    pytest.param([], {"state": "absent"}, [], id="already absent"),
    pytest.param(None, {"state": "absent"}, [], id="absent from a missing log group"),
]


@pytest.mark.parametrize(("filters", "options", "writes"), SCENARIOS)
def test_one_read_then_the_planned_writes(filters, options, writes):
    outcome, result, calls, _module = run(filters, **options)
    assert outcome == "exit", result
    assert calls == [DESCRIBE, *writes]
    assert result["changed"] is bool(writes)


@pytest.mark.parametrize(("filters", "options", "writes"), SCENARIOS)
def test_check_mode_reads_writes_nothing_and_reports_the_same(filters, options, writes):
    checked = run(filters, check_mode=True, **options)
    applied = run(filters, **options)
    assert checked[2] == [DESCRIBE]
    assert checked[:2] == applied[:2]
    assert set(checked[1]) == {"changed", "metric_filter", "diff"}


def test_one_logs_client_and_the_read_asks_for_the_filter_name_in_the_group():
    client = logs_client([])
    module = StubModule(documented_params(kms_pending_metric_filter, log_group_name=GROUP), client)
    run_module(kms_pending_metric_filter.do, module)
    assert module.clients_made == [("logs", {})]
    client.get_paginator.assert_called_once_with("describe_metric_filters")
    client.get_paginator.return_value.paginate.assert_called_once_with(
        logGroupName=GROUP, filterNamePrefix=constants.FILTER_NAME
    )


def test_bad_options_fail_before_any_client_is_made():
    outcome, result, calls, module = run([], filter_name="KMS*", metric_value="x")
    assert outcome == "fail"
    assert result["problems"] == [
        "filter_name 'KMS*' contains '*', which AWS rejects.",
        "metric_value 'x' must be a number (such as 1) or a field of the event (such as $.bytes).",
    ]
    assert result["msg"] == " ".join(result["problems"])
    assert module.clients_made == []
    assert calls == []


def test_a_missing_log_group_fails_after_the_read_without_writing():
    outcome, result, calls, _module = run(None)
    assert outcome == "fail"
    assert f"Log group '{GROUP}' does not exist in region us-east-1" in result["msg"]
    assert calls == [DESCRIBE]


def test_no_diff_without_diff_mode():
    client = logs_client([])
    module = StubModule(documented_params(kms_pending_metric_filter, log_group_name=GROUP), client, diff=False)
    outcome, result = run_module(kms_pending_metric_filter.do, module)
    assert (outcome, "diff" in result) == ("exit", False)
