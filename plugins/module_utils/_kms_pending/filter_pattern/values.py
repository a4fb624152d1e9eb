# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Literal values of a pattern: wildcard strings, numbers and regular expressions, compiled once."""

from __future__ import annotations

import re

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import regex
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tokens import Token
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import NumberValue
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import RegexValue
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import TextValue

NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def wildcard_matcher(text: str) -> re.Pattern[str]:
    """``*`` matches any run of characters (also none); everything else literally; the whole value must match."""
    return re.compile(".*".join(re.escape(part) for part in text.split("*")), re.DOTALL)


def text_value(text: str) -> TextValue:
    return TextValue(text, wildcard_matcher(text))


def regex_value(token: Token) -> RegexValue:
    return RegexValue(token.value, regex.compile_regex(token.value, token.position + 1))


def is_number(text: str) -> bool:
    return NUMBER.fullmatch(text) is not None


def literal_value(token: Token) -> TextValue | NumberValue | RegexValue:
    """The value a STRING, WORD or REGEX token stands for: a bare numeric word is a number, quotes keep text."""
    if token.kind == "REGEX":
        return regex_value(token)
    if token.kind == "WORD" and is_number(token.value):
        return NumberValue(token.value, float(token.value))
    return text_value(token.value)
