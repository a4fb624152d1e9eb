# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests import the collection as ``ansible_collections.kmsguard.alarms``, beside amazon.aws and community.aws.

``ansible_collections`` is a namespace package: putting the checkout's collections path on ``sys.path`` (after
making the link there, before any test module imports the collection) adds ``kmsguard.alarms`` to it while the
collections of the installed ``ansible`` package stay importable.
"""

from __future__ import annotations

import sys

from collection_link import collections_path

_COLLECTIONS_PATH = str(collections_path())
if _COLLECTIONS_PATH not in sys.path:
    sys.path.insert(0, _COLLECTIONS_PATH)
