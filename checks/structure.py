"""Structure: the book's contents, as Sphinx knows them, are what every format shows.

The expected contents come from the pickled environment of the HTML build: the toctrees from the
root document down (``toctree_includes``, hidden toctrees too) and each page's title. Every reader
page must appear, at the same depth and in the same order, in the landing page's contents and
sidebar (top level), the EPUB's ``nav.xhtml`` and ``toc.ncx``, the PDF's outline (bookmarks) and its
printed contents (``pdftotext``; numbered as Sphinx numbers it), and start a new PDF page. Every
reader page must also be reachable from ``index.html`` within two links. The contributor guide
(``contributing/``) is left out: by design it is in the HTML and EPUB editions only, not in the PDF.
"""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ElementTree
import zipfile
from collections import deque
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from posixpath import dirname, join, normpath
from typing import NamedTuple
from urllib.parse import urldefrag

from pypdf import PdfReader
from pypdf.generic import Destination

from checks import Book, verdict

#: Pages outside the reader's book: HTML and EPUB only, by design.
CONTRIBUTOR_PAGES = "contributing/"
#: Most links a reader follows from the landing page to reach any chapter.
MAX_CLICKS = 2
XHTML = "{http://www.w3.org/1999/xhtml}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
#: A line of the printed contents: an optional number ("4.1", "A"), the title, dot leaders, the page.
CONTENTS_LINE = re.compile(
    r"^(?P<indent>\s*)(?:(?P<number>[0-9]+(?:\.[0-9]+)*|[A-Z])\s+)?(?P<title>.*?)[\s.]*\s(?P<page>\d+)\s*$"
)


class Entry(NamedTuple):
    """One page in a list of contents: its depth (1 = top level), its key (docname or title) and number."""

    depth: int
    key: str
    number: str = ""


def normalise(title: str) -> str:
    """A title as compared across formats: one kind of space, dash and quote; no section number."""
    title = unicodedata.normalize("NFKC", title).replace("\u2011", "-").replace("\u00ad", "")
    title = re.sub(r"^(?:[0-9]+(?:\.[0-9]+)*\.?|[A-Z]\.?)\s+(?=\S)", "", title.strip())
    return re.sub(r"\s+", " ", title)


def toctree(environment: Path, root: str = "index") -> tuple[list[Entry], dict[str, str]]:
    """The reader pages in the order and depth of the toctrees from *root*, and each page's title."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "docs" / "_ext"))  # the book's local extensions
    with environment.open("rb") as file:
        env = pickle.load(file)
    entries: list[Entry] = []

    def walk(doc: str, depth: int) -> None:
        for child in env.toctree_includes.get(doc, []):
            if not child.startswith(CONTRIBUTOR_PAGES):
                number = ".".join(map(str, env.toc_secnumbers.get(child, {}).get("", ())))
                entries.append(Entry(depth, child, number))
                walk(child, depth + 1)

    walk(root, 1)
    return entries, {e.key: env.titles[e.key].astext() for e in entries}


def compare(name: str, expected: Sequence[Entry], found: Iterable[Entry]) -> list[str]:
    """What *found* gets wrong against *expected*: missing, depth, order.

    Keys not expected are ignored, and so are repeats: a page's first entry is where a reader finds it
    (Sphinx's ``toc.ncx`` lists each page again, one level down, as the parent of its sections).
    """
    wanted = {e.key: e.depth for e in expected}
    seen = list({e.key: e for e in reversed([e for e in found if e.key in wanted])}.values())[::-1]
    keys = [e.key for e in seen]
    problems = [f"{name}: missing {e.key!r}" for e in expected if e.key not in keys]
    problems += [
        f"{name}: {e.key!r} at depth {e.depth}, expected {wanted[e.key]}" for e in seen if e.depth != wanted[e.key]
    ]
    order = [e.key for e in expected if e.key in keys]
    present = list(dict.fromkeys(keys))
    if present != order:
        at = next(i for i, (a, b) in enumerate(zip(present, order, strict=False)) if a != b)
        problems.append(f"{name}: out of order from {present[at]!r} (expected {order[at]!r} there)")
    return problems


class _TocLinks(HTMLParser):
    """The page links (``li.toctree-lN > a``) inside elements with a given class, with their depth N."""

    def __init__(self, container: str) -> None:
        super().__init__()
        self.container, self.open, self.depth = container, 0, 0
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.open or self.container in classes:
            self.open += tag not in ("a", "img", "br", "input", "span")  # elements that hold no list
        if not self.open:
            return
        level = next((int(c[9:]) for c in classes if re.fullmatch(r"toctree-l\d", c)), None)
        if tag == "li" and level:
            self.depth = level
        elif tag == "a" and self.depth:
            self.links.append((self.depth, dict(attrs).get("href") or ""))
            self.depth = 0

    def handle_endtag(self, tag: str) -> None:
        if self.open and tag not in ("a", "img", "br", "input", "span"):
            self.open -= 1


def html_contents(page: Path, container: str) -> list[Entry]:
    """The pages listed in the landing page's element of class *container* (links to sections dropped)."""
    parser = _TocLinks(container)
    parser.feed(page.read_text(encoding="utf-8"))
    return [Entry(d, href.removesuffix(".html")) for d, href in parser.links if href and "#" not in href]


def epub_nav(xhtml: bytes) -> list[Entry]:
    """The pages in the EPUB 3 navigation document's table of contents, with their depth."""
    nav = next(n for n in ElementTree.fromstring(xhtml).iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "toc")
    entries: list[Entry] = []

    def walk(ol: object, depth: int) -> None:
        for li in ol.findall(f"{XHTML}li"):  # type: ignore[attr-defined]
            link = li.find(f"{XHTML}a")
            if link is not None and "#" not in link.get("href", "#"):
                entries.append(Entry(depth, link.get("href").removesuffix(".xhtml")))
            for sub in li.findall(f"{XHTML}ol"):
                walk(sub, depth + 1)

    for ol in nav.findall(f"{XHTML}ol"):
        walk(ol, 1)
    return entries


def epub_ncx(ncx: bytes) -> list[Entry]:
    """The pages in the EPUB 2 ``toc.ncx`` navigation map, with their depth."""
    entries: list[Entry] = []

    def walk(parent: object, depth: int) -> None:
        for point in parent.findall(f"{NCX}navPoint"):  # type: ignore[attr-defined]
            src = point.find(f"{NCX}content").get("src", "#")
            if "#" not in src:
                entries.append(Entry(depth, src.removesuffix(".xhtml")))
            walk(point, depth + 1)

    walk(ElementTree.fromstring(ncx).find(f"{NCX}navMap"), 1)
    return entries


def bookmarks(reader: PdfReader) -> list[tuple[int, Destination]]:
    """The PDF's outline in reading order, each bookmark with its depth (1: the top level)."""
    found: list[tuple[int, Destination]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item))

    walk(reader.outline, 1)
    return found


def pdf_outline(reader: PdfReader) -> list[Entry]:
    """The PDF's bookmarks by title, with their depth."""
    return [Entry(depth, normalise(item.title)) for depth, item in bookmarks(reader)]


def pdf_page_starts(reader: PdfReader, titles: Iterable[str]) -> list[str]:
    """Reader pages whose bookmark is not at the top of a PDF page (the highest bookmark on any page)."""
    wanted, items = set(titles), [item for _, item in bookmarks(reader)]
    top = max((float(item.top) for item in items if item.top is not None), default=0.0)
    problems, seen = [], set()
    for item in items:
        title = normalise(item.title)
        if title in wanted and title not in seen and item.top is not None and top - float(item.top) > 2:
            page = reader.get_destination_page_number(item) + 1
            problems.append(f"PDF: {item.title!r} starts in the middle of page {page}, not on a new page")
        seen.add(title)
    return problems


def printed_contents(text: str) -> list[Entry]:
    """The entries of the printed contents (``pdftotext -layout`` of its pages), by title.

    The depth comes from the number ("4.1" is 2) or, for an unnumbered entry, from its indent.
    A title that wraps is joined to the line that ends with its page number.
    """
    entries: list[Entry] = []
    pending = ""
    for line in text.splitlines():
        if not line.strip() or line.strip().lower() == "contents":
            pending = ""  # a blank line ends an entry: what came before was a heading
            continue
        match = CONTENTS_LINE.match(pending + line if pending else line)
        if match is None or not match["title"]:
            pending = line.rstrip() + " " if line.strip() and not re.fullmatch(r"\s*[ivxlc\d]+\s*", line) else ""
            continue
        pending = ""
        number = match["number"]
        depth = number.count(".") + 1 if number else 1 + (len(match["indent"]) > 0)
        entries.append(Entry(depth, normalise(match["title"]), number or ""))
    return entries


def contents_pages(reader: PdfReader) -> list[int]:
    """The pages of the printed contents: those numbered in roman figures (Sphinx's front matter)."""
    return [n for n, label in enumerate(reader.page_labels) if re.fullmatch(r"[ivxlc]+", label)]


def by_title(entries: Sequence[Entry], titles: dict[str, str]) -> list[Entry]:
    """*entries* keyed by the page's normalised title, as the PDF can only be compared by title."""
    return [Entry(e.depth, normalise(titles[e.key]), e.number) for e in entries]


def misnumbered(name: str, expected: Sequence[Entry], found: Iterable[Entry]) -> list[str]:
    """Pages of *found* numbered otherwise than Sphinx numbers them (where Sphinx numbers them)."""
    numbers = {e.key: e.number for e in expected if e.number}
    return [
        f"{name}: {e.key!r} numbered {e.number or 'not at all'}, expected {numbers[e.key]}"
        for e in found
        if e.key in numbers and e.number != numbers[e.key]
    ]


def _links(page: Path, site: Path) -> set[str]:
    """The site pages a page links to (as paths relative to the site)."""
    parser = _Anchors()
    parser.feed(page.read_text(encoding="utf-8"))
    base = dirname(page.relative_to(site).as_posix())
    targets = set()
    for href in parser.hrefs:
        path = urldefrag(href).url
        if path and "://" not in path and not path.startswith(("mailto:", "/")) and path.endswith(".html"):
            targets.add(normpath(join(base, path)))
    return targets


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and (href := dict(attrs).get("href")):
            self.hrefs.append(href)


def clicks_from(site: Path, start: str = "index.html", limit: int = MAX_CLICKS) -> dict[str, int]:
    """Every page reachable from *start* in at most *limit* links, with the fewest links it takes."""
    distance = {start: 0}
    queue = deque([start])
    while queue:
        page = queue.popleft()
        if distance[page] == limit or not (site / page).is_file():
            continue
        for target in sorted(_links(site / page, site)):
            if target not in distance:
                distance[target] = distance[page] + 1
                queue.append(target)
    return distance


def check(book: Book) -> bool:
    """The toctree against the landing page, the EPUB's two contents lists, the PDF outline and printed contents."""
    expected, titles = toctree(book.root / "doctrees" / "html" / "environment.pickle")
    landing = book.html / "index.html"
    with zipfile.ZipFile(book.epub) as epub:
        nav, ncx = epub_nav(epub.read("nav.xhtml")), epub_ncx(epub.read("toc.ncx"))
    reader = PdfReader(book.pdf)
    pages = contents_pages(reader)
    printed = subprocess.run(
        ["pdftotext", "-layout", "-f", str(pages[0] + 1), "-l", str(pages[-1] + 1), str(book.pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout if pages else ""  # fmt: skip
    contents = printed_contents(printed)
    top = [e for e in expected if e.depth == 1]
    problems = [
        *compare("index.html contents", expected, html_contents(landing, "toctree-wrapper")),
        *compare("index.html sidebar", top, [e for e in html_contents(landing, "bd-docs-nav") if e.depth == 1]),
        *compare("EPUB nav.xhtml", expected, nav),
        *compare("EPUB toc.ncx", expected, ncx),
        *compare("PDF outline", by_title(expected, titles), pdf_outline(reader)),
        *compare("PDF printed contents", by_title(expected, titles), contents),
        *misnumbered("PDF printed contents", by_title(expected, titles), contents),
        *pdf_page_starts(reader, (e.key for e in by_title(expected, titles))),
    ]
    if not pages:
        problems.append("PDF: no printed contents (no page numbered in roman figures)")
    reached = clicks_from(book.html)
    problems += [
        f"{e.key}: not reachable from index.html within {MAX_CLICKS} links"
        for e in expected
        if f"{e.key}.html" not in reached
    ]
    figures = (
        f"{len(expected)} reader pages ({len(top)} at the top level, deepest {max(e.depth for e in expected)}) "
        f"in 6 contents lists; printed contents on {len(pages)} pages; "
        f"{sum(1 for e in expected if f'{e.key}.html' in reached)} reachable within {MAX_CLICKS} links"
    )
    return verdict("structure", figures, problems)
