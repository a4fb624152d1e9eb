# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""One look for every report of the collection: a small document model rendered as Markdown, as one
self-contained HTML page (inline CSS, no script, no external resource) and as plain-text tables for the console.

A report builds a ``Document`` of ``Section``s holding blocks - tables (cells carry a status that colours them),
findings (``Item``s) and paragraphs; the renderers know nothing about what is reported.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from dataclasses import field

# Statuses a cell or a document can have, and how each is shown.
STATUS_LABELS = {
    "pass": "PASS",
    "warn": "WARN",
    "fail": "FAIL",
    "skip": "n/a",
    "info": "INFO",
    "covered": "covered",
}
STATUS_MARKS = {"pass": "✅", "warn": "⚠️", "fail": "❌", "skip": "➖", "info": "ℹ️", "covered": "↪️"}
SEVERITY_STATUS = {"critical": "fail", "warning": "warn", "info": "info"}
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


@dataclass
class Cell:
    """A table cell; ``status`` colours it, ``hint`` is shown on hover (HTML) and left out elsewhere. Cells keep
    to one line unless ``wrap`` (for prose: notes, descriptions)."""

    text: str
    status: str | None = None
    hint: str = ""
    wrap: bool = False


class Block:
    """What a section holds: a Table, a Paragraph or Findings."""


@dataclass
class Table(Block):
    headers: list[str]
    rows: list[list[Cell]]
    caption: str = ""


@dataclass
class Item:
    """A finding: ``severity`` critical, warning or info; ``context`` names where (target, region)."""

    severity: str
    title: str
    text: str
    remediation: str = ""
    context: str = ""


@dataclass
class Findings(Block):
    items: list[Item]


@dataclass
class Paragraph(Block):
    text: str
    status: str | None = None


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    intro: str = ""


@dataclass
class Document:
    title: str
    status: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    footer: str = ""


def cell(value: Cell | str) -> Cell:
    return value if isinstance(value, Cell) else Cell(str(value))


def sorted_items(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda item: SEVERITY_ORDER.get(item.severity, len(SEVERITY_ORDER)))


# --- Markdown -----------------------------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _md_cell(value: Cell) -> str:
    mark = STATUS_MARKS.get(value.status or "", "")
    return _md_escape(f"{mark} {value.text}" if mark else value.text)


def _md_table(table: Table) -> list[str]:
    lines = [f"_{_md_escape(table.caption)}_", ""] if table.caption else []
    lines.append("| " + " | ".join(_md_escape(header) for header in table.headers) + " |")
    lines.append("|" + "---|" * len(table.headers))
    lines += ["| " + " | ".join(_md_cell(cell(value)) for value in row) + " |" for row in table.rows]
    return [*lines, ""]


def _md_items(items: list[Item]) -> list[str]:
    lines = []
    for item in sorted_items(items):
        mark = STATUS_MARKS[SEVERITY_STATUS.get(item.severity, "info")]
        context = f" — {item.context}" if item.context else ""
        lines.append(f"- {mark} **{item.severity.upper()}** `{item.title}`{_md_escape(context)}: {item.text}")
        if item.remediation:
            lines.append(f"  - Fix: {item.remediation}")
    return [*lines, ""]


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Table):
        return _md_table(block)
    if isinstance(block, Paragraph):
        mark = STATUS_MARKS.get(block.status or "", "")
        return [f"{mark} {block.text}" if mark else block.text, ""]
    if isinstance(block, Findings):
        return _md_items(block.items)
    raise TypeError(f"not a report block: {block!r}")


def render_markdown(document: Document) -> str:
    lines = [f"# {document.title}", ""]
    lines.append(f"**{STATUS_MARKS[document.status]} {STATUS_LABELS[document.status]}**")
    lines.append("")
    lines += [f"- **{name}:** {value}" for name, value in document.facts]
    lines.append("")
    for section in document.sections:
        lines += [f"## {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        for block in section.blocks:
            lines += _md_block(block)
    if document.footer:
        lines += ["---", "", document.footer, ""]
    return "\n".join(lines)


# --- HTML ---------------------------------------------------------------------------------------------------------

STYLE = """
:root { --pass: #1a7f37; --pass-bg: #dafbe1; --warn: #9a6700; --warn-bg: #fff8c5; --fail: #cf222e;
  --fail-bg: #ffebe9; --info: #0969da; --info-bg: #ddf4ff; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1f2328;
  background: #f6f8fa; font-size: 14px; line-height: 1.45; }
header { background: #24292f; color: #fff; padding: 20px 32px; display: flex; align-items: center; gap: 20px; }
header h1 { font-size: 22px; margin: 0; font-weight: 600; }
main { padding: 8px 32px 32px; max-width: 1500px; }
.badge { display: inline-block; border-radius: 2em; padding: 2px 12px; font-weight: 600; font-size: 13px; }
header .badge { font-size: 15px; padding: 4px 16px; }
dl.facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 16px 0; }
dl.facts div { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; }
dl.facts dt { color: var(--muted); font-size: 12px; } dl.facts dd { margin: 0; font-weight: 600; font-size: 16px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 20px 16px;
  margin: 16px 0; }
h2 { font-size: 17px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
caption { text-align: left; color: var(--muted); padding-bottom: 6px; }
th, td { border: 1px solid var(--line); padding: 5px 7px; text-align: left; vertical-align: top;
  white-space: nowrap; }
td.wrap { white-space: normal; min-width: 12em; }
th { background: #f6f8fa; font-weight: 600; white-space: normal; }
.scroll { overflow-x: auto; }
td.status { text-align: center; font-weight: 600; white-space: nowrap; }
.s-pass { color: var(--pass); background: var(--pass-bg); } .s-warn { color: var(--warn); background: var(--warn-bg); }
.s-fail { color: var(--fail); background: var(--fail-bg); } .s-info { color: var(--info); background: var(--info-bg); }
.s-skip { color: var(--muted); } .s-covered { color: var(--muted); background: #f6f8fa; font-weight: 400; }
ul.items { list-style: none; padding: 0; margin: 8px 0; }
ul.items li { border-left: 4px solid var(--line); padding: 6px 12px; margin: 8px 0; background: #f6f8fa; }
ul.items li.sev-critical { border-color: var(--fail); } ul.items li.sev-warning { border-color: var(--warn); }
ul.items li.sev-info { border-color: var(--info); }
.item-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.item-head code { font-size: 13px; } .context { color: var(--muted); }
.fix { margin-top: 4px; } .fix b { color: var(--muted); }
p.note { margin: 8px 0; }
footer { color: var(--muted); padding: 0 32px 24px; font-size: 12px; }
"""


def _badge(status: str, text: str | None = None) -> str:
    return f'<span class="badge s-{html.escape(status)}">{html.escape(text or STATUS_LABELS[status])}</span>'


def _html_cell(value: Cell, tag: str = "td") -> str:
    names = ([f"status s-{value.status}"] if value.status else []) + (["wrap"] if value.wrap else [])
    classes = f' class="{html.escape(" ".join(names))}"' if names else ""
    title = f' title="{html.escape(value.hint)}"' if value.hint else ""
    return f"<{tag}{classes}{title}>{html.escape(value.text)}</{tag}>"


def _html_table(table: Table) -> list[str]:
    lines = ['<div class="scroll"><table>']
    if table.caption:
        lines.append(f"<caption>{html.escape(table.caption)}</caption>")
    lines.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in table.headers) + "</tr></thead>")
    lines.append("<tbody>")
    lines += ["<tr>" + "".join(_html_cell(cell(value)) for value in row) + "</tr>" for row in table.rows]
    lines.append("</tbody></table></div>")
    return lines


def _html_items(items: list[Item]) -> list[str]:
    lines = ['<ul class="items">']
    for item in sorted_items(items):
        status = SEVERITY_STATUS.get(item.severity, "info")
        lines.append(f'<li class="sev-{html.escape(item.severity)}">')
        lines.append(
            f'<div class="item-head">{_badge(status, item.severity.upper())} <code>{html.escape(item.title)}</code>'
            f' <span class="context">{html.escape(item.context)}</span></div>'
        )
        lines.append(f'<div class="text">{html.escape(item.text)}</div>')
        if item.remediation:
            lines.append(f'<div class="fix"><b>Fix:</b> {html.escape(item.remediation)}</div>')
        lines.append("</li>")
    lines.append("</ul>")
    return lines


def _html_block(block: Block) -> list[str]:
    if isinstance(block, Table):
        return _html_table(block)
    if isinstance(block, Paragraph):
        badge = _badge(block.status) + " " if block.status else ""
        return [f'<p class="note">{badge}{html.escape(block.text)}</p>']
    if isinstance(block, Findings):
        return _html_items(block.items)
    raise TypeError(f"not a report block: {block!r}")


def render_html(document: Document) -> str:
    title = html.escape(document.title)
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{title}</h1>{_badge(document.status)}</header>",
        "<main>",
        '<dl class="facts">',
    ]
    lines += [f"<div><dt>{html.escape(name)}</dt><dd>{html.escape(value)}</dd></div>" for name, value in document.facts]
    lines.append("</dl>")
    for section in document.sections:
        lines += ["<section>", f"<h2>{html.escape(section.title)}</h2>"]
        if section.intro:
            lines.append(f"<p>{html.escape(section.intro)}</p>")
        for block in section.blocks:
            lines += _html_block(block)
        lines.append("</section>")
    lines.append("</main>")
    if document.footer:
        lines.append(f"<footer>{html.escape(document.footer)}</footer>")
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)


# --- plain text ---------------------------------------------------------------------------------------------------


def render_text_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest value, for the console (one string per line)."""
    widths = [max(len(str(row[index])) for row in [headers, *rows]) for index in range(len(headers))]

    def line(values: list[str]) -> str:
        return "  ".join(str(value).ljust(width) for value, width in zip(values, widths, strict=True)).rstrip()

    return [line(headers), *(line(row) for row in rows)]
