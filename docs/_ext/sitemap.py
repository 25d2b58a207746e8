"""``sitemap.xml``: every page of the book at its published address, after any build.

Replaces sphinx-sitemap 2.9, which lists only the pages the last build wrote
(jdillard/sphinx-sitemap#13, open since 2018): after a prose edit the book's sitemap
named two pages. It also started a multiprocessing manager process on every build.
Here the list comes from the environment, which knows every document whatever was
rewritten: each page at ``html_baseurl`` plus its URI, with the date of its last
commit (sphinx-last-updated-by-git) as ``lastmod``. Search, index and 404 pages are
not documents, so they are not listed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def lastmod(app: Sphinx, docname: str) -> str | None:
    """The time of the page's last commit, as sitemaps write it (None if git has none)."""
    data = getattr(app.env, "git_last_updated", {}).get(docname)
    if not data or not data[0]:
        return None
    return datetime.fromtimestamp(int(data[0]), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """Write ``sitemap.xml`` into the HTML output, listing every document in name order."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    if not app.config.html_baseurl:
        logger.warning("no sitemap: set html_baseurl to the published address", type="book", subtype="sitemap")
        return
    base = app.config.html_baseurl.rstrip("/") + "/"
    root = ElementTree.Element("urlset", xmlns=NAMESPACE)
    for docname in sorted(app.env.found_docs):
        url = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(url, "loc").text = base + app.builder.get_target_uri(docname)
        if modified := lastmod(app, docname):
            ElementTree.SubElement(url, "lastmod").text = modified
    ElementTree.ElementTree(root).write(Path(app.outdir) / "sitemap.xml", xml_declaration=True, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("build-finished", write_sitemap)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
