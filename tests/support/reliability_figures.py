# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The figures of the reliability tests: each test case writes its own JSON file, ``tools/reliability_report.py``
turns them into ``docs/reliability.md``.

One file per case (named by its pytest node id), so that pytest-xdist workers never write the same file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from collection_link import REPO_ROOT

FIGURES_DIR = REPO_ROOT / "tests" / "output" / "reliability"


def record(test: str, case: str, **figures) -> Path:
    """Write the figures of one case of ``test`` (a section of the page); return the file written."""
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    path = FIGURES_DIR / (re.sub(r"[^\w.-]+", "_", f"{test}-{case}") + ".json")
    path.write_text(json.dumps({"test": test, "case": case, **figures}, indent=2, sort_keys=True))
    return path


def load(directory: Path = FIGURES_DIR) -> list[dict]:
    """Every recorded case, by test then case."""
    cases = [json.loads(path.read_text()) for path in sorted(directory.glob("*.json"))]
    return sorted(cases, key=lambda case: (case["test"], case["case"]))
