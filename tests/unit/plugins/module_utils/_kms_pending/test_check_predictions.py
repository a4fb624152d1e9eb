# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Check-mode predictions: the bucket compared field by field as s3_bucket would, creations and deletions."""

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import check_predictions as predictions
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import event_selector_decisions

BUCKET = "kmsguard-cloudtrail-111111111111-us-east-1"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                   "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}],
}  # fmt: skip
CONVERGED = {
    "name": BUCKET,
    "bucket_versioning": {"Status": "Enabled"},
    "bucket_ownership_controls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    "public_access_block": dict.fromkeys(predictions.PUBLIC_ACCESS_FIELDS, True),
    "bucket_encryption": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
    "bucket_policy": POLICY,
    "bucket_tagging": {"team": "security"},
}


# amazon.aws 9's s3_bucket_info answer for the same bucket: each fact inside the S3 API's top-level key, the policy
# as JSON text.
AMAZON_AWS_9_CONVERGED = {
    **CONVERGED,
    "bucket_ownership_controls": {"OwnershipControls": CONVERGED["bucket_ownership_controls"]},
    "public_access_block": {"PublicAccessBlockConfiguration": CONVERGED["public_access_block"]},
    "bucket_encryption": {"ServerSideEncryptionConfiguration": CONVERGED["bucket_encryption"]},
    "bucket_policy": {"Policy": json.dumps(POLICY)},
}


def facts(**changes) -> dict:
    bucket = copy.deepcopy(CONVERGED)
    bucket.update(changes)
    return bucket


def desired(**changes) -> dict:
    wanted = {"policy": POLICY, "encryption": "AES256", "encryption_key_id": None, "tags": None}
    wanted.update(changes)
    return wanted


def predict(bucket_facts, purge_tags=True, **wanted) -> predictions.Prediction:
    wanted = desired(**wanted)
    current = predictions.current_bucket(bucket_facts, manages_tags=bool(wanted["tags"]))
    return predictions.predict_bucket(current, predictions.desired_bucket(name=BUCKET, **wanted), purge_tags)


REORDERED_POLICY = json.dumps(
    {"Statement": [{**POLICY["Statement"][0], "Resource": list(reversed(POLICY["Statement"][0]["Resource"]))}],
     "Version": "2012-10-17"}
)  # fmt: skip


@pytest.mark.parametrize(
    ("bucket_facts", "wanted", "changed_fields"),
    [
        pytest.param(facts(), {}, [], id="converged"),
        pytest.param(AMAZON_AWS_9_CONVERGED, {}, [], id="converged-in-amazon.aws-9-shape"),
        pytest.param(
            {**AMAZON_AWS_9_CONVERGED, "public_access_block": {"PublicAccessBlockConfiguration": {}}}, {},
            ["public_access_blocked"], id="amazon.aws-9-shape-public-access-not-blocked",
        ),
        pytest.param(
            {**AMAZON_AWS_9_CONVERGED, "bucket_encryption": {"ServerSideEncryptionConfiguration": {"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/old"}}]}}},
            {"encryption": "aws:kms", "encryption_key_id": "alias/new"}, ["encryption_key_id"],
            id="amazon.aws-9-shape-other-kms-key",
        ),
        pytest.param(facts(bucket_policy=REORDERED_POLICY), {}, [], id="same-policy-as-json-text-other-order"),
        pytest.param(facts(bucket_versioning={}), {}, ["versioning"], id="versioning-never-enabled"),
        pytest.param(facts(bucket_versioning={"Status": "Suspended"}), {}, ["versioning"], id="versioning-suspended"),
        pytest.param(
            facts(bucket_ownership_controls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}), {}, ["object_ownership"],
            id="acls-enabled",
        ),
        pytest.param(
            facts(public_access_block={"BlockPublicAcls": True, "IgnorePublicAcls": True}), {},
            ["public_access_blocked"], id="public-access-half-blocked",
        ),
        pytest.param(facts(public_access_block={}), {}, ["public_access_blocked"], id="public-access-not-blocked"),
        pytest.param(facts(bucket_policy=None), {}, ["policy"], id="no-policy"),
        pytest.param(
            facts(bucket_policy={"Version": "2012-10-17", "Statement": []}), {}, ["policy"], id="other-policy",
        ),
        pytest.param(
            facts(), {"encryption": "aws:kms"}, ["encryption"], id="aes-to-kms-managed-key",
        ),
        pytest.param(
            facts(bucket_encryption={"Rules": [{"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/old"}}]}),
            {"encryption": "aws:kms", "encryption_key_id": "alias/new"}, ["encryption_key_id"], id="other-kms-key",
        ),
        pytest.param(
            facts(bucket_encryption={"Rules": [{"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/old"}}]}),
            {"encryption": "aws:kms"}, [], id="kms-key-kept-when-none-asked",
        ),
        pytest.param(
            facts(bucket_encryption={"Rules": [{"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/old"}}]}),
            {}, ["encryption", "encryption_key_id"], id="kms-back-to-aes",
        ),
        pytest.param(facts(), {"tags": {"team": "security"}}, [], id="tags-equal"),
        pytest.param(facts(), {"tags": {"team": "platform"}}, ["tags"], id="tag-value-differs"),
        pytest.param(facts(bucket_tagging={}), {"tags": {"team": "security"}}, ["tags"], id="tags-missing"),
        pytest.param(facts(bucket_tagging={"team": "x", "other": "y"}), {}, [], id="tags-not-managed-ignored"),
        pytest.param(
            facts(bucket_tagging={"team": "security", "aws:cloudformation:stack-name": "s"}),
            {"tags": {"team": "security"}}, [], id="aws-tags-never-purged",
        ),
    ],
)  # fmt: skip
def test_bucket_prediction(bucket_facts, wanted, changed_fields):
    prediction = predict(bucket_facts, **wanted)
    before, after = prediction.diff["before"], prediction.diff["after"]
    assert sorted(key for key in after if after[key] != before.get(key)) == changed_fields
    assert prediction.changed is bool(changed_fields)


def test_extra_tags_removed_only_with_purge_tags():
    bucket = facts(bucket_tagging={"team": "security", "owner": "me"})
    assert predict(bucket, tags={"team": "security"}).changed
    assert not predict(bucket, purge_tags=False, tags={"team": "security"}).changed


def test_a_missing_bucket_would_be_created_with_every_setting():
    prediction = predict(None, tags={"team": "security"})
    assert prediction.changed and prediction.before is None
    assert prediction.after == {
        "name": BUCKET, "versioning": True, "object_ownership": "BucketOwnerEnforced", "public_access_blocked": True,
        "encryption": "AES256", "encryption_key_id": None, "policy": POLICY, "tags": {"team": "security"},
    }  # fmt: skip
    assert prediction.message("bucket", BUCKET) == f"would create bucket {BUCKET}"


def test_messages_name_the_fields_that_change():
    assert predict(facts(bucket_versioning={}), encryption="aws:kms").message("bucket", BUCKET) == (
        f"would update bucket {BUCKET}: encryption, versioning"
    )
    assert predict(facts()).message("bucket", BUCKET) == f"bucket {BUCKET} is up to date"


@pytest.mark.parametrize(("current", "changed"), [(None, False), ({"name": BUCKET}, True)])
def test_deletion(current, changed):
    prediction = predictions.predict_deletion(current)
    assert prediction.changed is changed
    assert prediction.diff["after"] == {}


def test_creation_diff_shows_everything_that_would_be_made():
    topic = {"name": "alarms", "policy": POLICY, "subscriptions": [{"protocol": "email", "endpoint": "a@example.com"}]}
    prediction = predictions.predict_creation(topic)
    assert prediction.changed and prediction.diff == {"before": {}, "after": topic}


@pytest.mark.parametrize(
    ("current", "desired", "purge_tags", "after"),
    [
        ({"retention": 30, "tags": None}, {"retention": 365, "tags": None}, True, {"retention": 365, "tags": None}),
        ({"retention": 365, "tags": None}, {"retention": 365, "tags": None}, True, None),
        # Unset retention is left as it is, as amazon.aws.cloudwatchlogs_log_group leaves it.
        ({"retention": 30, "tags": None}, {"retention": None, "tags": None}, True, None),
        (
            {"retention": 365, "tags": {"team": "ops", "aws:x": "1"}},
            {"retention": 365, "tags": {"team": "sec"}},
            True,
            {"retention": 365, "tags": {"team": "sec", "aws:x": "1"}},
        ),
        (
            {"retention": 365, "tags": {"cost": "1"}},
            {"retention": 365, "tags": {"team": "sec"}},
            False,
            {"retention": 365, "tags": {"cost": "1", "team": "sec"}},
        ),
    ],
)
def test_log_group_prediction(current, desired, purge_tags, after):
    prediction = predictions.predict_log_group(current, desired, purge_tags)
    assert prediction.changed is (after is not None)
    assert prediction.before == current
    assert prediction.after == (after or current)


def _selector(read_write="All", management=True, excluded=(), data_resources=()):
    return {
        "read_write_type": read_write,
        "include_management_events": management,
        "exclude_management_event_sources": list(excluded),
        "data_resources": list(data_resources),
    }


@pytest.mark.parametrize(
    ("selectors", "changed"),
    [
        # The procedure's selectors are what CloudTrail gives a new trail: the real run puts none.
        (event_selector_decisions.procedure_selectors(), False),
        ([_selector()], False),
        ([_selector(read_write="WriteOnly")], True),
        ([_selector(excluded=["rdsdata.amazonaws.com"])], True),
        (
            [_selector(), _selector(management=False, data_resources=[{"type": "AWS::S3::Object", "values": ["x"]}])],
            True,
        ),
    ],
)
def test_a_new_trails_selectors_change_only_where_they_differ_from_cloudtrails_default(selectors, changed):
    prediction = predictions.predict_new_trail_selectors("kmsguard-trail", selectors)
    assert prediction.changed is changed
    assert prediction.before == {"event_selectors": [_selector()], "advanced_event_selectors": []}
    assert {json.dumps(s, sort_keys=True) for s in prediction.after["event_selectors"]} == {
        json.dumps(s, sort_keys=True) for s in selectors
    }
    # The module's own decision on a trail that CloudTrail has just created gives the same answer.
    module_plan = event_selector_decisions.plan_selectors(
        {"trail_name": "kmsguard-trail", "event_selectors": selectors},
        {
            "EventSelectors": [
                {
                    "ReadWriteType": "All",
                    "IncludeManagementEvents": True,
                    "DataResources": [],
                    "ExcludeManagementEventSources": [],
                }
            ]
        },
    )
    assert bool(module_plan.writes) is changed
