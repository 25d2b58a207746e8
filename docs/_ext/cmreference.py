"""Reference tables for the contributor guide, generated from the condmech extension itself.

``{condmech-warnings}`` lists every ``condmech.<subtype>`` warning from
:data:`condmech.warnings.SUBTYPES`; ``{condmech-scale}`` shows the evidence levels,
findings and outcomes this book is configured with. Generating them keeps the guide in
step with the code.
"""

from __future__ import annotations

import re
from typing import Any

from condmech.config import get_config
from condmech.warnings import SUBTYPES, WARNING_TYPE
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

LITERAL = re.compile(r"``(.+?)``")


def _text(value: str) -> list[nodes.Node]:
    """Plain text with ````literal```` spans (as written in SUBTYPES) as literal nodes."""
    parts = LITERAL.split(value)
    return [nodes.literal(part, part) if index % 2 else nodes.Text(part) for index, part in enumerate(parts) if part]


def _table(headers: tuple[str, ...], widths: tuple[int, ...], rows: list[list[list[nodes.Node]]]) -> nodes.table:
    group = nodes.tgroup(cols=len(headers))
    group.extend(nodes.colspec(colwidth=width) for width in widths)
    head = nodes.thead()
    head += nodes.row("", *(nodes.entry("", nodes.paragraph("", header)) for header in headers))
    body = nodes.tbody()
    body.extend(nodes.row("", *(nodes.entry("", nodes.paragraph("", "", *cell)) for cell in row)) for row in rows)
    group += head
    group += body
    return nodes.table("", group, classes=["colwidths-given"])


class WarningsTable(SphinxDirective):
    """Every warning type the extension can emit, with its meaning."""

    def run(self) -> list[nodes.Node]:
        rows = [
            [[nodes.literal(f"{WARNING_TYPE}.{sub}", f"{WARNING_TYPE}.{sub}")], _text(text)]
            for sub, text in SUBTYPES.items()
        ]
        return [_table(("Warning", "What it means"), (30, 70), rows)]


class ScaleTables(SphinxDirective):
    """The configured evidence levels (weakest first), findings and outcomes, with their ids."""

    def run(self) -> list[nodes.Node]:
        cfg = get_config(self.config)
        levels = [
            [[nodes.literal(lv.id, lv.id)], [nodes.Text(f"{lv.marker} {lv.label}")], [nodes.Text(lv.description)]]
            for lv in cfg.levels
        ]
        findings = [[[nodes.literal(f.id, f.id)], [nodes.Text(f"{f.marker} {f.label}")]] for f in cfg.findings]
        outcomes = [[[nodes.literal(ident, ident)], [nodes.Text(label)]] for ident, label in cfg.outcomes.items()]
        return [
            _table((":level: value", "Shown as", "Meaning"), (20, 25, 55), levels),
            _table((":finding: value", "Shown as"), (30, 70), findings),
            _table((":outcome: value", "Shown as"), (30, 70), outcomes),
        ]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("condmech-warnings", WarningsTable)
    app.add_directive("condmech-scale", ScaleTables)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
