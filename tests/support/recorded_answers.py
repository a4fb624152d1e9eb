# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TestMetricFilter's documented requests and answers (tests/fixtures/metric_filter_api/documented_examples.json).

The unit tests hold the local engine to them, and the test endpoint replays them (moto_fidelity.py).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

RECORDING = Path(__file__).resolve().parents[1] / "fixtures" / "metric_filter_api" / "documented_examples.json"


def documented() -> dict:
    """The whole recording: ``source``, ``notes`` and ``examples`` (title, request, response, errata)."""
    return json.loads(RECORDING.read_text(encoding="utf-8"))


def corrected_answer(example: dict) -> dict:
    """The documented answer with its errata applied: values the documentation got wrong for its own request."""
    answer = copy.deepcopy(example["response"])
    for erratum in example["errata"]:
        values = answer["matches"][erratum["match"]]["extractedValues"]
        if values[erratum["value"]] != erratum["documented"]:
            raise ValueError(f"erratum does not fit {example['title']!r}: {erratum}")
        values[erratum["value"]] = erratum["corrected"]
    return answer


def answers_by_request() -> dict[tuple[str, tuple[str, ...]], dict]:
    """Each recorded request, as (filterPattern, logEventMessages), and the answer AWS gives it."""
    return {
        (example["request"]["filterPattern"], tuple(example["request"]["logEventMessages"])): corrected_answer(example)
        for example in documented()["examples"]
    }
