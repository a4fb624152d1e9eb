# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kms_pending_metric_filter's do(): the order of calls, the check-mode guard, and the result, with a stubbed client.

What each request holds is decided, and tested, in metric_filter_decisions; here the module must send exactly the
plan's writes, in order, after its one read, and none in check mode.
"""

from __future__ import annotations

from unittest import mock

import botocore.exceptions
import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import metric_filter_decisions
from ansible_collections.kmsguard.alarms.plugins.modules import kms_pending_metric_filter
from module_stub import REGION
from module_stub import documented_params
from module_stub import run_module

GROUP = "/aws/cloudtrail/org"
DESCRIBE = ("get_paginator", {})


def params(**options) -> dict:
    return documented_params(kms_pending_metric_filter, **{"log_group_name": GROUP, **options})


PROCEDURE_FILTER = metric_filter_decisions.desired_filter(params())


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
    return run_module(kms_pending_metric_filter.do, params(**options), logs_client(filters), check_mode)


def planned_writes(filters: list[dict] | None, **options) -> list[tuple[str, dict]]:
    current = metric_filter_decisions.find_filter(filters or [], constants.FILTER_NAME)
    plan = metric_filter_decisions.plan_metric_filter(params(**options), current)
    return [(write.operation, write.request) for write in plan.writes]


SCENARIOS = [
    pytest.param([], {}, ["put_metric_filter"], id="create"),
    pytest.param(
        [{**PROCEDURE_FILTER, "filterPattern": "{ $.eventSource = kms* }", "creationTime": 1}],
        {},
        ["put_metric_filter"],
        id="update",
    ),
    pytest.param([{**PROCEDURE_FILTER, "creationTime": 1}], {}, [], id="as asked"),
    pytest.param([PROCEDURE_FILTER], {"state": "absent"}, ["delete_metric_filter"], id="delete"),
    pytest.param([], {"state": "absent"}, [], id="already absent"),
    pytest.param(None, {"state": "absent"}, [], id="absent from a missing log group"),
]


@pytest.mark.parametrize(("filters", "options", "writes"), SCENARIOS)
def test_one_read_then_the_planned_writes(filters, options, writes):
    outcome = run(filters, **options)
    assert outcome.ended == "exit", outcome.result
    assert [name for name, _request in outcome.calls] == ["get_paginator", *writes]
    assert outcome.calls == [DESCRIBE, *planned_writes(filters, **options)]
    assert outcome.result["changed"] is bool(writes)
    assert outcome.module.clients_made == [("logs", {})]


@pytest.mark.parametrize(("filters", "options", "writes"), SCENARIOS)
def test_check_mode_reads_writes_nothing_and_reports_the_same(filters, options, writes):
    checked = run(filters, check_mode=True, **options)
    applied = run(filters, **options)
    assert checked.calls == [DESCRIBE]
    assert (checked.ended, checked.result) == (applied.ended, applied.result)
    assert set(checked.result) == {"changed", "metric_filter", "diff"}


def test_the_read_asks_for_the_filter_name_in_the_group():
    client = logs_client([])
    run_module(kms_pending_metric_filter.do, params(), client)
    client.get_paginator.assert_called_once_with("describe_metric_filters")
    client.get_paginator.return_value.paginate.assert_called_once_with(
        logGroupName=GROUP, filterNamePrefix=constants.FILTER_NAME
    )


def test_bad_options_fail_before_any_client_is_made():
    assert run([], filter_name="KMS*", metric_value="x").failed_before_any_call() == [
        "filter_name 'KMS*' contains '*', which AWS rejects.",
        "metric_value 'x' must be a number (such as 1) or a field of the event (such as $.bytes).",
    ]


def test_a_missing_log_group_fails_after_the_read_without_writing():
    outcome = run(None)
    assert outcome.ended == "fail"
    assert f"Log group '{GROUP}' does not exist in region {REGION}" in outcome.result["msg"]
    assert outcome.calls == [DESCRIBE]


def test_no_diff_without_diff_mode():
    outcome = run_module(kms_pending_metric_filter.do, params(), logs_client([]), diff=False)
    assert (outcome.ended, "diff" in outcome.result) == ("exit", False)
