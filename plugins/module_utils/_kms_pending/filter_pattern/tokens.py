# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Tokenizer of filter patterns: characters -> tokens that remember their offset in the pattern.

Two lexical grammars share the readers of ``"quoted strings"`` (``\\"`` and ``\\\\`` escape a quote and a
backslash) and ``%regex%``:

* the structured one of JSON (``{ ... }``) and space-delimited (``[ ... ]``) patterns: punctuation, ``&&``,
  ``||``, comparison operators, ``...``, ``$`` property selectors, bare words;
* the one of term patterns: words, quoted phrases, and the ``?`` (optional) and ``-`` (excluded) prefixes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.errors import (
    FilterPatternError,
)

PUNCTUATION = {
    "{": "LBRACE",
    "}": "RBRACE",
    "[": "LBRACKET",
    "]": "RBRACKET",
    "(": "LPAREN",
    ")": "RPAREN",
    ",": "COMMA",
}
TWO_CHARACTER_SYMBOLS = {"&&": "AND", "||": "OR", "!=": "OP", "<=": "OP", ">=": "OP"}
ONE_CHARACTER_OPERATORS = {"=", "<", ">"}
# A bare word ends at whitespace and at these; at "!" only where "!=" starts.
WORD_TERMINATORS = frozenset(PUNCTUATION) | {'"', "=", "<", ">", "&", "|", "%"}
# What a property selector is made of outside its brackets: names, ".", "*".
SELECTOR_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.*")


@dataclass(frozen=True)
class Token:
    """One token. ``kind``: a PUNCTUATION value, AND, OR, OP, STRING, REGEX, WORD, SELECTOR, ELLIPSIS, END
    (structured), or TERM, PHRASE, OPTIONAL, EXCLUDED, END (terms). ``value`` is unquoted and unescaped."""

    kind: str
    text: str
    position: int
    value: str = ""


def read_quoted(pattern: str, start: int, kind: str = "STRING") -> Token:
    """The double-quoted string that opens at ``start``."""
    chars: list[str] = []
    index = start + 1
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and pattern[index + 1 : index + 2] in ('"', "\\"):
            chars.append(pattern[index + 1])
            index += 2
        elif char == '"':
            return Token(kind, pattern[start : index + 1], start, "".join(chars))
        else:
            chars.append(char)
            index += 1
    raise FilterPatternError(start, "unterminated quoted string: the '\"' here is never closed")


def read_regex(pattern: str, start: int) -> Token:
    """The ``%regex%`` that opens at ``start``; ``value`` is the regex between the percent signs."""
    end = pattern.find("%", start + 1)
    if end < 0:
        raise FilterPatternError(start, "unterminated regular expression: the '%' here is never closed")
    if end == start + 1:
        raise FilterPatternError(start, "empty regular expression '%%'")
    return Token("REGEX", pattern[start : end + 1], start, pattern[start + 1 : end])


def read_word(pattern: str, start: int) -> Token:
    index = start
    while index < len(pattern) and not pattern[index].isspace() and pattern[index] not in WORD_TERMINATORS:
        if pattern.startswith("!=", index):
            break
        index += 1
    text = pattern[start:index]
    return Token("WORD", text, start, text)


def bracket_end(pattern: str, start: int) -> int:
    """The offset after the ``]`` that closes the selector bracket at ``start`` (quoted keys may hold ``]``)."""
    index = start + 1
    quote = pattern[index] if pattern[index : index + 1] in ("'", '"') else ""
    if quote:
        closing = pattern.find(quote, index + 1)
        index = closing + 1 if closing >= 0 else len(pattern)
    closing = pattern.find("]", index)
    if closing < 0:
        raise FilterPatternError(start, "unterminated '[' in a property selector")
    return closing + 1


def read_selector(pattern: str, start: int) -> Token:
    """``$`` and the path after it (``$.a.b[0]``, ``$.['a.b']``) as one token; the parser checks its steps."""
    index = start + 1
    while index < len(pattern):
        if pattern[index] == "[":
            index = bracket_end(pattern, index)
        elif pattern[index] in SELECTOR_CHARACTERS:
            index += 1
        else:
            break
    text = pattern[start:index]
    return Token("SELECTOR", text, start, text)


def structured_token(pattern: str, index: int) -> Token:
    """The token of a JSON or space-delimited pattern that starts at ``index`` (not whitespace)."""
    char = pattern[index]
    pair = pattern[index : index + 2]
    if pattern.startswith("...", index):
        return Token("ELLIPSIS", "...", index, "...")
    if char in PUNCTUATION:
        return Token(PUNCTUATION[char], char, index, char)
    if pair in TWO_CHARACTER_SYMBOLS:
        return Token(TWO_CHARACTER_SYMBOLS[pair], pair, index, pair)
    if char in ONE_CHARACTER_OPERATORS:
        return Token("OP", char, index, char)
    if char in "&|":
        raise FilterPatternError(index, f"expected '{char * 2}', found a single '{char}'")
    if char == "!":
        raise FilterPatternError(index, "expected '!=', found a single '!'")
    if char == '"':
        return read_quoted(pattern, index)
    if char == "%":
        return read_regex(pattern, index)
    if char == "$":
        return read_selector(pattern, index)
    return read_word(pattern, index)


def skip_spaces(pattern: str, index: int) -> int:
    while index < len(pattern) and pattern[index].isspace():
        index += 1
    return index


def tokenize_structured(pattern: str) -> list[Token]:
    """Every token of a JSON or space-delimited pattern, then END."""
    tokens: list[Token] = []
    index = skip_spaces(pattern, 0)
    while index < len(pattern):
        token = structured_token(pattern, index)
        tokens.append(token)
        index = skip_spaces(pattern, index + len(token.text))
    tokens.append(Token("END", "", len(pattern)))
    return tokens


def read_term(pattern: str, start: int) -> Token:
    """A bare term: letters, digits and ``_`` only; anything else must be inside double quotes (AWS's rule)."""
    index = start
    while index < len(pattern) and not pattern[index].isspace():
        char = pattern[index]
        if char == "%":
            raise FilterPatternError(
                index, "a regular expression (%...%) must be the whole pattern when matching unstructured events"
            )
        if not (char.isalnum() or char == "_"):
            raise FilterPatternError(
                index,
                f"character {char!r} is not allowed in an unquoted term: enclose terms that contain characters "
                "other than letters, digits and '_' in double quotes",
            )
        index += 1
    text = pattern[start:index]
    return Token("TERM", text, start, text)


def term_token(pattern: str, index: int) -> Token:
    char = pattern[index]
    if char == "?":
        return Token("OPTIONAL", "?", index, "?")
    if char == "-":
        return Token("EXCLUDED", "-", index, "-")
    if char == '"':
        return read_quoted(pattern, index, "PHRASE")
    return read_term(pattern, index)


def tokenize_terms(pattern: str) -> list[Token]:
    """Every token of a term pattern (``ERROR -DEBUG ?"a phrase"``), then END."""
    tokens: list[Token] = []
    index = skip_spaces(pattern, 0)
    while index < len(pattern):
        token = term_token(pattern, index)
        tokens.append(token)
        index = skip_spaces(pattern, index + len(token.text))
    tokens.append(Token("END", "", len(pattern)))
    return tokens
