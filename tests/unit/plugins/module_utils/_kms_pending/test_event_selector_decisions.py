# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Decisions of cloudtrail_event_selectors: input checks, normalisation, one comparison for changed and diff."""

from __future__ import annotations

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_selector_decisions as decisions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Write

REGION = "eu-west-1"
TRAIL = "kmsguard-trail"


def selector(**overrides) -> dict:
    """A selector as AnsibleModule hands it over: suboption defaults filled in."""
    base = {
        "read_write_type": "All",
        "include_management_events": True,
        "exclude_management_event_sources": [],
        "data_resources": [],
    }
    return {**base, **overrides}


def params(event_selectors=None, **overrides) -> dict:
    return {
        "trail_name": TRAIL,
        "event_selectors": event_selectors,
        "replace_advanced_event_selectors": False,
        **overrides,
    }


PROCEDURE_AWS = {
    "ReadWriteType": "All",
    "IncludeManagementEvents": True,
    "DataResources": [],
    "ExcludeManagementEventSources": [],
}
S3_DATA = {"type": "AWS::S3::Object", "values": ["arn:aws:s3:::b/", "arn:aws:s3:::a/"]}


@pytest.mark.parametrize(
    ("options", "answer", "changed"),
    [
        # The procedure's selector, as AWS answers it with and without the fields it may leave out.
        (params(), {"EventSelectors": [PROCEDURE_AWS]}, False),
        (params(), {"EventSelectors": [{"ReadWriteType": "All"}]}, False),
        (params(), {"EventSelectors": [{}]}, False),
        (params(), {"EventSelectors": [PROCEDURE_AWS, PROCEDURE_AWS]}, False),
        (params(), {"EventSelectors": [{**PROCEDURE_AWS, "ReadWriteType": "WriteOnly"}]}, True),
        (
            params(),
            {"EventSelectors": [{**PROCEDURE_AWS, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]},
            True,
        ),
        (params(), {"EventSelectors": [{**PROCEDURE_AWS, "IncludeManagementEvents": False}]}, True),
        (params(), {"EventSelectors": [PROCEDURE_AWS, {**PROCEDURE_AWS, "ReadWriteType": "ReadOnly"}]}, True),
        (params(), {"AdvancedEventSelectors": [{"Name": "x", "FieldSelectors": []}]}, True),
        # Order of selectors, sources and values carries no meaning.
        (
            params([selector(data_resources=[S3_DATA]), selector(read_write_type="ReadOnly")]),
            {
                "EventSelectors": [
                    {"ReadWriteType": "ReadOnly"},
                    {"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::a/", "arn:aws:s3:::b/"]}]},
                ]
            },
            False,
        ),
        (
            params([selector(exclude_management_event_sources=["rdsdata.amazonaws.com", "kms.amazonaws.com"])]),
            {"EventSelectors": [{"ExcludeManagementEventSources": ["kms.amazonaws.com", "rdsdata.amazonaws.com"]}]},
            False,
        ),
        (params([selector(data_resources=[S3_DATA])]), {"EventSelectors": [PROCEDURE_AWS]}, True),
    ],
)
def test_one_comparison_gives_changed_and_the_write(options, answer, changed):
    plan = decisions.plan_selectors(options, {"TrailARN": "arn", **answer})
    assert plan.changed is changed
    assert plan.diff == {"before": decisions.current_state(answer), "after": plan.after}
    assert plan.after["advanced_event_selectors"] == []
    if changed:
        wanted = [decisions.aws_selector(s) for s in plan.after["event_selectors"]]
        assert plan.writes == (Write("put_event_selectors", {"TrailName": TRAIL, "EventSelectors": wanted}),)
    else:
        assert plan.writes == ()


def test_the_procedure_selectors_are_constants_and_pass_the_audit():
    plan = decisions.plan_selectors(params(), {"EventSelectors": [{**PROCEDURE_AWS, "ReadWriteType": "WriteOnly"}]})
    assert plan.writes[0].request["EventSelectors"] == list(constants.EVENT_SELECTORS)
    assert decisions.missed_kms_events(plan.after["event_selectors"]) == []


@pytest.mark.parametrize(
    ("selectors", "misses"),
    [
        ([selector(read_write_type="WriteOnly")], True),
        ([selector(exclude_management_event_sources=["kms.amazonaws.com"])], True),
        ([selector(include_management_events=False, data_resources=[S3_DATA])], True),
        ([selector(read_write_type="ReadOnly"), selector(read_write_type="WriteOnly")], False),
        ([selector(exclude_management_event_sources=["rdsdata.amazonaws.com"])], False),
    ],
)
def test_the_audit_verdict_on_the_selectors(selectors, misses):
    normalised = decisions.desired_selectors(params(selectors))
    assert bool(decisions.missed_kms_events(normalised)) is misses


def test_advanced_selectors_are_refused_unless_replaced():
    before = decisions.current_state({"AdvancedEventSelectors": [{"Name": "Mine", "FieldSelectors": []}]})
    [problem] = decisions.advanced_problems(params(), before)
    assert 'uses advanced event selectors ("Mine")' in problem
    assert decisions.advanced_problems(params(replace_advanced_event_selectors=True), before) == []
    assert decisions.advanced_problems(params(), decisions.current_state({"EventSelectors": [{}]})) == []


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (params(), []),
        (params(trail_name=f"arn:aws:cloudtrail:{REGION}:123456789012:trail/t"), []),
        (params(trail_name="ab"), ['trail_name "ab" is not a trail name']),
        (params(trail_name="-abc"), ['trail_name "-abc" is not a trail name']),
        (params(trail_name="arn:aws:cloudtrail:us-east-1:123456789012:trail/t"), ["is a trail of region us-east-1"]),
        (params(trail_name="arn:aws:logs:eu-west-1:123456789012:log-group:t"), ["is not a CloudTrail trail ARN"]),
        (params([]), ["event_selectors is empty"]),
        (params([selector()] * 6), ["has 6 selectors"]),
        (params([selector(exclude_management_event_sources=["s3.amazonaws.com"])]), ['"s3.amazonaws.com" cannot']),
        (
            params([selector(include_management_events=False, exclude_management_event_sources=["kms.amazonaws.com"])]),
            ["does not include management events", "records nothing"],
        ),
        (params([selector(data_resources=[{"type": "AWS::S3::Object", "values": []}])]), ["names no values"]),
        (params([selector(data_resources=[{"type": "S3", "values": ["x"]}])]), ['type "S3" is not one']),
    ],
)
def test_validation(options, expected):
    problems = decisions.validate_params(options, REGION)
    assert len(problems) == len(expected), problems
    for problem, fragment in zip(problems, expected, strict=True):
        assert fragment in problem
