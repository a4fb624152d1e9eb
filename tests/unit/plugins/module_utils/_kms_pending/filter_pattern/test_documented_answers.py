# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The local engine answers like TestMetricFilter: AWS's documented requests and answers, recorded in
tests/fixtures/metric_filter_api/documented_examples.json (source cited there)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_test_state

TESTS = next(folder for folder in Path(__file__).parents if folder.name == "tests")
RECORDING = TESTS / "fixtures" / "metric_filter_api" / "documented_examples.json"
DOCUMENTED = json.loads(RECORDING.read_text(encoding="utf-8"))
EXAMPLES = DOCUMENTED["examples"]


def corrected(example: dict) -> dict:
    """The documented answer with its errata applied (values that contradict the documented request)."""
    answer = copy.deepcopy(example["response"])
    for erratum in example["errata"]:
        values = answer["matches"][erratum["match"]]["extractedValues"]
        assert values[erratum["value"]] == erratum["documented"]
        values[erratum["value"]] = erratum["corrected"]
    return answer


def test_the_recording_cites_its_source() -> None:
    assert "API_TestMetricFilter.html" in DOCUMENTED["source"]
    assert len(EXAMPLES) == 7


@pytest.mark.parametrize("example", EXAMPLES, ids=[example["title"] for example in EXAMPLES])
def test_local_engine_gives_the_documented_answer(example: dict) -> None:
    request = example["request"]
    local = filter_pattern.test_pattern(request["filterPattern"], request["logEventMessages"])
    assert local == filter_test_state.api_matches(corrected(example)["matches"])
