"""The overview table: one row per condition, one column per reader's question.

"Does it help?" (clinical effects measured in people), "Harms", "How might it
work?" (mechanism evidence) and "Approved?" (status with its date). Each cell
shows a marker and a short label; the statements, back-links and sources are in
a :class:`~condmech.nodes.cm_details` (``<details>`` in HTML, shown in full in
the PDF). Only standard nodes plus :mod:`condmech.nodes`, as in :mod:`condmech.render`.
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes
from sphinx import addnodes

from .config import CmConfig
from .overview import Answer, Row
from .nodes import cm_cell_label, cm_details, cm_details_summary, cm_header_cell
from .render import STUB_WIDTH, _backlinks, _citations, _definition_ref, finding_node, level_node
from .status import as_of_text

#: (header, LaTeX width out of 100) of the answer columns; the condition column is STUB_WIDTH wide.
COLUMNS = (("Does it help? Effects measured in people", 24), ("Harms", 17), ("How might it work?", 22), ("Approved?", 17))


def row_anchor(condition: str) -> str:
    """The id of a condition's row (the key messages link to it)."""
    return f"cm-row-{condition}"


def _details(summary: list[nodes.Node], body: list[nodes.Node], kind: str) -> cm_details:
    return cm_details("", cm_details_summary("", "", *summary), *body, classes=["cm-details", f"cm-details-{kind}"])


def _none(text: str) -> nodes.paragraph:
    return nodes.paragraph("", text, classes=["cm-empty"])


def _answer_body(answer: Answer, docname: str, cfg: CmConfig, known: set[str]) -> list[nodes.Node]:
    body: list[nodes.Node] = []
    for item in answer.items:
        level = cfg.level(item.level)
        assert level is not None
        para = nodes.paragraph("", "", level_node(level))
        finding = cfg.finding(item.finding) if item.finding else None
        if finding is not None:
            para += nodes.Text(", ")
            para += finding_node(finding)
        if item.outcomes:
            para += nodes.Text(f" ({', '.join(cfg.outcomes[o] for o in item.outcomes)})")
        if item.note:
            para += nodes.Text(f". {item.note.rstrip('.')}.")
        body.append(para)
    body.append(nodes.paragraph("", "", *_backlinks(answer.items, docname), classes=["cm-where"]))
    cited = _citations(answer.citations, docname, known)
    if cited is not None:
        body.append(cited)
    return body


def _effect_cell(row: Row, docname: str, cfg: CmConfig, known: set[str]) -> list[nodes.Node]:
    answer = row.effect
    if answer is None:
        return [_none("no study in people declared")]
    assert answer.finding is not None
    summary: list[nodes.Node] = [level_node(answer.level), nodes.Text(", "), finding_node(answer.finding)]
    if answer.outcomes:
        summary.append(nodes.Text(f" ({', '.join(cfg.outcomes[o] for o in answer.outcomes)})"))
    return [_details(summary, _answer_body(answer, docname, cfg, known), "effect")]


def _harm_cell(row: Row, docname: str, cfg: CmConfig, known: set[str]) -> list[nodes.Node]:
    answer = row.harm
    if answer is None:
        return [_none("none declared")]
    return [_details([level_node(answer.level)], _answer_body(answer, docname, cfg, known), "harm")]


def _mechanism_cell(row: Row, docname: str, known: set[str]) -> list[nodes.Node]:
    if not row.mechanisms:
        return [_none("none declared")]
    result: list[nodes.Node] = []
    for cell in row.mechanisms:
        assert cell.level is not None and cell.finding is not None
        summary: list[nodes.Node] = [
            nodes.inline(cell.mechanism.short, cell.mechanism.short, classes=["cm-mechanism-name"]),
            nodes.Text(": "),
            level_node(cell.level),
            nodes.Text(", "),
            finding_node(cell.finding),
        ]
        body: list[nodes.Node] = [nodes.paragraph("", "", *_backlinks(cell.assertions, docname), classes=["cm-where"])]
        measured = [a.measured for a in cell.assertions if a.measured]
        if measured:
            body.insert(0, nodes.paragraph("", "Measured: " + "; ".join(measured) + "."))
        cited = _citations(cell.citations, docname, known)
        if cited is not None:
            body.append(cited)
        result.append(_details(summary, body, "mechanism"))
    return result


def _status_cell(row: Row, docname: str, known: set[str]) -> list[nodes.Node]:
    status = row.status
    if status is None:
        return [_none("not declared")]
    summary: list[nodes.Node] = [nodes.Text(f"{status.summary.rstrip('.')}, {as_of_text(status.as_of)}")]
    body: list[nodes.Node] = []
    if status.approvals:
        body.append(
            nodes.bullet_list("", *(nodes.list_item("", nodes.paragraph(a, a)) for a in status.approvals))
        )
    cited = _citations(status.citations, docname, known)
    if cited is not None:
        body.append(cited)
    return [_details(summary, body, "status")] if body else [nodes.paragraph("", "", *summary)]


def _stub(row: Row, docname: str, cfg: CmConfig, anchored: bool) -> cm_header_cell:
    para = nodes.paragraph("", "", _definition_ref(row.condition, docname, cfg))
    if anchored:
        para.insert(0, nodes.target("", "", ids=[row_anchor(row.condition.id)]))
    return cm_header_cell("", para, scope="row")


def render_overview(
    rows: Sequence[Row], cfg: CmConfig, caption: str, docname: str, known: set[str], *, table_id: str, anchored: bool
) -> list[nodes.Node]:
    """The LaTeX column specification and the table (*anchored*: give rows their ids)."""
    table = nodes.table("", classes=["cm-overview", "longtable", "colwidths-given"], ids=[table_id])
    table += nodes.title(caption, caption)
    tgroup = nodes.tgroup(cols=len(COLUMNS) + 1)
    table += tgroup
    tgroup += nodes.colspec(colwidth=STUB_WIDTH - 4, stub=1)
    tgroup.extend(nodes.colspec(colwidth=width) for _, width in COLUMNS)
    head = nodes.row()
    head += cm_header_cell("", nodes.paragraph("Condition", "Condition"), scope="col")
    for title, _ in COLUMNS:
        head += cm_header_cell("", nodes.paragraph(title, title), scope="col")
    tgroup += nodes.thead("", head)
    body = nodes.tbody()
    for row in rows:
        cells = (
            _effect_cell(row, docname, cfg, known),
            _harm_cell(row, docname, cfg, known),
            _mechanism_cell(row, docname, known),
            _status_cell(row, docname, known),
        )
        table_row = nodes.row("", _stub(row, docname, cfg, anchored))
        for (title, _), content in zip(COLUMNS, cells, strict=True):
            short = title.split(" Effects")[0]
            label = cm_cell_label(short, short, classes=["cm-cell-label"])
            table_row += nodes.entry("", label, *content)
        body += table_row
    tgroup += body
    ragged = r">{\raggedright\arraybackslash\small}"
    widths = [STUB_WIDTH - 4, *(width for _, width in COLUMNS)]
    spec = "".join(rf"{ragged}\X{{{width}}}{{{sum(widths)}}}" for width in widths)
    return [addnodes.tabular_col_spec(spec=spec), table]
