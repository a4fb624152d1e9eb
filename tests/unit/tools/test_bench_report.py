# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""tools/benchlib/report.py: a rewritten section of docs/benchmarks.md leaves the rest and ends the file cleanly."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools"))

from benchlib import report  # noqa: E402

DOC = "# Title\n\nintro\n\n## AWX: scale-out\n\nold line\n\n## After\n\nkept\n"


def test_a_section_is_replaced_at_the_end_and_the_file_ends_with_a_newline():
    text = report.replace_section(DOC, "## AWX: scale-out", ["## AWX: scale-out", "", "new line"])
    assert text == "# Title\n\nintro\n\n## After\n\nkept\n\n## AWX: scale-out\n\nnew line\n"
    assert "old line" not in text


def test_a_missing_section_is_appended_and_an_empty_text_gets_only_it():
    assert report.replace_section("# Title\n", "## New", ["## New", "x"]) == "# Title\n\n## New\nx\n"
    assert report.replace_section("", "## New", ["## New"]) == "## New\n"


def test_a_section_whose_lines_end_with_an_empty_one_still_ends_the_file_with_one_newline():
    text = report.replace_section(DOC, "## AWX: scale-out", ["## AWX: scale-out", "", "new line", ""])
    assert text.endswith("\n## AWX: scale-out\n\nnew line\n")
