# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Evaluator of the expression tree against one log event message.

``evaluate(tree, message)`` is None when the message does not match, else the extracted values: ``{}`` for every
form but space-delimited patterns, which extract each field as TestMetricFilter reports it (``$name`` for a named
field, ``$<position>`` counted from 1 for an unnamed field and for each field an ellipsis covers).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import messages
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import values
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import AllPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import And
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Check
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Comparison
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Expression
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import JsonPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Or
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import RegexPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Slot
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import (
    SpaceDelimitedPattern,
)
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import Step
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.tree import TermsPattern

CHECKED_VALUES = {"IS NULL": None, "IS TRUE": True, "IS FALSE": False}


def holds(expression: Expression, leaf: Callable[[Any], bool]) -> bool:
    """Whether an ``&&``/``||`` tree holds, ``leaf`` deciding each comparison or check."""
    if isinstance(expression, And):
        return holds(expression.left, leaf) and holds(expression.right, leaf)
    if isinstance(expression, Or):
        return holds(expression.left, leaf) or holds(expression.right, leaf)
    return leaf(expression)


# JSON patterns


def step_into(node: Any, step: Step) -> list[Any]:
    """The values one selector step reaches from ``node``: none when absent, several for a wildcard."""
    if step.kind == "name":
        return [node[step.name]] if isinstance(node, dict) and step.name in node else []
    if step.kind == "any_field":
        return list(node.values()) if isinstance(node, dict) else []
    if not isinstance(node, list):
        return []
    if step.kind == "any_element":
        return list(node)
    return [node[step.index]] if step.index < len(node) else []


def resolve(document: dict[str, Any], steps: tuple[Step, ...]) -> list[Any]:
    """Every value a selector reaches in the document; empty when the property does not exist."""
    nodes: list[Any] = [document]
    for step in steps:
        nodes = [child for node in nodes for child in step_into(node, step)]
    return nodes


def json_leaf(document: dict[str, Any]) -> Callable[[Any], bool]:
    """How one comparison or check of a JSON pattern is decided for this document.

    A comparison needs the selector to reach a string or a number (AWS: "value nodes can be strings or numbers");
    a missing property, an object, an array, a boolean or null never matches, with ``!=`` neither. Booleans and
    null are matched with IS TRUE, IS FALSE, IS NULL; a missing property with NOT EXISTS.
    """

    def decide(leaf: Comparison | Check) -> bool:
        found = resolve(document, leaf.selector.steps if isinstance(leaf, Check) else leaf.target.steps)
        if isinstance(leaf, Check):
            return not found if leaf.test == "NOT EXISTS" else any(v is CHECKED_VALUES[leaf.test] for v in found)
        return any(isinstance(v, str) and values.compare_text(v, leaf.operator, leaf.value) for v in found)

    return decide


def evaluate_json(pattern: JsonPattern, message: str) -> dict[str, str] | None:
    document = messages.json_object(message)
    if document is None or not holds(pattern.expression, json_leaf(document)):
        return None
    return {}


# Space-delimited patterns


def compared_fields(expression: Expression) -> set[str]:
    if isinstance(expression, (And, Or)):
        return compared_fields(expression.left) | compared_fields(expression.right)
    return {expression.target} if isinstance(expression, Comparison) and isinstance(expression.target, str) else set()


def field_fits(slot: Slot, text: str) -> bool:
    """Whether a field can fill the slot, as far as the slot's own condition tells (others are checked later)."""
    if slot.condition is None or compared_fields(slot.condition) != {slot.name}:
        return True
    return conditions_hold((slot,), {slot.name: text})


def widths(
    slots: tuple[Slot, ...], fields: list[str], start: int = 0, dead: set[tuple[int, int]] | None = None
) -> Iterator[tuple[int, ...]]:
    """Every way to give each slot its fields (1 each, any number for ``...``), fewest to the first ``...``.

    A slot whose own condition refuses the field in its place ends that way early, and ``dead`` remembers the
    (slots left, first field) states that yielded nothing, so that ellipses cost no more than a pass each.
    """
    dead = set() if dead is None else dead
    state = (len(slots), start)
    if state in dead:
        return
    found = False
    for spans in assignments_from(slots, fields, start, dead):
        found = True
        yield spans
    if not found:
        dead.add(state)


def assignments_from(
    slots: tuple[Slot, ...], fields: list[str], start: int, dead: set[tuple[int, int]]
) -> Iterator[tuple[int, ...]]:
    """The slots up to the next ``...`` take one field each, in a loop; only ellipses recurse."""
    fixed = 0
    while fixed < len(slots) and not slots[fixed].ellipsis:
        if start + fixed >= len(fields) or not field_fits(slots[fixed], fields[start + fixed]):
            return
        fixed += 1
    head, position = (1,) * fixed, start + fixed
    if fixed == len(slots):
        if position == len(fields):
            yield head
        return
    after = slots[fixed + 1 :]
    needed = sum(not later.ellipsis for later in after)
    for width in range(len(fields) - position - needed + 1):
        yield from ((*head, width, *tail) for tail in widths(after, fields, position + width, dead))


def extract(slots: tuple[Slot, ...], spans: tuple[int, ...], fields: list[str]) -> dict[str, str]:
    """The extracted values of one assignment of fields to slots."""
    extracted: dict[str, str] = {}
    position = 0
    for slot, width in zip(slots, spans, strict=True):
        for offset in range(width):
            key = slot.name if slot.name and not slot.ellipsis else str(position + offset + 1)
            extracted[f"${key}"] = fields[position + offset]
        position += width
    return extracted


def named_fields(slots: tuple[Slot, ...], spans: tuple[int, ...], fields: list[str]) -> dict[str, str]:
    """The value of each named field under one assignment (what the conditions compare; cheap to build)."""
    named: dict[str, str] = {}
    position = 0
    for slot, width in zip(slots, spans, strict=True):
        if slot.name and not slot.ellipsis:
            named[slot.name] = fields[position]
        position += width
    return named


def conditions_hold(slots: tuple[Slot, ...], named: dict[str, str]) -> bool:
    def decide(comparison: Comparison) -> bool:
        return values.compare_text(named[comparison.target], comparison.operator, comparison.value)

    return all(slot.condition is None or holds(slot.condition, decide) for slot in slots)


def evaluate_space_delimited(pattern: SpaceDelimitedPattern, message: str) -> dict[str, str] | None:
    """The first assignment of the message's fields to the slots that meets every condition, extracted."""
    fields = messages.split_fields(message)
    for spans in widths(pattern.slots, fields):
        if conditions_hold(pattern.slots, named_fields(pattern.slots, spans, fields)):
            return extract(pattern.slots, spans, fields)
    return None


# Term and regex patterns


def contains(message: str, text: str) -> bool:
    """A term matches where it appears anywhere, case sensitive; a blank phrase (``" "``) matches everything."""
    return not text.strip() or text in message


def evaluate_terms(pattern: TermsPattern, message: str) -> dict[str, str] | None:
    """All required terms and no excluded term; with neither, any optional term. Optional terms next to required
    or excluded ones are ignored, as AWS documents."""
    by_kind: dict[str, list[str]] = {"required": [], "optional": [], "excluded": []}
    for term in pattern.terms:
        by_kind[term.kind].append(term.text)
    if by_kind["required"] or by_kind["excluded"]:
        matched = all(contains(message, text) for text in by_kind["required"]) and not any(
            contains(message, text) for text in by_kind["excluded"]
        )
    else:
        matched = any(contains(message, text) for text in by_kind["optional"])
    return {} if matched else None


def evaluate_regex(pattern: RegexPattern, message: str) -> dict[str, str] | None:
    return {} if pattern.regex.compiled.search(message) else None


def evaluate(pattern: Pattern, message: str) -> dict[str, str] | None:
    if isinstance(pattern, AllPattern):
        return {}
    if isinstance(pattern, JsonPattern):
        return evaluate_json(pattern, message)
    if isinstance(pattern, SpaceDelimitedPattern):
        return evaluate_space_delimited(pattern, message)
    if isinstance(pattern, RegexPattern):
        return evaluate_regex(pattern, message)
    return evaluate_terms(pattern, message)
