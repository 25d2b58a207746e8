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

from . import approvals, certainty
from .config import CmConfig
from .dates import as_of_text
from .keymessages import NO_HARM_DATA, evidence_words, plain_level, rating
from .links import Links
from .model import Problem
from .nodes import cm_cell_label, cm_details, cm_details_summary, cm_header_cell
from .overview import Answer, Row
from .render import (
    _backlinks,
    _citations,
    _definition_ref,
    column_spec,
    finding_node,
    level_node,
    problem_note,
    table_cell,
)

#: (header, width out of 100) of the answer columns; the condition column takes the rest (CONDITION_WIDTH),
#: enough for "Osteoarthritis" on one line in the HTML text column at 1280 px.
COLUMNS = (
    ("Does it help? Effects measured in people", 22),
    ("Harms", 18),
    ("How might it work?", 17),
    ("Approved?", 24),
)
CONDITION_WIDTH = 100 - sum(width for _, width in COLUMNS)


def row_anchor(condition: str) -> str:
    """The id of a condition's row (the key messages link to it)."""
    return f"cm-row-{condition}"


def _details(summary: list[nodes.Node], body: list[nodes.Node], kind: str) -> cm_details:
    return cm_details("", cm_details_summary("", "", *summary), *body, classes=["cm-details", f"cm-details-{kind}"])


def _none(text: str) -> nodes.paragraph:
    return nodes.paragraph("", text, classes=["cm-empty"])


def _certainty_node(answer: Answer) -> nodes.inline:
    """'⊕⊕◯◯ Low certainty (editors' judgement)': GRADE's marker, always with its words."""
    rated = answer.certainty
    words = certainty.certainty_words(rated, answer.rated_by)
    words = words[:1].upper() + words[1:]
    node = nodes.inline("", "", classes=["cm-certainty", f"cm-certainty-{rated.id}"])
    if rated.marker:
        node += nodes.inline(rated.marker, rated.marker, classes=["cm-marker"])
        node += nodes.Text(" ")
    node += nodes.Text(words)
    return node


def _answer_body(answer: Answer, links: Links, cfg: CmConfig, known: set[str], compact: bool) -> list[nodes.Node]:
    body: list[nodes.Node] = []
    # in print, one declaration's certainty is in the answer beside it, unless a source rated it
    said = compact and len(answer.items) == 1 and answer.rated_by in ("", certainty.EDITORS)
    for item in answer.items:
        para = nodes.paragraph()
        if not (compact or len(answer.items) == 1):  # else the summary line gives the level
            level = cfg.level(item.level)
            assert level is not None
            para += level_node(level, keep_together=False)
            finding = cfg.finding(item.finding) if item.finding else None
            if finding is not None:
                para += nodes.Text(", ")
                para += finding_node(finding)
            if item.outcomes:
                para += nodes.Text(f" ({', '.join(cfg.outcomes[o] for o in item.outcomes)})")
            para += nodes.Text(".")
        if not said:
            para.extend(rating(certainty.get(item.certainty), item.rated_by, certainty.DETAILS_RATING, links, known))
        if item.note:
            para += nodes.Text(f" {item.note.rstrip('.')}.")
        if len(para):
            body.append(para)
    body.append(nodes.paragraph("", "", *_backlinks(answer.items, links), classes=["cm-where"]))
    cited = _citations(answer.citations, links, known)
    if cited is not None:
        body.append(cited)
    return body


def _gaps(row: Row, cfg: CmConfig) -> list[nodes.Node]:
    return [nodes.paragraph(text, text, classes=["cm-gap"]) for text in row.gap_sentences(cfg.outcomes)]


def _effect_cell(row: Row, links: Links, cfg: CmConfig, known: set[str], compact: bool) -> list[nodes.Node]:
    answer = row.effect
    if answer is None:
        return [_none("No study in people in this book"), *_gaps(row, cfg)]
    assert answer.finding is not None
    outcomes = [(o, cfg.outcomes[o]) for o in answer.outcomes]
    text = certainty.short_answer(certainty.answer(answer.finding.id, answer.certainty, outcomes, answer.size))
    summary: list[nodes.Node] = [
        nodes.strong(text, text, classes=["cm-answer"]),
        nodes.Text(". "),
        _certainty_node(answer),
        nodes.Text(f". Evidence: {evidence_words(answer)}."),
    ]
    return [_details(summary, _answer_body(answer, links, cfg, known, compact), "effect"), *_gaps(row, cfg)]


def _harm_cell(row: Row, links: Links, cfg: CmConfig, known: set[str], compact: bool) -> list[nodes.Node]:
    answer = row.harm
    if answer is None:
        return [_none(NO_HARM_DATA)]
    seen = answer.seen
    summary: list[nodes.Node] = [
        nodes.inline(seen, seen, classes=["cm-seen"]),
        nodes.Text(" "),
        _certainty_node(answer),
        nodes.Text(f". Evidence: {evidence_words(answer)}."),
    ]
    return [_details(summary, _answer_body(answer, links, cfg, known, compact), "harm")]


#: A mechanism's finding after the evidence type, in words: (after one study, after several).
MECHANISM_VERB = {
    "positive": ("supports it", "support it"),
    "mixed": ("gives mixed or limited support", "give mixed or limited support"),
    "negative": ("does not support it", "do not support it"),
}


def _mechanism_cell(row: Row, links: Links, known: set[str]) -> list[nodes.Node]:
    if not row.mechanisms:
        return [_none("No study of how it might work in this book")]
    result: list[nodes.Node] = []
    for cell in row.mechanisms:
        count = cell.top_sources
        one, several = MECHANISM_VERB.get(cell.finding.id, (cell.finding.label, cell.finding.label))
        verb = one if count == 1 else several
        words = f"{plain_level(cell.level, count).capitalize()} {verb}."
        summary: list[nodes.Node] = [
            nodes.inline(cell.mechanism.short, cell.mechanism.short, classes=["cm-mechanism-name"]),
            nodes.Text(": "),
            nodes.inline(words, words, classes=["cm-mechanism-evidence"]),
        ]
        body: list[nodes.Node] = [nodes.paragraph("", "", *_backlinks(cell.assertions, links), classes=["cm-where"])]
        measured = [a.measured for a in cell.assertions if a.measured]
        if measured:
            body.insert(0, nodes.paragraph("", "Measured: " + "; ".join(measured) + "."))
        cited = _citations(cell.citations, links, known)
        if cited is not None:
            body.append(cited)
        result.append(_details(summary, body, "mechanism"))
    return result


def _status_cell(row: Row, links: Links, known: set[str], compact: bool, folded: bool) -> list[nodes.Node]:
    """The reader's question answered first, then every approval with its limits, visible without a click
    (in short under the details, where they fold away: *folded*)."""
    status = row.status
    if status is None and not row.approvals:
        return [_none("not declared")]
    lead = row.approval_answer(f", {as_of_text(status.as_of)}" if status is not None else "")
    summary: list[nodes.Node] = [nodes.strong(lead, lead, classes=["cm-answer"]), nodes.Text(".")]
    result: list[nodes.Node] = []
    body: list[nodes.Node] = []
    if status is not None and status.approvals:  # the deprecated one-line form
        body.extend(nodes.paragraph(a, a, classes=["cm-approval"]) for a in status.approvals)
    for approval in row.approvals:
        text = approvals.approval_text(approval, short=True)
        result.append(nodes.paragraph(text, text, classes=["cm-approval"]))
    full = [approvals.approval_text(approval) for approval in row.approvals]  # in full, with notes and sources
    body[0:0] = [nodes.paragraph(text, text) for text in full]
    keys = [*(status.citations if status else ()), *(k for a in row.approvals for k in a.citations)]
    cited = None if compact else _citations(dict.fromkeys(keys), links, known)  # the chapter cites them
    if cited is not None:
        body.append(cited)
    head = [_details(summary, body, "status")] if body else [nodes.paragraph("", "", *summary)]
    # where the details never fold (print, EPUB) they give each approval in full: the short form would repeat it
    return [*head, *result] if folded else head


def _with_problems(content: list[nodes.Node], problems: tuple[Problem, ...], links: Links) -> list[nodes.Node]:
    """A cell with its problem note; the note replaces "none declared" (a typo is not "none")."""
    if not problems:
        return content
    answered = [node for node in content if "cm-empty" not in node.get("classes", ())]
    return [*answered, problem_note(problems, links)]


def _cells(
    row: Row, links: Links, cfg: CmConfig, known: set[str], compact: bool, folded: bool
) -> tuple[list[nodes.Node], ...]:
    """The contents of a row's answer cells, in the order of :data:`COLUMNS`, each with its problems."""
    return tuple(
        _with_problems(content, tuple(p for kind in kinds for p in row.problem(kind)), links)
        for kinds, content in (
            (("effect",), _effect_cell(row, links, cfg, known, compact)),
            (("harm",), _harm_cell(row, links, cfg, known, compact)),
            (("link",), _mechanism_cell(row, links, known)),
            (("status", "approval"), _status_cell(row, links, known, compact, folded)),
        )
    )


def _stub(row: Row, links: Links, cfg: CmConfig, anchored: bool) -> cm_header_cell:
    para = nodes.paragraph("", "", _definition_ref(row.condition, links, cfg))
    if anchored:
        para.insert(0, nodes.target("", "", ids=[row_anchor(row.condition.id)]))
    return cm_header_cell("", para, scope="row")


def render_overview(
    rows: Sequence[Row],
    cfg: CmConfig,
    caption: str,
    links: Links,
    known: set[str],
    *,
    table_id: str,
    anchored: bool,
    compact: bool = False,
    folded: bool = True,
) -> list[nodes.Node]:
    """The table and its LaTeX column specification, in a box (*anchored*: give rows their ids).

    *compact* (print, where nothing folds away): the details keep the notes, back-links
    and sources of effects and harms, without repeating each level, and the status its
    approvals (the chapter's status block gives its sources). *folded*: the details fold
    away (HTML, not EPUB), so each approval is also given in short under them.
    """
    if compact:
        return render_print(rows, cfg, caption, links, known, table_id=table_id, anchored=anchored)
    table = nodes.table("", classes=["cm-overview", "longtable", "colwidths-given"], ids=[table_id])
    table += nodes.title(caption, caption)
    tgroup = nodes.tgroup(cols=len(COLUMNS) + 1)
    table += tgroup
    tgroup += nodes.colspec(colwidth=CONDITION_WIDTH, stub=1)
    tgroup.extend(nodes.colspec(colwidth=width) for _, width in COLUMNS)
    head = nodes.row()
    head += cm_header_cell("", nodes.paragraph("Condition", "Condition"), scope="col")
    for title, _ in COLUMNS:
        head += cm_header_cell("", nodes.paragraph(title, title), scope="col")
    tgroup += nodes.thead("", head)
    body = nodes.tbody()
    for row in rows:
        cells = _cells(row, links, cfg, known, compact, folded)
        table_row = nodes.row("", _stub(row, links, cfg, anchored))
        for (title, _), content in zip(COLUMNS, cells, strict=True):
            short = title.split(" Effects")[0]
            label = cm_cell_label(short, short, classes=["cm-cell-label"])
            table_row += table_cell(label, *content)
        body += table_row
    tgroup += body
    spec = column_spec([CONDITION_WIDTH, *(width for _, width in COLUMNS)])
    # the box lets the stylesheet reach the theme's scrolling wrapper around the table without :has()
    return [nodes.container("", spec, table, classes=["cm-overview-box"])]


#: The print table's columns (header, width out of 100, type size): the condition and question, the
#: answer (its words in bold), and what lies behind it. Answer and details are 9 pt (11 pt leading) in
#: the book's 11 pt: at 10 pt the answers made the table run onto a third page.
PRINT_COLUMNS = (
    ("Condition, question", 16, "small"),
    ("Answer", 34, "footnotesize"),
    ("Details and sources", 50, "footnotesize"),
)


def _print_items(content: list[nodes.Node]) -> list[tuple[list[nodes.Node], list[nodes.Node]]]:
    """One cell's content as (answer, details) pairs: a details box gives its summary and its body;
    a paragraph outside one (no answer, a gap) joins the answer before it, or stands alone."""
    items: list[tuple[list[nodes.Node], list[nodes.Node]]] = []
    for node in content:
        if isinstance(node, cm_details):
            summary, *body = node.children
            items.append(([nodes.paragraph("", "", *summary.children, classes=["cm-answer-line"])], body))
        elif items:
            items[-1][0].append(node)
        else:
            items.append(([node], []))
    return items


def _one_line_of_sources(details: list[nodes.Node]) -> list[nodes.Node]:
    """The details for print, with the back-links and the sources after them in one paragraph."""
    result: list[nodes.Node] = []
    for node in details:
        previous = result[-1] if result else None
        if "cm-cites" in node.get("classes", ()) and previous is not None and "cm-where" in previous["classes"]:
            previous += nodes.Text(" ")
            previous.extend(node.children)
        else:
            result.append(node)
    return result


def _print_cells(answer: list[nodes.Node], details: list[nodes.Node]) -> list[nodes.entry]:
    """The answer and details cells of a print row; an answer with nothing behind it spans both."""
    if details:
        return [table_cell(*answer), table_cell(*_one_line_of_sources(details))]
    size = nodes.raw("", rf"\{PRINT_COLUMNS[1][2]}", format="latex")  # a merged cell has no column's size
    merged = table_cell(size, *answer)
    merged["morecols"] = 1
    return [merged]


def render_print(
    rows: Sequence[Row], cfg: CmConfig, caption: str, links: Links, known: set[str], *, table_id: str, anchored: bool
) -> list[nodes.Node]:
    """The overview for print, where nothing folds away: a row per question, each answer beside its details.

    The condition's name heads its first row and each question has rows of its own, so pages break
    between questions, never between a condition and its first answer (a row never splits, so whole
    conditions in one row left pages half empty). Answer and details sit in columns of their own;
    an answer without details spans both, and the back-links and sources share a line. The table
    is in a ``cm-overview-wide`` box, which the book's preamble lets reach into the side margins.
    """
    classes = ["cm-overview", "cm-overview-print", "longtable", "colwidths-given"]
    table = nodes.table("", classes=classes, ids=[table_id])
    table += nodes.title(caption, caption)
    tgroup = nodes.tgroup(cols=len(PRINT_COLUMNS))
    table += tgroup
    tgroup += nodes.colspec(colwidth=PRINT_COLUMNS[0][1], stub=1)  # conditions and questions, as row headers
    tgroup.extend(nodes.colspec(colwidth=width) for _, width, _ in PRINT_COLUMNS[1:])
    head = nodes.row("", *(cm_header_cell("", nodes.paragraph(t, t), scope="col") for t, _, _ in PRINT_COLUMNS))
    tgroup += nodes.thead("", head)
    body = nodes.tbody()
    for row in rows:
        name = list(_stub(row, links, cfg, anchored).children)  # the link to the condition, and the row anchor
        cells = _cells(row, links, cfg, known, True, False)  # nothing folds on paper
        for (title, _), content in zip(COLUMNS, cells, strict=True):
            question = title.split(" Effects")[0]
            for index, (answer, details) in enumerate(_print_items(content)):
                label = [*name, nodes.paragraph(question, question)] if index == 0 else []
                name = []
                body += nodes.row("", table_cell(*label), *_print_cells(answer, details))
    tgroup += body
    # a page of its own at the start: on facing pages the whole table is in view at once
    new_page = nodes.raw("", r"\clearpage", format="latex")
    spec = column_spec([w for _, w, _ in PRINT_COLUMNS], [size for _, _, size in PRINT_COLUMNS])
    return [new_page, nodes.container("", spec, table, classes=["cm-overview-wide"])]
