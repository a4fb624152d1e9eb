# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The expression tree the parser builds and the evaluator walks: plain immutable data, no behaviour."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TextValue:
    """A quoted or bare string; ``*`` in it matches any run of characters (``matcher`` is the compiled form)."""

    text: str
    matcher: re.Pattern[str]


@dataclass(frozen=True)
class NumberValue:
    """A bare numeric literal (integer, decimal, exponent, optional minus): compared as a number."""

    text: str
    number: float


@dataclass(frozen=True)
class RegexValue:
    """A ``%regex%``: ``source`` as written, ``compiled`` its Python equivalent (searched, not anchored)."""

    source: str
    compiled: re.Pattern[str]


Value = TextValue | NumberValue | RegexValue


@dataclass(frozen=True)
class Property:
    """One step of a JSON selector: ``name`` (``.name``), ``index`` (``[0]``) or every element (``[*]``)."""

    name: str | None = None
    index: int | None = None
    every: bool = False


@dataclass(frozen=True)
class Selector:
    text: str
    steps: tuple[Property, ...]


@dataclass(frozen=True)
class Comparison:
    """``$.a = value`` in a JSON pattern, or ``field = value`` in a space-delimited one (``selector`` None)."""

    selector: Selector | None
    operator: str
    value: Value


@dataclass(frozen=True)
class Check:
    """``IS NULL``, ``NOT EXISTS``, ``IS TRUE`` or ``IS FALSE`` on a JSON property (``test`` names which)."""

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


Expression = Comparison | Check | And | Or


@dataclass(frozen=True)
class Term:
    """One term of an unstructured pattern; ``kind`` is "required", "optional" (``?``) or "excluded" (``-``)."""

    kind: str
    text: str
    regex: RegexValue | None = None


@dataclass(frozen=True)
class Field:
    """One field of a space-delimited pattern; ``name`` None for ``...``; ``condition`` on the field's value."""

    name: str | None
    condition: Expression | None = None


@dataclass(frozen=True)
class JsonPattern:
    expression: Expression


@dataclass(frozen=True)
class TermsPattern:
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class SpaceDelimitedPattern:
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class RegexPattern:
    regex: RegexValue


@dataclass(frozen=True)
class AllPattern:
    """The empty pattern: every message matches."""


Pattern = JsonPattern | TermsPattern | SpaceDelimitedPattern | RegexPattern | AllPattern
