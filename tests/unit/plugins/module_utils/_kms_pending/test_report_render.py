# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The report renderer: the same document as Markdown, as one self-contained HTML page, as console text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import report_render as render

HOSTILE = '<script>alert("x")</script> | a|b'


def document() -> render.Document:
    table = render.Table(
        ["Target", "Trail", "Note"],
        [
            [render.Cell("t-us-east-1"), render.Cell("PASS", "pass"), render.Cell("", wrap=True)],
            [render.Cell("t-eu-west-1"), render.Cell("FAIL", "fail", hint="why"), render.Cell(HOSTILE, wrap=True)],
        ],
        caption="All targets",
    )
    items = [
        render.Item("info", "alarm_period_slow", "Slow.", context="t-us-east-1"),
        render.Item("critical", "trail_not_logging", "Not logging.", "aws cloudtrail start-logging", "t-eu-west-1"),
        render.Item("warning", "topic_subscription_pending", "Pending.", "Confirm it.", "t-us-east-1"),
    ]
    return render.Document(
        title="Report & title",
        status="fail",
        facts=[("Targets", "2"), ("Critical findings", "1")],
        sections=[
            render.Section("Targets", [table]),
            render.Section("Findings", [render.Findings(items)], "Most severe first."),
            render.Section("Notes", [render.Paragraph("Nothing else.", "pass")]),
        ],
        footer="Generated for a test.",
    )


class Page(HTMLParser):
    """What a reader of the page sees: tags, the text of each table cell with its classes, external references."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.cells: list[tuple[str, str, str]] = []
        self.items: list[str] = []
        self.external: list[str] = []
        self.text: list[str] = []
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        for name in ("src", "href"):
            if attributes.get(name):
                self.external.append(attributes[name])
        if tag in ("td", "th"):
            self._cell = [tag, attributes.get("class") or "", ""]
        if tag == "li":
            self.items.append(attributes.get("class") or "")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell:
            self.cells.append(tuple(self._cell))
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell[2] += data


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def test_html_is_one_self_contained_page():
    page = parse(render.render_html(document()))
    assert page.tags.count("html") == page.tags.count("body") == page.tags.count("style") == 1
    assert "script" not in page.tags, "cell text must be escaped, never markup"
    assert page.external == []
    assert "Report & title" in "".join(page.text)


def test_html_cells_carry_their_status_and_escape_their_text():
    cells = parse(render.render_html(document())).cells
    assert ("th", "", "Trail") in cells
    assert ("td", "status s-pass", "PASS") in cells
    assert ("td", "status s-fail", "FAIL") in cells
    assert ("td", "wrap", HOSTILE) in cells


def test_html_findings_most_severe_first():
    page = parse(render.render_html(document()))
    assert page.items == ["sev-critical", "sev-warning", "sev-info"]
    text = "".join(page.text)
    assert text.index("trail_not_logging") < text.index("topic_subscription_pending") < text.index("alarm_period_slow")
    assert "aws cloudtrail start-logging" in text


def test_markdown():
    markdown = render.render_markdown(document())
    lines = markdown.splitlines()
    assert lines[0] == "# Report & title"
    assert "| Target | Trail | Note |" in lines
    assert '| t-eu-west-1 | ❌ FAIL | &lt;script>alert("x")&lt;/script> \\| a\\|b |' in lines
    findings = [line for line in lines if line.startswith(("- ❌", "- ⚠️", "- ℹ️"))]
    assert [line.split("`")[1] for line in findings] == [
        "trail_not_logging",
        "topic_subscription_pending",
        "alarm_period_slow",
    ]
    assert "  - Fix: aws cloudtrail start-logging" in lines
    assert "- **Targets:** 2" in lines


def test_only_report_blocks_render():
    broken = render.Document("t", "pass", sections=[render.Section("s", [["not", "a", "block"]])])
    with pytest.raises(TypeError, match="not a report block"):
        render.render_html(broken)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param([["a", "PASS"]], ["NAME  STATUS", "a     PASS"], id="header-wider"),
        pytest.param([["long-name", "FAIL", ""]], ["NAME       STATUS", "long-name  FAIL"], id="trailing-blank"),
    ],
)
def test_text_table(rows, expected):
    headers = ["NAME", "STATUS"] + ([""] if len(rows[0]) == 3 else [])
    assert render.render_text_table(headers, rows) == expected
