"""The "Key messages" box of a condition chapter, in short plain sentences, from its overview row.

The sentences are templates filled from the declarations, written to read at
about US grade 6 to 7; the only words that come from the chapter are the names,
the status summary and the harms' notes, which authors keep short and plain.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes

from .config import CmConfig
from .model import Level, Problem
from .overview import Answer, Row
from .render import _citations, problem_note
from .status import as_of_text

#: Each evidence level in plain words (a configured level not listed here uses its label).
LEVEL_PLAIN = {
    "preclinical": "lab and animal studies",
    "early-clinical": "small early studies in people",
    "rct": "randomised trials",
    "systematic-review": "reviews of many studies",
}
#: Each finding of a clinical effect in plain words.
FINDING_PLAIN = {
    "positive": "a benefit for",
    "mixed": "mixed or unclear results for",
    "negative": "no benefit for",
}


def plain_level(level: Level) -> str:
    return LEVEL_PLAIN.get(level.id, level.label.lower())


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _effect(answer: Answer | None, cfg: CmConfig) -> str:
    if answer is None:
        return "Not proven. No study of this in people is recorded in this book."
    assert answer.finding is not None
    outcomes = _join([cfg.outcomes[o] for o in answer.outcomes])
    found = FINDING_PLAIN.get(answer.finding.id, f"{answer.finding.label}:")
    text = f"The best studies in people found {found} {outcomes}. They were {plain_level(answer.level)}."
    return text if answer.finding.id == "positive" else f"Not proven. {text}"


def _harm(answer: Answer | None) -> str:
    if answer is None:
        return "This book records no study of side effects for this condition. That does not mean it is safe."
    notes = " ".join(dict.fromkeys(e.note.rstrip(".") + "." for e in answer.items if e.note))
    return f"Side effects were reported in {plain_level(answer.level)}. {notes}".rstrip()


def _mechanisms(row: Row) -> str:
    if not row.mechanisms:
        return "No study of how it might work is recorded in this book."
    best = max(row.mechanisms, key=lambda cell: cell.level.rank)
    names = _join([(cell.mechanism.plain or cell.mechanism.short).lower() for cell in row.mechanisms])
    return f"Ideas studied: {names}. The strongest evidence for any of them comes from {plain_level(best.level)}."


def _status(row: Row) -> str:
    if row.status is None:
        return "No approval status is recorded in this book."
    text = f"{row.status.summary.rstrip('.')} ({as_of_text(row.status.as_of)})."
    if row.status.approvals:
        text += " Elsewhere: " + "; ".join(a.rstrip(".") for a in row.status.approvals) + "."
    return text


def _item(question: str, answer: str, sources: nodes.paragraph | None = None) -> nodes.list_item:
    para = nodes.paragraph("", "", nodes.strong(question, question), nodes.Text(f" {answer}"))
    if sources is not None:  # every statement about benefit or harm carries its sources
        para += nodes.Text(" ")
        para.extend(sources.children)
    return nodes.list_item("", para)


def _mark_problems(item: nodes.Element, problems: tuple[Problem, ...], unanswered: bool, docname: str) -> None:
    """Add the problem note to an answer; it replaces an answer that would say "none" (a typo is not "none")."""
    if problems:
        if unanswered:
            del item[0][1:]  # keep the question
        item += problem_note(problems, docname)


def render_key_messages(
    row: Row, cfg: CmConfig, docname: str, table: tuple[str, str] | None, known: set[str]
) -> nodes.admonition:
    """The box: does it help, harms, how it might work, approval, and a link to the table row.

    *table* is (docname, row anchor) of the overview table, if the book has one; *known*
    the citation keys sphinxcontrib-bibtex knows.
    """

    def sources(answer: Answer | None) -> nodes.paragraph | None:
        return _citations(answer.citations, docname, known) if answer is not None else None

    items = nodes.bullet_list(
        "",
        _item("Does it help?", _effect(row.effect, cfg), sources(row.effect)),
        _item("Harms:", _harm(row.harm), sources(row.harm)),
        _item("How might it work?", _mechanisms(row)),
        _item("Is it approved?", _status(row)),
    )
    answered = (row.effect, row.harm, row.mechanisms, row.status)
    for item, kind, answer in zip(items.children, ("effect", "harm", "link", "status"), answered, strict=True):
        _mark_problems(item, row.problem(kind), not answer, docname)
    box = nodes.admonition("", nodes.title("Key messages", "Key messages"), items, classes=["cm-key-messages"])
    if table is not None:
        text = "See this condition in the evidence table"
        ref = addnodes.pending_xref(
            "", nodes.inline(text, text), refdomain="cm", reftype="assertion", reftarget=table[1],
            cm_todoc=table[0], refdoc=docname, refexplicit=True, refwarn=False, cm_generated=True,
        )  # fmt: skip
        box += nodes.paragraph("", "", ref, nodes.Text("."))
    return box
