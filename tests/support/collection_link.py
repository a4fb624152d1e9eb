# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The checkout as the collection ``kmsguard.alarms``: ``.build/collections/ansible_collections/kmsguard/alarms``.

Ansible finds a collection only under ``<path>/ansible_collections/<namespace>/<name>``; the repository root is
the collection root, so a symlink puts it there without copying. The Makefile makes the same link.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def collections_path(repo_root: Path = REPO_ROOT) -> Path:
    """Return a collections path (for ``ANSIBLE_COLLECTIONS_PATH`` or ``sys.path``) holding this checkout."""
    tree = repo_root / ".build" / "collections"
    link = tree / "ansible_collections" / "kmsguard" / "alarms"
    if link.is_symlink() and Path(os.readlink(link)) == repo_root:
        return tree
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink():
        link.unlink(missing_ok=True)  # points at another checkout
    try:
        link.symlink_to(repo_root, target_is_directory=True)
    except FileExistsError:
        if not (link.is_symlink() and link.resolve() == repo_root.resolve()):
            raise  # another process made the same link concurrently is fine; anything else is not
    return tree
