# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The KMS writes of kms_key_cancel_deletion, one small function each (reads are ``audit_reads.describe_key``).

A key lives in the region of its ARN: the writers take the module's per-region clients and pick the key's.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import arns
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingErrorHandler


@KmsPendingErrorHandler.common_error_handler("cancel the deletion of KMS key {request[KeyId]}")
@AWSRetry.jittered_backoff()
def cancel_key_deletion(client, request: dict) -> None:
    client.cancel_key_deletion(**request)


@KmsPendingErrorHandler.common_error_handler("enable KMS key {request[KeyId]}")
@AWSRetry.jittered_backoff()
def enable_key(client, request: dict) -> None:
    client.enable_key(**request)


def _in_key_region(write):
    def writer(clients, request: dict) -> None:
        write(clients.get("kms", arns.parse_arn(request["KeyId"])["region"]), request)

    return writer


WRITERS = {"cancel_key_deletion": _in_key_region(cancel_key_deletion), "enable_key": _in_key_region(enable_key)}
