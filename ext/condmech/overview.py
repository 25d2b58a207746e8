"""Per condition, the answers to a reader's questions, as a plain model: pure functions, no Sphinx.

Does it help (clinical effects measured in people)? What harms were seen? How
might it work (the mechanism cells of the matrix)? Is it approved? The overview
table and the "Key messages" box are both drawn from these rows, so they never
disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .matrix import Cell, Matrix, strongest
from .model import Definition, Effect, Finding, Level, Problem, Status

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
    outcomes: tuple[str, ...]


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

    @property
    def is_empty(self) -> bool:
        return not (self.effect or self.harm or self.mechanisms or self.status)


def _answer(cfg: CmConfig, found: Sequence[Effect]) -> Answer | None:
    known = [e for e in found if cfg.level(e.level) is not None and (e.kind == "harm" or cfg.finding(e.finding))]
    if not known:
        return None
    level, finding, ranked, citations = strongest(cfg, known)
    measured = {o for e in ranked if e.level == level.id for o in e.outcomes}
    return Answer(level, finding, ranked, citations, tuple(o for o in cfg.outcomes if o in measured))


def build(
    matrix: Matrix,
    effects: Sequence[Effect],
    statuses: Mapping[str, Status],
    cfg: CmConfig,
    problems: Sequence[Problem] = (),
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
                _answer(cfg, [e for e in mine if e.kind == "effect"]),
                _answer(cfg, [e for e in mine if e.kind == "harm"]),
                tuple(matrix.by_condition(condition.id)),
                statuses.get(condition.id),
                unread,
            )
        )
    return rows
