# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The expression tree the parser builds and the evaluator walks: immutable data, no behaviour."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Union


@dataclass(frozen=True)
class TextValue:
    """A quoted or bare string; ``*`` in it matches any run of characters. ``matcher`` must match it whole."""

    text: str
    matcher: re.Pattern[str]


@dataclass(frozen=True)
class NumberValue:
    """A bare numeric literal (sign, decimals, exponent): compared as a number."""

    text: str
    number: Decimal


@dataclass(frozen=True)
class RegexValue:
    """A ``%regex%``: ``source`` as written, ``compiled`` its Python form, searched anywhere in the value."""

    source: str
    compiled: re.Pattern[str]


# Union rather than X | Y: pylint (ansible-test sanity) cannot infer | between these classes.
Value = Union[TextValue, NumberValue, RegexValue]  # noqa: UP007


@dataclass(frozen=True)
class Step:
    """One step of a JSON property selector. ``kind``: "name" (``.a``, ``['a.b']``), "index" (``[0]``),
    "any_field" (``.*``) or "any_element" (``[*]``)."""

    kind: str
    name: str = ""
    index: int = 0


@dataclass(frozen=True)
class Selector:
    text: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Comparison:
    """``$.a = value`` in a JSON pattern (``target`` a Selector), ``field = value`` in a space-delimited one
    (``target`` the field's name)."""

    target: Selector | str
    operator: str
    value: Value


@dataclass(frozen=True)
class Check:
    """``IS NULL``, ``IS TRUE``, ``IS FALSE`` or ``NOT EXISTS`` on a JSON property; ``test`` says which."""

    selector: Selector
    test: str


@dataclass(frozen=True)
class And:
    left: Expression
    right: Expression


@dataclass(frozen=True)
class Or:
    left: Expression
    right: Expression


Expression = Union[Comparison, Check, And, Or]  # noqa: UP007


@dataclass(frozen=True)
class Term:
    """One term of an unstructured pattern. ``kind``: "required", "optional" (``?``) or "excluded" (``-``)."""

    kind: str
    text: str


@dataclass(frozen=True)
class Slot:
    """One field of a space-delimited pattern. ``ellipsis`` for ``...`` (any number of fields); else ``name``
    ("" for an unnamed field) and an optional ``condition`` on the field's value."""

    name: str = ""
    condition: Expression | None = None
    ellipsis: bool = False


@dataclass(frozen=True)
class JsonPattern:
    expression: Expression


@dataclass(frozen=True)
class TermsPattern:
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class SpaceDelimitedPattern:
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class RegexPattern:
    regex: RegexValue


@dataclass(frozen=True)
class AllPattern:
    """The empty pattern: every message matches."""


Pattern = Union[JsonPattern, TermsPattern, SpaceDelimitedPattern, RegexPattern, AllPattern]  # noqa: UP007
