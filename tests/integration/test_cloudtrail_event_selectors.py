# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kmsguard.alarms.cloudtrail_event_selectors in real ansible-playbook runs against the moto server.

The selectors are read back with boto3, and the server's call record holds the module to its API budget: one
GetEventSelectors per run, one PutEventSelectors per change, no call at all for bad input.
"""

from __future__ import annotations

import pytest

MODULE = "kmsguard.alarms.cloudtrail_event_selectors"
GET = "GetEventSelectors"
PUT = "PutEventSelectors"
PROCEDURE = [
    {
        "read_write_type": "All",
        "include_management_events": True,
        "exclude_management_event_sources": [],
        "data_resources": [],
    }
]
WRITE_ONLY_WITHOUT_KMS = [
    {"read_write_type": "WriteOnly", "exclude_management_event_sources": ["kms.amazonaws.com"]},
]


def task(name: str, **options) -> dict:
    extra = {key: options.pop(key) for key in ("check_mode", "diff", "ignore_errors") if key in options}
    return {"name": name, MODULE: options, **extra}


@pytest.fixture
def cloudtrail(aws_client):
    return aws_client("cloudtrail")


@pytest.fixture
def trail(aws_client, cloudtrail, unique_name) -> str:
    s3 = aws_client("s3")
    s3.create_bucket(Bucket=unique_name)
    return cloudtrail.create_trail(Name=unique_name, S3BucketName=unique_name)["TrailARN"]


def selectors_in_effect(cloudtrail, trail: str) -> dict:
    answer = cloudtrail.get_event_selectors(TrailName=trail)
    answer.pop("ResponseMetadata")
    answer.pop("TrailARN")
    return answer


def test_check_mode_apply_rerun_drift(run_playbook, cloudtrail, trail, moto_endpoint):
    cloudtrail.put_event_selectors(
        TrailName=trail,
        EventSelectors=[{"ReadWriteType": "WriteOnly", "ExcludeManagementEventSources": ["kms.amazonaws.com"]}],
    )
    before = [
        {
            "read_write_type": "WriteOnly",
            "include_management_events": True,
            "exclude_management_event_sources": ["kms.amazonaws.com"],
            "data_resources": [],
        }
    ]
    moto_endpoint.forget_calls()
    checked = run_playbook([task("selectors", trail_name=trail)], check=True, diff=True)
    assert checked.rc == 0, checked.stdout
    predicted = checked.result("selectors")
    assert predicted["changed"] is True
    assert predicted["diff"] == {
        "before": {"event_selectors": before, "advanced_event_selectors": []},
        "after": {"event_selectors": PROCEDURE, "advanced_event_selectors": []},
    }
    assert predicted["event_selectors"] == PROCEDURE
    assert predicted["records_kms_pending_deletion_calls"] is True
    assert predicted["trail_arn"] == trail
    assert moto_endpoint.operations() == [GET]

    moto_endpoint.forget_calls()
    applied = run_playbook([task("selectors", trail_name=trail), task("again", trail_name=trail)], diff=True)
    assert applied.rc == 0, applied.stdout
    assert [applied.result(name)["changed"] for name in ("selectors", "again")] == [True, False]
    assert moto_endpoint.operations() == [GET, PUT, GET]
    assert selectors_in_effect(cloudtrail, trail) == {
        "EventSelectors": [
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [],
                "ExcludeManagementEventSources": [],
            }
        ]
    }

    # The same selectors written another way (defaults left out, values in another order) are no change.
    cloudtrail.put_event_selectors(TrailName=trail, EventSelectors=[{"ReadWriteType": "All"}])
    moto_endpoint.forget_calls()
    rerun = run_playbook([task("same", trail_name=trail)], check=True, diff=True)
    assert rerun.rc == 0, rerun.stdout
    assert rerun.result("same")["changed"] is False
    assert moto_endpoint.operations() == [GET]


def test_own_selectors_and_a_write_only_trail(run_playbook, cloudtrail, trail):
    selectors = [
        {
            "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::b/", "arn:aws:s3:::a/"]}],
            "include_management_events": True,
        },
    ]
    run = run_playbook(
        [
            task("data", trail_name=trail, event_selectors=selectors),
            task("data again", trail_name=trail, event_selectors=selectors),
            task("write only", trail_name=trail, event_selectors=WRITE_ONLY_WITHOUT_KMS),
        ]
    )
    assert run.rc == 0, run.stdout
    assert [run.result(name)["changed"] for name in ("data", "data again", "write only")] == [True, False, True]
    assert run.result("data")["event_selectors"][0]["data_resources"] == [
        {"type": "AWS::S3::Object", "values": ["arn:aws:s3:::a/", "arn:aws:s3:::b/"]}
    ]
    # The audit's verdict: a write-only trail that excludes KMS misses the calls on a key pending deletion.
    assert run.result("data")["records_kms_pending_deletion_calls"] is True
    assert run.result("write only")["records_kms_pending_deletion_calls"] is False


ADVANCED = [
    {
        "Name": "Management events only",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "readOnly", "Equals": ["false"]},
        ],
    }
]


def test_advanced_selectors_are_kept_unless_replaced(run_playbook, cloudtrail, trail, moto_endpoint):
    cloudtrail.put_event_selectors(TrailName=trail, AdvancedEventSelectors=ADVANCED)

    moto_endpoint.forget_calls()
    refused = run_playbook([task("basic", trail_name=trail)], diff=True)
    assert refused.rc != 0
    message = refused.result("basic")["msg"]
    assert "uses advanced event selectors" in message and '"Management events only"' in message
    assert "replace_advanced_event_selectors" in message
    assert moto_endpoint.operations() == [GET]
    assert selectors_in_effect(cloudtrail, trail) == {"AdvancedEventSelectors": ADVANCED}

    moto_endpoint.forget_calls()
    replaced = run_playbook([task("basic", trail_name=trail, replace_advanced_event_selectors=True)], diff=True)
    assert replaced.rc == 0, replaced.stdout
    assert replaced.result("basic")["diff"]["before"]["advanced_event_selectors"] == [
        {
            "name": "Management events only",
            "field_selectors": [
                {"field": "eventCategory", "equals": ["Management"]},
                {"field": "readOnly", "equals": ["false"]},
            ],
        }
    ]
    assert replaced.result("basic")["advanced_event_selectors"] == []
    assert moto_endpoint.operations() == [GET, PUT]
    assert list(selectors_in_effect(cloudtrail, trail)) == ["EventSelectors"]


# Each bad input with the message it must give; one run tries them all (ignore_errors), and the call record shows
# that none of them reached AWS.
BAD_INPUTS = [
    ({"trail_name": "a"}, 'trail_name "a" is not a trail name'),
    (
        {"trail_name": "arn:aws:cloudtrail:eu-west-1:123456789012:trail/t"},
        "is a trail of region eu-west-1, but the module runs in region us-east-1",
    ),
    ({"trail_name": "arn:aws:sns:us-east-1:123456789012:t"}, "is not a CloudTrail trail ARN"),
    (
        {"trail_name": "t-1", "event_selectors": [{"exclude_management_event_sources": ["s3.amazonaws.com"]}]},
        'event_selectors[0].exclude_management_event_sources: "s3.amazonaws.com" cannot be excluded',
    ),
    (
        {"trail_name": "t-1", "event_selectors": [{"include_management_events": False}]},
        "event_selectors[0] records nothing",
    ),
    ({"trail_name": "t-1", "event_selectors": [{}] * 6}, "event_selectors has 6 selectors: CloudTrail takes at most 5"),
    ({"trail_name": "t-1", "event_selectors": []}, "event_selectors is empty"),
    (
        {"trail_name": "t-1", "event_selectors": [{"data_resources": [{"type": "AWS::S3::Bucket", "values": ["x"]}]}]},
        'data_resources type "AWS::S3::Bucket" is not one basic selectors take',
    ),
]


def test_bad_input_fails_before_any_call_and_a_missing_trail_before_any_write(run_playbook, moto_endpoint, unique_name):
    moto_endpoint.forget_calls()
    run = run_playbook(
        [task(f"bad {n}", ignore_errors=True, **options) for n, (options, _expected) in enumerate(BAD_INPUTS)]
    )
    assert run.rc == 0, run.stdout
    for n, (_options, expected) in enumerate(BAD_INPUTS):
        assert run.result(f"bad {n}")["failed"] is True
        assert expected in run.result(f"bad {n}")["msg"]
    assert moto_endpoint.operations() == []

    run = run_playbook([task("missing", trail_name=unique_name)], check=True)
    assert run.rc != 0
    assert f"Trail {unique_name} does not exist in region us-east-1" in run.result("missing")["msg"]
    assert moto_endpoint.operations() == [GET]
