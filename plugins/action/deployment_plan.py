# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Controller side of kmsguard.alarms.deployment_plan (documented in plugins/modules/deployment_plan.py)."""

from __future__ import annotations

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import deployment_plan
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import role_inputs
from ansible_collections.kmsguard.alarms.plugins.plugin_utils._controller_action import ControllerAction

ARGUMENT_SPEC = {"caller_identity_var": {"type": "str"}}


class ActionModule(ControllerAction):
    ARGUMENT_SPEC = ARGUMENT_SPEC

    def act(self, args, task_vars, result):
        host = task_vars["inventory_hostname"]
        settings = self._role_settings(task_vars)
        targets = self._targets(task_vars)
        problems = self._input_problems(settings, targets, host, task_vars)
        if problems:
            return self._fail(result, problems)
        if not args["caller_identity_var"]:
            result.update(complete=False, **deployment_plan.identity_reads(targets, host))
            return result
        callers = {
            target.host: self._host_var(task_vars, target.host, args["caller_identity_var"]) for target in targets
        }
        resolved = deployment_plan.identities(targets, callers)
        if resolved[host] is None:
            return self._fail(result, [self._missing_identity(targets, host)])
        plan = deployment_plan.plan_target(settings, targets, resolved, host)
        # Where the key must be follows from the home region, known once the account is (still before any write).
        problems = role_inputs.kms_key_region_problems(settings, plan["home_region"], plan["region"])
        if problems:
            return self._fail(result, problems)
        result.update(plan)
        return result

    def _role_settings(self, task_vars) -> dict:
        """The role's variables, rendered (defaults such as the trail name are templates of the prefix)."""
        names = [name for name in task_vars if name.startswith(deployment_plan.PREFIX) and "__" not in name]
        return {name: self._templar.template(task_vars[name]) for name in names}

    def _host_var(self, task_vars, host: str, name: str):
        return task_vars["hostvars"][host].get(name)

    def _targets(self, task_vars) -> list[deployment_plan.Target]:
        hostvars = task_vars["hostvars"]
        return [deployment_plan.target_from_vars(host, hostvars[host]) for host in task_vars["ansible_play_hosts"]]

    def _input_problems(self, settings, targets, host, task_vars) -> list[str]:
        me = next(target for target in targets if target.host == host)
        return (
            role_inputs.target_problems(me, settings[deployment_plan.PREFIX + "extra_regions"])
            + role_inputs.settings_problems(settings)
            + role_inputs.batch_problems(task_vars["ansible_play_batch"], task_vars["ansible_play_hosts"])
        )

    @staticmethod
    def _missing_identity(targets, host: str) -> str:
        reader = deployment_plan.identity_host(targets, host)
        return (
            f"The account of {host} is unknown: {reader}, which reads the identity for the targets with its "
            "credentials, read none (see its failure above)."
        )

    @staticmethod
    def _fail(result: dict, problems: list[str]) -> dict:
        result.update(failed=True, problems=problems, msg=" ".join(problems))
        return result
