# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What kms_pending_alarm_info returns, from the facts and the audit."""

from __future__ import annotations

import json

import audit_facts_builder as build
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_result
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import audit_rules
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants

SAMPLES = audit_rules.procedure_samples()


def result(facts: dict) -> dict:
    return audit_result.module_result(facts, audit_rules.audit(facts, SAMPLES), build.NOW)


def test_the_healthy_chain():
    returned = result(build.healthy_facts())
    assert (returned["status"], returned["summary"]) == ("pass", {"critical": 0, "warning": 0, "info": 0})
    assert returned["trail"]["name"] == "kmsguard-trail"
    assert returned["trail"]["is_logging"] is True
    assert returned["metric_filter"]["filter_pattern"] == constants.FILTER_PATTERN
    assert returned["metric_filter"]["metric_transformations"][0]["metric_name"] == constants.METRIC_NAME
    assert returned["alarm"]["alarm_name"] == constants.ALARM_NAME
    assert returned["topics"] == [
        {
            "topic_arn": build.TOPIC_ARN,
            "exists": True,
            "kms_master_key_id": "",
            "subscriptions": [{"protocol": "email", "endpoint": "security-team@example.com", "confirmed": True}],
        }
    ]
    assert returned["pending_keys"] == []
    json.dumps(returned)  # what the module returns must be JSON


def test_findings_carry_the_region_and_the_status_follows_the_worst():
    facts = build.healthy_facts()
    facts["topics"][build.TOPIC_ARN]["subscriptions"][0]["SubscriptionArn"] = "PendingConfirmation"
    returned = result(facts)
    assert returned["status"] == "warn"
    assert [(item["code"], item["region"]) for item in returned["findings"]] == [
        ("topic_subscription_pending", build.REGION)
    ]
    assert returned["topics"][0]["subscriptions"][0]["confirmed"] is False


def test_pending_keys_of_every_audited_region_and_what_of_the_chain_they_encrypt():
    facts = build.healthy_facts()
    facts["covered_regions"] = ["eu-west-1"]
    topic_key = build.key(state="PendingDeletion")
    facts["keys"][build.REGION]["metadata"] = [topic_key, build.key("other", state="Enabled")]
    facts["topics"][build.TOPIC_ARN]["attributes"]["KmsMasterKeyId"] = build.KEY_ARN
    facts["log_group"]["kmsKeyId"] = build.KEY_ARN
    far = build.key("far-away", state="PendingDeletion", DeletionDate=build.NOW.replace(year=2031))
    facts["keys"]["eu-west-1"] = {"metadata": [far], "aliases": [{"AliasName": "alias/x", "TargetKeyId": "far-away"}]}
    returned = result(facts)
    assert [(key["key_id"], key["region"], key["days_left"]) for key in returned["pending_keys"]] == [
        (build.KEY_ID, build.REGION, 7),
        ("far-away", "eu-west-1", 365),
    ]
    assert returned["pending_keys"][0]["used_by"] == [f"topic {build.TOPIC_ARN}", f"log group {build.LOG_GROUP}"]
    assert returned["pending_keys"][1]["aliases"] == ["alias/x"]
    assert {item["code"] for item in returned["findings"]} >= {"topic_key_unusable", "log_group_key_unusable"}


def test_nothing_found():
    facts = build.healthy_facts()
    facts.update(trails=[], log_group_name=None, log_group=None, named_alarm=None, topics={}, account_id=None)
    returned = result(facts)
    assert (returned["trail"], returned["metric_filter"], returned["alarm"], returned["topics"]) == ({}, {}, {}, [])
    assert [item["code"] for item in returned["findings"]] == ["trail_missing", "alarm_missing"]
    assert returned["checks"]["filter"] == "skip"
