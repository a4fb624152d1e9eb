# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""A local engine for CloudWatch Logs filter patterns: what TestMetricFilter answers, without AWS.

``compile_pattern(pattern)`` reads a pattern (``FilterPatternError`` with the 0-based position and the reason
when it is malformed) into a ``FilterPattern`` whose ``match(message)`` is None or the extracted values;
``test_pattern(pattern, messages)`` answers like TestMetricFilter, in snake_case, numbering messages from 1.
The pattern goes tokenizer (``tokens``) -> parser (``parser``, the expression tree of ``tree``) -> evaluator
(``evaluator``, reading messages with ``messages``).

The syntax is the one AWS documents ("Filter pattern syntax for metric filters, subscription filters, filter log
events, and Live Tail"), with AWS's limits (1024 characters, 2 regular expressions and 3 wildcard selectors per
pattern, 1 wildcard per selector):

* empty: matches every message;
* terms: ``ERROR``, ``"quoted phrase"``, several terms (all must appear), ``?A ?B`` (any; ignored next to other
  terms, as documented), ``-term`` (must not appear); case sensitive, matched anywhere in the message; unquoted
  terms hold letters, digits and ``_`` only; ``" "`` matches every message;
* JSON ``{ ... }``: selectors ``$.a.b``, ``$.a[0]``, ``$.a[*]``, ``$.*``, ``$.['a.b']``; ``= != < > <= >=``;
  quoted or bare strings with ``*`` anywhere; numbers (sign, decimals, exponent) compared as numbers;
  ``%regex%``; ``IS NULL``, ``IS TRUE``, ``IS FALSE``, ``NOT EXISTS``; ``&&`` before ``||``, parentheses;
* space-delimited ``[ ... ]``: named fields, ``...``, unnamed fields, conditions with ``&&``/``||`` on a field;
  ``[`` ``]`` and ``"`` ``"`` group a message's field; the extracted values are ``$name`` for named fields and
  ``$<position>`` for the others;
* ``%regex%``: the subset of ``regex`` (see there).

Where the documentation leaves a case open, the engine reads it as follows (TestMetricFilter stays authoritative):
a JSON comparison matches only a string or a number, never an object, array, boolean, null or missing property
(with ``!=`` neither); a message that is not a JSON object matches no JSON pattern; a number in a pattern matches a
value whose text is that number (so ``$.recipientAccountId = 123456789012`` matches CloudTrail's string); a text
value must match the whole value, a regex anywhere in it.
"""

from __future__ import annotations

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.errors import (
    FilterPatternError,
)
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.pattern import FilterPattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.pattern import compile_pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern.pattern import test_pattern

__all__ = ["FilterPattern", "FilterPatternError", "compile_pattern", "test_pattern"]
