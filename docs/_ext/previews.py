"""Citation and glossary previews on the HTML site: a small script and stylesheet.

``previews_static/previews.js`` shows, on hover, tap or Enter, the entry a citation
points to or the definition of a glossary term, taken from the page itself ("References
in this chapter", ``chapterrefs``) or fetched from the same site. No library and no
third-party host: sphinx-hoverxref fails on Sphinx 9, and sphinx-tippy loads its
scripts from a CDN and writes files with random names (see the contributor guide).
Only the HTML builders get the files; the EPUB and PDF keep plain links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util.fileutil import copy_asset_file

STATIC = Path(__file__).parent / "previews_static"
FILES = ("previews.js", "previews.css")
HTML_BUILDERS = frozenset({"html", "dirhtml"})


def add_files(app: Sphinx) -> None:
    """Copy the script and stylesheet to the site's ``_static`` folder and link them from every page.

    Copied before any page is written, so that Sphinx adds their checksum (``?v=``)
    to the links, in a clean build as in an incremental one.
    """
    if app.builder.name in HTML_BUILDERS:
        static = Path(app.outdir, "_static")
        static.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            copy_asset_file(STATIC / name, static / name, force=True)
        app.add_js_file("previews.js", loading_method="defer")
        app.add_css_file("previews.css")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("chapterrefs")
    app.connect("builder-inited", add_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
