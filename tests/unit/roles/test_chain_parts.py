# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""tasks/chain.yml gives kms_pending_chain_info exactly the options each task gives its module.

A part that chain.yml reports in place is skipped by its task. If a task gained an option that chain.yml did not
compare, a change of that option would never reach AWS: these tests fail first. An option a task leaves out with
``omit`` is null in chain.yml (those modules' default for it is null); nothing else may differ.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import chain_decisions

TASKS = Path(__file__).resolve().parents[3] / "roles" / "pending_deletion_alarm" / "tasks"
CHAIN_TASK = yaml.safe_load((TASKS / "chain.yml").read_text())[0]
CHAIN_VARS = CHAIN_TASK["vars"]
CHAIN_ARGS = CHAIN_TASK["kmsguard.alarms.kms_pending_chain_info"]

# part of kms_pending_chain_info -> (task file, module the task runs, the in_place key its `when` reads)
PARTS = {
    "log_group": ("delivery.yml", "amazon.aws.cloudwatchlogs_log_group", "log_group"),
    "trail": ("delivery.yml", "amazon.aws.cloudtrail", "trail"),
    "event_selectors": ("delivery.yml", "kmsguard.alarms.cloudtrail_event_selectors", "event_selectors"),
    "topic": ("topic.yml", "community.aws.sns_topic", "topic"),
    "topic_encryption": ("topic.yml", "kmsguard.alarms.sns_topic_encryption", "topic_encryption"),
    "metric_filter": ("alarms.yml", "kmsguard.alarms.kms_pending_metric_filter", "metric_filters"),
    "alarm": ("alarms.yml", "kmsguard.alarms.kms_pending_alarm", "alarms"),
}
ITEM_KEYS = {"metric_filter": chain_decisions.FILTER_ITEM_KEYS, "alarm": chain_decisions.ALARM_ITEM_KEYS}


def module_task(task_file: str, module: str) -> dict:
    tasks = [task for task in yaml.safe_load((TASKS / task_file).read_text()) if module in task]
    assert len(tasks) == 1, f"{task_file} should run {module} once"
    return tasks[0]


def as_chain_gives(value):
    """How chain.yml spells a task's value: omit becomes null, the role's omit-when-empty tags a null-when-empty."""
    if isinstance(value, str):
        return (
            value.replace("default(omit, true)", "default(none, true)")
            .replace("{{ pending_deletion_alarm__tags }}", "{{ pending_deletion_alarm__chain_tags }}")
            .replace("default(omit)", "default(none)")
        )
    if isinstance(value, list):
        return [as_chain_gives(element) for element in value]
    return value


@pytest.mark.parametrize("part", PARTS)
def test_the_part_gets_every_option_of_its_task_and_no_other(part):
    task_file, module, _key = PARTS[part]
    task_args = module_task(task_file, module)[module]
    shared = {key: value for key, value in task_args.items() if not str(value).startswith("{{ item.")}
    assert {key: as_chain_gives(value) for key, value in shared.items()} == CHAIN_VARS[
        f"pending_deletion_alarm__chain_{part}"
    ]


@pytest.mark.parametrize("part", ["metric_filter", "alarm"])
def test_each_loop_task_takes_the_item_keys_the_module_splits(part):
    task_file, module, _key = PARTS[part]
    task = module_task(task_file, module)
    from_item = {key: value for key, value in task[module].items() if str(value).startswith("{{ item.")}
    assert set(from_item) == set(ITEM_KEYS[part])
    for key, value in from_item.items():
        assert value in (f"{{{{ item.{key} }}}}", f"{{{{ item.{key} | default(omit) }}}}"), (key, value)
    assert task["loop"] == CHAIN_ARGS["filters_and_alarms"]


@pytest.mark.parametrize("part", PARTS)
def test_the_task_is_skipped_only_when_its_part_is_in_place(part):
    task_file, module, key = PARTS[part]
    assert f"not pending_deletion_alarm__in_place.{key} | default(false)" in module_task(task_file, module)["when"]


def test_chain_yml_passes_every_part_it_defines():
    for part in PARTS:
        assert f"pending_deletion_alarm__chain_{part}" in CHAIN_ARGS[part]


def leaf_tasks(task_file: str, inherited: tuple[str, ...] = ()) -> list[tuple[str, tuple[str, ...]]]:
    """Each task that ``task_file`` runs, following its import_tasks, with every `when` it gets (its own and those
    of the imports it sits in), each on one line."""
    leaves = []
    for task in yaml.safe_load((TASKS / task_file).read_text()):
        when = task.get("when", [])
        conditions = inherited + tuple(" ".join(str(condition).split()) for condition in as_list(when))
        if "ansible.builtin.import_tasks" in task:
            leaves += leaf_tasks(task["ansible.builtin.import_tasks"], conditions)
        else:
            leaves.append((task["name"], conditions))
    return leaves


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


# What pending_deletion_alarm__chain_converged (vars/main.yml) also requires, besides every part in place: each is
# false on a converged region, so a task that runs only when it is true is skipped there anyway.
CONVERGED_EXCLUDES = ("pending_deletion_alarm__reuses_log_group", "pending_deletion_alarm__plan.detailed_notification")


def test_parts_yml_holds_only_tasks_that_a_converged_chain_skips():
    """present.yml skips parts.yml as a whole on a converged region: a task added to it that must run there as well
    (one that no in-place part skips) would silently never run. Each task must be skipped by its own condition on a
    converged region: a part in place (``not ...in_place.<part>`` in a condition without ``or``), or a case that the
    converged test excludes."""
    leaves = leaf_tasks("parts.yml")
    assert len(leaves) >= len(PARTS)
    for name, conditions in leaves:
        skipped = [
            condition
            for condition in conditions
            if condition in CONVERGED_EXCLUDES
            or (" or " not in condition and "not pending_deletion_alarm__in_place." in condition)
        ]
        assert skipped, f"{name!r} runs on a converged region ({conditions}): it does not belong in parts.yml"


def test_present_yml_skips_parts_yml_only_on_a_converged_chain():
    present = yaml.safe_load((TASKS / "present.yml").read_text())
    [include] = [task for task in present if task.get("ansible.builtin.include_tasks") == "parts.yml"]
    assert include["when"] == "not pending_deletion_alarm__chain_converged"
    role_vars = yaml.safe_load((TASKS.parent / "vars" / "main.yml").read_text())
    converged = role_vars["pending_deletion_alarm__chain_converged"]
    for excluded in CONVERGED_EXCLUDES:
        assert f"not {excluded}" in converged
    task_files = {task_file for task_file, _module, _key in PARTS.values()}
    imported = {task.get("ansible.builtin.import_tasks") for task in yaml.safe_load((TASKS / "parts.yml").read_text())}
    assert task_files <= imported
