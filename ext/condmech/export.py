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
from .model import Definition, Effect

SCHEMA_ID = "condmech/2"
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

    def effect(e: Effect) -> dict[str, Any]:
        record = {
            "condition": e.condition,
            "level": e.level,
            "citations": list(e.citations),
            "note": e.note,
            "docname": e.docname,
            "line": e.line,
            "section": e.section,
            "url": _url(builder, e.docname, e.anchor),
        }
        return record if e.kind == "harm" else {**record, "outcomes": list(e.outcomes), "finding": e.finding}

    conditions_known = {d.id for d in conditions}
    effects = [e for e in domain.effects() if e.condition in conditions_known]
    statuses = domain.statuses()

    def definition(d: Definition) -> dict[str, Any]:
        return {
            "id": d.id,
            "name": d.name,
            "short": d.short,
            "plain": d.plain or d.short,
            "docname": d.docname,
            "url": _url(builder, d.docname, d.anchor),
        }

    return {
        "schema": SCHEMA_ID,
        "evidence_levels": [lv._asdict() for lv in cfg.levels],
        "findings": [f._asdict() for f in cfg.findings],
        "outcomes": [{"id": ident, "label": label} for ident, label in cfg.outcomes.items()],
        "review_interval_months": cfg.review_interval_months,
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
                "measured": a.measured,
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
        "effects": [effect(e) for e in effects if e.kind == "effect"],
        "harms": [effect(e) for e in effects if e.kind == "harm"],
        "statuses": [
            {
                "condition": st.condition,
                "as_of": st.as_of,
                "summary": st.summary,
                "approved": list(st.approvals),
                "citations": list(st.citations),
                "docname": st.docname,
                "line": st.line,
                "url": _url(builder, st.docname, st.anchor),
            }
            for c in conditions
            if (st := statuses.get(c.id)) is not None
        ],
        "reviews": [
            {"docname": docname, "reviewed": review.date, "url": builder.get_target_uri(docname)}
            for docname, review in domain.reviews()
        ],
    }


#: The CSV columns; each row is one declaration, of the ``kind`` mechanism (a ``cm:link``),
#: effect, harm or status, and leaves the columns that do not apply to it empty.
CSV_COLUMNS = (
    "kind", "condition", "condition_name", "mechanism", "mechanism_name", "outcomes", "measured",
    "level", "finding", "as_of", "summary", "approved", "citations", "note", "url",
)  # fmt: skip


def _csv_rows(payload: dict[str, Any]) -> list[dict[str, str]]:
    names = {d["id"]: d["name"] for d in (*payload["conditions"], *payload["mechanisms"])}
    rows: list[dict[str, str]] = []
    for kind, records in (
        ("mechanism", payload["links"]),
        ("effect", payload["effects"]),
        ("harm", payload["harms"]),
        ("status", payload["statuses"]),
    ):
        for record in records:
            row = {key: value for key, value in record.items() if isinstance(value, str) and key in CSV_COLUMNS}
            row.update(kind=kind, condition_name=names[record["condition"]], citations=" ".join(record["citations"]))
            if "mechanism" in record:
                row["mechanism_name"] = names[record["mechanism"]]
            row["outcomes"] = " ".join(record.get("outcomes", ()))
            row["approved"] = "; ".join(record.get("approved", ()))
            rows.append(row)
    return rows


def to_csv(payload: dict[str, Any]) -> str:
    """One row per declaration (link, effect, harm, status), for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in _csv_rows(payload):
        writer.writerow([row.get(column, "") for column in CSV_COLUMNS])
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
    if "json" in cfg.export_formats:
        text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True).translate(HTML_SAFE) + "\n"
        (static / f"{BASENAME}.json").write_text(text, encoding="utf-8")
    if "csv" in cfg.export_formats:
        (static / f"{BASENAME}.csv").write_text(to_csv(payload), encoding="utf-8")
