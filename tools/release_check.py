# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Check that galaxy.yml's version is released in the changelog (``make changelog-lint`` runs it).

The version in galaxy.yml must be the newest release of ``changelogs/changelog.yaml``, and ``CHANGELOG.rst`` must have
its section: a tarball built from the tree then carries the release notes of its own version. ``make release``
(``antsibull-changelog release``) makes both agree after the version is set in galaxy.yml.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from packaging.version import Version

REPO_ROOT = Path(__file__).resolve().parents[1]


def problems(repo: Path = REPO_ROOT) -> list[str]:
    version = str(yaml.safe_load((repo / "galaxy.yml").read_text())["version"])
    changes = yaml.safe_load((repo / "changelogs" / "changelog.yaml").read_text()) or {}
    releases = sorted(changes.get("releases") or {}, key=Version)
    found = []
    if not releases or releases[-1] != version:
        newest = releases[-1] if releases else "none"
        found.append(
            f"galaxy.yml has version {version}, the newest release in changelogs/changelog.yaml is {newest}: "
            f"run `make release` once every change of {version} is merged"
        )
    changelog = repo / "CHANGELOG.rst"
    sections = changelog.read_text().splitlines() if changelog.exists() else []
    if f"v{version}" not in sections:
        found.append(f"CHANGELOG.rst has no section v{version}: run `make release`")
    return found


def main() -> int:
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
