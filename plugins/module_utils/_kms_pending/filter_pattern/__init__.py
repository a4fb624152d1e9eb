# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""A local engine for CloudWatch Logs filter patterns: what TestMetricFilter would answer, without AWS.

Use ``compile_pattern(pattern).match(message)`` or ``test_pattern(pattern, messages)``. The pattern goes
tokenizer (``tokens``) -> parser (``parser``, an expression tree of ``tree``) -> evaluator (``evaluator``).
"""

from __future__ import annotations

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.errors import (
    FilterPatternError,
)
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.pattern import FilterPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.pattern import compile_pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.pattern import test_pattern

__all__ = ["FilterPattern", "FilterPatternError", "compile_pattern", "test_pattern"]
