"""The ``cm`` domain: the one place where cross-document facts live, and what Sphinx asks of it.

Directives only annotate nodes; :meth:`CondMechDomain.process_doc` stores the
records of each document (:func:`condmech.collect.collect` reads them from its
doctree). Every part of ``data`` is keyed by docname, so purge (:meth:`clear_doc`)
and parallel merge (:meth:`merge_domaindata`) are exact. Tables, Key messages, the
export and the cross-document checks ask :attr:`CondMechDomain.queries`
(:mod:`condmech.queries`), made anew whenever the records change. This module
also decides which pages an incremental build rewrites, and resolves the roles.
"""

from __future__ import annotations

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

from . import citations, dates
from .collect import DOMAIN, ROLE_KINDS, collect
from .config import get_config
from .model import facts_key
from .nodes import cm_table_placeholder
from .queries import Queries
from .warnings import warn

Facts = tuple[tuple[Any, ...], ...]
#: The parts of ``data`` that tables and key messages show (compared for change detection);
#: lists of changes (``cm:changes``) show the review dates too, which are compared last.
FACT_PARTS = ("definitions", "assertions", "effects", "statuses", "problems", "approvals", "checks")
DATED_PARTS = (*FACT_PARTS, "reviews")


class CmXRefRole(XRefRole):
    """``{cm:cond}`id``` / ``{cm:mech}`id```; the text defaults to the defined name."""

    innernodeclass = nodes.inline


class CondMechDomain(Domain):
    """Conditions, mechanisms, the links between them and the tables that show them."""

    name = DOMAIN
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
    #: The extension's ``env_version``: raised whenever stored records or nodes change shape (8: a
    #: ``cm_changes`` node keeps its snapshot's data), so an existing environment is read again.
    data_version = 9

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self._queries: Queries | None = None
        #: The builder's tags (``builder-inited``): records inside a non-matching ``only`` are left out.
        self.tags: Tags | None = None
        #: The builder's output format (``builder-inited``): LaTeX gets a compact overview table.
        self.builder_format = ""
        #: The builder (``builder-inited``), for the links the extension resolves itself (:mod:`condmech.transforms`).
        self.builder: Builder | None = None
        #: The citations the extension makes (tables, declarations' sources), from few bibtex calls.
        self.cited = citations.Citations(env)
        #: (builder, from page, to page) -> the relative URI, for HTML-format builders (see :meth:`make_refnode`).
        self._uris: dict[tuple[str, str, str], str] = {}
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
        """Store the records of *docname*, read from its doctree (after all transforms) in one walk."""
        for part, items in collect(document, docname).items():
            self.data[part][docname] = items
        self._reset()

    def _reset(self) -> None:
        """Drop the derived views (after the stored facts changed)."""
        self._queries = None
        self.cited = citations.Citations(self.env)

    @property
    def queries(self) -> Queries:
        """The queries over the stored records, made anew after every change to them (see :meth:`_reset`)."""
        if self._queries is None:
            self._queries = Queries(self.env, self.data, self.tags)
        return self._queries

    # -- change detection (incremental builds) ------------------------------------

    def outdated_after_read(self, read: set[str]) -> set[str]:
        """Documents to rewrite because facts they show changed elsewhere.

        Compares the facts of every purged or newly read document with what it
        held before. If any differ, every table page is outdated, plus every page
        whose roles name a changed id (its link text is the defined name). Pages
        with a list of changes are outdated by these and by changed review dates.
        """
        self._reset()  # reading has ended: only now is the book order (the toctree) complete
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
        queries = self.queries
        order = tuple(docname for docname in queries.order if docname in facts)
        winners = {key: (d.docname, d.anchor, d.name, d.short) for key, d in queries.winners.items()}
        overview = queries.overview_table
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

    def check_consistency(self) -> None:
        self.queries.check()

    def get_enumerable_node_type(self, node: nodes.Node) -> str | None:
        """Matrix tables are numbered with the book's other tables (``numfig``)."""
        if isinstance(node, cm_table_placeholder) and node["view"] in ("matrix", "transposed", "overview"):
            return "table"
        return None

    # -- cross-references ----------------------------------------------------------

    def reference(
        self, builder: Builder, fromdocname: str, role: str, target: str, contnode: nodes.Element, *, explicit: bool
    ) -> nodes.reference | None:
        """A link to the condition (*role* ``cond``) or mechanism (``mech``) *target*, showing
        *contnode*, whose text becomes the definition's name unless *explicit*; None if undefined."""
        definition = self.queries.winners.get((ROLE_KINDS.get(role, role), target))
        if definition is None:
            return None
        if not explicit:  # the text was the id
            contnode[:] = [nodes.Text(definition.name)]
        return self.make_refnode(builder, fromdocname, definition.docname, definition.anchor, contnode, definition.name)

    def make_refnode(
        self, builder: Builder, fromdocname: str, todocname: str, targetid: str, child: nodes.Node, title: str = ""
    ) -> nodes.reference:
        """:func:`sphinx.util.nodes.make_refnode`, with each page-to-page URI computed once.

        The table links one page to a thousand others thousands of times. An HTML-format
        builder's relative URI depends only on the two pages; other builders (LaTeX, whose
        URIs depend on the document being assembled) are asked every time.
        """
        if builder.format != "html" or (fromdocname == todocname and targetid):
            return make_refnode(builder, fromdocname, todocname, targetid, child, title or None)
        key = (builder.name, fromdocname, todocname)
        uri = self._uris.get(key)
        if uri is None:
            uri = self._uris[key] = builder.get_relative_uri(fromdocname, todocname)
        node = nodes.reference("", "", child, internal=True, refuri=f"{uri}#{targetid}" if targetid else uri)
        if title:
            node["reftitle"] = title
        return node

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
            return self.make_refnode(builder, fromdocname, node["cm_todoc"], target, contnode)
        if typ == "cite":
            return self.cited.one(builder, fromdocname, target, node)
        return self.reference(builder, fromdocname, typ, target, contnode, explicit=bool(node.get("refexplicit")))

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        explicit = bool(node.get("refexplicit"))
        made = {role: self.reference(builder, fromdocname, role, target, contnode.deepcopy(), explicit=explicit)
                for role in ROLE_KINDS}  # fmt: skip
        return [(f"cm:{role}", ref) for role, ref in made.items() if ref is not None]

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for definition in self.queries.winners.values():
            yield definition.id, definition.name, definition.kind, definition.docname, definition.anchor, 1


def _changed(old: dict[Any, Any], new: dict[Any, Any]) -> set[Any]:
    """Keys whose value differs between *old* and *new* (added and removed ones too)."""
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


def get_domain(env: BuildEnvironment) -> CondMechDomain:
    """The ``cm`` domain of *env*."""
    domain = env.get_domain(CondMechDomain.name)
    assert isinstance(domain, CondMechDomain)
    return domain


def note_builder(app: Sphinx) -> None:
    """``builder-inited``: the tags that decide which ``only`` blocks this builder shows, the builder and its format."""
    domain = get_domain(app.env)
    domain.tags = app.tags
    domain.builder, domain.builder_format = app.builder, app.builder.format
    domain._reset()  # the records this builder shows depend on its tags


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
        hint = domain.queries.suggest(kind, node["reftarget"]) if isinstance(domain, CondMechDomain) else ""
        warn(f"unknown {kind} {node['reftarget']!r}{hint}", "unknown_id", node)
    return True
