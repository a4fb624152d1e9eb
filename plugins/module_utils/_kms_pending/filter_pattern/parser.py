# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Parser of filter patterns: tokens -> the expression tree of ``tree``. The first non-blank character decides
the form: ``{`` JSON, ``[`` space-delimited, ``%`` a regular expression, anything else terms; blank matches all.

Grammar of the conditions of JSON and space-delimited patterns (``&&`` binds tighter than ``||``)::

    or         := and ("||" and)*
    and        := primary ("&&" primary)*
    primary    := "(" or ")" | condition
    json       := "{" or "}"                       condition := selector operator value
                                                             | selector ("IS" ("NULL"|"TRUE"|"FALSE") | "NOT" "EXISTS")
    delimited  := "[" [slot ("," slot)*] "]"       slot      := "..." | name | or | (nothing: an unnamed field)
                                                   condition := name operator value
    selector   := "$" ("." name | "." "*" | "." bracket | bracket)+      bracket := "[" (digits | "*" | quoted) "]"
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import tokens
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import values
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.errors import (
    FilterPatternError,
)
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tokens import Token
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import AllPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import And
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Check
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Comparison
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Expression
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import JsonPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import NumberValue
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Or
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import RegexPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Selector
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Slot
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import (
    SpaceDelimitedPattern,
)
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Step
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Term
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import TermsPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Value

# AWS's limits: the API's pattern length, regexes in one JSON or space-delimited pattern, wildcard selectors.
MAX_PATTERN_LENGTH = 1024
MAX_REGEXES = 2
MAX_WILDCARDS_PER_SELECTOR = 1
MAX_WILDCARDS_PER_PATTERN = 3
# The engine's own limit, far beyond any real pattern, so that nesting cannot exhaust Python's stack.
MAX_NESTING = 100

PROPERTY_NAME = re.compile(r"[A-Za-z0-9_-]+")
BRACKET = re.compile(r"\[(?:(?P<index>\d+)|(?P<any>\*)|'(?P<single>[^']*)'|\"(?P<double>[^\"]*)\")\]")
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CHECKS = {
    ("IS", "NULL"): "IS NULL",
    ("IS", "TRUE"): "IS TRUE",
    ("IS", "FALSE"): "IS FALSE",
    ("NOT", "EXISTS"): "NOT EXISTS",
}
ORDERING_OPERATORS = frozenset({"<", ">", "<=", ">="})
OPERATORS = "an operator (=, !=, <, <=, >, >=)"


def describe(token: Token) -> str:
    return "the end of the pattern" if token.kind == "END" else repr(token.text)


class TokenStream:
    """The tokens of one pattern, read left to right, and what the limits count along the way."""

    def __init__(self, token_list: list[Token]) -> None:
        self.tokens = token_list
        self.index = 0
        self.wildcards: list[int] = []
        self.field_references: list[tuple[str, int]] = []
        self.depth = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def accept(self, kind: str) -> Token | None:
        return self.take() if self.peek().kind == kind else None

    def expect(self, kind: str, expected: str) -> Token:
        if self.peek().kind != kind:
            raise FilterPatternError(self.peek().position, f"expected {expected}, found {describe(self.peek())}")
        return self.take()


Condition = Callable[[TokenStream], Expression]


def parse_or(stream: TokenStream, condition: Condition) -> Expression:
    expression = parse_and(stream, condition)
    while stream.accept("OR"):
        expression = Or(expression, parse_and(stream, condition))
    return expression


def parse_and(stream: TokenStream, condition: Condition) -> Expression:
    expression = parse_primary(stream, condition)
    while stream.accept("AND"):
        expression = And(expression, parse_primary(stream, condition))
    return expression


def parse_primary(stream: TokenStream, condition: Condition) -> Expression:
    opening = stream.accept("LPAREN")
    if opening is None:
        return condition(stream)
    stream.depth += 1
    if stream.depth > MAX_NESTING:
        raise FilterPatternError(opening.position, f"parentheses are nested more than {MAX_NESTING} deep")
    expression = parse_or(stream, condition)
    stream.expect("RPAREN", "')' to close the parenthesis, or '&&' / '||'")
    stream.depth -= 1
    return expression


def parse_value(stream: TokenStream, operator: Token) -> Value:
    token = stream.peek()
    if token.kind not in ("STRING", "WORD", "REGEX"):
        raise FilterPatternError(token.position, f"expected a value after {operator.text!r}, found {describe(token)}")
    value = values.literal_value(stream.take())
    if operator.text in ORDERING_OPERATORS and not isinstance(value, NumberValue):
        raise FilterPatternError(
            token.position,
            f"operator {operator.text!r} compares numbers: expected a number such as 10, -1.5 or 1e3, found "
            f"{token.text!r}",
        )
    return value


def named_step(text: str, index: int, position: int) -> tuple[Step, int]:
    """The step after the ``.`` at ``text[index - 1]``: a name, ``*`` or a bracket."""
    if text[index : index + 1] == "*":
        return Step("any_field"), index + 1
    if text[index : index + 1] == "[":
        return bracket_step(text, index, position)
    name = PROPERTY_NAME.match(text, index)
    if name is None:
        raise FilterPatternError(position + index, f"expected a property selector after {text[:index]!r}")
    return Step("name", name=name.group()), name.end()


def bracket_step(text: str, index: int, position: int) -> tuple[Step, int]:
    """The ``[0]``, ``[*]`` or ``['key']`` step at ``text[index]``."""
    if index == 1:
        raise FilterPatternError(position + index, "an array index must follow a property, as in '$.items[0]'")
    bracket = BRACKET.match(text, index)
    if bracket is None:
        raise FilterPatternError(
            position + index, "expected an array index such as [0], [*], or a quoted property name such as ['a.b']"
        )
    if bracket.group("any"):
        return Step("any_element"), bracket.end()
    if bracket.group("index") is not None:
        return Step("index", index=int(bracket.group("index"))), bracket.end()
    key = bracket.group("single") if bracket.group("single") is not None else bracket.group("double")
    return Step("name", name=key), bracket.end()


def selector_steps(token: Token) -> list[Step]:
    text, position = token.text, token.position
    if len(text) == 1:
        raise FilterPatternError(position + 1, "expected a property selector such as '$.eventName' after '$'")
    steps: list[Step] = []
    index = 1
    while index < len(text):
        if text[index] == ".":
            step, index = named_step(text, index + 1, position)
        elif text[index] == "[":
            step, index = bracket_step(text, index, position)
        else:
            raise FilterPatternError(position + index, f"expected '.' or '[' after {text[:index]!r}")
        steps.append(step)
    return steps


def parse_selector(stream: TokenStream) -> Selector:
    token = stream.peek()
    if token.kind != "SELECTOR":
        raise FilterPatternError(
            token.position, f"expected a property selector such as '$.eventName', found {describe(token)}"
        )
    steps = selector_steps(stream.take())
    wildcards = sum(step.kind in ("any_field", "any_element") for step in steps)
    if wildcards > MAX_WILDCARDS_PER_SELECTOR:
        raise FilterPatternError(token.position, "a property selector can contain only one wildcard (*)")
    stream.wildcards.extend([token.position] * wildcards)
    return Selector(token.text, tuple(steps))


def parse_check(stream: TokenStream, selector: Selector) -> Expression:
    keyword = stream.take()
    if keyword.text == "EXISTS":
        raise FilterPatternError(
            keyword.position, f"EXISTS is not supported: use NOT EXISTS, or {selector.text} = * for any value"
        )
    following = stream.peek()
    test = CHECKS.get((keyword.text, following.text))
    if test is None:
        raise FilterPatternError(
            following.position,
            f"expected IS NULL, IS TRUE, IS FALSE or NOT EXISTS after {selector.text} (IS NOT is not supported), "
            f"found {keyword.text} {describe(following)}",
        )
    stream.take()
    return Check(selector, test)


def json_condition(stream: TokenStream) -> Expression:
    selector = parse_selector(stream)
    operator = stream.peek()
    if operator.kind == "WORD" and operator.text in ("IS", "NOT", "EXISTS"):
        return parse_check(stream, selector)
    if operator.kind != "OP":
        raise FilterPatternError(
            operator.position,
            f"expected {OPERATORS}, IS or NOT EXISTS after {selector.text}, found {describe(operator)}",
        )
    stream.take()
    return Comparison(selector, operator.text, parse_value(stream, operator))


def check_limits(stream: TokenStream) -> None:
    regexes = [token for token in stream.tokens if token.kind == "REGEX"]
    if len(regexes) > MAX_REGEXES:
        raise FilterPatternError(
            regexes[MAX_REGEXES].position, f"a pattern can contain at most {MAX_REGEXES} regular expressions"
        )
    if len(stream.wildcards) > MAX_WILDCARDS_PER_PATTERN:
        raise FilterPatternError(
            stream.wildcards[MAX_WILDCARDS_PER_PATTERN],
            f"a pattern can contain at most {MAX_WILDCARDS_PER_PATTERN} wildcard selectors",
        )


def parse_json(pattern: str) -> JsonPattern:
    stream = TokenStream(tokens.tokenize_structured(pattern))
    stream.expect("LBRACE", "'{' to open the JSON pattern")
    if stream.peek().kind == "RBRACE":
        raise FilterPatternError(stream.peek().position, "empty JSON pattern: expected a condition such as $.a = 1")
    expression = parse_or(stream, json_condition)
    stream.expect("RBRACE", "'}' to close the JSON pattern, or '&&' / '||'")
    stream.expect("END", "nothing after the closing '}'")
    check_limits(stream)
    return JsonPattern(expression)


def field_name(token: Token) -> str:
    if token.kind != "WORD" or not FIELD_NAME.fullmatch(token.text):
        raise FilterPatternError(
            token.position,
            f"expected a field name (a letter or '_', then letters, digits or '_'), found {describe(token)}",
        )
    return token.text


def delimited_condition(stream: TokenStream) -> Expression:
    name_token = stream.peek()
    name = field_name(stream.take())
    stream.field_references.append((name, name_token.position))
    operator = stream.peek()
    if operator.kind != "OP":
        raise FilterPatternError(
            operator.position, f"expected {OPERATORS} after field {name!r}, found {describe(operator)}"
        )
    stream.take()
    return Comparison(name, operator.text, parse_value(stream, operator))


def parse_slot(stream: TokenStream) -> tuple[Slot, int]:
    """One slot and the offset of its name (-1 for ``...`` and unnamed fields)."""
    token = stream.peek()
    if stream.accept("ELLIPSIS"):
        return Slot(ellipsis=True), -1
    if token.kind in ("COMMA", "RBRACKET"):
        return Slot(), -1
    if token.kind == "WORD" and stream.peek(1).kind != "OP":
        return Slot(name=field_name(stream.take())), token.position
    first_reference = len(stream.field_references)
    condition = parse_or(stream, delimited_condition)
    # The slot is the field its first comparison names: "status_code" in "status_code = 404 || status_code = 410".
    name = stream.field_references[first_reference][0]
    return Slot(name=name, condition=condition), token.position


def check_field_names(slots: list[tuple[Slot, int]], references: list[tuple[str, int]]) -> None:
    """Each name names one field; each name a condition compares is one of them."""
    seen: set[str] = set()
    for slot, position in slots:
        if slot.name in seen:
            raise FilterPatternError(position, f"field name {slot.name!r} is used twice")
        seen.add(slot.name)
    for name, position in references:
        if name not in seen:
            raise FilterPatternError(position, f"{name!r} in a condition is not a field of the pattern")


def parse_slots(stream: TokenStream) -> list[tuple[Slot, int]]:
    if stream.peek().kind == "RBRACKET":
        return [(Slot(ellipsis=True), -1)]  # "[]": every field, each extracted by its position
    slots = [parse_slot(stream)]
    while stream.accept("COMMA"):
        slot = parse_slot(stream)
        # "..., ..." covers what one "..." covers, and ellipsis fields are extracted by position either way.
        if not (slot[0].ellipsis and slots[-1][0].ellipsis):
            slots.append(slot)
    return slots


def parse_space_delimited(pattern: str) -> SpaceDelimitedPattern:
    stream = TokenStream(tokens.tokenize_structured(pattern))
    stream.expect("LBRACKET", "'[' to open the space-delimited pattern")
    slots = parse_slots(stream)
    stream.expect("RBRACKET", "',' or ']' after a field")
    stream.expect("END", "nothing after the closing ']'")
    check_field_names([(slot, position) for slot, position in slots if slot.name], stream.field_references)
    check_limits(stream)
    return SpaceDelimitedPattern(tuple(slot for slot, _position in slots))


def parse_term(token_list: list[Token], index: int) -> tuple[Term, int]:
    """The term at ``token_list[index]`` (with its ``?`` or ``-`` prefix) and the index after it."""
    kind = {"OPTIONAL": "optional", "EXCLUDED": "excluded"}.get(token_list[index].kind, "required")
    word = token_list[index + 1] if kind != "required" else token_list[index]
    if word.kind not in ("TERM", "PHRASE"):
        prefix = token_list[index].text
        raise FilterPatternError(word.position, f"expected a term or a quoted phrase after {prefix!r}")
    return Term(kind, word.value), index + (2 if kind != "required" else 1)


def parse_terms(pattern: str) -> TermsPattern:
    token_list = tokens.tokenize_terms(pattern)
    terms: list[Term] = []
    index = 0
    while token_list[index].kind != "END":
        term, index = parse_term(token_list, index)
        terms.append(term)
    return TermsPattern(tuple(terms))


def parse_regex(pattern: str, start: int) -> RegexPattern:
    token = tokens.read_regex(pattern, start)
    end = tokens.skip_spaces(pattern, start + len(token.text))
    if end < len(pattern):
        raise FilterPatternError(end, "a regular expression (%...%) must be the whole pattern here")
    return RegexPattern(values.regex_value(token))


def parse_pattern(pattern: str) -> Pattern:
    """The tree of any filter pattern; raises FilterPatternError for a malformed one."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise FilterPatternError(MAX_PATTERN_LENGTH, f"a filter pattern has at most {MAX_PATTERN_LENGTH} characters")
    start = tokens.skip_spaces(pattern, 0)
    if start == len(pattern):
        return AllPattern()
    form = pattern[start]
    if form == "{":
        return parse_json(pattern)
    if form == "[":
        return parse_space_delimited(pattern)
    if form == "%":
        return parse_regex(pattern, start)
    return parse_terms(pattern)
