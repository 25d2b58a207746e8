""""References in this chapter": the sources a page cites, listed at its end (HTML and EPUB).

The book has one bibliography (``back/bibliography.md``); a reader of the EPUB who
follows a citation lands at the end of the book. This post-transform adds, at the end
of every page that shows citations, a section with the entries it cites, in the
bibliography's order, each with its label linking to the full entry there. The keys
are taken from the citations as sphinxcontrib-bibtex resolved them on the page (the
condition-mechanism tables included), so the list is exactly what the reader saw.
HTML-format builders only (HTML and EPUB): the PDF keeps the book's bibliography.
The entries are not citation targets, so sphinxcontrib-bibtex sees no duplicates.
"""

from __future__ import annotations

from typing import Any, cast

from docutils import nodes
from pybtex.plugin import find_plugin
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode
from sphinxcontrib.bibtex.domain import BibtexDomain, Citation
from sphinxcontrib.bibtex.transforms import node_text_transform

TITLE = "References in this chapter"


class ChapterReferences(SphinxPostTransform):
    """Append the page's own reference list, after citations are resolved (priority 10)."""

    default_priority = 20
    formats = ("html",)
    backend = find_plugin("pybtex.backends", "docutils")()

    def run(self, **kwargs: Any) -> None:
        docname = self.env.docname
        domain = cast("BibtexDomain", self.env.get_domain("cite"))
        if any(key.docname == docname for key in domain.bibliographies):
            return  # the bibliography itself
        by_link = {self._link(docname, citation): citation for citation in domain.citations
                   if domain.bibliographies[citation.bibliography_key].list_ == "citation"}  # fmt: skip
        shown = {
            ref.get("refuri")
            for cite in self.document.findall(nodes.inline)
            if "bibtex-citation" in cite["classes"]
            for ref in cite.findall(nodes.reference)
        }
        cited = [citation for link, citation in by_link.items() if link in shown]
        chapter = next(iter(self.document.findall(nodes.section)), None)
        if cited and chapter is not None:
            chapter += self._section(docname, cited)

    def _link(self, docname: str, citation: Citation) -> str:
        return self.app.builder.get_relative_uri(docname, citation.bibliography_key.docname) + "#" + citation.citation_id

    def _section(self, docname: str, cited: list[Citation]) -> nodes.section:
        entries = nodes.bullet_list(classes=["chapter-references"])
        for citation in cited:
            label = nodes.Text(citation.formatted_entry.label)
            link = make_refnode(self.app.builder, docname, citation.bibliography_key.docname, citation.citation_id,
                                label, "Full entry in the bibliography")  # fmt: skip
            entry = self.backend.paragraph(citation.formatted_entry)
            entry.insert(0, nodes.strong("", "", link))
            entry.insert(1, nodes.Text(". "))
            node_text_transform(entry)
            entries += nodes.list_item("", entry)
        return nodes.section("", nodes.title(TITLE, TITLE), entries, ids=[nodes.make_id(TITLE)])


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_post_transform(ChapterReferences)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
