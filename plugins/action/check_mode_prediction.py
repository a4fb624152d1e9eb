# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Controller side of kmsguard.alarms.check_mode_prediction (documented in plugins/modules/check_mode_prediction.py)."""

from __future__ import annotations

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import check_predictions
from ansible_collections.kmsguard.alarms.plugins.plugin_utils._controller_action import ControllerAction

ARGUMENT_SPEC = {
    "resource": {
        "type": "str",
        "required": True,
        "choices": ["bucket", "bucket_absent", "created", "log_group", "new_trail_event_selectors"],
    },
    "kind": {"type": "str", "required": True},
    "name": {"type": "str", "required": True},
    "current": {"type": "raw"},
    "desired": {"type": "dict", "default": {}},
    "purge_tags": {"type": "bool", "default": True},
}


class ActionModule(ControllerAction):
    ARGUMENT_SPEC = ARGUMENT_SPEC

    def act(self, args, task_vars, result):
        prediction = predict(args)
        result.update(changed=prediction.changed, msg=prediction.message(args["kind"], args["name"]))
        if self._task.diff:
            result["diff"] = prediction.diff
        return result


def predict(args: dict) -> check_predictions.Prediction:
    if args["resource"] == "created":
        return check_predictions.predict_creation(args["desired"])
    if args["resource"] == "new_trail_event_selectors":
        return check_predictions.predict_new_trail_selectors(args["name"], args["desired"]["event_selectors"])
    if args["resource"] == "log_group":
        return check_predictions.predict_log_group(args["current"] or {}, args["desired"], args["purge_tags"])
    manages_tags = bool(args["desired"].get("tags"))
    current = check_predictions.current_bucket(args["current"] or None, manages_tags)
    if args["resource"] == "bucket_absent":
        return check_predictions.predict_deletion(current)
    desired = check_predictions.desired_bucket(name=args["name"], **args["desired"])
    return check_predictions.predict_bucket(current, desired, args["purge_tags"])
