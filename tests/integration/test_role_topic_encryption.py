# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Topic encryption through the role ``kmsguard.alarms.pending_deletion_alarm`` (playbooks/site.yml), on moto.

Each test runs in a fresh account of its own (credentials of a role assumed in a random 12-digit account, which
moto maps to that account), in one region.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE = REPO_ROOT / "playbooks" / "site.yml"
REGION = "eu-west-1"
TOPIC = "kmsguard-kms-pending-deletion"
KEY_ALIAS = "alias/cloudwatch-alarms"
ENCRYPT_TASK = "Encrypt the topic with the customer managed KMS key"


@pytest.fixture
def sns(account):
    return account.client("sns", REGION)


@pytest.fixture
def site(account, ansible_playbook, moto_endpoint):
    """``site(check=False, **role_vars)``: site.yml for one target in the test's account; (rc, report, operations)."""

    def run(check: bool = False, **role_vars):
        moto_endpoint.forget_calls()
        completed = ansible_playbook(
            SITE,
            hosts={"target": {"aws_region": REGION}},
            group_vars={"ansible_python_interpreter": sys.executable, **role_vars},
            check=check,
            diff=check,
            env=account.env,
        )
        report = completed.report or {"stdout": completed.stdout[-3000:], "stderr": completed.stderr[-3000:]}
        return completed.rc, report, moto_endpoint.operations()

    return run


def task_results(report: dict, name: str) -> list[dict]:
    return [
        result
        for play in report.get("plays", [])
        for task in play["tasks"]
        # Role tasks are reported as "ROLE : NAME".
        if task["task"]["name"].rpartition(" : ")[2] == name
        for result in task["hosts"].values()
    ]


def changed_count(report: dict) -> int:
    return sum(stats["changed"] for stats in report.get("stats", {}).values())


def topic_key(sns, account) -> str:
    topic_arn = f"arn:aws:sns:{REGION}:{account.account_id}:{TOPIC}"
    return sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"].get("KmsMasterKeyId", "")


def test_check_mode_predicts_then_deploy_encrypts_then_rerun_changes_nothing(site, sns, account):
    rc, report, operations = site(check=True, pending_deletion_alarm_topic_kms_key_id=KEY_ALIAS)
    assert rc == 0, report
    assert not {"CreateTopic", "SetTopicAttributes"} & set(operations)
    predictions = task_results(report, "Topic that check mode did not create (check mode)")
    assert len(predictions) == 1, report
    assert predictions[0]["changed"] is True
    assert predictions[0]["msg"] == f"would create topic {TOPIC}"
    assert predictions[0]["diff"]["before"] == {}
    # The real run encrypts the new topic in a task of its own: check mode predicts that task on its own too.
    [predicted_key] = task_results(report, "Encryption of the topic that check mode did not create (check mode)")
    assert predicted_key["changed"] is True
    assert predicted_key["diff"] == {"before": {}, "after": {"kms_master_key_id": KEY_ALIAS}}
    assert all(result.get("skipped") for result in task_results(report, ENCRYPT_TASK))
    checked_changes = changed_count(report)

    rc, report, operations = site(pending_deletion_alarm_topic_kms_key_id=KEY_ALIAS)
    assert rc == 0, report
    assert changed_count(report) == checked_changes, "check mode reported as many changed tasks as the run"
    [encrypted] = task_results(report, ENCRYPT_TASK)
    assert encrypted["changed"] is True
    assert topic_key(sns, account) == KEY_ALIAS

    rc, report, operations = site(pending_deletion_alarm_topic_kms_key_id=KEY_ALIAS)
    assert rc == 0, report
    assert changed_count(report) == 0, report
    assert "SetTopicAttributes" not in operations

    rc, report, operations = site(check=True, pending_deletion_alarm_topic_kms_key_id="")
    assert rc == 0, report
    [predicted] = task_results(report, ENCRYPT_TASK)
    assert predicted["diff"] == {"before": {"kms_master_key_id": KEY_ALIAS}, "after": {"kms_master_key_id": ""}}
    assert "SetTopicAttributes" not in operations
    assert topic_key(sns, account) == KEY_ALIAS


@pytest.mark.parametrize(
    "kms_key_id", ["alias/aws/sns", "arn:aws:kms:eu-west-1:123456789012:alias/aws/sns", "not a key"]
)
def test_bad_topic_key_fails_before_any_aws_call(site, kms_key_id):
    rc, report, operations = site(pending_deletion_alarm_topic_kms_key_id=kms_key_id)

    assert rc != 0
    messages = [
        result["msg"] for result in task_results(report, "Check the inputs and plan the identity reads (no AWS call)")
    ]
    assert json.dumps(kms_key_id) in messages[0]
    assert operations == []
