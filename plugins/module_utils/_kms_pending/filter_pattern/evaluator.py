# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Evaluator of the expression tree against one log event message.

``evaluate(pattern, message)`` returns None when the message does not match, else the extracted values.
"""

from __future__ import annotations

import json
import operator
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import AllPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import And
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Check
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Comparison
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Expression
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import JsonPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import NumberValue
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Or
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Property
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import RegexValue
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Value

MISSING = object()
NUMBER_OPERATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def step_into(node: Any, step: Property) -> list[Any]:
    """The values one selector step reaches from ``node`` (several for ``[*]``, none when absent)."""
    if step.name is not None:
        return [node[step.name]] if isinstance(node, dict) and step.name in node else []
    if not isinstance(node, list):
        return []
    if step.every:
        return list(node)
    return [node[step.index]] if step.index is not None and step.index < len(node) else []


def resolve(document: Any, steps: tuple[Property, ...]) -> list[Any]:
    """Every value the selector reaches in the document; empty when the property does not exist."""
    nodes = [document]
    for step in steps:
        nodes = [child for node in nodes for child in step_into(node, step)]
    return nodes


def scalar_text(value: Any) -> str | None:
    """The text a string comparison sees for a JSON value; None for objects, arrays and null."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return None


def equals(value: Any, expected: Value) -> bool | None:
    """Whether the JSON value equals the pattern's value; None when they cannot be compared (no match)."""
    if isinstance(expected, NumberValue):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return value == expected.number
    text = scalar_text(value)
    if text is None:
        return None
    if isinstance(expected, RegexValue):
        return expected.compiled.search(text) is not None
    return expected.matcher.fullmatch(text) is not None


def compare(value: Any, comparison: Comparison) -> bool:
    if comparison.operator in ("=", "!="):
        equal = equals(value, comparison.value)
        return equal is not None and equal == (comparison.operator == "=")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    assert isinstance(comparison.value, NumberValue)
    return NUMBER_OPERATORS[comparison.operator](value, comparison.value.number)


def check(values: list[Any], test: str) -> bool:
    if test == "NOT EXISTS":
        return not values
    wanted = {"IS NULL": None, "IS TRUE": True, "IS FALSE": False}[test]
    return any(value is wanted for value in values)


def evaluate_json(expression: Expression, document: Any) -> bool:
    if isinstance(expression, And):
        return evaluate_json(expression.left, document) and evaluate_json(expression.right, document)
    if isinstance(expression, Or):
        return evaluate_json(expression.left, document) or evaluate_json(expression.right, document)
    if isinstance(expression, Check):
        return check(resolve(document, expression.selector.steps), expression.test)
    assert isinstance(expression, Comparison) and expression.selector is not None
    return any(compare(value, expression) for value in resolve(document, expression.selector.steps))


def parse_document(message: str) -> Any:
    """The message as a JSON object, or MISSING when it is not one (a JSON pattern then never matches)."""
    try:
        document = json.loads(message)
    except ValueError:
        return MISSING
    return document if isinstance(document, dict) else MISSING


def evaluate(pattern: Pattern, message: str) -> dict[str, str] | None:
    if isinstance(pattern, AllPattern):
        return {}
    if isinstance(pattern, JsonPattern):
        document = parse_document(message)
        if document is MISSING or not evaluate_json(pattern.expression, document):
            return None
        return {}
    raise NotImplementedError(f"{type(pattern).__name__} is not evaluated yet")
