# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""EventBridge calls of kms_pending_event_rule, one small function per call (rules of the default event bus).

Each function is wrapped in ``AWSRetry.jittered_backoff()`` (see ``common.aws_client`` for why that is the one
retry mechanism). Writes take the request a plan decided, unchanged.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingError
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingErrorHandler


@KmsPendingErrorHandler.list_error_handler("describe EventBridge rule {name}", default_value=None)
@AWSRetry.jittered_backoff()
def describe_rule(client, name: str) -> dict[str, Any] | None:
    """The rule as DescribeRule answers it; None when EventBridge says it does not exist."""
    answer = client.describe_rule(Name=name)
    answer.pop("ResponseMetadata", None)
    return answer


@AWSRetry.jittered_backoff()
def _targets_page(client, name: str, token: dict[str, str]) -> dict[str, Any]:
    return client.list_targets_by_rule(Rule=name, **token)


@KmsPendingErrorHandler.list_error_handler("list the targets of EventBridge rule {name}", default_value=[])
def list_targets(client, name: str) -> list[dict[str, Any]]:
    """Every target of the rule, all pages (each page retried on its own)."""
    targets: list[dict[str, Any]] = []
    token: dict[str, str] = {}
    while True:
        page = _targets_page(client, name, token)
        targets.extend(page.get("Targets") or [])
        if not page.get("NextToken"):
            return targets
        token = {"NextToken": page["NextToken"]}


@KmsPendingErrorHandler.common_error_handler("put EventBridge rule {request[Name]}")
@AWSRetry.jittered_backoff()
def put_rule(client, request: dict[str, Any]) -> str:
    """Create or replace the rule; its ARN."""
    return client.put_rule(**request)["RuleArn"]


def _failed_entries(answer: dict[str, Any], operation: str, rule: str) -> None:
    # PutTargets and RemoveTargets answer HTTP 200 even when an entry failed: the failure is in the answer only.
    if answer.get("FailedEntryCount"):
        entries = answer.get("FailedEntries") or []
        reasons = "; ".join(f"{entry.get('TargetId')}: {entry.get('ErrorMessage')}" for entry in entries)
        raise KmsPendingError(message=f"{operation} on EventBridge rule {rule} failed: {reasons}")


@KmsPendingErrorHandler.common_error_handler("put the targets of EventBridge rule {request[Rule]}")
@AWSRetry.jittered_backoff()
def put_targets(client, request: dict[str, Any]) -> None:
    _failed_entries(client.put_targets(**request), "PutTargets", request["Rule"])


@KmsPendingErrorHandler.common_error_handler("remove the targets of EventBridge rule {request[Rule]}")
@AWSRetry.jittered_backoff()
def remove_targets(client, request: dict[str, Any]) -> None:
    _failed_entries(client.remove_targets(**request), "RemoveTargets", request["Rule"])


@KmsPendingErrorHandler.common_error_handler("delete EventBridge rule {request[Name]}")
@AWSRetry.jittered_backoff()
def delete_rule(client, request: dict[str, Any]) -> None:
    client.delete_rule(**request)


WRITERS = {
    "put_rule": put_rule,
    "put_targets": put_targets,
    "remove_targets": remove_targets,
    "delete_rule": delete_rule,
}
