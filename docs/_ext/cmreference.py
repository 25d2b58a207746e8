"""Reference tables for the contributor guide, generated from the condmech extension itself.

``{condmech-warnings}`` lists every ``condmech.<subtype>`` warning from
:data:`condmech.warnings.SUBTYPES`; ``{condmech-config}`` every ``cm_*`` setting, with its
default and meaning, from the fields of :class:`condmech.config.CmConfig`;
``{condmech-scale}`` shows the evidence levels, findings and outcomes this book is
configured with, and the certainty scale with the words each certainty gives. Generating them keeps the guide in
step with the code.
"""

from __future__ import annotations

import dataclasses
import pprint
import re
from typing import Any

from condmech.certainty import CERTAINTIES, GAPS, MEANING, answer, better, certainty_words
from condmech.config import CmConfig, get_config
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


class ConfigTable(SphinxDirective):
    """Every ``cm_*`` setting: its name, its default (as written in conf.py) and what it does."""

    def run(self) -> list[nodes.Node]:
        rows = []
        for spec in dataclasses.fields(CmConfig):
            name, default = spec.metadata["name"], spec.metadata["default"]
            if isinstance(default, list) and default and isinstance(default[0], dict):  # a list of records
                ids = ", ".join(record["id"] for record in default)
                shown: list[nodes.Node] = [nodes.Text("ids "), nodes.literal(ids, ids)]
            else:
                shown = [nodes.literal(text := pprint.pformat(default), text)]
            meaning = [*_text(spec.metadata["help"]), nodes.Text(" Default: "), *shown, nodes.Text(".")]
            rows.append([[nodes.literal(name, name)], meaning])
        return [_table(("Setting", "What it does"), (30, 70), rows)]


class ScaleTables(SphinxDirective):
    """The configured evidence levels (weakest first), findings and outcomes, with their ids."""

    def run(self) -> list[nodes.Node]:
        cfg = get_config(self.config)
        levels = [
            [
                [nodes.literal(lv.id, lv.id)],
                [nodes.Text(f"{lv.marker} {lv.label}".strip())],
                [nodes.Text(lv.description)],
            ]
            for lv in cfg.levels
        ]
        findings = [[[nodes.literal(f.id, f.id)], [nodes.Text(f"{f.marker} {f.label}")]] for f in cfg.findings]
        findings += [
            [[nodes.literal(g, g)], [nodes.Text(f"(cm:effect only) the outcome {words}")]] for g, words in GAPS.items()
        ]
        outcomes = [
            [[nodes.literal(ident, ident)], [nodes.Text(label)], [nodes.Text(f"it may {better(ident, label)}")]]
            for ident, label in cfg.outcomes.items()
        ]
        grades = [
            [[nodes.literal(c.id, c.id)], [nodes.Text(f"{c.marker} {certainty_words(c)}".strip())],
             [nodes.Text(answer("positive", c, [("pain", "pain")]))], [nodes.Text(MEANING[c.id])]]
            for c in reversed(CERTAINTIES)
        ]  # fmt: skip
        return [
            _table((":level: value", "Shown as", "Meaning"), (20, 25, 55), levels),
            _table((":finding: value", "Shown as"), (30, 70), findings),
            _table((":outcome: value", "Shown as", "A benefit reads"), (25, 25, 50), outcomes),
            _table((":certainty: value", "Shown as", "A benefit for pain reads", "Meaning"), (15, 20, 30, 35), grades),
        ]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("condmech-warnings", WarningsTable)
    app.add_directive("condmech-config", ConfigTable)
    app.add_directive("condmech-scale", ScaleTables)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
