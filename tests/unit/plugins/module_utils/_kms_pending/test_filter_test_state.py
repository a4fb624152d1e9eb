# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Decisions of metric_filter_test: validation, TestMetricFilter's answer in the module's shape, and which error
answers mean "this endpoint does not implement TestMetricFilter"."""

from __future__ import annotations

import boto3
import pytest
import yaml
from botocore.stub import Stubber

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_test_state as state
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_tests
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingError
from ansible_collections.kmsguard.alarms.plugins.modules import metric_filter_test


@pytest.mark.parametrize(
    ("messages", "problems"),
    [
        (["one"], []),
        (["m"] * 50, []),
        ([], ["log_event_messages has 0 messages; give 1 to 50, as TestMetricFilter does."]),
        (["m"] * 51, ["log_event_messages has 51 messages; give 1 to 50, as TestMetricFilter does."]),
        (["a", "", "b", ""], ["log_event_messages has empty messages (number 2, 4); each needs at least 1 character."]),
    ],
)
def test_messages_are_checked_against_the_api_limits(messages, problems):
    assert state.validate_messages(messages) == problems


def test_every_problem_is_reported_at_once():
    assert state.validate_params({"filter_pattern": "{ $.a = }", "log_event_messages": []}) == [
        "log_event_messages has 0 messages; give 1 to 50, as TestMetricFilter does.",
        "filter_pattern '{ $.a = }' is malformed: filter pattern error at position 8: expected a value after '=', "
        "found '}'",
    ]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {"eventNumber": 0, "eventMessage": "a b", "extractedValues": {"$userId": "a", "$2": "b"}},
            {"event_number": 1, "event_message": "a b", "extracted_values": {"$userId": "a", "$2": "b"}},
        ),
        ({"eventNumber": 3, "eventMessage": "x"}, {"event_number": 4, "event_message": "x", "extracted_values": {}}),
    ],
)
def test_api_records_take_the_modules_shape_and_numbering(record, expected):
    assert state.api_match(record) == expected


def error(code: str, status: int, message: str = "") -> dict:
    return {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}


MOTO_PAGE = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>"


@pytest.mark.parametrize(
    ("response", "lacks"),
    [
        (error("500", 500, MOTO_PAGE), True),
        (error("UnknownOperationException", 400), True),
        (error("InvalidAction", 400, "The action TestMetricFilter is not valid for this web service."), True),
        (error("InternalFailure", 501, "API action 'TestMetricFilter' for service 'logs' not yet implemented"), True),
        (error("NotImplemented", 400), True),
        (error("ServiceUnavailableException", 500, "The service cannot complete the request."), False),
        (error("InternalFailure", 500, "We encountered an internal error."), False),
        (error("500", 500, "Internal Server Error"), False),
        (error("502", 502, "<html><body>Bad Gateway</body></html>"), False),
        (error("InvalidParameterException", 400, "Invalid filter pattern"), False),
        (error("AccessDeniedException", 400, "not authorized to perform: logs:TestMetricFilter"), False),
        (error("ThrottlingException", 400, "Rate exceeded"), False),
    ],
)
def test_only_a_not_implemented_answer_lets_the_local_engine_answer(response, lacks):
    assert state.lacks_operation(response) is lacks


@pytest.fixture
def logs_client():
    client = boto3.client("logs", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    with Stubber(client) as stubber:
        yield client, stubber


def test_the_call_returns_the_matches(logs_client):
    client, stubber = logs_client
    record = {"eventNumber": 0, "eventMessage": "ERROR x", "extractedValues": {}}
    stubber.add_response(
        "test_metric_filter", {"matches": [record]}, {"filterPattern": "ERROR", "logEventMessages": ["ERROR x"]}
    )
    assert filter_tests.test_metric_filter(client, "ERROR", ["ERROR x"]) == [record]


def test_the_call_says_none_when_the_endpoint_lacks_the_operation(logs_client):
    client, stubber = logs_client
    stubber.add_client_error("test_metric_filter", "UnknownOperationException", http_status_code=400)
    assert filter_tests.test_metric_filter(client, "ERROR", ["ERROR x"]) is None


def test_any_other_error_fails(logs_client):
    client, stubber = logs_client
    stubber.add_client_error("test_metric_filter", "InvalidParameterException", "Invalid filter pattern", 400)
    with pytest.raises(KmsPendingError, match="Failed to test the filter pattern with TestMetricFilter"):
        filter_tests.test_metric_filter(client, "ERROR", ["ERROR x"])


def test_the_documented_engines_are_the_accepted_ones():
    options = yaml.safe_load(metric_filter_test.DOCUMENTATION)["options"]
    assert options["engine"]["choices"] == list(state.ENGINES)
    assert options["engine"]["default"] == "auto"
