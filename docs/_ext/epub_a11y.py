"""EPUB 3 with accessibility metadata, accessible markup and reproducible zip entry times.

Sphinx renders content.opf from its own template (no place for these metadata and
no ``templates_path`` override) and zips the book in the same step, so only a
builder subclass can add them. ``epub_accessibility`` (in conf.py) lists
``(property, value)`` pairs of schema.org accessibility terms. Zip entries carry
file times: pinning them to SOURCE_DATE_EPOCH makes two builds byte-identical.

The builder also mends what Ace by DAISY (``nox -s check``) finds in Sphinx's EPUB
markup: pages without ``lang``/``xml:lang``, a second viewport tag (docutils' HTML5
writer adds one to the one in Sphinx's page template), toctree captions with
``role="heading"`` but no ``aria-level``, and a ``toc`` nav without ``role="doc-toc"``.

Works around Sphinx's EPUB 3 builder (9.0-9.2): no hook for ``content.opf`` metadata,
zip entries with file times rather than SOURCE_DATE_EPOCH (see sphinx#14168). It relies on
``Epub3Builder`` internals (``build_content``, ``build_navigation_doc``, ``build_epub``,
``files``, ``HTML_TAG``, the templates' whitespace), which ``tests/test_contracts.py`` pins;
a template text it no longer finds is a warning (``book.epub_template``), not a silent miss.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import HTML_TAG, Epub3Builder
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)

#: What docutils' HTML5 writer adds to each page's metadata (docutils 0.22).
DOCUTILS_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'


class EpubTranslator(HTML5Translator):
    """Sphinx's HTML5 translator; a toctree caption is a heading one level below its section."""

    def visit_title(self, node: nodes.title) -> None:
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            level = {"aria-level": str(self.section_level + 1)}
            self.body.append(self.starttag(node, "p", "", CLASS="caption", ROLE="heading", **level))
            self.body.append('<span class="caption-text">')
            self.context.append("</span></p>\n")
        else:
            super().visit_title(node)


class AccessibleEpub3Builder(Epub3Builder):
    """Sphinx's EPUB 3 builder, plus ``epub_accessibility``, accessible markup and pinned file times."""

    default_translator_class = EpubTranslator

    def prepare_writing(self, docnames: set[str]) -> None:
        lang = escape(self.config.epub_language or self.config.language)
        self.html_tag = HTML_TAG.replace(">", f' lang="{lang}" xml:lang="{lang}">')
        super().prepare_writing(docnames)

    def handle_page(self, pagename: str, addctx: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        if "metatags" in addctx:
            addctx["metatags"] = addctx["metatags"].replace(DOCUTILS_VIEWPORT, "")
        super().handle_page(pagename, addctx, *args, **kwargs)

    def build_navigation_doc(self) -> None:
        super().build_navigation_doc()
        _replace_once(Path(self.outdir, "nav.xhtml"), '<nav epub:type="toc">', '<nav epub:type="toc" role="doc-toc">')

    def build_content(self) -> None:
        super().build_content()
        meta = "".join(
            f'    <meta property="{escape(name)}">{escape(value)}</meta>\n'
            for name, value in self.config.epub_accessibility
        )
        _replace_once(Path(self.outdir, "content.opf"), "  </metadata>", meta + "  </metadata>")

    def build_epub(self) -> None:
        if (epoch := os.environ.get("SOURCE_DATE_EPOCH")) is not None:
            for name in ("mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *self.files):
                os.utime(Path(self.outdir, name), (int(epoch), int(epoch)))
        super().build_epub()


def _replace_once(path: Path, old: str, new: str) -> None:
    """Replace the first *old* in the file Sphinx rendered from its own template (a warning if it is not there)."""
    text = path.read_text(encoding="utf-8")
    if old not in text:
        logger.warning(
            "%s: Sphinx's template no longer contains %r; update docs/_ext/epub_a11y.py",
            path.name, old, type="book", subtype="epub_template",
        )  # fmt: skip
    path.write_text(text.replace(old, new, 1), "utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("epub_accessibility", [], "epub", types=frozenset({list}))
    app.add_builder(AccessibleEpub3Builder, override=True)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
