# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The regular expressions of filter patterns (``%regex%``), checked against the subset AWS supports."""

from __future__ import annotations

import re

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.errors import (
    FilterPatternError,
)


def compile_regex(source: str, offset: int) -> re.Pattern[str]:
    """The Python regex for ``source``, which starts at ``offset`` in the pattern."""
    try:
        return re.compile(source)
    except re.error as e:
        raise FilterPatternError(offset + (e.pos or 0), f"invalid regular expression: {e.msg}") from e
