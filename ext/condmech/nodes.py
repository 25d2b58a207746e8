"""Docutils nodes of the extension.

Containers subclass concrete docutils nodes so that every writer (html, epub,
latex, text) renders them through Sphinx's method-resolution-order fallback. The
placeholders never reach a writer: :mod:`condmech.transforms` replaces them.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator


class cm_definition(nodes.container):
    """The rendered body of a ``cm:condition`` or ``cm:mechanism``."""


class cm_assertion(nodes.container):
    """The rendered body of a ``cm:link``."""


class cm_effect(nodes.container):
    """The rendered body of a ``cm:effect`` or ``cm:harm``."""


class cm_status(nodes.container):
    """The rendered body of a ``cm:status``."""


class cm_approval(nodes.container):
    """The rendered body of a ``cm:approval``."""


class cm_checked(nodes.container):
    """The rendered body of a ``cm:checked``."""


class cm_unread(nodes.container):
    """A declaration that could not be recorded: its problem note and body (see :class:`~condmech.model.Problem`)."""


class cm_review(nodes.container):
    """The review dates of a page (``cm:reviewed``)."""


class cm_details(nodes.container):
    """Details one click away: ``<details>`` in HTML; shown in full elsewhere (EPUB included)."""


class cm_details_summary(nodes.paragraph):
    """The always-visible line of a :class:`cm_details`: ``<summary>`` in HTML, a paragraph elsewhere."""


class cm_cell_label(nodes.inline):
    """A table cell's column name, for the stacked narrow-screen layout; HTML only."""


class cm_level(nodes.inline):
    """An evidence-level label with its text marker (never colour alone)."""


class cm_header_cell(nodes.entry):
    """A table header cell; HTML writers add ``scope`` (``col`` or ``row``)."""


class cm_table_placeholder(nodes.General, nodes.Element):
    """Where a ``cm:matrix`` or ``cm:summary`` goes; replaced after reading."""


class cm_changes(nodes.General, nodes.Element):
    """Where a ``cm:changes`` list goes; filled or removed at ``doctree-resolved``."""


class cm_data_links(nodes.General, nodes.Element):
    """Where a table's links to the exported data go; filled or removed at ``doctree-resolved``."""


def visit_header_cell_html(self: HTML5Translator, node: cm_header_cell) -> None:
    """Write ``<th scope=...>``, keeping docutils' column bookkeeping."""
    classes = ["head"] if isinstance(node.parent.parent, nodes.thead) else ["stub"]
    node.parent.column += 1
    self.body.append(self.starttag(node, "th", "", scope=node["scope"], classes=classes))
    self.context.append("</th>\n")


def depart_header_cell_html(self: HTML5Translator, node: cm_header_cell) -> None:
    self.body.append(self.context.pop())


def folds(builder: Builder) -> bool:
    """Whether *builder* writes :class:`cm_details` as ``<details>``: HTML, but not EPUB, where many
    e-readers keep them shut for good."""
    return builder.format == "html" and builder.name != "epub"


def visit_details_html(self: HTML5Translator, node: cm_details) -> None:
    if folds(self.builder):
        self.body.append(self.starttag(node, "details", ""))
    else:  # the details as plain text under the answer
        self.visit_container(node)


def depart_details_html(self: HTML5Translator, node: cm_details) -> None:
    if folds(self.builder):
        self.body.append("</details>\n")
    else:
        self.depart_container(node)


def visit_details_summary_html(self: HTML5Translator, node: cm_details_summary) -> None:
    if folds(self.builder):
        self.body.append(self.starttag(node, "summary", ""))
    else:
        self.visit_paragraph(node)


def depart_details_summary_html(self: HTML5Translator, node: cm_details_summary) -> None:
    if folds(self.builder):
        self.body.append("</summary>\n")
    else:
        self.depart_paragraph(node)


def skip(self: nodes.NodeVisitor, node: nodes.Element) -> None:
    """Leave the node out: the header row already says what it says."""
    raise nodes.SkipNode


def visit_anchored_latex(self: LaTeXTranslator, node: nodes.Element) -> None:
    """Open the container and label its ids: LaTeX drops a container's ids, so links to it had no target."""
    self.visit_container(node)
    self.body.append(self.hypertarget_to(node, anchor=True))


def depart_anchored_latex(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.depart_container(node)


def register(app: Sphinx) -> None:
    """Register the nodes.

    The ``scope`` and ``<details>`` visitors are registered for the ``html`` format only, which every
    HTML-family builder (dirhtml, singlehtml, epub) falls back to. Registering it
    under ``epub`` would create an epub handler table and hide other extensions'
    html-only visitors from the EPUB builder. If another extension does that, this
    node still renders through the MRO fallback (a header cell, a container, a paragraph).
    """
    app.add_node(cm_definition, latex=(visit_anchored_latex, depart_anchored_latex))
    app.add_node(cm_assertion, latex=(visit_anchored_latex, depart_anchored_latex))
    app.add_node(cm_effect, latex=(visit_anchored_latex, depart_anchored_latex))
    app.add_node(cm_status, latex=(visit_anchored_latex, depart_anchored_latex))
    app.add_node(cm_approval, latex=(visit_anchored_latex, depart_anchored_latex))
    app.add_node(cm_checked)
    app.add_node(cm_unread, latex=(visit_anchored_latex, depart_anchored_latex))
    app.add_node(cm_review)
    app.add_node(cm_details, html=(visit_details_html, depart_details_html))
    app.add_node(cm_details_summary, html=(visit_details_summary_html, depart_details_summary_html))
    app.add_node(cm_cell_label, latex=(skip, None), text=(skip, None))
    app.add_node(cm_level)
    app.add_node(cm_header_cell, html=(visit_header_cell_html, depart_header_cell_html))
    app.add_node(cm_table_placeholder)
    app.add_node(cm_data_links)
    app.add_node(cm_changes)
