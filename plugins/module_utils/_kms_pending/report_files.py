# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to kmsguard.alarms: it can change at any time.

"""Where a report goes: ``<dest>/<stem>.md`` and ``<dest>/<stem>.html``, written by the controller-side actions."""

from __future__ import annotations

import os
import tempfile

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import report_render


def paths(dest: str, stem: str) -> tuple[str, str]:
    """The Markdown and HTML paths of a report (``dest`` made absolute)."""
    dest = os.path.abspath(dest)
    return os.path.join(dest, f"{stem}.md"), os.path.join(dest, f"{stem}.html")


def _write(path: str, text: str) -> None:
    """Replace ``path`` in one step, so a reader never sees half a report."""
    directory = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".kmsguard-report-")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def write(dest: str, stem: str, document: report_render.Document) -> tuple[str, str]:
    """Write the document as Markdown and HTML into ``dest`` (created if needed); returns both paths."""
    markdown_path, html_path = paths(dest, stem)
    os.makedirs(os.path.dirname(markdown_path), exist_ok=True)
    _write(markdown_path, report_render.render_markdown(document))
    _write(html_path, report_render.render_html(document))
    return markdown_path, html_path
