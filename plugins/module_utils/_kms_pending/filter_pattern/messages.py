# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""How the evaluator reads a log event message: as a JSON object, or as space-delimited fields."""

from __future__ import annotations

import json
from typing import Any


class JsonNumber(str):
    """A JSON number, kept as the text the message spells it with (``1.50`` stays ``1.50``)."""


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_object(message: str) -> dict[str, Any] | None:
    """The message as a JSON object; None when it is not one (a JSON pattern then never matches it)."""
    try:
        document = json.loads(message, parse_int=JsonNumber, parse_float=JsonNumber, parse_constant=reject_constant)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's json reads
        return None
    return document if isinstance(document, dict) else None


def enclosed_field(message: str, start: int, closing: str) -> tuple[str, int]:
    """The field that ``message[start]`` (a ``[`` or ``"``) opens: the text up to ``closing``, and the offset after."""
    end = message.find(closing, start + 1)
    if end < 0:
        return message[start + 1 :], len(message)
    return message[start + 1 : end], end + 1


def plain_field(message: str, start: int) -> tuple[str, int]:
    end = start
    while end < len(message) and not message[end].isspace():
        end += 1
    return message[start:end], end


def split_fields(message: str) -> list[str]:
    """The fields of a space-delimited message: runs of non-blank characters, except that the characters between
    ``[`` and ``]`` or between two ``"`` form one field (without the brackets or quotes), as AWS documents."""
    fields: list[str] = []
    index = 0
    while True:
        while index < len(message) and message[index].isspace():
            index += 1
        if index >= len(message):
            return fields
        opening = message[index]
        if opening in '["':
            field, index = enclosed_field(message, index, "]" if opening == "[" else '"')
        else:
            field, index = plain_field(message, index)
        fields.append(field)
