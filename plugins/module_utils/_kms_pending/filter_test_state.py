# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Decisions of metric_filter_test: validation, which engine answers, and one shape for both engines' answers."""

from __future__ import annotations

from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_pattern

ENGINES = ("auto", "api", "local")
# TestMetricFilter's limits on logEventMessages: 1 to 50 messages, each at least 1 character long.
MAX_MESSAGES = 50
# TestMetricFilter numbers the matching events from 0 in every answer AWS documents (API reference, Examples);
# the module reports them from 1, like the local engine, whichever engine answered.
API_EVENT_NUMBER_BASE = 0
# How an endpoint says it has no such operation: AWS's JSON protocols (UnknownOperationException), its query
# protocols (InvalidAction), emulators' "not implemented" answers (HTTP 501).
UNKNOWN_OPERATION_CODES = frozenset({"UnknownOperationException", "InvalidAction", "NotImplemented"})


def validate_messages(messages: list[str]) -> list[str]:
    """What is wrong with log_event_messages, as sentences; empty when nothing is."""
    if not 1 <= len(messages) <= MAX_MESSAGES:
        return [f"log_event_messages has {len(messages)} messages; give 1 to {MAX_MESSAGES}, as TestMetricFilter does."]
    empty = [str(number) for number, message in enumerate(messages, start=1) if not message]
    if empty:
        return [f"log_event_messages has empty messages (number {', '.join(empty)}); each needs at least 1 character."]
    return []


def pattern_problem(pattern: str) -> str | None:
    """The local engine's reading of a malformed pattern, or None when the pattern is well formed."""
    try:
        filter_pattern.compile_pattern(pattern)
    except filter_pattern.FilterPatternError as e:
        return f"filter_pattern {pattern!r} is malformed: {e}"
    return None


def validate_params(params: dict[str, Any]) -> list[str]:
    problems = validate_messages(params["log_event_messages"])
    problem = pattern_problem(params["filter_pattern"])
    return problems + ([problem] if problem else [])


def api_match(record: dict[str, Any]) -> dict[str, Any]:
    """One MetricFilterMatchRecord of TestMetricFilter in the module's shape. The extracted values' keys are field
    names (``$status_code``) and stay as AWS spells them."""
    return {
        "event_number": record["eventNumber"] - API_EVENT_NUMBER_BASE + 1,
        "event_message": record["eventMessage"],
        "extracted_values": dict(record.get("extractedValues") or {}),
    }


def api_matches(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [api_match(record) for record in records]


def lacks_operation(error_response: dict[str, Any]) -> bool:
    """Whether an error answer says the endpoint does not implement TestMetricFilter (and nothing else).

    Besides the codes above: moto's server, asked an operation it does not implement, fails with HTTP 500 and an
    HTML page instead of an AWS error (botocore then reports the status, "500", as the code). AWS answers its own
    failures with an error code (ServiceUnavailableException, InternalFailure), which stay errors.
    """
    error = error_response.get("Error", {})
    status = error_response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if error.get("Code") in UNKNOWN_OPERATION_CODES or status == 501:
        return True
    return status == 500 and error.get("Code") == "500" and "<html" in error.get("Message", "").lower()
