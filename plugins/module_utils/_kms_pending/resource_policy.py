# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Whether a resource policy (an SNS topic policy, a KMS key policy) lets an AWS service act. Pure: no AWS call.

Only what the audit needs is modelled: a service principal calling with a known request context (the keys a
service sends, such as ``aws:SourceAccount`` and ``aws:SourceArn``). An explicit Deny wins over any Allow. A
condition on a key outside that context, or an operator this evaluator does not know, makes the answer unknown
(``allowed is None``) rather than a guess.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_NEGATED = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike")


@dataclass(frozen=True)
class PolicyVerdict:
    """``allowed``: True, False, or None when the policy cannot be judged; ``reason`` says why in words."""

    allowed: bool | None
    reason: str


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM wildcard matching: ``*`` any run of characters, ``?`` one character, nothing else special."""
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, flags=re.IGNORECASE if ignore_case else 0) is not None


def _names_principal(principal: Any, service: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return "*" in _as_list(principal.get("AWS")) or service in _as_list(principal.get("Service"))


def _principal_matches(statement: dict[str, Any], service: str) -> bool:
    if "NotPrincipal" in statement:
        return not _names_principal(statement["NotPrincipal"], service)
    return _names_principal(statement.get("Principal"), service)


def _action_matches(statement: dict[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(_glob(pattern, action, ignore_case=True) for pattern in _as_list(statement["NotAction"]))
    return any(_glob(pattern, action, ignore_case=True) for pattern in _as_list(statement.get("Action")))


def _resource_matches(statement: dict[str, Any], resource: str) -> bool:
    if "NotResource" in statement:
        return not any(_glob(pattern, resource) for pattern in _as_list(statement["NotResource"]))
    if "Resource" not in statement:
        return True  # key policies name no resource other than the key itself ("*")
    return any(_glob(pattern, resource) for pattern in _as_list(statement["Resource"]))


def _value_matches(operator: str, wanted: str, actual: str) -> bool | None:
    if operator in ("StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike"):
        return _glob(wanted, actual) if "Arn" in operator and "Like" in operator else wanted == actual
    if operator in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        return wanted.lower() == actual.lower()
    if operator in ("StringLike", "StringNotLike"):
        return _glob(wanted, actual)
    if operator == "Bool":
        return wanted.lower() == actual.lower()
    return None


def _condition_holds(operator: str, key: str, wanted: Any, context: dict[str, str]) -> bool | None:
    """One condition: True, False, or None when it cannot be judged (unknown operator or key)."""
    base = operator.split(":", 1)[-1]  # ForAnyValue:/ForAllValues: on a single-valued key change nothing here
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    known = {name.lower(): value for name, value in context.items()}
    if key.lower() not in known:
        return True if if_exists else None
    actual = known[key.lower()]
    results = [_value_matches(base, str(value), actual) for value in _as_list(wanted)]
    if None in results:
        return None
    return not any(results) if base in _NEGATED else any(results)


def _conditions_hold(statement: dict[str, Any], context: dict[str, str]) -> tuple[bool | None, str]:
    unknown = ""
    for operator, keys in (statement.get("Condition") or {}).items():
        for key, wanted in (keys or {}).items():
            holds = _condition_holds(operator, key, wanted, context)
            if holds is False:
                return False, ""
            if holds is None:
                unknown = f"{operator} on {key}"
    return (None, unknown) if unknown else (True, "")


def _statements(policy: str | dict[str, Any] | None) -> list[dict[str, Any]] | None:
    if not policy:
        return []
    try:
        document = json.loads(policy) if isinstance(policy, str) else policy
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, dict)]


def _name(statement: dict[str, Any], number: int) -> str:
    return f"statement {statement['Sid']!r}" if statement.get("Sid") else f"statement #{number}"


def evaluate(
    policy: str | dict[str, Any] | None, service: str, action: str, resource: str, context: dict[str, str]
) -> PolicyVerdict:
    """Whether ``policy`` lets the service principal ``service`` do ``action`` on ``resource`` with ``context``."""
    statements = _statements(policy)
    if statements is None:
        return PolicyVerdict(None, "the policy is not a JSON policy document")
    applicable = [
        (number, statement)
        for number, statement in enumerate(statements, start=1)
        if _principal_matches(statement, service)
        and _action_matches(statement, action)
        and _resource_matches(statement, resource)
    ]
    verdicts = [(number, statement, *_conditions_hold(statement, context)) for number, statement in applicable]
    for number, statement, holds, unknown in verdicts:
        if statement.get("Effect") == "Deny" and holds is not False:
            what = "denies" if holds else f"may deny (cannot judge {unknown})"
            return PolicyVerdict(False if holds else None, f"{_name(statement, number)} {what} {action}")
    allows = [verdict for verdict in verdicts if verdict[1].get("Effect") == "Allow"]
    granting = [(number, statement) for number, statement, holds, _unknown in allows if holds]
    if granting:
        number, statement = granting[0]
        return PolicyVerdict(True, f"{_name(statement, number)} allows {action}")
    undecided = [(number, statement, unknown) for number, statement, holds, unknown in allows if holds is None]
    if undecided:
        number, statement, unknown = undecided[0]
        return PolicyVerdict(None, f"{_name(statement, number)} may allow {action} (cannot judge {unknown})")
    if allows:
        return PolicyVerdict(False, f"the conditions of every statement that allows {action} exclude this request")
    return PolicyVerdict(False, f"no statement allows {service} {action}")


def evaluate_all(
    policy: str | dict[str, Any] | None, service: str, actions: list[str], resource: str, context: dict[str, str]
) -> PolicyVerdict:
    """``evaluate`` for several actions that must all be allowed: the first one that is not decides."""
    verdicts = [evaluate(policy, service, action, resource, context) for action in actions]
    return next((verdict for verdict in verdicts if verdict.allowed is not True), verdicts[-1])
