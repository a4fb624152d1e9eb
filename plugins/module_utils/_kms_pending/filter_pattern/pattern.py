# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The engine's public face: ``compile_pattern``, ``FilterPattern`` and ``test_pattern``."""

from __future__ import annotations

from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import evaluator
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import parser
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import AllPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import JsonPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import RegexPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import (
    SpaceDelimitedPattern,
)
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import TermsPattern

KINDS: dict[type, str] = {
    AllPattern: "all",
    JsonPattern: "json",
    TermsPattern: "terms",
    SpaceDelimitedPattern: "space_delimited",
    RegexPattern: "regex",
}


class FilterPattern:
    """A compiled filter pattern. ``kind``: "json", "terms", "space_delimited", "regex" or "all" (empty)."""

    def __init__(self, text: str, tree: Pattern) -> None:
        self.text = text
        self.tree = tree
        self.kind = KINDS[type(tree)]

    def match(self, message: str) -> dict[str, str] | None:
        """None when the message does not match; else the extracted values ({} when the form extracts none)."""
        return evaluator.evaluate(self.tree, message)

    def __repr__(self) -> str:
        return f"FilterPattern({self.text!r}, kind={self.kind!r})"


def compile_pattern(pattern: str) -> FilterPattern:
    """The compiled pattern; raises FilterPatternError (position and reason) when it is malformed."""
    return FilterPattern(pattern, parser.parse_pattern(pattern))


def test_pattern(pattern: str, messages: list[str]) -> list[dict[str, Any]]:
    """What TestMetricFilter answers, in snake_case: one item per matching message, ``event_number`` counting the
    messages from 1."""
    compiled = compile_pattern(pattern)
    matches = []
    for number, message in enumerate(messages, start=1):
        extracted = compiled.match(message)
        if extracted is not None:
            matches.append({"event_number": number, "event_message": message, "extracted_values": extracted})
    return matches


test_pattern.__test__ = False  # a library function, not a test, for pytest's collector
