# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The filter-pattern engine against a table of (pattern, message, expected match or extracted values)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import FilterPatternError
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import compile_pattern

PENDING = json.dumps(
    {
        "eventSource": "kms.amazonaws.com",
        "eventName": "Decrypt",
        "errorCode": "KMSInvalidStateException",
        "errorMessage": "arn:aws:kms:us-east-1:111122223333:key/1234abcd is pending deletion.",
    }
)
DISABLED = PENDING.replace("pending deletion", "disabled")

JSON_ROWS = [
    (constants.FILTER_PATTERN, PENDING, {}),
    (constants.FILTER_PATTERN, DISABLED, None),
    (constants.FILTER_PATTERN, "not json at all", None),
    ("{ $.eventName = Decrypt }", PENDING, {}),
    ("{ $.eventName != Decrypt }", PENDING, None),
    ("{ $.missing NOT EXISTS }", PENDING, {}),
    ("{ $.missing = x }", PENDING, None),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), JSON_ROWS)
def test_json_patterns(pattern: str, message: str, expected: dict | None) -> None:
    assert compile_pattern(pattern).match(message) == expected


def test_kind_and_test_pattern_shape() -> None:
    assert compile_pattern(constants.FILTER_PATTERN).kind == "json"
    assert compile_pattern("").kind == "all"
    assert filter_pattern.test_pattern(constants.FILTER_PATTERN, [DISABLED, PENDING]) == [
        {"event_number": 2, "event_message": PENDING, "extracted_values": {}}
    ]


def test_error_position_and_reason() -> None:
    with pytest.raises(FilterPatternError) as caught:
        compile_pattern("{ $. = 1 }")
    assert (caught.value.position, caught.value.reason) == (4, "expected a property selector after '$.'")
    assert str(caught.value) == "filter pattern error at position 4: expected a property selector after '$.'"
