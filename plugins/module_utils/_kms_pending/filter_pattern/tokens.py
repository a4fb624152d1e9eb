# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Tokenizer of filter patterns: characters -> tokens that remember their position in the pattern.

Two lexical grammars: the structured one of JSON ``{ ... }`` and space-delimited ``[ ... ]`` patterns, and the
one of term patterns (words, quoted phrases, ``?`` and ``-`` prefixes). Both read ``"quoted"`` strings (``\\"``
and ``\\\\`` escape a quote and a backslash) and ``%regex%`` the same way.
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
# A bare word ends at these (and at whitespace); "!" only where "!=" starts.
WORD_TERMINATORS = set(PUNCTUATION) | {'"', "=", "<", ">", "&", "|", "%"}
SELECTOR_CHARACTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.[]*@:$")


@dataclass(frozen=True)
class Token:
    """``kind`` is one of the names above, or STRING, REGEX, WORD, SELECTOR, ELLIPSIS, END; ``value`` is unescaped."""

    kind: str
    text: str
    position: int
    value: str = ""


def read_quoted(pattern: str, start: int) -> Token:
    """The quoted string that opens at ``start``; ``value`` without the quotes and with escapes resolved."""
    chars: list[str] = []
    index = start + 1
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern) and pattern[index + 1] in '"\\':
            chars.append(pattern[index + 1])
            index += 2
            continue
        if char == '"':
            return Token("STRING", pattern[start : index + 1], start, "".join(chars))
        chars.append(char)
        index += 1
    raise FilterPatternError(start, "unterminated quoted string: a '\"' opens here and is never closed")


def read_regex(pattern: str, start: int) -> Token:
    """The ``%regex%`` that opens at ``start``; ``value`` is the regex between the percent signs."""
    end = pattern.find("%", start + 1)
    if end < 0:
        raise FilterPatternError(start, "unterminated regular expression: a '%' opens here and is never closed")
    if end == start + 1:
        raise FilterPatternError(start, "empty regular expression '%%'")
    return Token("REGEX", pattern[start : end + 1], start, pattern[start + 1 : end])


def read_word(pattern: str, start: int, terminators: set[str]) -> Token:
    index = start
    while index < len(pattern) and not pattern[index].isspace() and pattern[index] not in terminators:
        if pattern.startswith("!=", index):
            break
        index += 1
    text = pattern[start:index]
    return Token("WORD", text, start, text)


def read_selector(pattern: str, start: int) -> Token:
    """``$`` and the path after it (``$.a.b[0]``), one token; the parser checks its inner syntax."""
    index = start + 1
    while index < len(pattern) and pattern[index] in SELECTOR_CHARACTERS:
        index += 1
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
    if char == '"':
        return read_quoted(pattern, index)
    if char == "%":
        return read_regex(pattern, index)
    if char == "$":
        return read_selector(pattern, index)
    if char == "!":
        raise FilterPatternError(index, "expected '!=', found a single '!'")
    return read_word(pattern, index, WORD_TERMINATORS)


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
