# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""awx/job_templates.json: the shape ``awx import`` reads, and surveys that only ask what the role accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from awxkit.api.pages.api import EXPORTABLE_RESOURCES

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = json.loads((REPO_ROOT / "awx" / "job_templates.json").read_text())
ARGUMENT_SPECS = yaml.safe_load(
    (REPO_ROOT / "roles" / "pending_deletion_alarm" / "meta" / "argument_specs.yml").read_text()
)["argument_specs"]
# The role's entry point each playbook runs.
ENTRY_POINTS = {"playbooks/site.yml": "main", "playbooks/verify.yml": "verify", "playbooks/teardown.yml": "main"}
SURVEY_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}
# Which survey question types can give a value of each argument spec type (as the role reads survey answers).
COMPATIBLE = {
    "str": {"text", "textarea", "multiplechoice"},
    "bool": {"multiplechoice"},
    "int": {"integer"},
    "list": {"text", "textarea", "multiselect"},
}
QUESTION_KEYS = {"question_name", "question_description", "variable", "type", "required", "default", "choices"}


def job_templates() -> list[dict]:
    return TEMPLATES["job_templates"]


def by_id(template: dict) -> str:
    return template["name"]


def questions() -> list:
    return [
        pytest.param(template, question, id=f"{template['name']}-{question['variable']}")
        for template in job_templates()
        for question in survey(template)["spec"]
    ]


def survey(template: dict) -> dict:
    return template["related"]["survey_spec"]


def organization_key(key: dict) -> None:
    assert key["type"] == "organization" and key["name"]


def test_only_what_awx_import_reads():
    assert set(TEMPLATES) == {"job_templates"}
    assert set(TEMPLATES) <= set(EXPORTABLE_RESOURCES)
    assert sorted(map(by_id, job_templates())) == ["kmsguard - deploy", "kmsguard - teardown", "kmsguard - verify"]


@pytest.mark.parametrize("template", job_templates(), ids=by_id)
def test_natural_keys_name_organization_project_inventory_and_execution_environment(template):
    assert template["natural_key"]["name"] == template["name"]
    assert template["natural_key"]["type"] == "job_template"
    organization_key(template["natural_key"]["organization"])
    for field, kind in (("project", "project"), ("inventory", "inventory")):
        assert template[field]["type"] == kind and template[field]["name"]
        organization_key(template[field]["organization"])
    assert template["execution_environment"] == {"name": "kmsguard.alarms", "type": "execution_environment"}
    (credential,) = template["related"]["credentials"]
    assert credential["type"] == "credential"
    assert credential["credential_type"] == {"name": "Amazon Web Services", "kind": "cloud", "type": "credential_type"}


@pytest.mark.parametrize("template", job_templates(), ids=by_id)
def test_each_template_runs_a_playbook_of_the_project(template):
    assert (REPO_ROOT / template["playbook"]).is_file()
    assert template["job_type"] in ("run", "check")
    assert template["survey_enabled"] is True
    assert isinstance(template["job_slice_count"], int) and template["job_slice_count"] >= 1
    assert yaml.safe_load(template["extra_vars"]) == {}, "the survey carries the settings"
    assert set(survey(template)) == {"name", "description", "spec"}


def test_slicing_settings():
    slices = {template["name"]: template["job_slice_count"] for template in job_templates()}
    # Deploy is slicing-safe; verify writes one report and teardown removes the account-level role after its trails.
    assert slices == {"kmsguard - deploy": 4, "kmsguard - verify": 1, "kmsguard - teardown": 1}


@pytest.mark.parametrize("template", job_templates(), ids=by_id)
def test_the_home_region_is_asked_and_required(template):
    (home,) = [q for q in survey(template)["spec"] if q["variable"] == "pending_deletion_alarm_home_region"]
    assert home["required"] is True and home["default"]


@pytest.mark.parametrize(("template", "question"), questions())
def test_every_question_is_a_role_variable_of_a_compatible_type(template, question):
    assert set(question) >= QUESTION_KEYS
    assert question["type"] in SURVEY_TYPES
    options = ARGUMENT_SPECS[ENTRY_POINTS[template["playbook"]]]["options"]
    assert question["variable"] in options, f"{question['variable']} is not a variable of the role"
    option = options[question["variable"]]
    assert question["type"] in COMPATIBLE[option.get("type", "str")], (question["type"], option)
    if question["type"] in ("multiplechoice", "multiselect"):
        assert question["choices"] and question["default"] in question["choices"]
        allowed = option.get("choices") or (["true", "false"] if option.get("type") == "bool" else None)
        if allowed:
            assert set(question["choices"]) <= set(allowed)
    if question["default"] != "":
        result = ArgumentSpecValidator({question["variable"]: option}).validate(
            {question["variable"]: question["default"]}
        )
        assert result.error_messages == [], result.error_messages


@pytest.mark.parametrize("template", job_templates(), ids=by_id)
def test_each_variable_is_asked_once(template):
    variables = [question["variable"] for question in survey(template)["spec"]]
    assert len(variables) == len(set(variables))
