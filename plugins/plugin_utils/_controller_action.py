# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The shape of the collection's controller-side actions: no connection, no file transfer, checked arguments."""

from __future__ import annotations

from ansible.plugins.action import ActionBase


class ControllerAction(ActionBase):
    """An action that runs on the controller only; subclasses set ARGUMENT_SPEC and implement ``act``."""

    TRANSFERS_FILES = False
    _requires_connection = False
    ARGUMENT_SPEC: dict = {}

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC)[1]
        return self.act(args, task_vars, result)

    def act(self, args: dict, task_vars: dict, result: dict) -> dict:
        raise NotImplementedError
