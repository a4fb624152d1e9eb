# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The error handler names the resource of a failed call, with every amazon.aws version the collection supports."""

from __future__ import annotations

import botocore.exceptions
import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingError
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.common import KmsPendingErrorHandler

HANDLERS = {
    "common": KmsPendingErrorHandler.common_error_handler,
    "list": KmsPendingErrorHandler.list_error_handler,
    "deletion": KmsPendingErrorHandler.deletion_error_handler,
}


def failing_call(handler: str, description: str, error: Exception):
    @HANDLERS[handler](description)
    def describe_thing(client, name: str, request: dict | None = None):
        raise error

    return describe_thing


def client_error(code: str) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, "DescribeThing")


@pytest.mark.parametrize("handler", sorted(HANDLERS))
@pytest.mark.parametrize(
    ("description", "call", "expected"),
    [
        ("get thing {name}", ((None, "alarms"), {}), "Failed to get thing alarms"),
        ("get thing {name}", ((None,), {"name": "alarms"}), "Failed to get thing alarms"),
        ("set {request[Field]} of {name}", ((None, "alarms", {"Field": "Key"}), {}), "Failed to set Key of alarms"),
        # A placeholder that names no parameter leaves the description as written: the AWS error still shows.
        ("get thing {thing}", ((None, "alarms"), {}), "Failed to get thing {thing}"),
    ],
)
def test_failure_message_fills_placeholders_from_the_call(handler, description, call, expected):
    args, kwargs = call
    with pytest.raises(KmsPendingError) as raised:
        failing_call(handler, description, client_error("AccessDenied"))(*args, **kwargs)
    assert raised.value.message == expected
    assert isinstance(raised.value.exception, botocore.exceptions.ClientError)


def test_a_waiter_timeout_says_timeout():
    error = botocore.exceptions.WaiterError("thing_exists", "Max attempts exceeded", {})
    with pytest.raises(KmsPendingError, match="^Timeout trying to wait for thing alarms"):
        failing_call("common", "wait for thing {name}", error)(None, "alarms")


@pytest.mark.parametrize(("handler", "expected"), [("list", None), ("deletion", False)])
def test_a_missing_resource_is_an_answer_not_an_error(handler, expected):
    assert failing_call(handler, "get thing {name}", client_error("ResourceNotFoundException"))(None, "x") is expected
