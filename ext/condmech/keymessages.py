"""The "Key messages" box of a condition chapter, in short plain sentences, from its overview row.

The sentences are templates filled from the declarations, written to read at
about US grade 6 to 7; the only words that come from the chapter are the names,
the status summary and what harms were seen (``:seen:``), which authors keep short and plain.
"""

from __future__ import annotations

from docutils import nodes

from . import approvals, certainty
from .certainty import join as _join
from .config import CmConfig
from .dates import as_of_text
from .links import Links
from .model import Level, Problem
from .overview import Answer, Row
from .render import _citations, problem_note

#: Each evidence level in plain words: (one study, several).
LEVEL_PLAIN = {
    "preclinical": ("a lab or animal study", "lab and animal studies"),
    "early-clinical": ("an early study in people", "early studies in people"),
    "rct": ("a randomised trial", "randomised trials"),
    "systematic-review": ("a review of many studies", "reviews of many studies"),
}
#: A mechanism's finding in plain words, after its name (none for a finding that supports it).
MECHANISM_FINDING = {"mixed": "mixed or limited evidence", "negative": "the evidence does not support it"}


def plain_level(level: Level, count: int = 2) -> str:
    """*level* in plain words, singular when *count* (the studies cited) is 1."""
    one, several = LEVEL_PLAIN.get(level.id, (level.label.lower(), level.label.lower()))
    return one if count == 1 else several


def evidence_words(answer: Answer) -> str:
    """The type of study behind *answer* in plain words, with who or what it looked at where declared."""
    words = plain_level(answer.level, answer.top_sources)
    return f"{words} ({answer.studied})" if answer.studied else words


def rating(
    rated: certainty.Certainty, rated_by: str, words: certainty.RatingWords, links: Links, known: set[str]
) -> list[nodes.Node]:
    """' Low certainty, as rated in a review [cite].', '…, in the editors' judgement.' or ' The certainty was
    not rated.', in the *words* of the place it is shown. A rating is never shown without who gave it.
    """
    if rated is certainty.NOT_RATED:
        return [nodes.Text(f" {words.not_rated}")]
    label = f" {rated.label.capitalize()} certainty"
    if rated_by == certainty.EDITORS:
        return [nodes.Text(label + words.editors)]
    cited = _citations([rated_by], links, known)
    return [nodes.Text(label + words.review), *(cited.children if cited else ()), nodes.Text(".")]


def _effect(row: Row, cfg: CmConfig, links: Links, known: set[str]) -> list[nodes.Node]:
    answer = row.effect
    gaps = row.gap_sentences(cfg.outcomes)
    if answer is None:
        text = "No study of this in people is recorded in this book."
        return [nodes.Text(" ".join([text, *gaps]))]
    assert answer.finding is not None
    outcomes = [(o, cfg.outcomes[o]) for o in answer.outcomes]
    result: list[nodes.Node] = [
        nodes.Text(certainty.answer(answer.finding.id, answer.certainty, outcomes, answer.size))
    ]
    result.extend(rating(answer.certainty, answer.rated_by, certainty.BOX_RATING, links, known))
    result.append(nodes.Text(f" This comes from {evidence_words(answer)}."))
    result.extend(nodes.Text(f" {gap}") for gap in gaps)
    return result


def _harm(row: Row, links: Links, known: set[str]) -> list[nodes.Node]:
    answer = row.harm
    if answer is None:
        return [nodes.Text(f"{NO_HARM_DATA} That does not mean it is safe.")]
    result: list[nodes.Node] = [nodes.Text(answer.seen or "Side effects were recorded.")]
    result.extend(rating(answer.certainty, answer.rated_by, certainty.BOX_RATING, links, known))
    result.append(nodes.Text(f" This comes from {evidence_words(answer)}."))
    return result


def _mechanisms(row: Row) -> str:
    if not row.mechanisms:
        return "No study of how it might work is recorded in this book."
    best = max(row.mechanisms, key=lambda cell: cell.level.rank)
    names = []
    for cell in row.mechanisms:
        name = (cell.mechanism.plain or cell.mechanism.short).lower()
        found = MECHANISM_FINDING.get(cell.finding.id)
        names.append(f"{name} ({found})" if found else name)
    which = "any of them" if len(names) > 1 else "it"
    strongest = plain_level(best.level, best.top_sources)
    return f"Ideas studied: {_join(names)}. The strongest evidence for {which} comes from {strongest}."


def _status(row: Row) -> str:
    """The reader's question first, what was not checked, then each approval with its limits."""
    status = row.status
    if status is None and not row.approvals:
        return "No approval status is recorded in this book."
    lead = row.approval_answer(f" ({as_of_text(status.as_of)})" if status is not None else "")
    parts = [f"{lead[:1].upper()}{lead[1:].rstrip('.')}.", approvals.not_checked(row.checks)]
    parts.extend(approvals.approval_text(a) for a in row.approvals)
    if status is not None and status.approvals:  # the deprecated one-line form
        parts.append("Elsewhere: " + "; ".join(a.rstrip(".") for a in status.approvals) + ".")
    return " ".join(part for part in parts if part)


#: What the Harms answer says when no harm is declared: it cannot be read as "no harms".
NO_HARM_DATA = "No harm data in the studies this book cites."


def _item(question: str, answer: str | list[nodes.Node], sources: nodes.paragraph | None = None) -> nodes.list_item:
    body = [nodes.Text(answer)] if isinstance(answer, str) else answer
    para = nodes.paragraph("", "", nodes.strong(question, question), nodes.Text(" "), *body)
    if sources is not None:  # every statement about benefit or harm carries its sources
        para += nodes.Text(" ")
        para.extend(sources.children)
    return nodes.list_item("", para)


def _mark_problems(item: nodes.Element, problems: tuple[Problem, ...], unanswered: bool, links: Links) -> None:
    """Add the problem note to an answer; it replaces an answer that would say "none" (a typo is not "none")."""
    if problems:
        if unanswered:
            del item[0][1:]  # keep the question
        item += problem_note(problems, links)


def render_key_messages(
    row: Row, cfg: CmConfig, links: Links, table: tuple[str, str] | None, known: set[str]
) -> nodes.admonition:
    """The box: does it help, harms, how it might work, approval, and a link to the table row.

    *table* is (docname, row anchor) of the overview table, if the book has one; *known*
    the citation keys sphinxcontrib-bibtex knows.
    """

    def sources(answer: Answer | None) -> nodes.paragraph | None:
        return _citations(answer.citations, links, known) if answer is not None else None

    items = nodes.bullet_list(
        "",
        _item("Does it help?", _effect(row, cfg, links, known), sources(row.effect)),
        _item("Harms:", _harm(row, links, known), sources(row.harm)),
        _item("How might it work?", _mechanisms(row)),
        _item("Is it approved?", _status(row)),
    )
    answered = (row.effect, row.harm, row.mechanisms, row.status or row.approvals)
    kinds = (("effect",), ("harm",), ("link",), ("status", "approval"))
    for item, kind, answer in zip(items.children, kinds, answered, strict=True):
        _mark_problems(item, tuple(p for k in kind for p in row.problem(k)), not answer, links)
    box = nodes.admonition("", nodes.title("Key messages", "Key messages"), items, classes=["cm-key-messages"])
    if table is not None:
        text = "See this condition in the evidence table"
        box += nodes.paragraph("", "", links.declaration(*table, nodes.inline(text, text)), nodes.Text("."))
    return box
