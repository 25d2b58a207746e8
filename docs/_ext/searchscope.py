"""Reader search: without the contributor guide, and forgiving a typo on the search page.

The site's search (Sphinx's index, which pydata-sphinx-theme's search box queries) mixed
pages such as "Style guide" or "Benchmarks" into a patient's results. Pages matching
``search_exclude_patterns`` get Sphinx's ``nosearch`` metadata, as a ``:nosearch:`` field
at the top of each would, so the HTML builder leaves their words out of the index. They
stay in the contents and the sidebar.

``search_static/search-typos.js``, on the search page only (every other page is at the
page-weight budget's request count), replaces a query word that matches nothing by the
closest indexed word and says so: "osteoarthritus" finds the osteoarthritis chapter.
The theme's search-as-you-type list stays exact; Enter opens the search page.

``search_static/search-snippets.js``, inline on every page (no extra request), makes a result's
snippet from the page's article: the theme's ``[role="main"]`` also holds its header buttons
and the page's contents list, so a chapter's snippet used to be a run of its headings.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.fileutil import copy_asset_file

TYPOS_SCRIPT = Path(__file__).parent / "search_static" / "search-typos.js"
SNIPPETS_SCRIPT = Path(__file__).parent / "search_static" / "search-snippets.js"


def mark_unsearchable(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``, after Sphinx's metadata collector: set ``nosearch`` on excluded pages."""
    docname = app.env.docname
    if any(fnmatch(docname, pattern) for pattern in app.config.search_exclude_patterns):
        app.env.metadata[docname]["nosearch"] = ""


def add_scripts(app: Sphinx) -> None:
    """``builder-inited``: copy the typo script into the site's ``_static``, and put the snippet
    script inline in every page (HTML site builders only: the EPUB has no search)."""
    if app.builder.name in {"html", "dirhtml"}:
        static = Path(app.outdir, "_static")
        static.mkdir(parents=True, exist_ok=True)
        copy_asset_file(TYPOS_SCRIPT, static / TYPOS_SCRIPT.name, force=True)
        app.add_js_file(None, body=SNIPPETS_SCRIPT.read_text(encoding="utf-8"))


def link_typo_script(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context``: the search page loads the script, after Sphinx's searchtools.js."""
    if pagename == "search" and app.builder.name in {"html", "dirhtml"}:
        app.add_js_file(TYPOS_SCRIPT.name, loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("search_exclude_patterns", [], "env", types=[list])
    app.connect("doctree-read", mark_unsearchable, priority=900)  # the collector (500) resets the metadata
    app.connect("builder-inited", add_scripts)
    app.connect("html-page-context", link_typo_script)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
