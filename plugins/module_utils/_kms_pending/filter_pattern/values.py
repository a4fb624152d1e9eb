# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Literal values of a pattern (wildcard strings, numbers, regular expressions) and how a value is compared."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from decimal import Decimal

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import regex
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tokens import Token
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import NumberValue
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import RegexValue
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import TextValue
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Value

# An integer or a decimal with an optional sign and an optional exponent (AWS: "integers that contain plus or
# minus symbols and follow scientific notation").
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
ORDERING: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def wildcard_matcher(text: str) -> re.Pattern[str]:
    """``*`` matches any run of characters (also none), anywhere in the value; the rest literally."""
    return re.compile(".*".join(re.escape(part) for part in text.split("*")), re.DOTALL)


def as_number(text: str) -> Decimal | None:
    """The number a text spells, or None when it is not a number literal."""
    return Decimal(text) if NUMBER.fullmatch(text) else None


def regex_value(token: Token) -> RegexValue:
    return RegexValue(token.value, regex.compile_regex(token.value, token.position + 1))


def literal_value(token: Token) -> Value:
    """A STRING, WORD or REGEX token's value: a bare numeric word is a number; quotes always make text."""
    if token.kind == "REGEX":
        return regex_value(token)
    number = as_number(token.value) if token.kind == "WORD" else None
    if number is not None:
        return NumberValue(token.value, number)
    return TextValue(token.value, wildcard_matcher(token.value))


def text_equals(text: str, value: Value) -> bool:
    """Whether a text equals a text or regex value (a number value never equals text: see number_compare)."""
    if isinstance(value, RegexValue):
        return value.compiled.search(text) is not None
    return isinstance(value, TextValue) and value.matcher.fullmatch(text) is not None


def compare_text(text: str, operator_text: str, value: Value) -> bool:
    """``text <operator> value`` for a field's or property's text: numbers compare as numbers, when the text is
    one; text values compare whole (with wildcards), regex values search; ``!=`` is the negation of ``=``."""
    if isinstance(value, NumberValue):
        number = as_number(text)
        return number is not None and ORDERING[operator_text](number, value.number)
    equal = text_equals(text, value)
    return equal if operator_text == "=" else not equal
