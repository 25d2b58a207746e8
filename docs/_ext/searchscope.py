"""Reader search without the contributor guide.

The site's search (Sphinx's index, which pydata-sphinx-theme's search box queries) mixed
pages such as "Style guide" or "Benchmarks" into a patient's results. Pages matching
``search_exclude_patterns`` get Sphinx's ``nosearch`` metadata, as a ``:nosearch:`` field
at the top of each would, so the HTML builder leaves their words out of the index. They
stay in the contents and the sidebar.
"""

from __future__ import annotations

from fnmatch import fnmatch
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


def mark_unsearchable(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``, after Sphinx's metadata collector: set ``nosearch`` on excluded pages."""
    docname = app.env.docname
    if any(fnmatch(docname, pattern) for pattern in app.config.search_exclude_patterns):
        app.env.metadata[docname]["nosearch"] = ""


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("search_exclude_patterns", [], "env", types=[list])
    app.connect("doctree-read", mark_unsearchable, priority=900)  # the collector (500) resets the metadata
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
