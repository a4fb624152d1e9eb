# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""meta/runtime.yml's action group ``aws`` holds every module of the collection that calls AWS, and only those.

The role passes the region, the credentials (an assumed role's too) and the retry settings to its modules through
``module_defaults: group/kmsguard.alarms.aws``: a module left out of the group silently runs in the environment's
region and account instead.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
MODULES = sorted((ROOT / "plugins" / "modules").glob("*.py"))
AWS_FRAGMENT = "amazon.aws.common.modules"


def documentation(path: Path) -> dict:
    module = importlib.import_module(f"ansible_collections.kmsguard.alarms.plugins.modules.{path.stem}")
    return yaml.safe_load(module.DOCUMENTATION)


def calls_aws(path: Path) -> bool:
    """The module takes amazon.aws's connection options (region, credentials, aws_config)."""
    return AWS_FRAGMENT in documentation(path).get("extends_documentation_fragment", [])


def group_members() -> list[str]:
    group = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["action_groups"]["aws"]
    return [member for member in group if isinstance(member, str)]


def test_the_group_extends_amazon_aws_and_community_aws():
    group = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["action_groups"]["aws"]
    (metadata,) = [member["metadata"] for member in group if isinstance(member, dict)]
    assert metadata["extend_group"] == ["amazon.aws.aws", "community.aws.aws"]


@pytest.mark.parametrize("path", MODULES, ids=[path.stem for path in MODULES])
def test_a_module_is_in_the_group_exactly_when_it_calls_aws(path):
    assert (path.stem in group_members()) is calls_aws(path), (
        f"{path.stem}: {'calls' if calls_aws(path) else 'does not call'} AWS; meta/runtime.yml's group aws "
        f"{'holds' if path.stem in group_members() else 'does not hold'} it"
    )


def test_the_group_names_only_modules_that_exist():
    assert sorted(group_members()) == group_members(), "keep the group sorted"
    assert set(group_members()) <= {path.stem for path in MODULES}
