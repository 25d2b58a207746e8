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
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util.osutil import relative_uri

from . import certainty
from .config import CmConfig, get_config
from .domain import get_domain
from .model import BIDI_CONTROLS, Definition, Effect
from .nodes import cm_data_links
from .queries import Queries

SCHEMA_ID = "condmech/3"
BASENAME = "condition-mechanism"
#: HTML-significant characters as JSON escapes: a name like ``<script>`` never appears raw.
HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def exported(builder: Builder, cfg: CmConfig) -> bool:
    """Whether *builder* gets the export files: only the configured HTML-site builders.

    Never EPUB: unknown files in its output folder would be packed and warned about.
    """
    return builder.name in cfg.export_builders


def _url(builder: Builder, docname: str, anchor: str) -> str:
    return f"{builder.get_target_uri(docname)}#{anchor}"


#: Each state of the records -> builder name -> its export: built once a build, for the files and
#: the list of changes, and never from an earlier state (a change to the records makes new queries).
_EXPORTS: WeakKeyDictionary[Queries, dict[str, dict[str, Any]]] = WeakKeyDictionary()


def data(builder: Builder) -> dict[str, Any]:
    """The export as plain data (see the JSON schema); callers do not change it."""
    queries = get_domain(builder.env).queries
    built = _EXPORTS.setdefault(queries, {})
    if builder.name not in built:
        built[builder.name] = _data(builder, queries)
    return built[builder.name]


def _data(builder: Builder, queries: Queries) -> dict[str, Any]:
    cfg = get_config(builder.env.config)
    conditions = queries.definitions("condition")
    mechanisms = queries.definitions("mechanism")
    known = {(d.kind, d.id) for d in (*conditions, *mechanisms)}
    links = [
        a for a in queries.assertions if ("condition", a.condition) in known and ("mechanism", a.mechanism) in known
    ]
    index = {(a.docname, a.anchor): i for i, a in enumerate(links)}
    full = queries.matrix()

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
            "certainty": e.certainty or certainty.NOT_RATED.id,
            "rated_by": e.rated_by,
            "studied": e.studied,
        }
        if e.kind == "harm":
            return {**record, "seen": e.seen}
        return {**record, "outcomes": list(e.outcomes), "finding": e.finding, "size": e.size}

    conditions_known = {d.id for d in conditions}
    effects = [e for e in queries.effects if e.condition in conditions_known]
    statuses = queries.statuses

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
        "certainties": [c._asdict() for c in certainty.CERTAINTIES],
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
                "level": cell.level.id,
                "finding": cell.finding.id,
                "citations": list(cell.citations),
                "links": sorted(index[a.docname, a.anchor] for a in cell.assertions),
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
        "approvals": [
            {
                "condition": a.condition,
                "jurisdiction": a.jurisdiction,
                "product": a.product,
                "date": a.date,
                "covers": a.covers,
                "not_for": a.not_for,
                "kind": list(a.kinds),
                "source": a.source,
                "note": a.note,
                "citations": list(a.citations),
                "docname": a.docname,
                "line": a.line,
                "url": _url(builder, a.docname, a.anchor),
            }
            for a in queries.approvals
            if a.condition in conditions_known
        ],
        "checks": [
            {
                "id": c.id,
                "name": c.name,
                "extent": c.extent,
                "how": c.how,
                "as_of": c.as_of,
                "citations": list(c.citations),
                "docname": c.docname,
                "line": c.line,
            }
            for c in queries.checks
        ],
        "reviews": [
            {"docname": docname, "reviewed": review.date, "url": builder.get_target_uri(docname)}
            for docname, review in queries.reviews
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


#: The CSV columns; each row is one declaration, of the ``kind`` mechanism (a ``cm:link``),
#: effect, harm or status, and leaves the columns that do not apply to it empty.
CSV_COLUMNS = (
    "kind", "condition", "condition_name", "mechanism", "mechanism_name", "outcomes", "measured",
    "level", "finding", "certainty", "rated_by", "size", "seen", "studied", "as_of", "summary", "approved",
    "jurisdiction", "product", "date", "covers", "not_for", "approval_kind", "source", "citations", "note", "url",
)  # fmt: skip


def _csv_rows(payload: dict[str, Any]) -> list[dict[str, str]]:
    names = {d["id"]: d["name"] for d in (*payload["conditions"], *payload["mechanisms"])}
    rows: list[dict[str, str]] = []
    for kind, records in (
        ("mechanism", payload["links"]),
        ("effect", payload["effects"]),
        ("harm", payload["harms"]),
        ("status", payload["statuses"]),
        ("approval", payload["approvals"]),
    ):
        for record in records:
            row = {key: value for key, value in record.items() if isinstance(value, str) and key in CSV_COLUMNS}
            row.update(kind=kind, condition_name=names[record["condition"]], citations=" ".join(record["citations"]))
            if "mechanism" in record:
                row["mechanism_name"] = names[record["mechanism"]]
            row["outcomes"] = " ".join(record.get("outcomes", ()))
            row["approved"] = "; ".join(record.get("approved", ()))
            row["approval_kind"] = " ".join(record.get("kind", ()))
            rows.append(row)
    return rows


def to_csv(payload: dict[str, Any]) -> str:
    """One row per declaration (link, effect, harm, status), for spreadsheets (every cell through :func:`cell`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in _csv_rows(payload):
        writer.writerow([cell(row.get(column, "")) for column in CSV_COLUMNS])
    return out.getvalue()


def add_data_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: each table's links to the export files, relative to the page written.

    Builder-specific, so done here, where the builder is public (as ``sphinx.ext.todo`` does),
    not in the builder-neutral table transform, which leaves a :class:`cm_data_links` marker.
    """
    cfg = get_config(app.config)
    for node in list(doctree.findall(cm_data_links)):
        if not (exported(app.builder, cfg) and cfg.export_formats):
            node.replace_self([])
            continue
        page = app.builder.get_target_uri(docname)
        para = nodes.paragraph("", "Data for this table: ", classes=["cm-data-links"])
        for index, fmt in enumerate(cfg.export_formats):
            if index:
                para += nodes.Text(", ")
            uri = relative_uri(page, f"_static/{BASENAME}.{fmt}")
            para += nodes.reference(fmt.upper(), fmt.upper(), refuri=uri, internal=False)
        para += nodes.Text(" (schema described in the contributor guide).")
        node.replace_self(para)


def write_export(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write the files for the builders :func:`exported` names."""
    cfg = get_config(app.config)
    if exception is not None or not exported(app.builder, cfg):
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
