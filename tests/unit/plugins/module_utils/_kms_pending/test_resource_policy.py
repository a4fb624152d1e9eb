# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Resource policies judged for a service principal with a known request context."""

from __future__ import annotations

import json

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import resource_policy

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:alarms"
ALARM = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:KMSKeyPendingDeletionErrorAlarm"
CONTEXT = {"aws:SourceAccount": ACCOUNT, "aws:SourceOwner": ACCOUNT, "aws:SourceArn": ALARM}
SERVICE = "cloudwatch.amazonaws.com"


def statement(**fields) -> dict:
    base = {"Effect": "Allow", "Principal": {"Service": SERVICE}, "Action": "sns:Publish", "Resource": TOPIC}
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.mark.parametrize(
    ("document", "allowed"),
    [
        pytest.param(policy(statement()), True, id="service-principal"),
        pytest.param(policy(statement(Principal="*")), True, id="everyone"),
        pytest.param(policy(statement(Principal={"AWS": ["*"]})), True, id="aws-star"),
        pytest.param(policy(statement(Principal={"Service": ["events.amazonaws.com", SERVICE]})), True, id="list"),
        pytest.param(policy(statement(Principal={"Service": "events.amazonaws.com"})), False, id="other-service"),
        pytest.param(policy(statement(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})), False, id="account-root"),
        pytest.param(policy(statement(Action=["SNS:*"])), True, id="action-wildcard-any-case"),
        pytest.param(policy(statement(Action="sns:Subscribe")), False, id="other-action"),
        pytest.param(policy(statement(Action=None, NotAction="sns:Subscribe")), True, id="not-action"),
        pytest.param(policy(statement(Resource="arn:aws:sns:us-east-1:*:*")), True, id="resource-wildcard"),
        pytest.param(policy(statement(Resource=f"{TOPIC}-other")), False, id="other-resource"),
        pytest.param(
            policy(statement(Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})), True, id="source-account"
        ),
        pytest.param(
            policy(statement(Condition={"StringEquals": {"AWS:SOURCEACCOUNT": ACCOUNT}})), True, id="key-any-case"
        ),
        pytest.param(
            policy(statement(Condition={"StringEquals": {"aws:SourceAccount": "999999999999"}})), False, id="other-acct"
        ),
        pytest.param(
            policy(statement(Condition={"StringEquals": {"aws:SourceAccount": ["999999999999", ACCOUNT]}})),
            True,
            id="one-of-the-accounts",
        ),
        pytest.param(
            policy(statement(Condition={"ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:*:{ACCOUNT}:alarm:*"}})),
            True,
            id="source-arn-like",
        ),
        pytest.param(
            policy(statement(Condition={"ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:*:{ACCOUNT}:alarm:Other*"}})),
            False,
            id="other-alarms-only",
        ),
        pytest.param(
            policy(statement(Condition={"ArnEquals": {"aws:SourceArn": ALARM}})), True, id="source-arn-equals"
        ),
        pytest.param(
            policy(statement(Condition={"StringNotEquals": {"aws:SourceAccount": "999999999999"}})), True, id="not-eq"
        ),
        pytest.param(policy(statement(Condition={"StringLike": {"aws:SourceOwner": "1234*"}})), True, id="string-like"),
        pytest.param(
            policy(statement(Condition={"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}})), True, id="if-exists"
        ),
        pytest.param(
            policy(statement(Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}})), None, id="unknown-key"
        ),
        pytest.param(
            policy(statement(Condition={"NumericLessThan": {"aws:SourceAccount": "5"}})), None, id="unknown-operator"
        ),
        pytest.param(
            policy(statement(Condition={"Bool": {"aws:SecureTransport": "true"}})), None, id="key-not-in-context"
        ),
        pytest.param(policy(statement(), statement(Effect="Deny")), False, id="deny-wins"),
        pytest.param(
            policy(statement(), statement(Effect="Deny", Condition={"StringEquals": {"aws:SourceAccount": "9"}})),
            True,
            id="deny-of-another-account",
        ),
        pytest.param(
            policy(statement(), statement(Effect="Deny", Principal=None, NotPrincipal={"Service": SERVICE})),
            True,
            id="deny-everyone-but-cloudwatch",
        ),
        pytest.param(policy(), False, id="no-statement"),
        pytest.param("", False, id="no-policy"),
        pytest.param("{not json", None, id="not-json"),
    ],
)
def test_evaluate(document, allowed):
    verdict = resource_policy.evaluate(document, SERVICE, "sns:Publish", TOPIC, CONTEXT)
    assert verdict.allowed is allowed, verdict.reason
    assert verdict.reason


def test_the_reason_names_the_statement():
    document = policy(statement(Sid="Mine"), statement(Sid="NoCloudWatch", Effect="Deny"))
    assert "'NoCloudWatch'" in resource_policy.evaluate(document, SERVICE, "sns:Publish", TOPIC, CONTEXT).reason


@pytest.mark.parametrize(
    ("actions", "allowed"),
    [
        pytest.param(["kms:Decrypt", "kms:GenerateDataKey*"], True, id="both"),
        pytest.param(["kms:Decrypt"], False, id="decrypt-only"),
        pytest.param(["kms:*"], True, id="all"),
    ],
)
def test_evaluate_all_needs_every_action(actions, allowed):
    key_policy = {"Statement": [{"Effect": "Allow", "Principal": {"Service": SERVICE}, "Action": actions}]}
    verdict = resource_policy.evaluate_all(
        key_policy, SERVICE, ["kms:Decrypt", "kms:GenerateDataKey"], "arn:aws:kms:us-east-1:1:key/k", CONTEXT
    )
    assert verdict.allowed is allowed
