# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The local engine answers like TestMetricFilter: AWS's documented requests and answers, recorded in
tests/fixtures/metric_filter_api/documented_examples.json (source cited there)."""

from __future__ import annotations

import pytest

import recorded_answers
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_test_state

DOCUMENTED = recorded_answers.documented()
EXAMPLES = DOCUMENTED["examples"]


def test_the_recording_cites_its_source_and_corrects_only_what_contradicts_its_request() -> None:
    assert "API_TestMetricFilter.html" in DOCUMENTED["source"]
    assert len(EXAMPLES) == 7
    errata = [erratum for example in EXAMPLES for erratum in example["errata"]]
    assert [(erratum["documented"], erratum["corrected"]) for erratum in errata] == [
        ("1534,", "1534"),
        ("5324,", "5324"),
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=[example["title"] for example in EXAMPLES])
def test_local_engine_gives_the_documented_answer(example: dict) -> None:
    request = example["request"]
    local = filter_pattern.test_pattern(request["filterPattern"], request["logEventMessages"])
    assert local == filter_test_state.api_matches(recorded_answers.corrected_answer(example)["matches"])
