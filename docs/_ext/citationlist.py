"""The bibliography's entries as list items that ARIA allows.

Works around docutils' HTML writer (0.22), which writes each citation as
``<div role="doc-biblioentry">`` inside ``<div role="list">``: ``doc-biblioentry`` is a
deprecated DPUB role and not allowed as the child of a list (axe-core: critical, in
``nox -s check``). Only the opening tags are replaced; the closing tags stay docutils'
(``depart_citation``), which ``tests/test_contracts.py`` pins.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator


def visit_citation_html(self: HTML5Translator, node: nodes.citation) -> None:
    """Docutils' HTML writer, but each entry of the ``role="list"`` is a ``listitem``."""
    if not isinstance(node.previous_sibling(), nodes.citation):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def setup(app: Sphinx) -> dict[str, object]:
    app.add_node(nodes.citation, override=True, html=(visit_citation_html, None))
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
