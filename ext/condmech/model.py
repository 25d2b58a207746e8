"""Plain, picklable records shared by the domain, the matrix builder and the exporters.

Nothing here imports docutils or Sphinx, so the records can be stored in the
environment pickle, compared for change detection, and unit-tested on their own.
"""

from __future__ import annotations

import re
from typing import Any, Literal, NamedTuple, Protocol

Kind = Literal["condition", "mechanism"]


class Attributes(Protocol):
    """What records are read from: a docutils node's attributes, by name."""

    def __getitem__(self, key: str) -> Any: ...


class Level(NamedTuple):
    """One step of the ordered evidence scale (rank 0 is the weakest)."""

    id: str
    label: str
    description: str
    marker: str
    rank: int


class Finding(NamedTuple):
    """Direction of a finding (supports the link, mixed, against it)."""

    id: str
    label: str
    marker: str


class Definition(NamedTuple):
    """A condition or mechanism declared with ``cm:condition`` / ``cm:mechanism``."""

    kind: Kind
    id: str
    name: str
    short: str
    docname: str
    anchor: str
    line: int
    #: Expressions of the ``only`` directives around it: shown only by builders whose tags match.
    only: tuple[str, ...] = ()
    #: A plain-language label for key messages (``:plain:``; the short label when not given).
    plain: str = ""


class Assertion(NamedTuple):
    """One ``cm:link``: a mechanism proposed for a condition, with its evidence."""

    condition: str
    mechanism: str
    level: str
    finding: str
    citations: tuple[str, ...]
    note: str
    docname: str
    anchor: str
    line: int
    section: str
    only: tuple[str, ...] = ()
    #: Lines of the ``:condition:`` and ``:mechanism:`` options, for warnings (0: the directive's line).
    condition_line: int = 0
    mechanism_line: int = 0
    #: What the cited studies measured of the mechanism ('' in the deprecated form).
    measured: str = ""


class Effect(NamedTuple):
    """One ``cm:effect`` (a clinical effect measured in people) or ``cm:harm`` (a safety finding).

    A harm has no outcomes and no finding: it is never a finding about benefit.
    """

    kind: Literal["effect", "harm"]
    condition: str
    outcomes: tuple[str, ...]
    level: str
    finding: str
    citations: tuple[str, ...]
    note: str
    docname: str
    anchor: str
    line: int
    section: str
    #: Expressions of the ``only`` directives around it (as for a link).
    only: tuple[str, ...] = ()
    #: Line of the ``:condition:`` option, for warnings (0: the directive's line).
    condition_line: int = 0
    #: GRADE certainty id (see :mod:`condmech.certainty`); '' in the deprecated form (not rated).
    certainty: str = ""
    #: Who rated the certainty: a cited key, ``editors`` (the book's own judgement), or '' (not rated).
    rated_by: str = ""
    #: How big the effect is, in words ("a little"); effects only.
    size: str = ""
    #: What was seen, in plain words with how often (harms only; '' in the deprecated form).
    seen: str = ""
    #: Who or what the cited study looked at, where narrower than the condition ('' if not given).
    studied: str = ""


class Status(NamedTuple):
    """A ``cm:status``: what is approved where for one condition, as of a date."""

    condition: str
    as_of: str
    summary: str
    approvals: tuple[str, ...]
    citations: tuple[str, ...]
    docname: str
    anchor: str
    line: int
    only: tuple[str, ...] = ()


class Approval(NamedTuple):
    """A ``cm:approval``: one approval of one product for a condition, with exactly what it covers."""

    condition: str
    jurisdiction: str
    product: str
    #: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
    date: str
    covers: str
    #: What it does not cover ('' when the source gives no limit).
    not_for: str
    #: ``full``, ``conditional``, ``time-limited`` (one or more, in that order).
    kinds: tuple[str, ...]
    #: The kind of source: ``regulator``, ``maker`` or ``news``.
    source: str
    note: str
    citations: tuple[str, ...]
    docname: str
    anchor: str
    line: int
    only: tuple[str, ...] = ()


class Check(NamedTuple):
    """A ``cm:checked``: where the book looked for approvals, and how far (once per book, per jurisdiction)."""

    id: str
    name: str
    #: ``all`` (any approval for the book's conditions), ``named`` (only the products named), ``none``.
    extent: str
    how: str
    as_of: str
    citations: tuple[str, ...]
    docname: str
    line: int
    only: tuple[str, ...] = ()


class Review(NamedTuple):
    """A ``cm:reviewed``: when a page was last reviewed (ISO date)."""

    docname: str
    date: str
    line: int


class Problem(NamedTuple):
    """A ``cm:link``, ``cm:effect``, ``cm:harm`` or ``cm:status`` that could not be recorded (after a warning).

    Key messages and the table show it as a problem note, so that a typo never reads as
    "nothing studied" in the live preview.
    """

    kind: str
    #: As written ('' when missing): the conditions defined on the page then stand in.
    condition: str
    docname: str
    anchor: str
    line: int
    only: tuple[str, ...] = ()


class TableRequest(NamedTuple):
    """A ``cm:matrix`` or ``cm:summary`` placeholder and its view options."""

    docname: str
    line: int
    view: str
    min_level: str
    condition: str
    mechanism: str

    @classmethod
    def from_node(cls, node: Attributes, docname: str) -> TableRequest:
        """The request a table placeholder node carries (its attributes)."""
        return cls(docname, node["line"], node["view"], node["min_level"], node["condition"], node["mechanism"])

    @property
    def filters(self) -> tuple[str, str, str]:
        """What selects the table's content: (min_level, condition, mechanism)."""
        return self.min_level, self.condition, self.mechanism


LINE_FIELDS = ("line", "condition_line", "mechanism_line")


def facts_key(
    items: list[Definition] | list[Assertion] | list[Effect] | list[Status],
) -> tuple[tuple[object, ...], ...]:
    """What a table depends on, without line numbers (a prose-only edit moves lines)."""
    return tuple(sorted(item._replace(**dict.fromkeys(set(LINE_FIELDS) & set(item._fields), 0)) for item in items))


#: Invisible bidirectional controls (embeddings, overrides, isolates, marks): a name holding
#: U+202E displays reversed in a browser or spreadsheet, so they never reach the book or export.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: C0 and C1 control characters other than tab and line breaks (BEL, ESC, ...): invisible in a page,
#: not allowed in XHTML (EPUB), and in a terminal or spreadsheet they can act rather than show.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
