# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Parser of filter patterns: tokens -> the expression tree of ``tree``.

Grammar of a JSON pattern (``&&`` binds tighter than ``||``)::

    json       := "{" or "}"
    or         := and ("||" and)*
    and        := primary ("&&" primary)*
    primary    := "(" or ")" | selector operator value | selector "IS" ("NULL" | "TRUE" | "FALSE")
                | selector "NOT" "EXISTS"
    selector   := "$" ("." name | "[" digits "]" | "[*]")+
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import values
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.errors import (
    FilterPatternError,
)
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tokens import Token
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tokens import (
    tokenize_structured,
)
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import AllPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import And
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Check
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Comparison
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Expression
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import JsonPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import NumberValue
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Or
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Property
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Selector
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Value

PROPERTY_NAME = re.compile(r"[A-Za-z0-9_\-@:]+")
ARRAY_INDEX = re.compile(r"\[(?:(\d+)|(\*))\]")
CHECKS = {
    ("IS", "NULL"): "IS NULL",
    ("IS", "TRUE"): "IS TRUE",
    ("IS", "FALSE"): "IS FALSE",
    ("NOT", "EXISTS"): "NOT EXISTS",
}
ORDERING_OPERATORS = {"<", ">", "<=", ">="}


def describe(token: Token) -> str:
    return "the end of the pattern" if token.kind == "END" else repr(token.text)


class TokenStream:
    """The tokens of one pattern, read left to right."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "END":
            self.index += 1
        return token

    def accept(self, kind: str) -> Token | None:
        return self.take() if self.peek().kind == kind else None

    def expect(self, kind: str, expected: str) -> Token:
        token = self.peek()
        if token.kind != kind:
            raise FilterPatternError(token.position, f"expected {expected}, found {describe(token)}")
        return self.take()


def parse_or(stream: TokenStream, condition: Callable[[TokenStream], Expression]) -> Expression:
    expression = parse_and(stream, condition)
    while stream.accept("OR"):
        expression = Or(expression, parse_and(stream, condition))
    return expression


def parse_and(stream: TokenStream, condition: Callable[[TokenStream], Expression]) -> Expression:
    expression = parse_primary(stream, condition)
    while stream.accept("AND"):
        expression = And(expression, parse_primary(stream, condition))
    return expression


def parse_primary(stream: TokenStream, condition: Callable[[TokenStream], Expression]) -> Expression:
    if stream.accept("LPAREN"):
        expression = parse_or(stream, condition)
        stream.expect("RPAREN", "')' to close the parenthesis")
        return expression
    return condition(stream)


def selector_step(text: str, index: int, position: int) -> tuple[Property, int]:
    """The selector step at ``text[index]`` and the index after it; ``position`` is the selector's offset."""
    if text[index] == ".":
        name = PROPERTY_NAME.match(text, index + 1)
        if name is None:
            raise FilterPatternError(position + index + 1, "expected a property selector after '$.'")
        return Property(name=name.group()), name.end()
    element = ARRAY_INDEX.match(text, index)
    if text[index] == "[" and element is not None:
        if element.group(2):
            return Property(every=True), element.end()
        return Property(index=int(element.group(1))), element.end()
    if text[index] == "[":
        raise FilterPatternError(position + index, "expected an array index such as '[0]' or '[*]'")
    raise FilterPatternError(position + index, f"unexpected {text[index]!r} in a property selector")


def parse_selector(token: Token) -> Selector:
    text = token.text
    if len(text) < 2:
        raise FilterPatternError(token.position + 1, "expected a property selector such as '$.eventName' after '$'")
    steps: list[Property] = []
    index = 1
    while index < len(text):
        step, index = selector_step(text, index, token.position)
        steps.append(step)
    return Selector(text, tuple(steps))


def parse_check(stream: TokenStream, selector: Selector) -> Expression:
    first = stream.take()
    second = stream.peek()
    test = CHECKS.get((first.text, second.text))
    if test is None:
        raise FilterPatternError(
            second.position if first.text in ("IS", "NOT") else first.position,
            f"expected IS NULL, IS TRUE, IS FALSE or NOT EXISTS after {selector.text}, "
            f"found {describe(first if first.text not in ('IS', 'NOT') else second)}",
        )
    stream.take()
    return Check(selector, test)


def parse_value(stream: TokenStream, operator: Token) -> Value:
    token = stream.peek()
    if token.kind not in ("STRING", "WORD", "REGEX"):
        raise FilterPatternError(token.position, f"expected a value after {operator.text!r}, found {describe(token)}")
    stream.take()
    value = values.literal_value(token)
    if operator.text in ORDERING_OPERATORS and not isinstance(value, NumberValue):
        raise FilterPatternError(token.position, f"operator {operator.text!r} needs a number, found {token.text!r}")
    return value


def json_condition(stream: TokenStream) -> Expression:
    token = stream.peek()
    if token.kind != "SELECTOR":
        raise FilterPatternError(
            token.position, f"expected a property selector such as '$.eventName', found {describe(token)}"
        )
    selector = parse_selector(stream.take())
    if stream.peek().kind == "WORD" and stream.peek().text in ("IS", "NOT"):
        return parse_check(stream, selector)
    operator = stream.peek()
    if operator.kind != "OP":
        raise FilterPatternError(
            operator.position,
            f"expected an operator (=, !=, <, <=, >, >=) or IS/NOT after {selector.text}, found {describe(operator)}",
        )
    stream.take()
    return Comparison(selector, operator.text, parse_value(stream, operator))


def parse_json(pattern: str) -> JsonPattern:
    stream = TokenStream(tokenize_structured(pattern))
    stream.expect("LBRACE", "'{' to open the JSON pattern")
    if stream.peek().kind == "RBRACE":
        raise FilterPatternError(stream.peek().position, "empty JSON pattern: expected a condition such as $.a = 1")
    expression = parse_or(stream, json_condition)
    stream.expect("RBRACE", "'}' to close the JSON pattern, or '&&' / '||'")
    stream.expect("END", "nothing after the closing '}'")
    return JsonPattern(expression)


def parse_pattern(pattern: str):
    """The tree of any filter pattern; the first non-blank character decides the form."""
    stripped = pattern.strip()
    if not stripped:
        return AllPattern()
    if stripped.startswith("{"):
        return parse_json(pattern)
    raise FilterPatternError(len(pattern) - len(pattern.lstrip()), "only JSON patterns are supported yet")
