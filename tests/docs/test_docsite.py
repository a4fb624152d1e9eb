# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTML site ``make docs`` builds (``make docs-check`` builds it, then runs these tests): its index links a page
for every module, the inventory plugin, the role, the playbooks and each guide, and those pages exist and say what
they document."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from collection_link import REPO_ROOT

SITE = REPO_ROOT / ".build" / "docs" / "build" / "html"
MODULES = sorted(path.stem for path in (REPO_ROOT / "plugins" / "modules").glob("*.py") if path.stem != "__init__")
INVENTORIES = sorted(
    path.stem for path in (REPO_ROOT / "plugins" / "inventory").glob("*.py") if path.stem != "__init__"
)
ROLES = sorted(path.name for path in (REPO_ROOT / "roles").iterdir() if (path / "meta" / "argument_specs.yml").exists())
PLAYBOOKS = sorted(path.stem for path in (REPO_ROOT / "playbooks").glob("*.yml"))
GUIDES = [
    name
    for section in yaml.safe_load((REPO_ROOT / "docs" / "docsite" / "extra-docs.yml").read_text())["sections"]
    for name in section["toctree"]
]


class Page(HTMLParser):
    def __init__(self, path: Path):
        super().__init__()
        self.links: set[str] = set()
        self.text_parts: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.add(href.split("#")[0])

    def handle_data(self, data):
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text_parts))


@pytest.fixture(scope="module")
def index() -> Page:
    if not (SITE / "index.html").exists():
        pytest.fail(f"no site at {SITE}: run make docs (make docs-check builds it and runs these tests)")
    return Page(SITE / "index.html")


@pytest.mark.parametrize(
    "page",
    [f"{name}_module.html" for name in MODULES]
    + [f"{name}_inventory.html" for name in INVENTORIES]
    + [f"{name}_role.html" for name in ROLES]
    + [f"docsite/{name}.html" for name in GUIDES],
)
def test_index_links_an_existing_page(index, page):
    assert page in index.links
    assert (SITE / page).is_file()


@pytest.mark.parametrize("module", MODULES)
def test_module_page_documents_the_module(module):
    assert f"kmsguard.alarms.{module} module" in Page(SITE / f"{module}_module.html").text


@pytest.mark.parametrize("inventory", INVENTORIES)
def test_inventory_page_documents_every_option(inventory):
    source = (REPO_ROOT / "plugins" / "inventory" / f"{inventory}.py").read_text()
    options = yaml.safe_load(source.split('DOCUMENTATION = r"""', 1)[1].split('"""', 1)[0])["options"]
    text = Page(SITE / f"{inventory}_inventory.html").text
    assert f"kmsguard.alarms.{inventory} inventory" in text
    assert [name for name in options if name not in text] == []


@pytest.mark.parametrize("role", ROLES)
def test_role_page_documents_every_variable(role):
    specs = yaml.safe_load((REPO_ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    text = Page(SITE / f"{role}_role.html").text
    assert [name for name in specs["main"]["options"] if name not in text] == []


def test_playbooks_page_names_every_playbook(index):
    assert "playbooks" in GUIDES
    text = Page(SITE / "docsite" / "playbooks.html").text
    assert [name for name in PLAYBOOKS if f"kmsguard.alarms.{name}" not in text] == []
