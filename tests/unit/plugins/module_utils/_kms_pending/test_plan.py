# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared decision shape: changed and diff from one comparison, writes in order, problems before any call."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Plan
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import Write
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import apply
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.plan import fail_on_problems

PUT = Write("put_thing", {"Name": "a", "Value": "2"})


@pytest.mark.parametrize(
    ("before", "after", "writes", "changed"),
    [
        ({}, {}, (), False),
        ({"value": "1"}, {"value": "1"}, (), False),
        ({}, {"value": "2"}, (PUT,), True),
        ({"value": "1"}, {"value": "2"}, (PUT,), True),
        ({"value": "1"}, {}, (Write("delete_thing", {"Name": "a"}),), True),
    ],
)
def test_changed_and_diff_come_from_one_comparison(before, after, writes, changed):
    plan = Plan(before=before, after=after, writes=writes)
    assert plan.changed is changed
    assert plan.diff == {"before": before, "after": after}


@pytest.mark.parametrize(
    ("before", "after", "writes"),
    [({"value": "1"}, {"value": "2"}, ()), ({"value": "1"}, {"value": "1"}, (PUT,))],
    ids=["change without a write", "write without a change"],
)
def test_a_plan_whose_writes_contradict_its_diff_is_refused(before, after, writes):
    with pytest.raises(ValueError, match="inconsistent plan"):
        Plan(before=before, after=after, writes=writes)


def test_apply_makes_the_writes_in_order_with_their_requests():
    made = []
    writers = {name: lambda client, request, name=name: made.append((client, name, request)) for name in ("a", "b")}
    plan = Plan(before={}, after={"x": 1}, writes=(Write("b", {"n": 1}), Write("a", {"n": 2}), Write("b", {"n": 3})))
    apply("client", plan, writers)
    assert made == [("client", "b", {"n": 1}), ("client", "a", {"n": 2}), ("client", "b", {"n": 3})]


def test_problems_fail_the_module_naming_each_one():
    module = mock.Mock()
    fail_on_problems(module, [])
    module.fail_json.assert_not_called()
    fail_on_problems(module, ["a is bad.", "b is bad."])
    module.fail_json.assert_called_once_with(msg="a is bad. b is bad.", problems=["a is bad.", "b is bad."])
