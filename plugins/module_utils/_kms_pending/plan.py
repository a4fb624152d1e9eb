# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The one decision shape of the collection's modules: validate -> one read -> pure plan -> write unless check mode.

Each module's ``*_decisions.py`` turns the options and what the one read found into a ``Plan``: the resource
``before`` and ``after`` the run (the two sides of the diff, so one comparison gives ``changed`` and the diff) and
the ``writes`` that take it from one to the other, decided at the same time. ``finish`` only executes those writes,
in order, and never in check mode, so a check run reports exactly what a real run does.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Write:
    """One write API call: the boto3 client method's name and its keyword arguments, exactly as sent."""

    operation: str
    request: dict[str, Any]


@dataclass(frozen=True)
class Plan:
    """What a run does. ``before``/``after`` are in the shape the module reports; {} stands for no resource."""

    before: dict[str, Any]
    after: dict[str, Any]
    writes: tuple[Write, ...] = ()

    def __post_init__(self) -> None:
        # A change without a write would report what never happens; a write without a change would break the
        # idempotence the diff promises. Either is a bug in a decision function: stop before any write.
        if self.changed != bool(self.writes):
            raise ValueError(f"inconsistent plan: changed={self.changed} but writes={self.writes}")

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def diff(self) -> dict[str, dict[str, Any]]:
        return {"before": self.before, "after": self.after}


# How a module executes a write: the API function of its service module that makes the call named by
# Write.operation, given the client and the request.
Writers = Mapping[str, Callable[[Any, dict[str, Any]], Any]]


def fail_on_problems(module, problems: list[str]) -> None:
    """Fail before any AWS call when the options have problems; every problem is named at once."""
    if problems:
        module.fail_json(msg=" ".join(problems), problems=problems)


def apply(client, plan: Plan, writers: Writers) -> list[Any]:
    """Make the plan's writes, in order, and return their answers (a module may report an ARN a write created).
    Nothing is decided here."""
    return [writers[write.operation](client, write.request) for write in plan.writes]


def finish(module, client, plan: Plan, writers: Writers, result: dict[str, Any]) -> None:
    """Write unless in check mode, then exit with ``changed``, ``result`` and, under ``--diff``, the diff.

    ``result`` is computed from the plan before any write, so check mode and a real run return the same.
    """
    if not module.check_mode:
        apply(client, plan, writers)
    if module._diff:  # pylint: disable=protected-access
        result = {**result, "diff": plan.diff}
    module.exit_json(changed=plan.changed, **result)
