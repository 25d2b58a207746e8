"""Links: every internal link and anchor in the HTML site resolves, offline.

External links (with a scheme or host) are ``nox -s linkcheck``'s job, which needs the network.
"""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from checks import SITE_PATH, Book, verdict

#: Attributes that load or link a resource, by element.
URL_ATTRIBUTES = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src",
                  "source": "src", "iframe": "src", "video": "src", "audio": "src"}  # fmt: skip


class Page(HTMLParser):
    """One parsed page: the anchors it defines and the URLs it refers to."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if anchor := values.get(name):
                self.ids.add(anchor)
        if (url := values.get(URL_ATTRIBUTES.get(tag, ""))) is not None:
            self.urls.append(url)


@cache
def parse(path: Path) -> Page:
    """Parse one HTML file (cached: a page is often the target of many links)."""
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def resolve(root: Path, page: Path, url: str) -> tuple[Path, str] | None:
    """The file and fragment an internal URL points to; None for external URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    # A path from the server's root (the 404 page's links) starts with the site's path.
    path = "/" + path.removeprefix(SITE_PATH) if path.startswith(SITE_PATH) else path
    target = page if not path else (root / path.lstrip("/") if path.startswith("/") else page.parent / path)
    if path.endswith("/") or (target.is_dir() and path):
        target = target / "index.html"
    return target.resolve(), unquote(parts.fragment)


def broken_links(root: Path, pages: list[Path]) -> tuple[int, int, list[str]]:
    """Check every internal URL of ``pages``: (links checked, anchors checked, problems)."""
    root = root.resolve()
    checked = anchors = 0
    problems = []
    for page in pages:
        name = page.relative_to(root) if page.is_relative_to(root) else page
        for url in parse(page).urls:
            if (found := resolve(root, page.resolve(), url)) is None:
                continue
            target, fragment = found
            checked += 1
            if not target.is_relative_to(root):
                problems.append(f"{name}: {url!r} points outside the site")
            elif not target.is_file():
                problems.append(f"{name}: {url!r} has no target file")
            elif fragment and target.suffix == ".html":
                anchors += 1
                if fragment not in parse(target).ids:
                    problems.append(f"{name}: {url!r}: no id {fragment!r} in {target.relative_to(root)}")
    return checked, anchors, problems


def check(book: Book) -> bool:
    """Every internal link and anchor of every HTML page resolves."""
    pages = book.pages()
    checked, anchors, problems = broken_links(book.html, pages)
    figures = f"{len(pages)} pages, {checked} internal links ({anchors} to anchors), {len(problems)} broken"
    return verdict("links", figures, problems)
