"""Post-transforms: what is drawn from the whole book's data, once every document has been read.

Table placeholders become tables; each ``cm:link`` gets its header line. Both are
built here, not at reading, so that the stored doctrees hold only what the
chapter's author wrote: smaller to read, transform and pickle. The links they hold
are made for the builder here too (:class:`ResolvedLinks`), as Sphinx's resolver
would make them, since they are made here for this builder anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.logging import is_suppressed_warning

from . import certainty, citations
from .approvals import checked_sentences
from .config import CmConfig, get_config
from .dates import as_of_text
from .domain import CondMechDomain, get_domain
from .keymessages import render_key_messages
from .links import Links
from .matrix import Cell, Matrix
from .model import TableRequest
from .nodes import cm_assertion, cm_data_links, cm_effect, cm_table_placeholder, folds
from .overview import Answer, Row
from .overview_table import render_overview, row_anchor
from .render import assertion_header, effect_header, problem_marker, render, render_legend
from .warnings import WARNING_TYPE


class ResolvedLinks(Links):
    """:class:`~condmech.links.Links` made for the current builder now, as the domain resolves them.

    Sphinx's resolver would give the same references, after a copy of each link's text and
    lookups per link, which the table's thousands of links and every declaration's header paid
    for. A link the domain cannot make (an unknown id; a page outside this builder's output)
    stays pending for that resolver, which handles it as before.
    """

    def __init__(self, docname: str, domain: CondMechDomain) -> None:
        super().__init__(docname)
        self.domain = domain
        self.builder = domain.builder

    def definition(self, role: str, target: str, text: str, *, explicit: bool = True) -> nodes.Element:
        content = nodes.inline(text, text, classes=["xref", "cm", f"cm-{role}"])
        try:
            made = self.domain.reference(self.builder, self.docname, role, target, content, explicit=explicit)
        except NoUri:
            made = None
        return made if made is not None else self.pending(content, role, target, refexplicit=explicit)

    def declaration(self, docname: str, anchor: str, content: nodes.Element) -> nodes.Element:
        try:
            return self.domain.make_refnode(self.builder, self.docname, docname, anchor, content)
        except NoUri:
            return super().declaration(docname, anchor, content)

    def prefetch(self, keys: Sequence[str]) -> None:
        """Ask bibtex in one call for these citations: a table, or a page's declarations, cite
        many keys, and each bibtex call has a cost (see :class:`condmech.citations.Citations`)."""
        if keys:
            try:
                self.domain.cited.prefetch(self.builder, self.docname, keys, self.cite(keys[0]))
            except NoUri:
                pass  # the citations, asked for one by one, then stay pending

    def cites(self, keys: Sequence[str]) -> list[nodes.Element]:
        """Each key's citation, made from the page's prefetched references; a key bibtex cannot
        cite for this builder stays pending."""
        if not keys:
            return []
        self.prefetch(keys)
        asking = self.cite(keys[0])  # bibtex reads it only for its warnings
        try:
            made = [self.domain.cited.one(self.builder, self.docname, key, asking) for key in keys]
        except NoUri:
            return super().cites(keys)
        left = iter(super().cites([key for key, node in zip(keys, made, strict=True) if node is None]))
        return [node if node is not None else next(left) for node in made]

    def sources(self, pending: addnodes.pending_xref, keys: Sequence[str]) -> None:
        """Resolve *pending*, a declaration's ``Sources:`` citation of *keys*, as bibtex would."""
        try:
            made = self.domain.cited.cite(self.builder, self.docname, keys, pending)
        except NoUri:
            return  # left to Sphinx's resolver, which handles it as for any citation
        if made is not None:
            pending.replace_self(made)


class BuildTables(SphinxPostTransform):
    """Replace each placeholder with its table, list or summary (every builder).

    Runs after sphinxcontrib-bibtex (5) and before the reference resolver (10): the
    generated references are resolved for the current builder, also in LaTeX's merged
    document tree, here or (those left pending) by Sphinx.
    """

    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        placeholders = list(self.document.findall(cm_table_placeholder))
        if not placeholders:
            return
        domain = get_domain(self.env)
        queries = domain.queries
        cfg = get_config(self.config)
        known = citations.known_keys(self.env)
        overview = queries.overview_table
        legend_given = False
        for node in placeholders:
            request = TableRequest.from_node(node, node["docname"])
            links = ResolvedLinks(request.docname, domain)
            matrix = queries.matrix(request.filters)
            rows = queries.rows(request.filters) if request.view in ("key-messages", "overview") else None
            links.prefetch(likely_cited(request, matrix, rows))
            if request.view == "key-messages":
                assert rows is not None
                target = (overview.docname, row_anchor(request.condition)) if overview else None
                node["ids"] = []  # a box, not a numbered table: its reading-time id goes
                boxes = [render_key_messages(row, cfg, links, target, known) for row in rows]
                if domain.builder_format == "latex":  # in print, a box never splits across pages
                    boxes = [nodes.container("", box, classes=["cm-unbreakable"]) for box in boxes]
                node.replace_self(boxes)
                continue
            # the id given at reading, which numfig numbered; moved to the table, not to the column spec
            table_id, node["ids"] = node["ids"][0], []
            caption = node["caption"] or cfg.matrix_caption
            legend_at = 0  # a grid of markers: the key before it
            if request.view == "overview":
                assert rows is not None
                result = render_overview(
                    rows, cfg, caption, links, known,
                    table_id=table_id, anchored=request == overview, compact=domain.builder_format == "latex",
                    folded=links.builder is not None and folds(links.builder),
                )  # fmt: skip
                legend_at = len(result)  # its answers are words: they come first, the key right after them
                checks = queries.checks
                if checks:  # where the book looked for approvals: once per table, not in every answer
                    as_of = as_of_text(max(c.as_of for c in checks))
                    lead = f"Where we looked for approvals ({as_of}):"
                    items = [nodes.list_item("", nodes.paragraph(s, s)) for s in checked_sentences(checks)]
                    box = nodes.container("", nodes.paragraph(lead, lead), nodes.bullet_list("", *items))
                    box["classes"] = ["cm-checked-summary"]
                    result.append(box)
            else:
                result = render(request, matrix, cfg, caption, known, table_id, links)
            if request.view != "summary":
                result.append(cm_data_links())
                if not legend_given and not queries.is_empty(request):  # what the markers mean, once a page
                    legend = render_legend(cfg, grades=request.view == "overview")
                    if domain.builder_format == "latex":  # in print, on one page: no lead line left at a page foot
                        legend = nodes.container("", legend, classes=["cm-unbreakable"])
                    result.insert(legend_at, legend)
                    legend_given = True
            node.replace_self(result)


def likely_cited(request: TableRequest, matrix: Matrix, rows: Sequence[Row] | None) -> list[str]:
    """The citation keys a table (or box) of *request* shows, most of them: those of its cells and of
    its effects and harms. A key missed here costs only a bibtex call of its own."""
    if request.view == "key-messages":
        cited: Sequence[Answer | Cell] = [a for row in rows or () for a in (row.effect, row.harm) if a is not None]
    elif request.view == "overview":
        cited = [*(a for row in rows or () for a in (row.effect, row.harm) if a is not None),
                 *(c for row in rows or () for c in row.mechanisms)]  # fmt: skip
    elif request.view == "summary":
        cited = matrix.by_condition(request.condition)
    else:
        cited = list(matrix.cells.values())
    return list(dict.fromkeys(key for part in cited for key in part.citations))


class AssertionHeaders(SphinxPostTransform):
    """Open each ``cm:link``, ``cm:effect`` and ``cm:harm`` with its header: the condition (and
    mechanism), the outcomes, the evidence level and the finding.

    The pair are references to the domain's current definitions (made with
    :class:`ResolvedLinks`, like the tables'), so a renamed condition shows its new
    name wherever it is linked.
    """

    #: Before the tables (8), so that a page's one walk does not cross the table's thousands of nodes.
    default_priority = 7

    def run(self, **kwargs: Any) -> None:
        cfg = get_config(self.config)
        domain = get_domain(self.env)
        sources: dict[str, list[tuple[addnodes.pending_xref, list[str]]]] = {}
        for node in self.document.findall(_declaration):
            links = ResolvedLinks(node["docname"], domain)
            if isinstance(node, cm_assertion):
                self.link_header(node, cfg, links)
            else:
                self.effect_header(node, cfg, links)
            for pending, keys in citations.sources_cited(node):
                sources.setdefault(pending.get("refdoc", node["docname"]), []).append((pending, keys))
        for docname, cited in sources.items():  # per page (LaTeX: per chapter of the one document)
            links = ResolvedLinks(docname, domain)
            links.prefetch([key for _, keys in cited for key in keys])
            for pending, keys in cited:
                links.sources(pending, keys)

    def link_header(self, node: cm_assertion, cfg: CmConfig, links: ResolvedLinks) -> None:
        level, finding = cfg.level(node["level"]), cfg.finding(node["finding"])
        assert level is not None and finding is not None  # the directive records only known ones
        node.insert(0, assertion_header(node["condition"], node["mechanism"], level, finding, links))
        winners = links.domain.queries.winners
        unknown = [
            f"unknown {kind} {node[kind]!r}"  # the suggestion, which depends on every page, is in the warning
            for kind in ("condition", "mechanism")
            if (kind, node[kind]) not in winners
        ]
        if unknown and not is_suppressed_warning(WARNING_TYPE, "unknown_id", self.config.suppress_warnings):
            node.insert(1, problem_marker(unknown))

    def effect_header(self, node: cm_effect, cfg: CmConfig, links: ResolvedLinks) -> None:
        level, finding = cfg.level(node["level"]), cfg.finding(node["finding"])
        assert level is not None
        outcomes = [cfg.outcomes.get(o, o) for o in node["outcomes"]]
        gap = certainty.GAPS.get(node["finding"])
        extra = (
            f", {gap.removeprefix('was ')}"
            if gap
            else f", {certainty.certainty_words(certainty.get(node['certainty']), node['rated_by'])}"
        )
        node.insert(0, effect_header(node["kind"], node["condition"], outcomes, level, finding, links, extra))


def _declaration(node: nodes.Node) -> bool:
    """The declarations that get a header: ``cm:link``, ``cm:effect`` and ``cm:harm``."""
    return isinstance(node, (cm_assertion, cm_effect))
