# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The one error a malformed filter pattern raises."""

from __future__ import annotations


class FilterPatternError(ValueError):
    """A malformed filter pattern: ``position`` is the 0-based offset in the pattern, ``reason`` what is wrong."""

    def __init__(self, position: int, reason: str) -> None:
        self.position = position
        self.reason = reason
        super().__init__(f"filter pattern error at position {position}: {reason}")
