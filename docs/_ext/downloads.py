"""Offer the book's PDF and EPUB on the HTML site.

``book_downloads`` (set in conf.py from the files that exist when the HTML is
built) lists ``(label, path)`` pairs. This extension copies the files into
``downloads/`` of the HTML output, adds them to the theme's download menu, and
renders them where a page says ``{book-downloads}``. The theme's own ".pdf"
entry prints the current page; it is relabelled so nobody mistakes it for the book.

Works around sphinx-book-theme (1.4), which has no option for extra download entries
and offers the page source even when ``html_copy_source`` is False: ``_menu`` edits the
theme's ``header_buttons`` after the theme fills them (priority 502 > the theme's 501),
by the labels ``tests/test_contracts.py`` pins.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

HTML_BUILDERS = ("html", "dirhtml", "singlehtml")


class book_downloads(nodes.General, nodes.Element):
    """Placeholder, filled per builder (empty outside the HTML site)."""


class BookDownloads(SphinxDirective):
    """``{book-downloads}``: links to the PDF and EPUB built in the same run."""

    def run(self) -> list[nodes.Node]:
        return [book_downloads()]


def _fill(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(book_downloads)):
        files = app.config.book_downloads if app.builder.name in HTML_BUILDERS else []
        if not files:
            node.replace_self([])
            continue
        items = nodes.bullet_list(classes=["book-downloads"])
        page = app.builder.get_target_uri(docname)
        for label, path in files:
            uri = relative_uri(page, f"downloads/{Path(path).name}")
            ref = nodes.reference(label, label, refuri=uri, internal=False)
            items += nodes.list_item("", nodes.paragraph("", "", ref))
        node.replace_self(items)


def _menu(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        if not app.config.html_copy_source:  # the theme offers _sources/ even when it is not copied
            group["buttons"] = [b for b in group["buttons"] if b.get("label") != "download-source-button"]
        for button in group["buttons"]:
            if button.get("label") == "download-pdf-button":
                button["text"] = "Print page"
                button["tooltip"] = "Print this page (or save it as PDF)"
                button["icon"] = "fas fa-print"
        for label, path in app.config.book_downloads:
            group["buttons"].append(
                {
                    "type": "link",
                    "url": context["pathto"]("downloads/" + Path(path).name, 1),
                    "text": label,
                    "tooltip": f"Download the whole book: {label}",
                    "icon": "fas fa-book",
                    "label": f"book-download-{Path(path).suffix[1:]}",
                }
            )


def _copy(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    target = Path(app.builder.outdir, "downloads")
    for _, path in app.config.book_downloads:
        target.mkdir(exist_ok=True)
        shutil.copyfile(Path(app.confdir, path), target / Path(path).name)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("book_downloads", [], "html", types=frozenset({list}))
    app.add_node(book_downloads)
    app.add_directive("book-downloads", BookDownloads)
    app.connect("doctree-resolved", _fill)
    app.connect("html-page-context", _menu, priority=502)
    app.connect("build-finished", _copy)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
