# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

from __future__ import annotations

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


def aws_client(module, service: str):
    """The boto3 client of ``service`` for the module's region and credentials: the one way the modules make one.

    Retries: every API function of this package is wrapped in ``AWSRetry.jittered_backoff()``, which also retries a
    throttled page of a paginated read. So no ``retry_decorator`` is given here: it would only act on calls made
    with ``aws_retry=True``, and passing that as well would nest a second retry loop inside the first.
    """
    return module.client(service)
