"""Citation and glossary previews on the HTML site: a small script and stylesheet.

``previews_static/previews.js`` shows, on hover, focus or tap, the entry a citation
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
    """Link the script and stylesheet from every page of an HTML build."""
    if app.builder.name in HTML_BUILDERS:
        app.add_js_file("previews.js", loading_method="defer")
        app.add_css_file("previews.css")


def copy_files(app: Sphinx, exception: Exception | None) -> None:
    """Copy them into the site's ``_static`` folder."""
    if exception is None and app.builder.name in HTML_BUILDERS:
        for name in FILES:
            copy_asset_file(STATIC / name, Path(app.outdir, "_static"), force=True)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("chapterrefs")
    app.connect("builder-inited", add_files)
    app.connect("build-finished", copy_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
