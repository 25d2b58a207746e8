"""Queries over the records the ``cm`` domain stores: what a table, a Key-messages box, the
consistency checks and the export ask for.

A :class:`Queries` answers for one state of the records: each answer is computed on first
use and kept. The domain makes a new one whenever the records change (``process_doc``,
``clear_doc``, ``merge_domaindata``), when reading ends and when the builder starts, so an
answer is never stale after an incremental or parallel build (see
:attr:`condmech.domain.CondMechDomain.queries`). Callers do not change what they get.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from sphinx.environment import BuildEnvironment
from sphinx.util.tags import Tags

from . import dates, matrix, overview
from .config import CmConfig, get_config
from .model import Approval, Assertion, Check, Definition, Effect, Kind, Problem, Review, Status, TableRequest
from .warnings import suggest, warn

Record = Definition | Assertion | Effect | Status | Problem | Approval | Check | TableRequest


class Queries:
    """The book's records as tables and boxes ask for them: visible to this builder, in book order."""

    def __init__(self, env: BuildEnvironment, data: Mapping[str, dict[str, Any]], tags: Tags | None) -> None:
        self.env = env
        self.data = data
        #: The builder's tags: records inside a non-matching ``only`` are left out (None: none left out).
        self.tags = tags
        #: filters -> its matrix, and its overview rows (see :attr:`TableRequest.filters`).
        self._matrices: dict[tuple[str, str, str], matrix.Matrix] = {}
        self._rows: dict[tuple[str, str, str], tuple[overview.Row, ...]] = {}

    @cached_property
    def config(self) -> CmConfig:
        return get_config(self.env.config)

    @cached_property
    def order(self) -> dict[str, int]:
        """docname -> position in the book's reading order (see :func:`document_order`)."""
        return document_order(self.env)

    def visible(self, item: Record) -> bool:
        """Whether this builder shows *item*: no ``only`` around it excludes it."""
        only = () if isinstance(item, TableRequest) else item.only  # a table request has no only
        if self.tags is None or not only:
            return True
        return all(_keep(self.tags, expr) for expr in only)

    def _all(self, part: str) -> tuple[Any, ...]:
        """Every record of *part* this builder shows, in book order, then by docname and line."""
        order, stored = self.order, self.data[part]
        docnames = sorted(stored, key=lambda docname: (order.get(docname, len(order)), docname))
        return tuple(
            item
            for docname in docnames
            for item in sorted(filter(self.visible, stored[docname]), key=lambda item: item.line)
        )

    @cached_property
    def all_definitions(self) -> tuple[Definition, ...]:
        """Every definition, duplicates included (the consistency check reports them)."""
        return self._all("definitions")

    @cached_property
    def winners(self) -> dict[tuple[str, str], Definition]:
        """(kind, id) -> the definition that counts: the first in book order (toctree, then line)."""
        winners: dict[tuple[str, str], Definition] = {}
        for definition in self.all_definitions:
            winners.setdefault((definition.kind, definition.id), definition)
        return winners

    @cached_property
    def _definitions(self) -> dict[str, tuple[Definition, ...]]:
        order = self.order
        found = sorted(self.winners.values(), key=lambda d: (order.get(d.docname, len(order)), d.docname, d.line))
        return {kind: tuple(d for d in found if d.kind == kind) for kind in ("condition", "mechanism")}

    def definitions(self, kind: Kind) -> tuple[Definition, ...]:
        """Definitions of *kind* in reading order of the book."""
        return self._definitions[kind]

    @cached_property
    def assertions(self) -> tuple[Assertion, ...]:
        """Every recorded link, in book order."""
        return self._all("assertions")

    @cached_property
    def effects(self) -> tuple[Effect, ...]:
        """Every recorded clinical effect and harm, in book order."""
        return self._all("effects")

    @cached_property
    def problems(self) -> tuple[Problem, ...]:
        """Every declaration that could not be recorded, in book order."""
        return self._all("problems")

    @cached_property
    def approvals(self) -> tuple[Approval, ...]:
        """Every recorded approval, in book order."""
        return self._all("approvals")

    @cached_property
    def all_checks(self) -> tuple[Check, ...]:
        """Every ``cm:checked``, a second one for a jurisdiction included."""
        return self._all("checks")

    @cached_property
    def checks(self) -> tuple[Check, ...]:
        """Where the book looked for approvals: the first record per jurisdiction id, in book order."""
        found: dict[str, Check] = {}
        for check in self.all_checks:
            found.setdefault(check.id, check)
        return tuple(found.values())

    @cached_property
    def all_statuses(self) -> tuple[Status, ...]:
        """Every recorded status, a second one for a condition included."""
        return self._all("statuses")

    @cached_property
    def statuses(self) -> dict[str, Status]:
        """Condition id -> its status: the first in book order."""
        found: dict[str, Status] = {}
        for status in self.all_statuses:
            found.setdefault(status.condition, status)
        return found

    @cached_property
    def reviews(self) -> tuple[tuple[str, Review], ...]:
        """(docname, its review date), in book order (``cm:reviewed`` refuses a second one on a page)."""
        order = self.order
        found = sorted(self.data["reviews"].items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
        return tuple((docname, review) for docname, (review,) in found)

    @cached_property
    def tables(self) -> tuple[TableRequest, ...]:
        """Every table or summary request, in book order."""
        return self._all("tables")

    @cached_property
    def overview_table(self) -> TableRequest | None:
        """The book's overview table (the first unfiltered one), whose rows key messages link to."""
        return next((t for t in self.tables if t.view == "overview" and not t.condition), None)

    def matrix(self, filters: tuple[str, str, str] = ("", "", "")) -> matrix.Matrix:
        """The matrix model for *filters* (see :attr:`TableRequest.filters`; none: the whole book's)."""
        if filters not in self._matrices:
            min_level, condition, mechanism = filters
            self._matrices[filters] = matrix.build(
                self.definitions("condition"),
                self.definitions("mechanism"),
                self.assertions,
                self.config,
                min_level=min_level,
                condition=condition,
                mechanism=mechanism,
            )
        return self._matrices[filters]

    def rows(self, filters: tuple[str, str, str] = ("", "", "")) -> tuple[overview.Row, ...]:
        """The overview rows for *filters*: everything the book declares per condition (table and key messages)."""
        if filters not in self._rows:
            cfg, found = self.config, self.matrix(filters)
            rows = overview.build(found, self.effects, self.statuses, cfg, self.problems, self.approvals, self.checks)
            self._rows[filters] = tuple(rows)
        return self._rows[filters]

    def is_empty(self, request: TableRequest) -> bool:
        """Whether a table request has nothing to show: the rows it renders, so the two never disagree."""
        if request.view in ("key-messages", "overview"):
            return all(row.is_empty for row in self.rows(request.filters))
        return self.matrix(request.filters).is_empty

    def suggest(self, kind: str, ident: str) -> str:
        """'did you mean' for an unknown id of *kind* (or the known ids, if few)."""
        return suggest(ident, [i for k, i in self.winners if k == kind], f"{kind} ids")

    # -- consistency (after all documents are read) -------------------------------

    def check(self) -> None:
        """Warn about what no single page shows: duplicates, unknown ids, outdated dates, empty tables."""
        for definition in self.all_definitions:
            first = self.winners[(definition.kind, definition.id)]
            if first is not definition:
                warn(
                    f"duplicate {definition.kind} {definition.id!r}; the first definition, "
                    f"in {first.docname} line {first.line}, is used",
                    "duplicate_definition",
                    (definition.docname, definition.line),
                )
        for assertion in self.assertions:
            for kind, ident in (("condition", assertion.condition), ("mechanism", assertion.mechanism)):
                if (kind, ident) not in self.winners:
                    line = assertion.condition_line if kind == "condition" else assertion.mechanism_line
                    message = f"unknown {kind} {ident!r} in cm:link{self.suggest(kind, ident)}"
                    warn(message, "unknown_id", (assertion.docname, line or assertion.line))
        self._check_clinical()
        self._check_dates(self.config.review_interval_months, self.config.review_required)
        for request in self.tables:
            unknown = [
                (kind, ident)
                for kind, ident in (("condition", request.condition), ("mechanism", request.mechanism))
                if ident and (kind, ident) not in self.winners
            ]
            for kind, ident in unknown:
                message = f"unknown {kind} {ident!r} in table filter{self.suggest(kind, ident)}"
                warn(message, "unknown_id", (request.docname, request.line))
            if unknown or (request.min_level and self.config.level(request.min_level) is None):
                continue  # already reported: an empty table is its consequence, not a second fault
            if self.is_empty(request):
                warn("this table has no evidence links to show", "empty_table", (request.docname, request.line))

    def _check_clinical(self) -> None:
        """Unknown conditions in effects, harms, statuses and approvals; a second status or check."""
        for effect in self.effects:
            if ("condition", effect.condition) not in self.winners:
                warn(
                    f"unknown condition {effect.condition!r} in cm:{effect.kind}"
                    + self.suggest("condition", effect.condition),
                    "unknown_id",
                    (effect.docname, effect.condition_line or effect.line),
                )
        first = self.statuses
        for status in self.all_statuses:
            if ("condition", status.condition) not in self.winners:
                message = (
                    f"unknown condition {status.condition!r} in cm:status{self.suggest('condition', status.condition)}"
                )
                warn(message, "unknown_id", (status.docname, status.line))
            elif first[status.condition] is not status:
                winner = first[status.condition]
                warn(
                    f"second cm:status for {status.condition!r}; the first, in {winner.docname} "
                    f"line {winner.line}, is used",
                    "duplicate_status",
                    (status.docname, status.line),
                )
        for approval in self.approvals:
            if ("condition", approval.condition) not in self.winners:
                hint = self.suggest("condition", approval.condition)
                warn(
                    f"unknown condition {approval.condition!r} in cm:approval{hint}",
                    "unknown_id",
                    (approval.docname, approval.line),
                )
        used = {check.id: check for check in self.checks}
        for check in self.all_checks:
            if used[check.id] is not check:
                first_check = used[check.id]
                warn(
                    f"second cm:checked for {check.id!r}; the first, in {first_check.docname} line "
                    f"{first_check.line}, is used",
                    "duplicate_status",
                    (check.docname, check.line),
                )

    def _check_dates(self, months: int, required: tuple[str, ...]) -> None:
        """Statuses and reviews against the build date (neither may be after it); pages that need a review date."""
        today = dates.build_date()
        oldest = dates.add_months(today, -months)
        for status in self.statuses.values():
            as_of = dates.parse(status.as_of)
            assert as_of is not None
            if as_of > today:
                warn(
                    f"the status of {status.condition!r} is as of {status.as_of}, after the build date "
                    f"({today.isoformat()}): write the date it was checked",
                    "invalid_date",
                    (status.docname, status.line),
                )
            elif as_of < oldest:
                warn(
                    f"the status of {status.condition!r} is as of {status.as_of}, more than {months} months "
                    "before the build date: check it again and update :as-of:",
                    "status_outdated",
                    (status.docname, status.line),
                )
        for docname, review in sorted(self.reviews):
            reviewed = dates.parse(review.date)
            assert reviewed is not None
            due = dates.add_months(reviewed, months)
            if reviewed > today:
                warn(
                    f"this page's review date {review.date} is after the build date ({today.isoformat()}): "
                    "write the day the review was done",
                    "invalid_date",
                    (docname, review.line),
                )
            elif due < today:
                warn(
                    f"the next review of this page was due on {due.isoformat()}: review it and update cm:reviewed",
                    "review_overdue",
                    (docname, review.line),
                )
        for docname in sorted(self.env.found_docs):
            if docname not in self.data["reviews"] and any(fnmatch.fnmatchcase(docname, p) for p in required):
                warn(
                    "this page has no review date: add a cm:reviewed directive below its title",
                    "review_missing",
                    (docname, 1),
                )


def _keep(tags: Tags, expr: str) -> bool:
    """Whether an ``only`` directive with *expr* keeps its content, as Sphinx decides it.

    An expression Sphinx cannot evaluate keeps its content (Sphinx warns about it).
    """
    try:
        return tags.eval_condition(expr)
    except Exception:  # as sphinx.util.nodes.process_only_nodes does
        return True


def document_order(env: BuildEnvironment) -> dict[str, int]:
    """docname -> position in the book's reading order (toctree depth-first)."""
    order: dict[str, int] = {}

    def visit(docname: str) -> None:
        if docname in order:
            return
        order[docname] = len(order)
        for child in env.toctree_includes.get(docname, ()):
            visit(child)

    visit(env.config.root_doc)
    return order
