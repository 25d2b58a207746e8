"""A :class:`~condmech.matrix.Matrix` as docutils nodes, the same for every builder.

Only standard nodes plus :mod:`condmech.nodes` are produced, so html, epub,
latex and text writers all render them. Links come from a :class:`~condmech.links.Links`:
``pending_xref`` nodes that Sphinx's resolver turns into builder-correct references later,
or, in the post-transforms, references made for the builder at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from docutils import nodes
from sphinx import addnodes

from . import certainty
from .config import CmConfig
from .links import Links
from .matrix import Cell, Matrix
from .model import Assertion, Definition, Effect, Finding, Level, Problem, TableRequest
from .nodes import cm_header_cell, cm_level

#: Width of the first column in the LaTeX column specification, out of 100.
STUB_WIDTH = 22


def level_node(level: Level, *, keep_together: bool = True) -> cm_level:
    """The level in words, after its marker if the book configures one.

    The default levels have none: filled circles beside an answer read as a rating of the
    treatment, and the type of study is not how sure the evidence is (see :mod:`condmech.certainty`).
    *keep_together*: a no-break space after a marker (narrow table cells pass False, and a
    label may then break after a slash).
    """
    node = cm_level("", "", classes=["cm-level", f"cm-level-{level.id}"])
    label = level.label if keep_together else level.label.replace("/", "/\u200b")
    if level.marker:
        node += nodes.inline(level.marker, level.marker, classes=["cm-marker"])
        label = ("\u00a0" if keep_together else " ") + label
    node += nodes.Text(label)
    return node


def finding_node(finding: Finding) -> nodes.inline:
    text = f"{finding.marker}\u00a0{finding.label}"
    return nodes.inline(text, text, classes=["cm-finding", f"cm-finding-{finding.id}"])


def assertion_header(condition: str, mechanism: str, level: Level, finding: Finding, links: Links) -> nodes.paragraph:
    """'Evidence link: <condition> → <mechanism>. <level>, <finding>' above a ``cm:link``'s text."""
    header = nodes.paragraph("", classes=["cm-assertion-header"])
    header += nodes.Text("Evidence link: ")
    header += links.definition("cond", condition, condition, explicit=False)
    header += nodes.Text(" \u2192 ")
    header += links.definition("mech", mechanism, mechanism, explicit=False)
    header += nodes.Text(". ")
    header += level_node(level)
    header += nodes.Text(", ")
    header += finding_node(finding)
    return header


def effect_header(
    kind: str, condition: str, outcomes: list[str], level: Level, finding: Finding | None, links: Links, extra: str = ""
) -> nodes.paragraph:
    """'Effect in people: <condition> (<outcomes>). <level>, <finding><extra>' or 'Harms: <condition>. <level><extra>'.

    *extra* is the certainty in words (", low certainty") or a gap (", not reported").
    """
    header = nodes.paragraph("", classes=["cm-assertion-header"])
    header += nodes.Text("Effect measured in people: " if kind == "effect" else "Harms reported: ")
    header += links.definition("cond", condition, condition, explicit=False)
    if outcomes:
        header += nodes.Text(f" ({', '.join(outcomes)})")
    header += nodes.Text(". ")
    header += level_node(level)
    if finding is not None:
        header += nodes.Text(", ")
        header += finding_node(finding)
    if extra:
        header += nodes.Text(extra)
    return header


def problem_marker(problems: list[str]) -> nodes.paragraph:
    """A visible note where a declaration has a problem, so the live preview shows it in place."""
    label = "Problem in this declaration: "
    text = f"{'; '.join(problems)} (see the build warnings)."
    return nodes.paragraph("", "", nodes.strong(label, label), nodes.Text(text), classes=["cm-problem"])


def problem_note(problems: Sequence[Problem], links: Links) -> nodes.paragraph:
    """Where a summary would otherwise say "none": declarations that could not be read, with links to them."""
    label = "Problem: "
    count = "a" if len(problems) == 1 else str(len(problems))
    para = nodes.paragraph("", "", nodes.strong(label, label), classes=["cm-problem"])
    para += nodes.Text(f"{count} cm:{problems[0].kind} could not be read, so this is incomplete (")
    for index, problem in enumerate(problems):
        text = "see it" if len(problems) == 1 else f"{index + 1}"
        para += nodes.Text(", " if index else "")
        para += links.declaration(problem.docname, problem.anchor, nodes.inline(text, text))
    para += nodes.Text("; the build warnings say why).")
    return para


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _label(definition: Definition, cfg: CmConfig) -> str:
    return shorten(definition.short, cfg.max_name_length)


def _role(definition: Definition) -> str:
    return "cond" if definition.kind == "condition" else "mech"


def _definition_ref(definition: Definition, links: Links, cfg: CmConfig) -> nodes.Element:
    return links.definition(_role(definition), definition.id, _label(definition, cfg))


def _backlinks(assertions: Sequence[Assertion | Effect], links: Links) -> list[nodes.Node]:
    """'See: <section>, <section> (2)', one link per asserting place.

    Links under the same heading are numbered in page order, whatever order the cell lists them in.
    """
    result: list[nodes.Node] = [nodes.Text("See: ")]
    seen: dict[str, int] = {}
    number: dict[Assertion, int] = {}
    for assertion in sorted(assertions, key=lambda a: (a.docname, a.line)):
        text = assertion.section or assertion.docname
        seen[text] = number[assertion] = seen.get(text, 0) + 1
    for index, assertion in enumerate(assertions):
        text = assertion.section or assertion.docname
        if number[assertion] > 1:
            text = f"{text} ({number[assertion]})"
        if index:
            result.append(nodes.Text("; "))
        content = nodes.inline(text, text, classes=["cm-backlink"])
        result.append(links.declaration(assertion.docname, assertion.anchor, content))
    return result


def _citations(keys: Iterable[str], links: Links, known: set[str]) -> nodes.paragraph | None:
    """The sources of a cell, one citation per key, for the keys sphinxcontrib-bibtex knows.

    Each key is a ``cm:cite`` reference that the domain resolves through bibtex once
    per page and key (a cell repeats keys of many links; bibtex formats each
    reference anew on every call). Unknown keys were already reported at the
    ``cm:link`` (``bibtex.key_not_found``).
    """
    found = [key for key in keys if key in known]
    if not found:
        return None
    para = nodes.paragraph("", "", classes=["cm-cites"])
    for index, cited in enumerate(links.cites(found)):
        if index:
            para += nodes.Text(" ")
        para += cited
    return para


def _cell_body(cell: Cell, links: Links, known: set[str]) -> list[nodes.Element]:
    status = nodes.paragraph("", "", level_node(cell.level), nodes.Text(", "), finding_node(cell.finding))
    body: list[nodes.Element] = [
        status,
        nodes.paragraph("", "", *_backlinks(cell.assertions, links), classes=["cm-where"]),
    ]
    cited = _citations(cell.citations, links, known)
    if cited is not None:
        body.append(cited)
    return body


def _empty() -> nodes.paragraph:
    return nodes.paragraph("", "none declared", classes=["cm-empty"])


def render_matrix(
    matrix: Matrix, cfg: CmConfig, caption: str, links: Links, known: set[str], *, transposed: bool, table_id: str
) -> nodes.table:
    """A real table: caption, a header row and a header column, one cell per pair."""
    rows, columns = (matrix.mechanisms, matrix.conditions) if transposed else (matrix.conditions, matrix.mechanisms)
    table = nodes.table("", classes=["cm-matrix", "longtable", "colwidths-given"], ids=[table_id])
    table += nodes.title(caption, caption)
    tgroup = nodes.tgroup(cols=len(columns) + 1)
    table += tgroup
    width = (100 - STUB_WIDTH) // max(len(columns), 1)
    tgroup += nodes.colspec(colwidth=STUB_WIDTH, stub=1)
    tgroup.extend(nodes.colspec(colwidth=width) for _ in columns)
    head_row = nodes.row()
    corner = "Mechanism" if transposed else "Condition"
    head_row += cm_header_cell("", nodes.paragraph(corner, corner), scope="col")
    for column in columns:
        head_row += cm_header_cell("", nodes.paragraph("", "", _definition_ref(column, links, cfg)), scope="col")
    tgroup += nodes.thead("", head_row)
    tbody = nodes.tbody()
    for row in rows:
        table_row = nodes.row()
        table_row += cm_header_cell("", nodes.paragraph("", "", _definition_ref(row, links, cfg)), scope="row")
        for column in columns:
            pair = (column.id, row.id) if transposed else (row.id, column.id)
            found = matrix.cell(*pair)
            table_row += table_cell(*(_cell_body(found, links, known) if found else [_empty()]))
        tbody += table_row
    tgroup += tbody
    return table


def _item(definition: Definition, cell: Cell, links: Links, cfg: CmConfig, known: set[str]) -> nodes.list_item:
    para = nodes.paragraph("", "", _definition_ref(definition, links, cfg), nodes.Text(": "))
    para += level_node(cell.level)
    para += nodes.Text(", ")
    para += finding_node(cell.finding)
    para += nodes.Text(". ")
    para.extend(_backlinks(cell.assertions, links))
    cited = _citations(cell.citations, links, known)
    if cited is not None:
        para += nodes.Text(" ")
        para.extend(cited.children)
    return nodes.list_item("", para)


def render_list(matrix: Matrix, cfg: CmConfig, links: Links, known: set[str]) -> nodes.container:
    """Mechanism → conditions, as nested lists: readable on narrow screens and e-readers."""
    outer = nodes.bullet_list(classes=["cm-list"])
    for mechanism in matrix.mechanisms:
        inner = nodes.bullet_list()
        for cell in matrix.by_mechanism(mechanism.id):
            inner += _item(cell.condition, cell, links, cfg, known)
        if not len(inner):
            inner += nodes.list_item("", _empty())
        head = nodes.paragraph("", "", nodes.strong("", "", _definition_ref(mechanism, links, cfg)))
        outer += nodes.list_item("", head, inner)
    return nodes.container("", outer, classes=["cm-list-view"])


def render_summary(matrix: Matrix, cfg: CmConfig, condition: str, links: Links, known: set[str]) -> nodes.Element:
    """The mechanisms declared for one condition, strongest evidence per mechanism."""
    items = nodes.bullet_list(classes=["cm-summary"])
    for cell in matrix.by_condition(condition):
        items += _item(cell.mechanism, cell, links, cfg, known)
    if not len(items):
        return nodes.paragraph("", "No evidence links are declared for this condition.", classes=["cm-empty"])
    return items


def render_legend(cfg: CmConfig, *, grades: bool = False) -> nodes.container:
    """What the evidence types and the findings mean, in words; with *grades*, the certainty markers first."""
    scale = nodes.bullet_list()
    for grade in reversed(certainty.CERTAINTIES):
        text = f"{grade.marker} {grade.label.capitalize()}: {certainty.MEANING[grade.id]}".strip()
        scale += nodes.list_item("", nodes.paragraph(text, text))
    levels = nodes.bullet_list()
    for level in reversed(cfg.levels):
        levels += nodes.list_item("", nodes.paragraph("", "", level_node(level), nodes.Text(f": {level.description}")))
    findings = nodes.bullet_list()
    for finding in cfg.findings:
        findings += nodes.list_item("", nodes.paragraph("", "", finding_node(finding)))
    legend = nodes.container(
        "",
        nodes.paragraph("", "Evidence types, strongest design first (the type of study, not how sure it is):"),
        levels,
        nodes.paragraph("", "Findings:"),
        findings,
        classes=["cm-legend"],
    )
    if grades:
        title = "How sure the evidence is (certainty, as GRADE rates it; the marker counts plus signs):"
        legend[0:0] = [nodes.paragraph("", title), scale]
    return legend


def column_spec(widths: Sequence[int], sizes: Sequence[str] = ()) -> addnodes.tabular_col_spec:
    """Ragged-right columns of these relative widths that add up to the text width (LaTeX only).

    *sizes*: each column's LaTeX type size (``small`` for those not given). No hyphenation in
    the cells: author names in citation labels must not break.
    """
    sizes = [*sizes, *["small"] * (len(widths) - len(sizes))]
    return addnodes.tabular_col_spec(spec="".join(
        rf">{{\raggedright\arraybackslash\{size}\hyphenpenalty=10000}}\X{{{w}}}{{{sum(widths)}}}"
        for w, size in zip(widths, sizes, strict=True)
    ))  # fmt: skip


def table_cell(*content: nodes.Node) -> nodes.entry:
    """A table cell, ragged-right and unhyphenated in LaTeX too.

    Sphinx 9 wraps every LaTeX cell in a ``varwidth`` box, which resets the column
    specification's ``\\raggedright``; a LaTeX-only raw node restates it inside the box.
    Other writers skip it.
    """
    raw = nodes.raw("", r"\raggedright\hyphenpenalty=10000\relax", format="latex")
    return nodes.entry("", raw, *content)


def latex_column_spec(columns: int) -> addnodes.tabular_col_spec:
    """The matrix's columns: the stub, then equal shares of the rest."""
    width = (100 - STUB_WIDTH) // max(columns, 1)
    return column_spec([STUB_WIDTH, *[width] * columns])


def render(
    request: TableRequest,
    matrix: Matrix,
    cfg: CmConfig,
    caption: str,
    known: set[str],
    table_id: str = "cm-table",
    links: Links | None = None,
) -> list[nodes.Node]:
    """Nodes for one ``cm:matrix`` or ``cm:summary`` request (*table_id*: the table's HTML id).

    The legend is not among them: a page gets it once, before its first table, or after it for an
    overview, whose answers are words (:mod:`condmech.transforms`).
    """
    links = links or Links(request.docname)
    if request.view == "summary":
        return [render_summary(matrix, cfg, request.condition, links, known)]
    if matrix.is_empty:
        return [nodes.paragraph("", "No evidence links match this table.", classes=["cm-empty"])]
    if request.view == "list":
        return [render_list(matrix, cfg, links, known)]
    transposed = request.view == "transposed"
    table = render_matrix(matrix, cfg, caption, links, known, transposed=transposed, table_id=table_id)
    columns = len(matrix.conditions if transposed else matrix.mechanisms)
    return [latex_column_spec(columns), table]
