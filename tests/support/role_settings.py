# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The role's variables as the plan sees them: defaults/main.yml, rendered, with overrides (unit tests)."""

from __future__ import annotations

from pathlib import Path

import jinja2
import yaml

DEFAULTS_FILE = Path(__file__).resolve().parents[2] / "roles" / "pending_deletion_alarm" / "defaults" / "main.yml"


def role_settings(**overrides) -> dict:
    """Every ``pending_deletion_alarm_*`` variable with its default, ``overrides`` applied, templates rendered.

    Overrides are given without the prefix: ``role_settings(topology="regional")``.
    """
    settings = yaml.safe_load(DEFAULTS_FILE.read_text())
    settings.update({f"pending_deletion_alarm_{name}": value for name, value in overrides.items()})
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    for _round in range(3):  # defaults refer to other defaults (the trail name to the prefix)
        settings = {
            name: environment.from_string(value).render(settings) if isinstance(value, str) and "{{" in value else value
            for name, value in settings.items()
        }
    return settings
