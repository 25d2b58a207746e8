"""The "References in this chapter" section: the sources a page cites, listed at its end (HTML and EPUB).

The book has one bibliography (``back/bibliography.md``), so a reader of the EPUB who
followed a citation landed at the end of the book. Once a page's citations are
resolved (``doctree-resolved``), this adds at its end a section with the entries it
cites, in the bibliography's order, each with its label linking to the full entry
there, and points the page's citations at these entries. The keys are those of the
citations as sphinxcontrib-bibtex resolved them on the page (the condition-mechanism
tables included), so the list holds exactly what the reader saw. HTML-format builders
only (HTML and EPUB): the PDF keeps the book's bibliography. The entries are not
citation targets, so sphinxcontrib-bibtex sees no duplicate citations. The section is
also listed in the page's own contents (the "Contents" column of the website), which
Sphinx otherwise takes from the sections the page had when it was read.

Works around sphinxcontrib-bibtex (2.7), which has no per-page list that links to one
shared bibliography (a second ``bibliography`` directive per page would make duplicate
citation targets; ``footbibliography`` gives footnotes, not the shared entries). This
reads bibtex's documented domain properties (``citations``, ``bibliographies``), its
``Citation`` records, the ``bibtex-citation`` class on citations and
``node_text_transform``; ``tests/test_contracts.py`` pins them.
"""

from __future__ import annotations

from typing import Any, cast

from docutils import nodes
from pybtex.plugin import find_plugin
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment.adapters.toctree import document_toc
from sphinx.util.nodes import make_refnode
from sphinxcontrib.bibtex.domain import BibtexDomain, Citation
from sphinxcontrib.bibtex.transforms import node_text_transform

TITLE = "References in this chapter"
SECTION_ID = nodes.make_id(TITLE)
BACKEND = find_plugin("pybtex.backends", "docutils")()


def _link(builder: Builder, docname: str, citation: Citation) -> str:
    """The ``refuri`` of a citation of *citation* on *docname*, as sphinxcontrib-bibtex writes it."""
    return f"{builder.get_relative_uri(docname, citation.bibliography_key.docname)}#{citation.citation_id}"


def _entry_id(document: nodes.document, citation: Citation) -> str:
    """An id for the entry of *citation* that no other element of the page has."""
    base = ident = nodes.make_id(f"ref-{citation.key}")
    count = 1
    while ident in document.ids:
        count += 1
        ident = f"{base}-{count}"
    return ident


def _section(
    builder: Builder, document: nodes.document, docname: str, cited: list[tuple[str, Citation]]
) -> nodes.section:
    """The section: one item per entry, its label linking to the full entry."""
    entries = nodes.bullet_list(classes=["chapter-references"])
    for ident, citation in cited:
        label = nodes.Text(citation.formatted_entry.label)
        link = make_refnode(builder, docname, citation.bibliography_key.docname, citation.citation_id, label,
                            "Full entry in the bibliography")  # fmt: skip
        entry = BACKEND.paragraph(citation.formatted_entry)
        entry.insert(0, nodes.strong("", "", link))
        entry.insert(1, nodes.Text(". "))
        node_text_transform(entry)
        item = nodes.list_item("", entry, ids=[ident])
        document.set_id(item)
        entries += item
    return nodes.section("", nodes.title(TITLE, TITLE), entries, ids=[SECTION_ID])


def add_chapter_references(app: Sphinx, document: nodes.document, docname: str) -> None:
    """Append the page's reference list and point its citations there (HTML-format builders)."""
    if app.builder.format != "html":
        return
    domain = cast("BibtexDomain", app.env.get_domain("cite"))
    if any(key.docname == docname for key in domain.bibliographies):
        return  # the bibliography itself
    by_link = {_link(app.builder, docname, citation): citation for citation in domain.citations
               if domain.bibliographies[citation.bibliography_key].list_ == "citation"}  # fmt: skip
    refs = [
        ref
        for cite in document.findall(nodes.inline)
        if "bibtex-citation" in cite["classes"]
        for ref in cite.findall(nodes.reference)
        if ref.get("refuri") in by_link
    ]
    chapter = next(iter(document.findall(nodes.section)), None)
    if not refs or chapter is None:
        return
    shown = {ref["refuri"] for ref in refs}
    ids = {link: _entry_id(document, citation) for link, citation in by_link.items() if link in shown}
    chapter += _section(app.builder, document, docname, [(ids[link], by_link[link]) for link in ids])
    for ref in refs:
        ref["refid"] = ids[ref["refuri"]]
        del ref["refuri"]


def list_in_page_contents(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """``html-page-context``: the page's contents ("toc") with the section last among the chapter's sections."""
    added = doctree is not None and any(SECTION_ID in s["ids"] for s in doctree.findall(nodes.section))
    if not added or "toc" not in context:
        return
    toc = document_toc(app.env, pagename, app.builder.tags)
    chapter = next(iter(toc.findall(nodes.list_item)), None)
    if chapter is None:
        return
    sections = next((child for child in chapter.children if isinstance(child, nodes.bullet_list)), None)
    if sections is None:
        sections = nodes.bullet_list()
        chapter += sections
    link = nodes.reference("", TITLE, internal=True, refuri=f"#{SECTION_ID}", anchorname=f"#{SECTION_ID}")
    sections += nodes.list_item("", addnodes.compact_paragraph("", "", link))
    context["toc"] = app.builder.render_partial(toc)["fragment"]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    app.connect("doctree-resolved", add_chapter_references)
    app.connect("html-page-context", list_in_page_contents)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
