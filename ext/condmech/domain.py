"""The ``cm`` domain: the one place where cross-document facts live.

Directives only annotate nodes; :meth:`CondMechDomain.process_doc` collects the
facts of each document from its doctree. Every part of ``data`` is keyed by
docname, so purge (:meth:`clear_doc`) and parallel merge
(:meth:`merge_domaindata`) are exact. Cross-document checks run once, after all
documents are read, in a deterministic order (:meth:`check_consistency`).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode
from sphinx.util.tags import Tags

from . import citations, dates, matrix, overview
from .config import get_config
from .model import (
    Approval,
    Assertion,
    Check,
    Definition,
    Effect,
    Kind,
    Problem,
    Review,
    Status,
    TableRequest,
    facts_key,
)  # fmt: skip
from .nodes import (
    cm_approval,
    cm_assertion,
    cm_changes,
    cm_checked,
    cm_definition,
    cm_effect,
    cm_review,
    cm_status,
    cm_table_placeholder,
    cm_unread,
)  # fmt: skip
from .warnings import suggest, warn

#: Role name -> the kind of definition it refers to.
ROLE_KINDS: dict[str, Kind] = {"cond": "condition", "mech": "mechanism"}

Facts = tuple[tuple[Any, ...], ...]
#: The parts of ``data`` that tables and key messages show (compared for change detection);
#: lists of changes (``cm:changes``) show the review dates too, which are compared last.
FACT_PARTS = ("definitions", "assertions", "effects", "statuses", "problems", "approvals", "checks")
DATED_PARTS = (*FACT_PARTS, "reviews")


#: The nodes :meth:`CondMechDomain.process_doc` reads.
COLLECTED = (
    cm_definition, cm_assertion, cm_effect, cm_status, cm_review, cm_unread, cm_table_placeholder, cm_changes,
    cm_approval, cm_checked, addnodes.pending_xref,
)  # fmt: skip


def _collected(node: nodes.Node) -> bool:
    """The nodes :meth:`CondMechDomain.process_doc` reads."""
    return isinstance(node, COLLECTED)


def _only(node: nodes.Element) -> tuple[str, ...]:
    """Expressions of the ``only`` directives around *node*, innermost first."""
    return tuple(parent["expr"] for parent in _ancestors(node) if isinstance(parent, addnodes.only))


def _ancestors(node: nodes.Element) -> Iterator[nodes.Element]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _definition(node: cm_definition, docname: str) -> Definition:
    return Definition(
        node["kind"],
        node["cm_id"],
        node["name"],
        node["short"],
        docname,
        node["ids"][0],
        node["line"],
        _only(node),
        node["plain"],
    )


def _assertion(node: cm_assertion, docname: str) -> Assertion:
    return Assertion(
        node["condition"], node["mechanism"], node["level"], node["finding"], tuple(node["citations"]),
        node["note"], docname, node["ids"][0], node["line"], _section_title(node), _only(node),
        node["condition_line"], node["mechanism_line"], node["measured"],
    )  # fmt: skip


def _effect(node: cm_effect, docname: str) -> Effect:
    return Effect(
        node["kind"], node["condition"], tuple(node["outcomes"]), node["level"], node["finding"],
        tuple(node["citations"]), node["note"], docname, node["ids"][0], node["line"], _section_title(node),
        _only(node), node["condition_line"],
        node["certainty"], node["rated_by"], node["size"], node["seen"],
    )  # fmt: skip


def _status(node: cm_status, docname: str) -> Status:
    return Status(
        node["condition"], node["as_of"], node["summary"], tuple(node["approvals"]), tuple(node["citations"]),
        docname, node["ids"][0], node["line"], _only(node),
    )  # fmt: skip


def _approval(node: cm_approval, docname: str) -> Approval:
    return Approval(
        node["condition"], node["jurisdiction"], node["product"], node["date"], node["covers"], node["not_for"],
        tuple(node["kinds"]), node["source"], node["note"], tuple(node["citations"]), docname, node["ids"][0],
        node["line"], _only(node),
    )  # fmt: skip


def _check(node: cm_checked, docname: str) -> Check:
    return Check(
        node["cm_id"], node["name"], node["extent"], node["how"], node["as_of"], tuple(node["citations"]), docname,
        node["line"], _only(node),
    )  # fmt: skip


class CmXRefRole(XRefRole):
    """``{cm:cond}`id``` / ``{cm:mech}`id```; the text defaults to the defined name."""

    innernodeclass = nodes.inline


def _section_title(node: nodes.Element) -> str:
    """Title of the innermost section around *node* (empty at document level)."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    if parent is None:
        return ""
    title = next(iter(parent.findall(nodes.title)), None)
    return title.astext() if title is not None else ""


class CondMechDomain(Domain):
    """Conditions, mechanisms, the links between them and the tables that show them."""

    name = "cm"
    label = "Condition–mechanism"
    object_types: ClassVar[dict[str, ObjType]] = {
        "condition": ObjType("condition", "cond"),
        "mechanism": ObjType("mechanism", "mech"),
    }
    # warn_dangling: an unknown id is reported (as condmech.unknown_id) also without nitpicky.
    roles: ClassVar[dict[str, XRefRole]] = {name: CmXRefRole(warn_dangling=True) for name in ROLE_KINDS}
    initial_data: ClassVar[dict[str, dict[str, Any]]] = {
        "definitions": {},  # docname -> list[Definition]
        "assertions": {},  # docname -> list[Assertion]
        "effects": {},  # docname -> list[Effect] (clinical effects and harms)
        "statuses": {},  # docname -> list[Status]
        "problems": {},  # docname -> list[Problem] (declarations that could not be recorded)
        "approvals": {},  # docname -> list[Approval]
        "checks": {},  # docname -> list[Check] (where the book looked for approvals)
        "reviews": {},  # docname -> list[Review]
        "tables": {},  # docname -> list[TableRequest]
        "changes": {},  # docname -> list of the snapshots its cm:changes lists compare with
        "refs": {},  # docname -> set[(kind, id)] whose names the page shows (roles, link headers)
        "cites": {},  # docname -> frozenset of the citation keys its cite roles name
    }
    data_version = 7

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self._winners: dict[tuple[str, str], Definition] | None = None
        #: (min_level, condition, mechanism) -> its matrix, built once per build of the facts.
        self._matrices: dict[tuple[str, str, str], matrix.Matrix] = {}
        self._order: dict[str, int] | None = None
        #: The builder's tags (``builder-inited``): records inside a non-matching ``only`` are left out.
        self.tags: Tags | None = None
        #: The builder's output format (``builder-inited``): LaTeX gets a compact overview table.
        self.builder_format = ""
        #: (builder, page, key) -> the citation as sphinxcontrib-bibtex resolved it.
        self._cited: dict[tuple[str, str, str], nodes.Element | None] = {}
        #: Facts and cited keys of documents purged during this build, as they were before.
        self._purged: dict[str, Facts] = {}
        self._purged_cites: dict[str, frozenset[str]] = {}
        #: Documents read during this build.
        self.read_docs: set[str] = set()

    # -- storage ---------------------------------------------------------------

    def _facts(self, docname: str) -> Facts:
        return tuple(facts_key(self.data[part].get(docname, [])) for part in DATED_PARTS)

    def clear_doc(self, docname: str) -> None:
        self._purged.setdefault(docname, self._facts(docname))
        self._purged_cites.setdefault(docname, self.data["cites"].get(docname, frozenset()))
        for part in self.initial_data:
            self.data[part].pop(docname, None)
        self._reset()

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            for part in self.initial_data:
                if docname in otherdata[part]:
                    self.data[part][docname] = otherdata[part][docname]
        self._reset()

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        """Collect the facts of *docname* from its doctree (after all transforms), in one walk."""
        definitions: list[Definition] = []
        assertions: list[Assertion] = []
        effects: list[Effect] = []
        statuses: list[Status] = []
        problems: list[Problem] = []
        approvals: list[Approval] = []
        checks: list[Check] = []
        reviews: list[Review] = []
        tables: list[TableRequest] = []
        changes: list[str] = []
        refs: set[tuple[str, str]] = set()
        cites: set[str] = set()
        for node in document.findall(_collected):
            if isinstance(node, cm_definition):
                definitions.append(_definition(node, docname))
            elif isinstance(node, cm_assertion):
                if node["recorded"]:
                    assertions.append(_assertion(node, docname))
                    # its header, drawn when the page is written, shows both names
                    refs.update((("condition", node["condition"]), ("mechanism", node["mechanism"])))
            elif isinstance(node, cm_effect):
                if node["recorded"]:
                    effects.append(_effect(node, docname))
                    refs.add(("condition", node["condition"]))
            elif isinstance(node, cm_status):
                if node["recorded"]:
                    statuses.append(_status(node, docname))
            elif isinstance(node, cm_approval):
                approvals.append(_approval(node, docname))
                refs.add(("condition", node["condition"]))
            elif isinstance(node, cm_checked):
                checks.append(_check(node, docname))
            elif isinstance(node, cm_unread):
                if node.get("kind"):
                    problems.append(
                        Problem(node["kind"], node["condition"], docname, node["ids"][0], node["line"], _only(node))
                    )
            elif isinstance(node, cm_review):
                reviews.append(Review(docname, node["date"], node["line"]))
            elif isinstance(node, cm_table_placeholder):
                tables.append(TableRequest.from_node(node, docname))
            elif isinstance(node, cm_changes):
                changes.append(node["snapshot"])
            elif node.get("refdomain") == self.name and node.get("reftype") in ROLE_KINDS:
                refs.add((ROLE_KINDS[node["reftype"]], node["reftarget"]))
            else:
                cites.update(citations.cited_keys(node))
        for part, items in (
            ("definitions", definitions),
            ("assertions", assertions),
            ("effects", effects),
            ("statuses", statuses),
            ("problems", problems),
            ("approvals", approvals),
            ("checks", checks),
            ("reviews", reviews),
            ("tables", tables),
            ("changes", changes),
        ):
            if items:
                self.data[part][docname] = items
        if refs:
            self.data["refs"][docname] = refs
        if cites:
            self.data["cites"][docname] = frozenset(cites)
        self._reset()

    def _reset(self) -> None:
        """Drop the derived views (after the stored facts changed)."""
        self._winners = None
        self._order = None
        self._matrices = {}
        self._cited = {}

    # -- derived views -----------------------------------------------------------

    @property
    def order(self) -> dict[str, int]:
        """docname -> position in the book's reading order (see :func:`document_order`)."""
        if self._order is None:
            self._order = document_order(self.env)
        return self._order

    def visible(
        self, item: Definition | Assertion | Effect | Status | Problem | Approval | Check | TableRequest
    ) -> bool:
        """Whether this builder shows *item*: no ``only`` around it excludes it."""
        only = () if isinstance(item, TableRequest) else item.only  # a table request has no only
        if self.tags is None or not only:
            return True
        return all(_keep(self.tags, expr) for expr in only)

    def _all(self, part: str) -> Iterator[Any]:
        """Every record of *part* this builder shows, in book order, then by docname and line."""
        order = self.order
        for docname in sorted(self.data[part], key=lambda docname: (order.get(docname, len(order)), docname)):
            yield from sorted(filter(self.visible, self.data[part][docname]), key=lambda item: item.line)

    @property
    def winners(self) -> dict[tuple[str, str], Definition]:
        """(kind, id) -> the definition that counts: the first in book order (toctree, then line)."""
        if self._winners is None:
            winners: dict[tuple[str, str], Definition] = {}
            for definition in self._all("definitions"):
                winners.setdefault((definition.kind, definition.id), definition)
            self._winners = winners
        return self._winners

    def definitions(self, kind: Kind) -> list[Definition]:
        """Definitions of *kind* in reading order of the book."""
        order = self.order
        found = [d for (k, _), d in self.winners.items() if k == kind]
        return sorted(found, key=lambda d: (order.get(d.docname, len(order)), d.docname, d.line))

    def assertions(self) -> list[Assertion]:
        """Every recorded link, by docname then line."""
        return list(self._all("assertions"))

    def effects(self) -> list[Effect]:
        """Every recorded clinical effect and harm, by docname then line."""
        return list(self._all("effects"))

    def problems(self) -> list[Problem]:
        """Every declaration that could not be recorded, by docname then line."""
        return list(self._all("problems"))

    def approvals(self) -> list[Approval]:
        """Every recorded approval, in book order."""
        return list(self._all("approvals"))

    def checks(self) -> list[Check]:
        """Where the book looked for approvals: the first record per jurisdiction id, in book order."""
        found: dict[str, Check] = {}
        for check in self._all("checks"):
            found.setdefault(check.id, check)
        return list(found.values())

    def statuses(self) -> dict[str, Status]:
        """Condition id -> its status: the first by (docname, line)."""
        found: dict[str, Status] = {}
        for status in self._all("statuses"):
            found.setdefault(status.condition, status)
        return found

    def reviews(self) -> list[tuple[str, Review]]:
        """(docname, its first review date), in book order."""
        order = self.order
        found = sorted(self.data["reviews"].items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
        return [(docname, min(reviews, key=lambda r: r.line)) for docname, reviews in found]

    def tables(self) -> list[TableRequest]:
        """Every table or summary request, by docname then line."""
        return list(self._all("tables"))

    def overview_table(self) -> TableRequest | None:
        """The book's overview table (the first unfiltered one), whose rows key messages link to."""
        return next((t for t in self._all("tables") if t.view == "overview" and not t.condition), None)

    def matrix(self, filters: tuple[str, str, str] = ("", "", "")) -> matrix.Matrix:
        """The matrix model for *filters* (see :attr:`TableRequest.filters`; none: the whole book's).

        Built once and shared by the consistency check, every page that shows it and the export.
        """
        found = self._matrices.get(filters)
        if found is None:
            min_level, condition, mechanism = filters
            found = self._matrices[filters] = matrix.build(
                self.definitions("condition"),
                self.definitions("mechanism"),
                self.assertions(),
                get_config(self.env.config),
                min_level=min_level,
                condition=condition,
                mechanism=mechanism,
            )
        return found

    # -- change detection (incremental builds) ------------------------------------

    def outdated_after_read(self, read: set[str]) -> set[str]:
        """Documents to rewrite because facts they show changed elsewhere.

        Compares the facts of every purged or newly read document with what it
        held before. If any differ, every table page is outdated, plus every page
        whose roles name a changed id (its link text is the defined name). Pages
        with a list of changes are outdated by these and by changed review dates.
        """
        changed_ids: set[tuple[str, str]] = set()
        outdated: set[str] = set()
        for docname in set(self._purged) | read:
            old = self._purged.get(docname, ((),) * len(DATED_PARTS))
            new = self._facts(docname)
            if old != new:
                outdated.update(self.data["changes"])
            if old[: len(FACT_PARTS)] != new[: len(FACT_PARTS)]:
                for item in set(old[0]) ^ set(new[0]):
                    changed_ids.add((item[0], item[1]))
                changed_ids.add(("", ""))  # other changes affect tables and key messages only
        self._purged = {}
        old_state, state = self.data.get("book_state"), self._book_state()
        self.data["book_state"] = state
        if old_state is not None and old_state != state:
            changed_ids.add(("", ""))
            changed_ids.update(_changed(old_state[1], state[1]))
            changed_keys = _changed(old_state[2], state[2])
            outdated.update(docname for docname, keys in self.data["cites"].items() if keys & changed_keys)
        if not changed_ids:
            return outdated
        outdated.update(self.data["tables"])
        outdated.update(self.data["changes"])  # the book state changed (order, names, configuration)
        outdated.update(docname for docname, refs in self.data["refs"].items() if refs & changed_ids)
        return outdated

    def _book_state(self) -> tuple[Any, ...]:
        """What the tables show besides the documents' own facts, for change detection.

        The book order of the documents with facts (rows, columns and "first
        definition wins" follow it), the winning definitions, the citations as
        sphinxcontrib-bibtex formatted them (labels, tooltips and anchors change when
        the .bib changes, without any document being re-read), the ``cm_*``
        configuration (the export settings are not ``env`` values, so changing them
        re-reads nothing) and the page of the overview table (key messages link to its rows).
        """
        facts = self.data["definitions"].keys() | self.data["assertions"].keys()
        order = tuple(docname for docname in self.order if docname in facts)
        winners = {key: (d.docname, d.anchor, d.name, d.short) for key, d in self.winners.items()}
        overview = self.overview_table()
        return (
            order, winners, citations.formatted(self.env), get_config(self.env.config),
            overview.docname if overview else None,
        )  # fmt: skip

    def citations_changed(self, read: set[str]) -> bool:
        """Whether a purged or newly read document cites other keys than before.

        Compared per document, so that bibliographies filtered by document
        (``:filter: docname in docnames``) are covered too.
        """
        cites = self.data["cites"]
        purged, self._purged_cites = self._purged_cites, {}
        return any(
            purged.get(docname, frozenset()) != cites.get(docname, frozenset()) for docname in set(purged) | read
        )

    # -- consistency (after all documents are read) -------------------------------

    def check_consistency(self) -> None:
        cfg = get_config(self.env.config)
        for definition in self._all("definitions"):
            first = self.winners[(definition.kind, definition.id)]
            if first is not definition:
                warn(
                    f"duplicate {definition.kind} {definition.id!r}; the first definition, "
                    f"in {first.docname} line {first.line}, is used",
                    "duplicate_definition",
                    (definition.docname, definition.line),
                )
        for assertion in self._all("assertions"):
            for kind, ident in (("condition", assertion.condition), ("mechanism", assertion.mechanism)):
                if (kind, ident) not in self.winners:
                    line = assertion.condition_line if kind == "condition" else assertion.mechanism_line
                    message = f"unknown {kind} {ident!r} in cm:link{self.suggest(kind, ident)}"
                    warn(message, "unknown_id", (assertion.docname, line or assertion.line))
        self._check_clinical()
        self._check_dates(cfg.review_interval_months, cfg.review_required)
        for request in self._all("tables"):
            unknown = [
                (kind, ident)
                for kind, ident in (("condition", request.condition), ("mechanism", request.mechanism))
                if ident and (kind, ident) not in self.winners
            ]
            for kind, ident in unknown:
                message = f"unknown {kind} {ident!r} in table filter{self.suggest(kind, ident)}"
                warn(message, "unknown_id", (request.docname, request.line))
            if unknown or (request.min_level and cfg.level(request.min_level) is None):
                continue  # already reported: an empty table is its consequence, not a second fault
            if self.is_empty(request):
                warn("this table has no evidence links to show", "empty_table", (request.docname, request.line))

    def is_empty(self, request: TableRequest) -> bool:
        """Whether a table request has nothing to show: the rows it renders, so the two never disagree."""
        found = self.matrix(request.filters)
        if request.view in ("key-messages", "overview"):
            rows = self.rows(found)
            return all(row.is_empty for row in rows)
        return found.is_empty

    def rows(self, found: matrix.Matrix) -> list[overview.Row]:
        """The overview rows of *found*: everything the book declares per condition (table and key messages)."""
        cfg = get_config(self.env.config)
        return overview.build(
            found, self.effects(), self.statuses(), cfg, self.problems(), self.approvals(), self.checks()
        )

    def _check_clinical(self) -> None:
        """Unknown conditions in effects, harms and statuses; a second status for a condition."""
        for effect in self._all("effects"):
            if ("condition", effect.condition) not in self.winners:
                warn(
                    f"unknown condition {effect.condition!r} in cm:{effect.kind}"
                    + self.suggest("condition", effect.condition),
                    "unknown_id",
                    (effect.docname, effect.condition_line or effect.line),
                )
        first = self.statuses()
        for status in self._all("statuses"):
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
        for approval in self._all("approvals"):
            if ("condition", approval.condition) not in self.winners:
                hint = self.suggest("condition", approval.condition)
                warn(
                    f"unknown condition {approval.condition!r} in cm:approval{hint}",
                    "unknown_id",
                    (approval.docname, approval.line),
                )
        used = {check.id: check for check in self.checks()}
        for check in self._all("checks"):
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
        for status in self.statuses().values():
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
        for docname in sorted(self.data["reviews"]):
            for review in self.data["reviews"][docname]:  # one per page (cm:reviewed refuses a second)
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

    def suggest(self, kind: str, ident: str) -> str:
        """'did you mean' for an unknown id of *kind* (or the known ids, if few)."""
        return suggest(ident, [i for k, i in self.winners if k == kind], f"{kind} ids")

    def get_enumerable_node_type(self, node: nodes.Node) -> str | None:
        """Matrix tables are numbered with the book's other tables (``numfig``)."""
        if isinstance(node, cm_table_placeholder) and node["view"] in ("matrix", "transposed", "overview"):
            return "table"
        return None

    # -- cross-references ----------------------------------------------------------

    def _refnode(
        self,
        builder: Builder,
        fromdocname: str,
        definition: Definition,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference:
        if not node.get("refexplicit"):
            contnode = nodes.inline(definition.name, definition.name, classes=contnode.get("classes", []))
        return make_refnode(builder, fromdocname, definition.docname, definition.anchor, contnode, definition.name)

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> nodes.Element | None:
        if typ == "assertion":
            return make_refnode(builder, fromdocname, node["cm_todoc"], target, contnode)
        if typ == "cite":  # a table's citation: bibtex's cite:p output, formatted once per page and key
            cached = (builder.name, fromdocname, target)
            if cached not in self._cited:
                self._cited[cached] = citations.resolve(env, fromdocname, builder, target, node, contnode)
            cited = self._cited[cached]
            return cited.deepcopy() if cited is not None else None
        definition = self.winners.get((ROLE_KINDS.get(typ, typ), target))
        if definition is None:
            return None
        return self._refnode(builder, fromdocname, definition, node, contnode)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        return [
            (f"cm:{role}", self._refnode(builder, fromdocname, self.winners[(kind, target)], node, contnode))
            for role, kind in ROLE_KINDS.items()
            if (kind, target) in self.winners
        ]

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for definition in self.winners.values():
            yield definition.id, definition.name, definition.kind, definition.docname, definition.anchor, 1


def _changed(old: dict[Any, Any], new: dict[Any, Any]) -> set[Any]:
    """Keys whose value differs between *old* and *new* (added and removed ones too)."""
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


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


def get_domain(env: BuildEnvironment) -> CondMechDomain:
    """The ``cm`` domain of *env*."""
    domain = env.get_domain(CondMechDomain.name)
    assert isinstance(domain, CondMechDomain)
    return domain


def note_builder(app: Sphinx) -> None:
    """``builder-inited``: the tags that decide which ``only`` blocks this builder shows, and its format."""
    domain = get_domain(app.env)
    domain.tags = app.tags
    domain.builder_format = app.builder.format


def dated_documents(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: when the build date moved, the pages with a status or review date.

    Their date checks depend on the build date (``SOURCE_DATE_EPOCH``), not only on their
    sources, so an incremental build reads them again and reports what a clean one would.
    """
    domain = get_domain(env)
    today = dates.build_date().isoformat()
    previous, domain.data["build_date"] = domain.data.get("build_date"), today
    if previous is None or previous == today:
        return []
    return sorted(domain.data["statuses"].keys() | domain.data["reviews"].keys())


def note_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: remember which documents this build reads."""
    get_domain(env).read_docs.update(docnames)


def outdated_documents(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: documents whose tables or link texts depend on changed facts.

    Also returns the bibliography pages when a re-read or removed page cites other keys than before:
    sphinxcontrib-bibtex does not, so a new citation elsewhere would otherwise
    link to an entry the unchanged bibliography page lacks.
    """
    domain = get_domain(env)
    outdated = domain.outdated_after_read(domain.read_docs)
    if domain.citations_changed(domain.read_docs):
        outdated.update(citations.bibliography_pages(env))
    domain.read_docs = set()
    return sorted(outdated)


def warn_unknown_reference(app: Sphinx, domain: Domain, node: addnodes.pending_xref) -> bool | None:
    """``warn-missing-reference``: one ``condmech.unknown_id`` instead of Sphinx's generic warning.

    References generated inside a ``cm:link`` stay silent: the link itself was
    already reported by :meth:`CondMechDomain.check_consistency`.
    """
    if domain.name != CondMechDomain.name:
        return None
    if not node.get("cm_generated"):
        kind = ROLE_KINDS.get(node["reftype"], node["reftype"])
        hint = domain.suggest(kind, node["reftarget"]) if isinstance(domain, CondMechDomain) else ""
        warn(f"unknown {kind} {node['reftarget']!r}{hint}", "unknown_id", node)
    return True
