# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Event selectors, basic and advanced, judged on the sample records of calls on a key pending deletion."""

from __future__ import annotations

import json

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_rules
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import trail_selectors as selectors

SAMPLES = list(audit_rules.procedure_samples().pending)
MANAGEMENT = {"Field": "eventCategory", "Equals": ["Management"]}


def advanced(*selector_fields: list[dict]) -> dict:
    return {"AdvancedEventSelectors": [{"Name": f"s{n}", "FieldSelectors": fs} for n, fs in enumerate(selector_fields)]}


def basic(*selector_list: dict) -> dict:
    return {"EventSelectors": list(selector_list)}


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        pytest.param({}, None, id="nothing-set-is-the-default"),
        pytest.param(basic(selectors.DEFAULT_EVENT_SELECTOR), None, id="default"),
        pytest.param(basic({"ReadWriteType": "ReadOnly"}), None, id="read-only"),
        pytest.param(basic({"ReadWriteType": "WriteOnly"}), selectors.WRITE_ONLY, id="write-only"),
        pytest.param(
            basic({"ReadWriteType": "All", "IncludeManagementEvents": False, "DataResources": [{"Type": "x"}]}),
            selectors.NO_MANAGEMENT_EVENTS,
            id="data-only",
        ),
        pytest.param(
            basic({"ExcludeManagementEventSources": ["kms.amazonaws.com"]}), selectors.EXCLUDES_KMS, id="kms-excluded"
        ),
        pytest.param(basic({"ExcludeManagementEventSources": ["rdsdata.amazonaws.com"]}), None, id="rds-data-excluded"),
        pytest.param(
            basic(
                {"ReadWriteType": "WriteOnly"},
                {"ReadWriteType": "ReadOnly", "ExcludeManagementEventSources": ["kms.amazonaws.com"]},
            ),
            selectors.EXCLUDES_KMS,
            id="reads-only-where-kms-is-excluded",
        ),
        pytest.param(
            basic({"ReadWriteType": "WriteOnly"}, {"ReadWriteType": "ReadOnly"}), None, id="write-plus-read-selector"
        ),
        pytest.param(advanced([MANAGEMENT]), None, id="advanced-all-management"),
        pytest.param(advanced([MANAGEMENT, {"Field": "readOnly", "Equals": ["true"]}]), None, id="advanced-read-only"),
        pytest.param(
            advanced([MANAGEMENT, {"Field": "readOnly", "Equals": ["false"]}]),
            selectors.WRITE_ONLY,
            id="advanced-write-only",
        ),
        pytest.param(
            advanced([{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["x"]}]),
            selectors.NO_MANAGEMENT_EVENTS,
            id="advanced-data-only",
        ),
        pytest.param(
            advanced([MANAGEMENT, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}]),
            selectors.EXCLUDES_KMS,
            id="advanced-kms-excluded",
        ),
        pytest.param(
            advanced([MANAGEMENT, {"Field": "eventSource", "NotStartsWith": ["kms"]}]),
            selectors.EXCLUDES_KMS,
            id="advanced-kms-prefix-excluded",
        ),
        pytest.param(
            advanced([MANAGEMENT, {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]}]), None, id="kms-only"
        ),
        pytest.param(
            advanced([MANAGEMENT, {"Field": "eventName", "Equals": ["ScheduleKeyDeletion"]}]),
            selectors.OTHER,
            id="advanced-other-events",
        ),
        pytest.param(
            advanced(
                [MANAGEMENT, {"Field": "readOnly", "Equals": ["false"]}],
                [MANAGEMENT, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}],
            ),
            selectors.EXCLUDES_KMS,
            id="advanced-reads-only-without-kms",
        ),
        pytest.param(
            advanced(
                [MANAGEMENT, {"Field": "readOnly", "Equals": ["false"]}],
                [MANAGEMENT, {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]}],
            ),
            None,
            id="advanced-kms-selector-beside-write-only",
        ),
    ],
)
def test_judge_selectors(answer, cause):
    verdict = selectors.judge_selectors(answer, SAMPLES)
    assert verdict.cause == cause
    assert verdict.records_all is (cause is None)
    if cause:
        assert set(verdict.missed) <= {label for label, _message in SAMPLES}
        assert verdict.missed


def test_a_selector_that_records_some_samples_names_the_missed_ones():
    decrypt_only = advanced([MANAGEMENT, {"Field": "eventName", "Equals": ["Decrypt"]}])
    verdict = selectors.judge_selectors(decrypt_only, SAMPLES)
    missed_events = [json.loads(message)["eventName"] for label, message in SAMPLES if label in verdict.missed]
    assert missed_events
    assert "Decrypt" not in missed_events


@pytest.mark.parametrize(
    ("condition", "event", "rejecting"),
    [
        pytest.param({"Field": "readOnly", "Equals": ["true"]}, {"readOnly": True}, set(), id="bool-as-text"),
        pytest.param({"Field": "readOnly", "Equals": ["true"]}, {"readOnly": False}, {"readOnly"}, id="bool-false"),
        pytest.param({"Field": "eventCategory", "Equals": ["Management"]}, {}, set(), id="old-records-management"),
        pytest.param({"Field": "eventName", "StartsWith": ["Gen"]}, {"eventName": "GenerateDataKey"}, set(), id="sw"),
        pytest.param({"Field": "eventName", "EndsWith": ["Key"]}, {"eventName": "Decrypt"}, {"eventName"}, id="ew"),
        pytest.param({"Field": "eventName", "NotEndsWith": ["Key"]}, {"eventName": "Decrypt"}, set(), id="new"),
        pytest.param(
            {"Field": "userIdentity.arn", "Equals": ["arn:x"]}, {"userIdentity": {"arn": "arn:x"}}, set(), id="dotted"
        ),
        pytest.param({"Field": "errorCode", "NotEquals": ["x"]}, {}, set(), id="absent-field-not-equal"),
        pytest.param(
            {"Field": "eventSource", "NotStartsWith": ["s3"], "NotEquals": ["kms.amazonaws.com"]},
            {"eventSource": "kms.amazonaws.com"},
            {"eventSource"},
            id="operators-of-one-field-all-hold",
        ),
    ],
)
def test_rejecting_fields(condition, event, rejecting):
    assert selectors.rejecting_fields([condition], event) == rejecting
