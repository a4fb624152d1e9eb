# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The main() of every module of the collection: one AnsibleAWSModule with check mode, AWS errors reported alike.

This module_utils is private to kmsguard.alarms: it can change at any time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


def run(argument_spec: dict[str, Any], do: Callable[[AnsibleAWSModule], None]) -> None:
    """Build the module from ``argument_spec`` (check mode supported) and run ``do`` on it.

    ``do`` ends the run itself (exit_json or fail_json); an AWS error it lets through fails the task with the
    service's own error code and message.
    """
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        do(module)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
