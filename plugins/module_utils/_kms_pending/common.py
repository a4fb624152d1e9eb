# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

from __future__ import annotations

import functools
import inspect

try:
    import botocore
except ImportError:
    botocore = None  # AnsibleAWSModule reports the missing botocore before any call

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError


class KmsPendingError(AnsibleAWSError):
    """Raised by the collection's API helpers; modules catch it once and call fail_json_aws_error."""


class KmsPendingErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = KmsPendingError

    @classmethod
    def _is_missing(cls):
        # How each service the collection calls says "does not exist": CloudWatch (alarm) "ResourceNotFound",
        # CloudWatch Logs (log group, filter) "ResourceNotFoundException", SNS (topic) "NotFound", CloudTrail (trail)
        # "TrailNotFoundException".
        return is_boto3_error_code(
            ["ResourceNotFound", "ResourceNotFoundException", "NotFound", "NotFoundException", "TrailNotFoundException"]
        )

    @classmethod
    def common_error_handler(cls, description: str):
        """Raise KmsPendingError "Failed to <description>" on a boto3 error, the description's ``{placeholders}``
        filled from the call's arguments (``"get topic {topic_arn}"``).

        amazon.aws fills the placeholders only from 10.0.0 on; with the 9.x this collection supports they would stay
        verbatim in the message. ``list_error_handler`` and ``deletion_error_handler`` build on this method.
        """

        def wrapper(func):
            @functools.wraps(func)
            def handler(*args, **kwargs):
                try:
                    return func(*args, **kwargs)
                except botocore.exceptions.WaiterError as error:
                    action = _fill(description, handler, args, kwargs)
                    raise cls._CUSTOM_EXCEPTION(message=f"Timeout trying to {action}", exception=error) from error
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
                    action = _fill(description, handler, args, kwargs)
                    raise cls._CUSTOM_EXCEPTION(message=f"Failed to {action}", exception=error) from error

            return handler

        return wrapper


def _fill(description: str, handler, args: tuple, kwargs: dict) -> str:
    # The signature is read at call time: list_error_handler wraps a (*args, **kwargs) function in this handler and
    # only then points the handler's __wrapped__ at the API function whose parameter names the placeholders use.
    bound = inspect.signature(inspect.unwrap(handler)).bind(*args, **kwargs)
    bound.apply_defaults()
    try:
        return description.format(**bound.arguments)
    except (KeyError, IndexError, AttributeError, ValueError):
        return description  # a wrong placeholder must not hide the AWS error


def aws_client(module, service: str):
    """The boto3 client of ``service`` for the module's region and credentials: the one way the modules make one.

    Retries: every API function of this package is wrapped in ``AWSRetry.jittered_backoff()``, which also retries a
    throttled page of a paginated read. So no ``retry_decorator`` is given here: it would only act on calls made
    with ``aws_retry=True``, and passing that as well would nest a second retry loop inside the first.
    """
    return module.client(service)
