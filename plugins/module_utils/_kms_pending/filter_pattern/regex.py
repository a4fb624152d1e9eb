# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The regular expressions of filter patterns (``%regex%``): AWS's documented subset, checked, then compiled.

Supported, as CloudWatch Logs documents it ("Supported regular expressions (regex) syntax"):

* ASCII letters and digits, the symbols ``: _ # = @ / ; , -`` and the space;
* the operators ``^`` and ``$`` (anchors), ``?``, ``*``, ``+``, ``{m,n}`` (either bound may be omitted),
  ``[...]`` character classes with ranges and ``^`` negation, ``|`` (alternatives), ``.`` (any character);
* escapes: ``\\d \\D \\s \\S \\w \\W`` (ASCII digit, whitespace, word character and their inverses),
  ``\\xhh`` (the ASCII character with that hexadecimal code, for characters the pattern cannot contain) and
  ``\\`` before an operator or a supported symbol to take it literally.

Rejected like AWS rejects them: ``(`` and ``)`` (no subpatterns), multi-byte characters, any other character
(for example ``%something!%``) and any other escape. The regex is searched anywhere in the text it is applied
to (``%AUTHORIZED%`` matches ``UNAUTHORIZED``) and is case sensitive.
"""

from __future__ import annotations

import re

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.errors import (
    FilterPatternError,
)

SYMBOLS = frozenset(":_#=@/;,- ")
OPERATORS = frozenset("^$?[]{}|\\*+.")
CLASS_ESCAPES = frozenset("dDsSwW")
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def check_character(char: str, position: int) -> None:
    if not char.isascii():
        raise FilterPatternError(position, f"multi-byte character {char!r} is not supported in a regular expression")
    if char in "()":
        raise FilterPatternError(
            position, f"{char!r} is not supported in a regular expression: subpatterns cannot be grouped"
        )
    if not (char.isalnum() or char in SYMBOLS or char in OPERATORS):
        raise FilterPatternError(
            position, f"character {char!r} is not supported in a regular expression (use \\x{ord(char):02X})"
        )


def escape_length(source: str, index: int, position: int) -> int:
    """How many characters the escape at ``source[index]`` (a backslash) spans; raises when AWS rejects it."""
    following = source[index + 1 : index + 2]
    if not following:
        raise FilterPatternError(position, "a regular expression cannot end with a single '\\'")
    if following in CLASS_ESCAPES or following in OPERATORS or following in SYMBOLS - {" "}:
        return 2
    if following == "x" and len(source) >= index + 4 and set(source[index + 2 : index + 4]) <= HEX_DIGITS:
        return 4
    if following == "x":
        raise FilterPatternError(position, "'\\x' must be followed by two hexadecimal digits")
    raise FilterPatternError(position, f"unsupported escape '\\{following}' in a regular expression")


def check_regex(source: str, offset: int) -> None:
    """Raise FilterPatternError at the first character or escape outside AWS's subset."""
    index = 0
    while index < len(source):
        if source[index] == "\\":
            index += escape_length(source, index, offset + index)
            continue
        check_character(source[index], offset + index)
        index += 1


def compile_regex(source: str, offset: int) -> re.Pattern[str]:
    """The compiled form of ``source``, which starts at ``offset`` in the pattern."""
    check_regex(source, offset)
    try:
        return re.compile(source, re.ASCII)
    except re.error as e:
        raise FilterPatternError(offset + (e.pos or 0), f"invalid regular expression: {e.msg}") from e
