"""Per condition, the answers to a reader's questions, as a plain model: pure functions, no Sphinx.

Does it help (clinical effects measured in people)? What harms were seen? How
might it work (the mechanism cells of the matrix)? Is it approved? The overview
table and the "Key messages" box are both drawn from these rows, so they never
disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from . import approvals, certainty
from .certainty import Certainty
from .matrix import Cell, Matrix, strongest
from .model import Approval, Check, Definition, Effect, Finding, Level, Problem, Status

if TYPE_CHECKING:
    from .config import CmConfig


@dataclass(frozen=True)
class Answer:
    """The strongest evidence of one kind (effects or harms) for a condition."""

    level: Level
    #: None for harms.
    finding: Finding | None
    #: Strongest first, then in book order.
    items: tuple[Effect, ...]
    citations: tuple[str, ...]
    #: Outcome ids measured at the strongest level, in configured order.
    outcomes: tuple[str, ...] = ()

    @cached_property
    def top(self) -> tuple[Effect, ...]:
        """The declarations at the strongest level."""
        return tuple(e for e in self.items if e.level == self.level.id)

    @cached_property
    def certainty(self) -> Certainty:
        """The lowest certainty declared at the strongest level (a headline claims no more than its parts)."""
        return certainty.lowest([e.certainty for e in self.top])

    @property
    def rated_by(self) -> str:
        """Who rated :attr:`certainty`: a cited key or ``editors`` ('' when not rated)."""
        return next((e.rated_by for e in self.top if e.certainty == self.certainty.id), "")

    @property
    def size(self) -> str:
        """How big the effect is, in words, when the declarations at the strongest level say it alike."""
        sizes = {e.size for e in self.top}
        return sizes.pop() if len(sizes) == 1 else ""

    @property
    def seen(self) -> str:
        """What the harms showed, one sentence per declaration that says (its ``:seen:``, else its note)."""
        return " ".join(dict.fromkeys(certainty.sentence(e.seen or e.note) for e in self.items if e.seen or e.note))

    @property
    def studied(self) -> str:
        """Who or what the declarations at the strongest level looked at, where they say ('' if none does)."""
        return "; ".join(dict.fromkeys(e.studied for e in self.top if e.studied))

    @property
    def top_sources(self) -> int:
        """How many sources the declarations at the strongest level cite (for singular or plural wording)."""
        return len({key for e in self.top for key in e.citations})


@dataclass(frozen=True)
class Row:
    """Everything the book declares about one condition."""

    condition: Definition
    effect: Answer | None
    harm: Answer | None
    mechanisms: tuple[Cell, ...]
    status: Status | None
    #: Declarations for this condition that could not be recorded: shown as problems, never as "none".
    problems: tuple[Problem, ...] = ()

    def problem(self, kind: str) -> tuple[Problem, ...]:
        """The problems of declarations of *kind* (``effect``, ``harm``, ``link``, ``status``)."""
        return tuple(p for p in self.problems if p.kind == kind)

    #: Outcomes declared as not measured or not reported, in book order.
    gaps: tuple[Effect, ...] = ()
    #: Approvals for this condition anywhere, in book order.
    approvals: tuple[Approval, ...] = ()
    #: Where the book looked for approvals (the same for every row; shown once per table).
    checks: tuple[Check, ...] = ()

    def gap_sentences(self, outcomes: Mapping[str, str]) -> list[str]:
        """'Pain relief was not reported …' for each declared gap, once; *outcomes* gives the labels."""
        found = (certainty.gap_sentence(g.finding, [(o, outcomes[o]) for o in g.outcomes]) for g in self.gaps)
        return list(dict.fromkeys(found))

    def approval_answer(self, when: str = "") -> str:
        """The answer to "Is it approved?", dated by *when*: from the approvals and checks, else the status."""
        if self.checks or self.status is None:
            return approvals.headline(self.approvals, self.checks, when)
        return self.status.summary.rstrip(".") + when

    @property
    def is_empty(self) -> bool:
        return not (self.effect or self.harm or self.mechanisms or self.status or self.gaps or self.approvals)


def _answer(cfg: CmConfig, found: Sequence[Effect]) -> Answer | None:
    known = [e for e in found if cfg.level(e.level) is not None and (e.kind == "harm" or cfg.finding(e.finding))]
    if not known:
        return None
    answer = Answer(*strongest(cfg, known))
    measured = {o for e in answer.top for o in e.outcomes}
    return replace(answer, outcomes=tuple(o for o in cfg.outcomes if o in measured))


def build(
    matrix: Matrix,
    effects: Sequence[Effect],
    statuses: Mapping[str, Status],
    cfg: CmConfig,
    problems: Sequence[Problem] = (),
    approvals: Sequence[Approval] = (),
    checks: Sequence[Check] = (),
) -> list[Row]:
    """One row per condition of *matrix* (its filters apply), in its order.

    A problem without a condition belongs to the conditions defined on its page.
    """
    rows = []
    for condition in matrix.conditions:
        mine = [e for e in effects if e.condition == condition.id]
        unread = tuple(
            p for p in problems if p.condition == condition.id or (not p.condition and p.docname == condition.docname)
        )
        rows.append(
            Row(
                condition,
                _answer(cfg, [e for e in mine if e.kind == "effect" and e.finding not in certainty.GAPS]),
                _answer(cfg, [e for e in mine if e.kind == "harm"]),
                tuple(matrix.by_condition(condition.id)),
                statuses.get(condition.id),
                unread,
                tuple(e for e in mine if e.kind == "effect" and e.finding in certainty.GAPS),
                tuple(a for a in approvals if a.condition == condition.id),
                tuple(checks),
            )
        )
    return rows
