"""The condition × mechanism matrix as a plain model: pure functions, no Sphinx.

Linear in the number of assertions: each assertion is placed in its cell once,
then each cell is reduced once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from .model import Assertion, Definition, Effect, Finding, Level

if TYPE_CHECKING:
    from .config import CmConfig


Ranked = TypeVar("Ranked", Assertion, Effect)


@dataclass(frozen=True)
class Cell:
    """One condition–mechanism pair and the evidence declared for it."""

    condition: Definition
    mechanism: Definition
    level: Level
    finding: Finding
    #: Strongest first, then in book order.
    assertions: tuple[Assertion, ...]
    #: Citation keys of all assertions, de-duplicated, in first-seen order.
    citations: tuple[str, ...]

    @property
    def top_sources(self) -> int:
        """How many sources the links at the strongest level cite (for singular or plural wording)."""
        return len({key for a in self.assertions if a.level == self.level.id for key in a.citations})


@dataclass(frozen=True)
class Matrix:
    """Rows are conditions and columns mechanisms (see :meth:`transposed`)."""

    conditions: tuple[Definition, ...]
    mechanisms: tuple[Definition, ...]
    cells: dict[tuple[str, str], Cell]

    def cell(self, condition: str, mechanism: str) -> Cell | None:
        """The filled cell for the pair, or None when nothing is declared."""
        return self.cells.get((condition, mechanism))

    @property
    def is_empty(self) -> bool:
        return not self.cells

    def by_condition(self, condition: str) -> list[Cell]:
        """Filled cells of one row, in column order."""
        return [c for m in self.mechanisms if (c := self.cell(condition, m.id))]

    def by_mechanism(self, mechanism: str) -> list[Cell]:
        """Filled cells of one column, in row order."""
        return [c for d in self.conditions if (c := self.cell(d.id, mechanism))]


def strongest(
    cfg: CmConfig, found: Sequence[Ranked]
) -> tuple[Level, Finding | None, tuple[Ranked, ...], tuple[str, ...]]:
    """The strongest level of *found*, its finding (``cfg.disagreement`` when those at that level disagree),
    *found* strongest first, and all their citations in first-seen order."""
    ranked = sorted(found, key=lambda a: -cfg.level(a.level).rank)  # type: ignore[union-attr]
    top = [a for a in ranked if a.level == ranked[0].level]
    findings = {a.finding for a in top}
    if not any(findings):  # harms have no finding
        finding = None
    elif len(findings) == 1:
        finding = cfg.finding(top[0].finding)
    else:  # disagreement at the strongest level
        finding = cfg.disagreement
    citations = tuple(dict.fromkeys(key for a in ranked for key in a.citations))
    level = cfg.level(ranked[0].level)
    assert level is not None
    return level, finding, tuple(ranked), citations


def _reduce(cfg: CmConfig, condition: Definition, mechanism: Definition, found: list[Assertion]) -> Cell:
    level, finding, ranked, citations = strongest(cfg, found)
    assert finding is not None  # links always have one (only harms have none)
    return Cell(condition, mechanism, level, finding, ranked, citations)


def build(
    conditions: Sequence[Definition],
    mechanisms: Sequence[Definition],
    assertions: Sequence[Assertion],
    cfg: CmConfig,
    *,
    min_level: str = "",
    condition: str = "",
    mechanism: str = "",
) -> Matrix:
    """Place *assertions* on the grid of *conditions* × *mechanisms*, after the filters.

    Assertions whose ids are undefined, or whose level or finding is not on the
    configured scale, are left out (they are reported elsewhere).
    """
    floor = cfg.level(min_level)
    rows = tuple(d for d in conditions if not condition or d.id == condition)
    columns = tuple(d for d in mechanisms if not mechanism or d.id == mechanism)
    row_ids = {d.id: d for d in rows}
    column_ids = {d.id: d for d in columns}
    grouped: dict[tuple[str, str], list[Assertion]] = {}
    for assertion in assertions:
        level = cfg.level(assertion.level)
        if (
            level is None
            or cfg.finding(assertion.finding) is None
            or assertion.condition not in row_ids
            or assertion.mechanism not in column_ids
            or (floor is not None and level.rank < floor.rank)
        ):
            continue
        grouped.setdefault((assertion.condition, assertion.mechanism), []).append(assertion)
    cells = {key: _reduce(cfg, row_ids[key[0]], column_ids[key[1]], found) for key, found in grouped.items()}
    return Matrix(rows, columns, cells)
