# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tables of an HTML report, parsed (tests read the reports as a browser would, not as text)."""

from __future__ import annotations

from html.parser import HTMLParser


class TableCells(HTMLParser):
    """The tables of an HTML page, as rows of (class, text) cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, str]]]] = []
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = [dict(attrs).get("class") or "", ""]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append((self._cell[0], self._cell[1]))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data


def table_cells(page: str) -> list[list[list[tuple[str, str]]]]:
    """Each table of ``page`` as rows of (class, text) cells, the header row first."""
    parser = TableCells()
    parser.feed(page)
    parser.close()
    return parser.tables


def table_rows(page: str) -> list[list[dict[str, tuple[str, str]]]]:
    """Each table of ``page`` as a list of rows, each row a dict header -> (class, text)."""
    tables = []
    for table in table_cells(page):
        header = [text for _class, text in table[0]]
        tables.append([dict(zip(header, row, strict=True)) for row in table[1:]])
    return tables
