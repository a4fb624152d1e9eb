# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Kill a process and everything it started, at once, as an operator's ``kill -9`` of a whole run does (Linux).

Killing ansible-playbook's process group is not enough: ansible-core (2.21) starts each worker in a session of its
own (``os.setsid()`` in WorkerProcess), so a worker and its module survive and finish their AWS calls. So the whole
tree is frozen first (SIGSTOP, until no new process appears: a stopped process cannot start another), then killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # ended meanwhile
        os.kill(pid, signum)


def kill_tree(pid: int) -> list[int]:
    """SIGKILL ``pid`` and all its descendants; return the pids killed."""
    frozen: list[int] = []
    pending = [pid]
    while pending:
        current = pending.pop()
        _signal(current, signal.SIGSTOP)
        frozen.append(current)
        pending += sorted(children(current) - set(frozen))
    for process in frozen:
        _signal(process, signal.SIGKILL)
    return frozen
