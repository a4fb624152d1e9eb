# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The README's "Why not the amazon.aws modules" holds: tools/why_not_amazon_aws.py shows every difference."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parents[2] / "tools" / "why_not_amazon_aws.py"
CLAIMS = (
    "--diff of a metric filter change",
    "--diff of an alarm change",
    "a second filter named KMSKeyPendingDeletionCopy on the group",
    "encrypt the topic with a customer managed key",
    "the procedure's filter from log_group_name alone",
)


def test_every_claimed_difference_shows():
    completed = subprocess.run([sys.executable, str(TOOL)], capture_output=True, text=True, timeout=600, check=False)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    for claim in CLAIMS:
        assert f"as claimed: {claim}" in output, output
    assert "NOT AS CLAIMED" not in output, output
