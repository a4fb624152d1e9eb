# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The role's defaults mirror the procedure's values in constants.py: the two must never drift apart."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants

ROLE = Path(__file__).resolve().parents[3] / "roles" / "pending_deletion_alarm"
DEFAULTS = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
SPECS = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]

MIRRORED = {
    "pending_deletion_alarm_filter_name": constants.FILTER_NAME,
    "pending_deletion_alarm_filter_pattern": constants.FILTER_PATTERN,
    "pending_deletion_alarm_metric_name": constants.METRIC_NAME,
    "pending_deletion_alarm_metric_namespace": constants.METRIC_NAMESPACE,
    "pending_deletion_alarm_alarm_name": constants.ALARM_NAME,
    "pending_deletion_alarm_cis_filter_name": constants.CIS_FILTER_NAME,
    "pending_deletion_alarm_cis_filter_pattern": constants.CIS_FILTER_PATTERN,
    "pending_deletion_alarm_cis_metric_name": constants.CIS_METRIC_NAME,
    "pending_deletion_alarm_cis_alarm_name": constants.CIS_ALARM_NAME,
}


@pytest.mark.parametrize(("variable", "value"), MIRRORED.items(), ids=list(MIRRORED))
def test_role_default_mirrors_the_procedure(variable, value):
    assert DEFAULTS[variable] == value


@pytest.mark.parametrize("variable", sorted(DEFAULTS))
def test_every_default_is_a_documented_argument(variable):
    assert variable in SPECS, f"{variable} has a default but no entry in meta/argument_specs.yml"
