# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""The collection's one region rule: a region is a name in the region data that botocore ships.

botocore describes every partition and its regions in ``data/endpoints.json`` and ``data/partitions.json``.
A partition's ``regionRegex`` would accept a misspelt ``us-esat-1``, so only the listed names count. Regions
newer than the installed botocore are accepted when the caller names them (the role's
``pending_deletion_alarm_extra_regions``). Without botocore (a controller without it), names are checked for
their shape only, and the answer says so.
"""

from __future__ import annotations

import functools
import json
import os
import re

_REGION_SHAPE = re.compile(r"[a-z]{2,4}(?:-[a-z]+)+-\d+", re.ASCII)


@functools.lru_cache(maxsize=1)
def _botocore_regions() -> dict[str, str] | None:
    """Region name -> partition, from botocore's data files; None when botocore is not installed."""
    try:
        import botocore  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    data_dir = os.path.join(os.path.dirname(botocore.__file__), "data")
    regions: dict[str, str] = {}
    for file_name, partition_key in (("endpoints.json", "partition"), ("partitions.json", "id")):
        try:
            with open(os.path.join(data_dir, file_name), encoding="utf-8") as handle:
                partitions = json.load(handle)["partitions"]
        except (OSError, ValueError, KeyError):
            continue
        for partition in partitions:
            for name in partition.get("regions", {}):
                if not name.endswith("-global"):
                    regions.setdefault(name, partition[partition_key])
    return regions or None


def known_regions() -> dict[str, str] | None:
    """Every region botocore knows, with its partition; None when botocore's data cannot be read."""
    return _botocore_regions()


def partition_of(region: str) -> str | None:
    """The partition (aws, aws-cn, aws-us-gov ...) of a known region, or None."""
    return (_botocore_regions() or {}).get(region)


def is_region(region: str, extra_regions: tuple[str, ...] | list[str] = ()) -> bool:
    """True for a region botocore knows or one of ``extra_regions``; without botocore, for a region-shaped name."""
    if not isinstance(region, str):
        return False
    if region in extra_regions:
        return True
    regions = _botocore_regions()
    if regions is None:
        return bool(_REGION_SHAPE.fullmatch(region))
    return region in regions


def region_problem(
    region, variable: str, extra_regions: tuple[str, ...] | list[str] = (), hint: str = ""
) -> str | None:
    """Why ``region`` is not an AWS region, naming ``variable`` and what is expected; None when it is one."""
    if is_region(region, extra_regions):
        return None
    near = _closest(region) if isinstance(region, str) else None
    suggestion = f" Did you mean {near}?" if near else ""
    shown = json.dumps(region, ensure_ascii=False)
    return (
        f"{variable} {shown} is not an AWS region.{suggestion} Expected a region name such as us-east-1 from "
        f"botocore's region data{hint}."
    )


def _closest(region: str) -> str | None:
    """The known region that differs from ``region`` by the fewest edits (at most two), for a helpful message."""
    candidates = [(_edit_distance(region, known), known) for known in sorted(_botocore_regions() or {})]
    best = min(candidates, default=(3, None))
    return best[1] if best[0] <= 2 else None


def _edit_distance(left: str, right: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps cost one each."""
    previous_row = None
    row = list(range(len(right) + 1))
    for i, left_char in enumerate(left, 1):
        before_row, previous_row, row = previous_row, row, [i] + [0] * len(right)
        for j, right_char in enumerate(right, 1):
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + (left_char != right_char))
            if before_row and j > 1 and left_char == right[j - 2] and left[i - 2] == right_char:
                row[j] = min(row[j], before_row[j - 2] + 1)
    return row[-1]
