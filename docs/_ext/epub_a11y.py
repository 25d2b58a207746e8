"""EPUB 3 with accessibility metadata and reproducible zip entry times.

Sphinx renders content.opf from its own template (no place for these metadata and
no ``templates_path`` override) and zips the book in the same step, so only a
builder subclass can add them. ``epub_accessibility`` (in conf.py) lists
``(property, value)`` pairs of schema.org accessibility terms. Zip entries carry
file times: pinning them to SOURCE_DATE_EPOCH makes two builds byte-identical.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder


class AccessibleEpub3Builder(Epub3Builder):
    """Sphinx's EPUB 3 builder, plus ``epub_accessibility`` and pinned file times."""

    def build_content(self) -> None:
        super().build_content()
        opf = Path(self.outdir, "content.opf")
        meta = "".join(
            f'    <meta property="{escape(name)}">{escape(value)}</meta>\n'
            for name, value in self.config.epub_accessibility
        )
        opf.write_text(opf.read_text(encoding="utf-8").replace("  </metadata>", meta + "  </metadata>", 1), "utf-8")

    def build_epub(self) -> None:
        if (epoch := os.environ.get("SOURCE_DATE_EPOCH")) is not None:
            for name in ("mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *self.files):
                os.utime(Path(self.outdir, name), (int(epoch), int(epoch)))
        super().build_epub()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("epub_accessibility", [], "epub", types=frozenset({list}))
    app.add_builder(AccessibleEpub3Builder, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
