"""The whole matrix as JSON and CSV in the HTML output (``_static/condition-mechanism.*``).

The JSON schema is ``schema/condition-mechanism.schema.json`` in this package.
Output is sorted, UTF-8 and free of timestamps, so two builds are byte-identical.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder

from . import matrix
from .config import get_config
from .domain import _domain, document_order
from .model import BIDI_CONTROLS, Definition

SCHEMA_ID = "condmech/1"
BASENAME = "condition-mechanism"
#: HTML-significant characters as JSON escapes: a name like ``<script>`` never appears raw.
HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _url(builder: Builder, docname: str, anchor: str) -> str:
    return f"{builder.get_target_uri(docname)}#{anchor}"


def data(builder: Builder) -> dict[str, Any]:
    """The export as plain data (see the JSON schema)."""
    env = builder.env
    domain = _domain(env)
    cfg = get_config(env.config)
    order = document_order(env)
    conditions = domain.definitions("condition", order)
    mechanisms = domain.definitions("mechanism", order)
    known = {(d.kind, d.id) for d in (*conditions, *mechanisms)}
    links = [
        a for a in domain.assertions() if ("condition", a.condition) in known and ("mechanism", a.mechanism) in known
    ]
    index = {a.anchor + "@" + a.docname: i for i, a in enumerate(links)}
    full = matrix.build(conditions, mechanisms, links, cfg)

    def definition(d: Definition) -> dict[str, Any]:
        return {
            "id": d.id,
            "name": d.name,
            "short": d.short,
            "docname": d.docname,
            "url": _url(builder, d.docname, d.anchor),
        }

    return {
        "schema": SCHEMA_ID,
        "evidence_levels": [lv._asdict() for lv in cfg.levels],
        "findings": [f._asdict() for f in cfg.findings],
        "conditions": [definition(d) for d in conditions],
        "mechanisms": [definition(d) for d in mechanisms],
        "links": [
            {
                "condition": a.condition,
                "mechanism": a.mechanism,
                "level": a.level,
                "finding": a.finding,
                "citations": list(a.citations),
                "note": a.note,
                "docname": a.docname,
                "line": a.line,
                "section": a.section,
                "url": _url(builder, a.docname, a.anchor),
            }
            for a in links
        ],
        "cells": [
            {
                "condition": cell.condition.id,
                "mechanism": cell.mechanism.id,
                "level": cell.level.id if cell.level else None,
                "finding": cell.finding.id if cell.finding else None,
                "citations": list(cell.citations),
                "links": sorted(index[a.anchor + "@" + a.docname] for a in cell.assertions),
            }
            for c in conditions
            for cell in full.by_condition(c.id)
        ],
    }


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """*value* safe for a spreadsheet: no direction controls, and a leading ``'`` before a formula start.

    The quote is what spreadsheets themselves use to mark text; it is shown in
    the cell, which is preferable to running the cell as a formula.
    """
    value = BIDI_CONTROLS.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def to_csv(payload: dict[str, Any]) -> str:
    """One row per link, for spreadsheets (every text cell passed through :func:`cell`)."""
    names = {d["id"]: d["name"] for d in (*payload["conditions"], *payload["mechanisms"])}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["condition", "condition_name", "mechanism", "mechanism_name", "level", "finding", "citations", "note", "url"]
    )
    for link in payload["links"]:
        writer.writerow([cell(value) for value in (
            link["condition"], names[link["condition"]], link["mechanism"], names[link["mechanism"]],
            link["level"], link["finding"], " ".join(link["citations"]), link["note"], link["url"],
        )])  # fmt: skip
    return out.getvalue()


def write_export(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write the files for the configured HTML-site builders.

    Never for EPUB: unknown files in its output folder would be packed and warned about.
    """
    cfg = get_config(app.config)
    if exception is not None or app.builder.name not in cfg.export_builders:
        return
    payload = data(app.builder)
    static = Path(app.builder.outdir, "_static")
    static.mkdir(parents=True, exist_ok=True)
    writers = {
        "json": lambda: json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True).translate(HTML_SAFE) + "\n",
        "csv": lambda: to_csv(payload),
    }
    for fmt, text in writers.items():
        path = static / f"{BASENAME}.{fmt}"
        if fmt in cfg.export_formats:
            path.write_text(text(), encoding="utf-8")
        else:  # no longer offered (cm_export_formats changed): no stale copy left on the site
            path.unlink(missing_ok=True)
