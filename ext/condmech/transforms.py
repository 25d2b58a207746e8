"""Post-transforms: what is drawn from the whole book's data, once every document has been read.

Table placeholders become tables; each ``cm:link`` gets its header line. Both are
built here, not at reading, so that the stored doctrees hold only what the
chapter's author wrote: smaller to read, transform and pickle. The links they hold
are resolved here too (:func:`link_in_place`), by the domain as Sphinx's resolver
would, since they are made here for this builder anyway.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.logging import is_suppressed_warning

from . import certainty, citations
from .approvals import checked_sentences
from .config import get_config
from .dates import as_of_text
from .domain import CondMechDomain, get_domain
from .keymessages import render_key_messages
from .model import TableRequest
from .nodes import cm_assertion, cm_data_links, cm_effect, cm_table_placeholder
from .overview_table import render_overview, row_anchor
from .render import assertion_header, effect_header, problem_marker, render, render_legend
from .warnings import WARNING_TYPE


def link_in_place(domain: CondMechDomain, tree: nodes.Element) -> None:
    """Resolve the references the extension generated in *tree* (a header, a table) now.

    The domain resolves each as Sphinx's resolver would, so the output is the same; done
    here, they skip that resolver's work per reference (a copy of each link's text, its
    lookups for references written with a role), which the table's thousands of links
    and every declaration's header paid for. A reference the domain cannot resolve (an
    unknown id; a page outside this builder's output) stays pending for Sphinx's
    resolver, which handles it as before.
    """
    generated = [node for node in tree.findall(addnodes.pending_xref) if node.get("cm_generated")]
    cites: dict[str, list[addnodes.pending_xref]] = {}
    for node in generated:
        if node["reftype"] == "cite":
            cites.setdefault(node["refdoc"], []).append(node)
    for docname, nodes_ in cites.items():  # a table's sources: one bibtex call per page, not one per key
        domain.cite_all(docname, domain.builder, [n["reftarget"] for n in nodes_], nodes_[0])
    for node in generated:
        try:
            resolved = domain.resolve_xref(
                domain.env, node["refdoc"], domain.builder, node["reftype"], node["reftarget"], node, node[0]
            )
        except NoUri:
            continue
        if resolved is not None:
            node.replace_self(resolved)


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
            matrix = queries.matrix(request.filters)
            if request.view == "key-messages":
                rows = queries.rows(request.filters)
                target = (overview.docname, row_anchor(request.condition)) if overview else None
                node["ids"] = []  # a box, not a numbered table: its reading-time id goes
                boxes = [render_key_messages(row, cfg, request.docname, target, known) for row in rows]
                if domain.builder_format == "latex":  # in print, a box never splits across pages
                    boxes = [nodes.container("", box, classes=["cm-unbreakable"]) for box in boxes]
                for box in boxes:
                    link_in_place(domain, box)
                node.replace_self(boxes)
                continue
            # the id given at reading, which numfig numbered; moved to the table, not to the column spec
            table_id, node["ids"] = node["ids"][0], []
            caption = node["caption"] or cfg.matrix_caption
            if request.view == "overview":
                rows = queries.rows(request.filters)
                result = render_overview(
                    rows, cfg, caption, request.docname, known,
                    table_id=table_id, anchored=request == overview, compact=domain.builder_format == "latex",
                )  # fmt: skip
                checks = queries.checks
                if checks:  # where the book looked for approvals: once per table, not in every answer
                    as_of = as_of_text(max(c.as_of for c in checks))
                    lead = f"Where we looked for approvals ({as_of}):"
                    items = [nodes.list_item("", nodes.paragraph(s, s)) for s in checked_sentences(checks)]
                    box = nodes.container("", nodes.paragraph(lead, lead), nodes.bullet_list("", *items))
                    box["classes"] = ["cm-checked-summary"]
                    result.append(box)
            else:
                result = render(request, matrix, cfg, caption, known, table_id)
            if request.view != "summary":
                result.append(cm_data_links())
                if not legend_given and not matrix.is_empty:  # what the markers mean: once, before the first table
                    result.insert(0, render_legend(cfg, grades=request.view == "overview"))
                    legend_given = True
            for part in result:
                link_in_place(domain, part)
            node.replace_self(result)


class AssertionHeaders(SphinxPostTransform):
    """Open each ``cm:link``, ``cm:effect`` and ``cm:harm`` with its header: the condition (and
    mechanism), the outcomes, the evidence level and the finding.

    The pair are references to the domain's current definitions (resolved with
    :func:`link_in_place`, like the tables'), so a renamed condition shows its new
    name wherever it is linked.
    """

    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        cfg = get_config(self.config)
        domain = get_domain(self.env)
        winners = domain.queries.winners
        for node in self.document.findall(cm_assertion):
            level, finding = cfg.level(node["level"]), cfg.finding(node["finding"])
            assert level is not None and finding is not None  # the directive records only known ones
            header = assertion_header(node["condition"], node["mechanism"], level, finding, node["docname"])
            link_in_place(domain, header)
            node.insert(0, header)
            unknown = [
                f"unknown {kind} {node[kind]!r}"  # the suggestion, which depends on every page, is in the warning
                for kind in ("condition", "mechanism")
                if (kind, node[kind]) not in winners
            ]
            if unknown and not is_suppressed_warning(WARNING_TYPE, "unknown_id", self.config.suppress_warnings):
                node.insert(1, problem_marker(unknown))
        for node in self.document.findall(cm_effect):
            level, finding = cfg.level(node["level"]), cfg.finding(node["finding"])
            assert level is not None
            outcomes = [cfg.outcomes.get(o, o) for o in node["outcomes"]]
            gap = certainty.GAPS.get(node["finding"])
            extra = (
                f", {gap.removeprefix('was ')}"
                if gap
                else f", {certainty.certainty_words(certainty.get(node['certainty']), node['rated_by'])}"
            )
            header = effect_header(node["kind"], node["condition"], outcomes, level, finding, node["docname"], extra)
            link_in_place(domain, header)
            node.insert(0, header)
