"""Tests on the real book: all three formats build cleanly and hold what the book promises.

The book is built once per test session into a temporary folder (PDF first, then
EPUB, then HTML, as ``nox -s book`` does), so these tests never touch ``_build/``.
They need the system tools from the README's quick start (TeX Live, EPUBCheck,
poppler-utils) and fail, rather than skip, without them.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import tomllib
import unicodedata
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element

import lxml.etree
import lxml.html
import pytest
from defusedxml.ElementTree import fromstring as xml_fromstring
from lxml.html import HtmlElement
from pybtex.database import parse_file
from pypdf import PdfReader

from checks import BOOK, Book
from checks.pdf import overfull_boxes
from tools import recipe

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
ARTICLE_DIR = ROOT.parent / "shared" / "source-article"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML = "http://www.w3.org/XML/1998/namespace"
EPUB = "http://www.idpf.org/2007/ops"

pytestmark = pytest.mark.book


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Book, dict[str, str]]:
    """The book in all formats, as ``nox -s book`` builds it, and what each builder warned."""
    out = tmp_path_factory.mktemp("book")
    # a fixed build date (5 December 2026), after every review and status date in the book: a date after
    # the build date is a warning (condmech.invalid_date), so 25 November 2026 failed every book test
    warnings = recipe.build(recipe.Recipe(out=out, epoch="1796428800", options=("-q",)), capture=True)
    return Book(out), warnings


@pytest.fixture(scope="session")
def book(built: tuple[Book, dict[str, str]]) -> Book:
    return built[0]


def _html(path: Path) -> HtmlElement:
    """A page of the HTML book, or an EPUB content document with the XHTML namespace taken off.

    The theme writes HTML5 that is not XML, so lxml's HTML parser reads it (the extension's tests
    read Sphinx's default theme with ``sphinx.testing.util.etree_parse``).
    """
    if path.suffix == ".xhtml":
        tree = lxml.etree.parse(path)
        lxml.html.xhtml_to_html(tree)
        return tree.getroot()
    return lxml.html.parse(path).getroot()


def _visible_text(element: HtmlElement) -> str:
    """The text of *element* without scripts and styles (it removes them from the tree)."""
    for hidden in element.xpath(".//script | .//style"):
        hidden.drop_tree()
    return " ".join(element.itertext())


def _article_pages(book: Book) -> list[Path]:
    return [p for p in book.html.rglob("*.html") if not p.name.startswith(("genindex", "search"))]


def _book_text(book: Book) -> str:
    """The text of every page's article body (navigation left out, also the contents lists in it:
    chapter titles one after another are the book's structure, not its prose)."""
    texts = []
    for path in _article_pages(book):
        page = _html(path)
        for contents in page.xpath('.//*[contains(concat(" ", @class, " "), " toctree-wrapper ")]'):
            contents.drop_tree()
        article = page.find(".//article")
        texts.append(_visible_text(page if article is None else article))
    return re.sub(r"\s+", " ", " ".join(texts))


@pytest.mark.parametrize("fmt", recipe.FORMATS)
def test_builds_with_zero_warnings(built: tuple[Book, dict[str, str]], fmt: str) -> None:
    assert built[1][fmt] == ""


def test_every_chapter_is_in_the_toctree(book: Book) -> None:
    with (book.root / "doctrees" / "html" / "environment.pickle").open("rb") as f:
        env = pickle.load(f)
    included = {doc for children in env.toctree_includes.values() for doc in children}
    sources = {str(p.relative_to(DOCS).with_suffix("")) for p in DOCS.rglob("*.md") if "_" not in p.parts[0][:1]}
    assert sources - {"index"} <= included, sources - included - {"index"}
    assert (book.html / "back" / "condition-mechanism-table.html").exists()


FENCED = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)


def _source(path: Path) -> str:
    """A chapter's MyST source without fenced code (examples in the contributor guide)."""
    return FENCED.sub("", path.read_text(encoding="utf-8"))


def _cited_keys() -> set[str]:
    keys: set[str] = set()
    for path in DOCS.rglob("*.md"):
        text = _source(path)
        for group in re.findall(r"(?<!`)\{cite:[pt]\}`([^`]+)`", text) + re.findall(r"^:cite:(.*)$", text, re.M):
            keys.update(k.strip() for k in re.split(r"[,\s]+", group) if k.strip())
    return keys


def test_every_reference_is_cited_and_every_citation_exists() -> None:
    bib = set(parse_file(ROOT / "references.bib").entries)
    cited = _cited_keys()
    assert cited - bib == set(), "cited but not in references.bib"
    assert bib - cited == set(), "in references.bib but never cited"


def test_bibliography_page_lists_every_entry(book: Book) -> None:
    page = _html(book.html / "back" / "bibliography.html")
    entries = page.xpath("//div[@class='citation'][@id]") or page.xpath("//*[@role='doc-biblioentry']")
    assert len(entries) == len(parse_file(ROOT / "references.bib").entries)


def test_bibliography_is_in_author_order(book: Book) -> None:
    """Sorted by first author as a reader expects, accents folded ("Álvaro" among the A's)."""
    page = _html(book.html / "back" / "bibliography.html")
    labels = [bracket.tail for bracket in page.xpath("//span[@class='label']/span[@class='fn-bracket'][1]")]
    firsts = [re.split(r"[ ,]", label)[0] for label in labels]
    folded = ["".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
              for name in firsts]  # fmt: skip
    assert len(labels) > 40 and folded == sorted(folded)


def _chapter_references(page: HtmlElement, bibliography: str) -> tuple[set[str], dict[str, str]]:
    """Where a page's citations point, and its "References in this chapter" (entry id -> bibliography link)."""
    cited = set(page.xpath("//span[@class='bibtex-citation']//a/@href"))
    entries = {}
    for entry in page.xpath("//section[@id='references-in-this-chapter']//li[@id]"):
        path, _, target = entry.xpath("string(./p/strong/a/@href)").partition("#")
        if path == bibliography:
            entries[f"#{entry.get('id')}"] = target
    return cited, entries


@pytest.mark.parametrize(("fmt", "suffix"), [("html", ".html"), ("epub", ".xhtml")])
def test_each_chapter_lists_exactly_the_references_it_cites(book: Book, fmt: str, suffix: str) -> None:
    """Citations point to the page's own list, whose entries link to the full ones in the bibliography."""
    root = book.root / fmt
    bibliography = root / "back" / f"bibliography{suffix}"
    full = set(_html(bibliography).xpath("//div[@class='citation']/@id"))
    with_list = 0
    for path in sorted(root.rglob(f"*{suffix}")):
        if path == bibliography or "_static" in path.parts:
            continue
        link = Path(os.path.relpath(bibliography, path.parent)).as_posix()
        cited, entries = _chapter_references(_html(path), link)
        assert cited == set(entries), path
        assert set(entries.values()) <= full, path
        with_list += bool(entries)
    assert with_list >= 10


def _citations_and_labels(book: Book, fmt: str) -> list[tuple[str, str, str]]:
    """Each citation's link text in *fmt*, and the id and bibliography label of the entry it links to."""
    if fmt == "pdf":
        tex = (book.root / "latex" / f"{BOOK}.tex").read_text(encoding="utf-8")
        labels = {key: label for label, key in re.findall(r"\\bibitem\[([^]]*)\]\{([^}]*)\}", tex)}
        return [
            (text, key, labels[key])
            for key, text in re.findall(r"\\hyperlink\{cite\.([^}]*)\}\{((?:[^{}]|\{[^{}]*\})*)\}", tex)
        ]
    suffix = {"html": ".html", "epub": ".xhtml"}[fmt]
    bibliography = book.root / fmt / "back" / f"bibliography{suffix}"
    labels = {entry.get("id"): " ".join(entry.xpath("string(./span[@class='label'])").strip("[]").split())
              for entry in _html(bibliography).xpath("//div[@class='citation']")}  # fmt: skip
    found = []
    for path in sorted((book.root / fmt).rglob(f"*{suffix}")):
        if path == bibliography or "_static" in path.parts:
            continue
        page = _html(path)
        _, entries = _chapter_references(page, Path(os.path.relpath(bibliography, path.parent)).as_posix())
        for link in page.xpath("//span[@class='bibtex-citation']//a"):
            entry = entries[link.get("href")]
            found.append((" ".join(link.xpath("string()").split()), entry, labels[entry]))
    return found


@pytest.mark.parametrize("fmt", recipe.FORMATS)
def test_each_citation_label_names_one_entry(book: Book, fmt: str) -> None:
    """A citation reads as its entry's bibliography label ("Murphy et al., 2003", "n.d.a"): no two entries share one.

    A citation of names and year has the label's names and year ("Aggarwal & Pittenger", not "and"); one of the year
    alone ({cite:year}, the link of {cite:t}) the label's year and letter.
    """
    entries_of: dict[str, set[str]] = {}
    for citation, entry, label in _citations_and_labels(book, fmt):
        label = " ".join(label.split())
        names, comma, year = citation.rpartition(", ")
        assert label == f"{names} {year}" if comma else label.endswith(f" {year}"), (citation, label)
        entries_of.setdefault(citation, set()).add(entry)
    assert {citation: entries for citation, entries in entries_of.items() if len(entries) > 1} == {}
    amp = r"\&" if fmt == "pdf" else "&"
    assert {"Versus Arthritis, n.d.b", "Murphy et al., 2003", f"Aggarwal {amp} Pittenger, 2005"} <= entries_of.keys()


@pytest.mark.parametrize(("fmt", "suffix"), [("html", ".html"), ("epub", ".xhtml")])
def test_citations_do_not_repeat_their_entry(book: Book, fmt: str, suffix: str) -> None:
    """A citation links to its entry and carries no copy of it in a ``title`` (``bibtex_tooltips = False``).

    On the site the preview shows the entry; the copies were a fifth of the longest page's HTML (compressed).
    """
    citations = with_title = 0
    for path in sorted((book.root / fmt).rglob(f"*{suffix}")):
        links = _html(path).xpath("//span[@class='bibtex-citation']//a")
        citations += len(links)
        with_title += sum(1 for link in links if link.get("title"))
    assert citations > 500
    assert with_title == 0


def test_each_reference_list_is_in_its_page_contents(book: Book) -> None:
    """The "Contents" beside the text (and its phone dialog) lists "References in this chapter" where it is."""
    listed = 0
    for path in sorted(book.html.rglob("*.html")):
        page = _html(path)
        has_list = bool(page.xpath("//section[@id='references-in-this-chapter']"))
        in_contents = page.xpath("//nav[@id='pst-page-toc-nav']//a[@href='#references-in-this-chapter']")
        assert len(in_contents) == has_list, path
        listed += has_list
    assert listed >= 10


def test_pdf_keeps_only_the_book_bibliography(book: Book) -> None:
    tex = (book.root / "latex" / f"{BOOK}.tex").read_text(encoding="utf-8")
    assert "References in this chapter" not in tex
    assert tex.count(r"\begin{sphinxthebibliography}") == 1


def test_references_match_the_verified_list() -> None:
    ours = parse_file(ROOT / "references.bib").entries
    verified = parse_file(ROOT / "sources" / "references-verified.bib").entries
    assert set(ours) <= set(verified)
    for key, entry in ours.items():
        assert dict(entry.fields) == dict(verified[key].fields), key
        assert {r: [str(p) for p in ps] for r, ps in entry.persons.items()} == {
            r: [str(p) for p in ps] for r, ps in verified[key].persons.items()
        }, key


def test_pdf_fonts_embedded_outline_and_metadata(book: Book) -> None:
    fonts = subprocess.run(["pdffonts", str(book.pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows, "no fonts listed"
    assert all(row.split()[-5] == "yes" for row in rows), fonts
    info = subprocess.run(["pdfinfo", str(book.pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title:\s+Stem Cell Therapy for Pain Management", info, re.M)
    assert re.search(r"^Author:\s+The Stem Cell Pain Guide contributors", info, re.M)
    assert int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) > 40
    outline = PdfReader(book.pdf).outline
    assert len(outline) >= 8
    # XeLaTeX cannot tag a PDF: the landing page says so, and points screen-reader users elsewhere
    tagged = re.search(r"^Tagged:\s+yes", info, re.M) is not None
    landing = " ".join(_html(book.html / "index.html").xpath("//main//p//text()"))
    assert ("Screen readers cannot find its headings and tables" in landing) is not tagged


def test_pdf_has_no_overfull_boxes(book: Book) -> None:
    """No line too wide, and no page too high: a table that cannot break runs into the footer."""
    assert overfull_boxes(book.latex_log.read_text(encoding="utf-8", errors="replace")) == []


def test_pdf_table_cells_are_ragged_right(book: Book) -> None:
    """No stretched line in a table cell: cells are set ragged right (docs/conf.py), where justified
    lines a few words wide opened wide gaps ("Donated     early"; 82 such lines in the tables)."""
    tex = (book.root / "latex" / f"{BOOK}.tex").read_text(encoding="utf-8").splitlines()
    kinds = ("tabulary", "longtable")
    tables = [index + 1 for index, line in enumerate(tex) if line.startswith(tuple(rf"\begin{{{k}}}" for k in kinds))]
    log = book.latex_log.read_text(encoding="utf-8", errors="replace")
    underfull = r"Underfull \\hbox \(badness \d+\) (?:in paragraph at lines|detected at line) (\d+)"
    stretched = [int(m[1]) for m in re.finditer(underfull, log)]
    ends = [index + 1 for index, line in enumerate(tex) if line.startswith(tuple(rf"\end{{{k}}}" for k in kinds))]
    assert len(tables) >= 10
    assert [line for line in stretched if any(a <= line <= b for a, b in zip(tables, ends, strict=True))] == []


def test_epubcheck_passes(book: Book) -> None:
    jar = Path(os.path.realpath(shutil.which("epubcheck") or "epubcheck"))
    result = subprocess.run(["java", "-jar", str(jar), str(book.epub)], capture_output=True, text=True, check=False)
    assert "0 fatals / 0 errors / 0 warnings" in result.stdout + result.stderr, result.stdout + result.stderr


def test_epub_markup_is_accessible(book: Book) -> None:
    """What Ace by DAISY found in Sphinx's EPUB markup stays fixed (``nox -s check`` runs Ace itself)."""
    with zipfile.ZipFile(book.epub) as epub:
        pages = {name: epub.read(name).decode() for name in epub.namelist() if name.endswith(".xhtml")}
    for name, page in pages.items():
        html = xml_fromstring(page)
        assert html.get("lang") == html.get(f"{{{XML}}}lang") == "en", name
        assert len(html.findall(".//*[@name='viewport']")) <= 1, name
        assert all(heading.get("aria-level") for heading in html.findall(".//*[@role='heading']")), name
        assert not [th for th in html.iter(f"{XHTML}th") if _empty_header(th)], name
    toc = xml_fromstring(pages["nav.xhtml"]).findall(f".//{XHTML}nav[@{{{EPUB}}}type='toc']")
    assert [nav.get("role") for nav in toc] == ["doc-toc"]


def _empty_header(th: Element) -> bool:
    """A table header cell with no text, at most an empty paragraph."""
    return not "".join(th.itertext()).strip() and all(child.tag == f"{XHTML}p" and not len(child) for child in th)


def test_html_pages_link_the_pdf_and_epub(book: Book) -> None:
    for page in (book.html / "index.html", book.html / "conditions" / "osteoarthritis.html"):
        hrefs = _html(page).xpath("//a[@href != '']/@href")
        for suffix in ("pdf", "epub"):
            link = next(h for h in hrefs if h.endswith(f"downloads/{BOOK}.{suffix}"))
            assert (page.parent / link).resolve().is_file(), link


def test_table_matches_the_declarations(book: Book) -> None:
    declared = sum(len(re.findall(r"^:{3,}\{cm:link\}", _source(p), re.M)) for p in DOCS.rglob("*.md"))
    data = json.loads((book.html / "_static" / "condition-mechanism.json").read_text(encoding="utf-8"))
    assert len(data["links"]) == declared > 0
    assert {c["id"] for c in data["conditions"]} == {
        "osteoarthritis", "tendon-ligament", "spinal-cord-injury",
        "disc-degeneration", "peripheral-neuropathy", "inflammatory-autoimmune",
    }  # fmt: skip
    assert {m["id"] for m in data["mechanisms"]} == {
        "tissue-regeneration", "immunomodulation", "neuroregeneration", "pain-modulation",
    }  # fmt: skip
    for kind in ("effect", "harm"):
        found = sum(len(re.findall(rf"^:{{3,}}\{{cm:{kind}\}}", _source(p), re.M)) for p in DOCS.rglob("*.md"))
        assert len(data[f"{kind}s"]) == found > 0
    # no clinical-effect evidence in a mechanism column: every link says what it measured of the mechanism
    assert all(link["measured"] for link in data["links"])
    assert {s["condition"] for s in data["statuses"]} == {c["id"] for c in data["conditions"]}
    assert all(s["as_of"] and s["citations"] for s in data["statuses"])
    table = (book.html / "back" / "condition-mechanism-table.html").read_text(encoding="utf-8")
    assert table.count('scope="row"') == 6 and table.count('scope="col"') == 5


# Each topic of the source article, and words that show the book covers it.
TOPICS = {
    "self-renewal": r"self-renew",
    "differentiation": r"differentiat",
    "potency": r"totipotent.*pluripotent.*multipotent|pluripotent.*multipotent",
    "bone marrow": r"bone marrow",
    "adipose tissue": r"adipose",
    "umbilical cord blood": r"umbilical cord blood|cord blood",
    "embryonic stem cells and ethics": r"embryonic stem cell.*ethic|ethic.*embryonic stem cell",
    "adult (somatic) stem cells": r"somatic",
    "induced pluripotent stem cells": r"induced pluripotent",
    "regeneration of musculoskeletal tissue": r"Regeneration of musculoskeletal tissue",
    "anti-inflammatory effects": r"Anti-inflammatory and immunomodulatory effects",
    "neuroregeneration": r"neuroregeneration",
    "pain modulation": r"Modulation of pain signalling",
    "osteoarthritis": r"Joint degeneration and osteoarthritis",
    "spinal cord injury": r"Spinal cord injury and nerve damage",
    "back pain and discs": r"Chronic back pain and disc degeneration",
    "neuropathy": r"Peripheral neuropathy and diabetic neuropathic pain",
    "inflammatory and autoimmune": r"Inflammatory and autoimmune conditions",
    "tendon and ligament": r"Tendon and ligament injuries",
    "research and regulation": r"regulat.*clinical trial|clinical trial.*regulat",
    "not medical advice": r"not medical advice",
}


@pytest.mark.parametrize("topic", TOPICS)
def test_each_article_topic_is_in_the_book(book: Book, topic: str) -> None:
    assert re.search(TOPICS[topic], _book_text(book), re.I | re.S), topic


def test_prose_is_not_copied_from_the_article(book: Book) -> None:
    """No run of eight words from the source article appears in the book, outside quotation marks.

    The book quotes the article where it corrects a claim; a quotation is marked as one.
    """
    articles = sorted(ARTICLE_DIR.glob("*.txt")) if ARTICLE_DIR.exists() else []
    if not articles:
        pytest.skip("source article not available next to the repository")
    words = re.findall(r"[a-z]+", articles[0].read_text(encoding="utf-8").lower())
    shingles = {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
    unquoted = re.sub(r"\u201c[^\u201d]*\u201d|\"[^\"]*\"", " ", _book_text(book))
    book_words = re.findall(r"[a-z]+", unquoted.lower())
    copied = {" ".join(book_words[i : i + 8]) for i in range(len(book_words) - 7)} & shingles
    assert copied == set()


# -- findability and citing (docs/_ext/descriptions.py, citebook.py; conf.py) ------------------

SITE = "https://stem-cell-pain-guide.github.io/stem-cell-pain-guide/"
NOT_IN_SITEMAP = {"search.html", "genindex.html", "404.html"}


def _meta(page: Path) -> dict[str, str]:
    """A page's <meta> tags: name or property to content."""
    found = {}
    for tag in _html(page).iterfind(".//meta[@content]"):
        if key := tag.get("name") or tag.get("property"):
            found.setdefault(key, tag.get("content"))
    return found


def test_every_page_has_its_description_and_a_link_preview(book: Book) -> None:
    descriptions = tomllib.loads((DOCS / "descriptions.toml").read_text(encoding="utf-8"))
    pages = [p for p in book.urls() if p not in NOT_IN_SITEMAP]
    assert sorted(f"{name}.html" for name in descriptions) == sorted(pages)
    for name, description in descriptions.items():
        meta = _meta(book.html / f"{name}.html")
        assert meta["description"] == meta["og:description"] == description, name
        assert meta["og:url"] == f"{SITE}{name}.html"
        assert meta["og:image"] == f"{SITE}_static/cover.png"


def test_sitemap_lists_every_page_at_its_published_address(book: Book) -> None:
    sitemap = (book.html / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert sorted(locations) == sorted(SITE + p for p in book.urls() if p not in NOT_IN_SITEMAP)
    assert len(re.findall(r"<lastmod>20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ</lastmod>", sitemap)) == len(locations)


def test_404_page_loads_everything_from_the_site_path(book: Book) -> None:
    text = (book.html / "404.html").read_text(encoding="utf-8")
    assert "<h1>Page not found</h1>" in text
    relative = [
        url
        for url in re.findall(r'(?:href|src)="([^"#]+)"', text)
        if not re.match(r"(/stem-cell-pain-guide/|https?:|mailto:)", url)
    ]
    assert relative == []


def test_how_to_cite_gives_the_edition_in_every_format(book: Book) -> None:
    entry = "@book{stemcelltherapy2026,"
    reference = "The Stem Cell Pain Guide contributors (2026)."
    html_text = (book.html / "preface.html").read_text(encoding="utf-8")
    assert reference in html_text and "edition 2026.11" in html_text and entry in re.sub(r"<[^>]+>", "", html_text)
    with zipfile.ZipFile(book.epub) as epub:
        xhtml = epub.read("preface.xhtml").decode()
    assert reference in xhtml and "edition 2026.11" in xhtml
    pdf_text = " ".join(page.extract_text() for page in PdfReader(book.pdf).pages)
    assert "edition 2026.11" in " ".join(pdf_text.split()) and "stemcelltherapy2026" in pdf_text


def test_readability_measures_reader_prose_only(book: Book) -> None:
    from checks import readability

    ceilings = readability.Ceilings.load()
    measured = [url for url in book.urls() if ceilings.measured(url)]
    assert {"preface.html", "mechanisms/how-stem-cells-might-relieve-pain.html", "back/glossary.html"} <= set(measured)
    assert not [url for url in measured if url.startswith("contributing/") or url == "back/bibliography.html"]
    for url in measured:
        text, _ = readability.read_page(book.html / url)
        assert text, url
        # No citation, evidence marker or table survives the stripping.
        assert not re.search(r"et al\.|and others, (19|20)\d\d|[●○]|\| ---", text), url


CONDITION_PAGES = sorted(p for p in (DOCS / "conditions").glob("*.md") if p.stem != "index")


def test_condition_chapters_open_with_key_messages_and_review_dates(book: Book) -> None:
    for source in CONDITION_PAGES:
        page = (book.html / "conditions" / f"{source.stem}.html").read_text(encoding="utf-8")
        main = page[page.index('<article class="bd-article"') :]
        box = main.index("cm-key-messages")
        assert main.index("cm-review-dates") < box < main.index("<h2>"), source.stem
        assert re.search(r"Page last reviewed: \d+ \w+ 20\d\d · Next review due: \d+ \w+ 20\d\d", main), source.stem
        key = main[box : main.index("</div>", main.index("See this condition"))]
        for question in ("Does it help?", "Harms:", "How might it work?", "Is it approved?", "(as of "):
            assert question in key, (source.stem, question)
        assert "condition-mechanism-table.html#cm-row-" in key


# The first box is usual care; where no guideline was checked (tendons), the main other care, exercise.
OPTIONS = (("Usual care", "Exercise"), ("registered trial",), ("unproven injection",), ("Waiting and watching",))
OPTION_LABELS = ("How it works.", "What it can do.", "Harms and burden.")


def test_condition_chapters_set_out_the_options_and_point_to_safety(book: Book) -> None:
    """Each condition chapter's decision aid: the four options in order, each answering the same questions."""
    for source in CONDITION_PAGES:
        root = _html(book.html / "conditions" / f"{source.stem}.html")
        aid = "//*[contains(concat(' ', @class, ' '), ' options-aid ')]"
        boxes = root.xpath(f"{aid}//*[contains(concat(' ', @class, ' '), ' option ')]")
        titles = [box.xpath(".//*[contains(@class, 'admonition-title')]")[0].text_content() for box in boxes]
        assert len(titles) == len(OPTIONS), (source.stem, titles)
        assert all(any(word in title for word in option) for option, title in zip(OPTIONS, titles, strict=True)), (
            source.stem,
            titles,
        )
        for box, title in zip(boxes, titles, strict=True):
            text = box.text_content()
            assert all(label in text for label in OPTION_LABELS), (source.stem, title)
        links = {a.get("href", "") for a in root.xpath("//article//a")}
        for target in ("#sr-questions", "#sr-already-treated", "#sr-support"):
            assert any(href.endswith(target) for href in links), (source.stem, target)


def test_table_reads_at_a_glance_at_1280_and_390(book: Book) -> None:
    """The whole table in the text column with the theme's sidebars, its first answers on the first screen
    (its legend follows it); a sticky header row flush under the toolbar; stacked blocks on a phone."""
    from checks.browser import chromium, serve

    measure = """() => {
      const t = document.querySelector('table.cm-overview'), c = t.parentElement;
      const cap = t.querySelector('caption').getBoundingClientRect();
      return {table: t.scrollWidth, box: c.clientWidth, page: document.documentElement.scrollWidth,
              view: document.documentElement.clientWidth, capLeft: cap.left, capRight: cap.right,
              capHeight: cap.height, rows: t.querySelectorAll('tbody tr').length,
              display: getComputedStyle(t.querySelector('tbody tr')).display,
              details: t.querySelectorAll('tbody details > summary').length,
              firstAnswer: t.querySelector('tbody td').getBoundingClientRect().top,
              legends: [...document.querySelectorAll('.cm-legend')].map(
                l => l.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_PRECEDING)};
    }"""
    with serve(book.html) as base, chromium() as browser:
        results = {}
        for width, height in ((1280, 800), (390, 844)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base + "back/condition-mechanism-table.html")
            results[width] = page.evaluate(measure)
            if width == 1280:  # the header row stays in view while the reader scrolls down the table
                page.evaluate("""() => { document.documentElement.style.scrollBehavior = 'auto';
                  document.querySelector('table.cm-overview tbody tr:last-child').scrollIntoView(); }""")
                head, bar = page.evaluate("""() => [
                  document.querySelector('table.cm-overview thead th').getBoundingClientRect().top,
                  document.querySelector('.bd-header-article').getBoundingClientRect().bottom]""")
                assert abs(head - bar) < 1, (head, bar)  # no strip between the bar and the header row
                # details open from the keyboard: each summary is focusable
                assert page.evaluate("document.querySelector('table.cm-overview summary').tabIndex") == 0
            page.close()
    wide, narrow = results[1280], results[390]
    assert wide["table"] <= wide["box"] and wide["page"] <= wide["view"], wide
    assert 0 <= wide["capLeft"] and wide["capRight"] <= wide["view"] and wide["capHeight"] > 0, wide
    assert wide["rows"] == 6 and wide["details"] >= 18 and wide["display"] == "table-row"
    assert wide["firstAnswer"] < 800 - 60, wide  # the header row and the first answers' first lines
    assert len(wide["legends"]) == 1 and wide["legends"][0], wide  # the legend once, after the table
    assert narrow["page"] <= narrow["view"] and narrow["table"] <= narrow["box"], narrow
    assert narrow["display"] == "block" and narrow["capRight"] <= narrow["view"], narrow
    assert narrow["firstAnswer"] < 844 - 60, narrow  # on a phone too


def test_table_gives_each_approval_once_whether_its_details_are_open_or_not(book: Book) -> None:
    """Closed, an "Approved?" answer shows each approval in short under it; opened (or printed, where
    nothing folds) it shows them in full, and the short lines go."""
    from checks.browser import chromium, serve

    shown = """() => [[...document.querySelectorAll('table.cm-overview details ~ p.cm-approval')],
      [...document.querySelectorAll('table.cm-overview details.cm-details-status > p:not(.cm-cites)')]]
      .map(ps => ps.filter(p => p.checkVisibility()).length)"""
    with serve(book.html) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base + "back/condition-mechanism-table.html")
        closed = page.evaluate(shown)
        page.evaluate("() => document.querySelectorAll('table.cm-overview details').forEach(d => d.open = true)")
        opened = page.evaluate(shown)
        page.evaluate("() => document.querySelectorAll('table.cm-overview details').forEach(d => d.open = false)")
        page.emulate_media(media="print")
        printed = page.evaluate(shown)
        page.close()
    assert closed[0] >= 3 and closed[1] == 0  # short: knee (South Korea, India) and spinal cord injury
    assert opened[0] == 0 and opened[1] >= 3  # in full
    assert printed[0] == 0 and printed[1] >= 3
    # the EPUB never folds its details (many e-readers would keep them shut): each approval in full, once
    with zipfile.ZipFile(book.epub) as epub:
        name = next(n for n in epub.namelist() if n.endswith("condition-mechanism-table.xhtml"))
        table = lxml.etree.fromstring(epub.read(name))
    status = "//*[contains(@class, 'cm-details-status')]"
    assert len(table.xpath(f"{status}/following-sibling::*[contains(@class, 'cm-approval')]")) == 0
    assert len(table.xpath(f"{status}//*[local-name() = 'p'][not(contains(@class, 'cm-cites'))]")) >= 3


def test_search_leaves_out_the_contributor_guide(book: Book) -> None:
    """Readers' search results hold no contributor page (searchscope.py); reader pages keep their titles."""
    text = (book.html / "searchindex.js").read_text("utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    titles = dict(zip(index["docnames"], index["titles"], strict=True))
    assert titles["conditions/osteoarthritis"] and titles["contributing/style-guide"] == ""
    assert not index["terms"].get("benchmark")  # a word of the contributor guide only
    assert index["terms"]["osteoarthr"]


def test_search_page_forgives_a_typo(book: Book) -> None:
    """search-typos.js: a word that matches no page is searched by its closest spelling, and the page says so."""
    from checks.browser import chromium, serve

    results = {}
    with serve(book.html) as base, chromium() as browser:
        page = browser.new_page()
        for query in ("osteoarthritus", "osteoarthritis", "xyzzyq"):
            page.goto(f"{base}search.html?q={query}")
            page.wait_for_function("document.querySelector('#search-results .search-summary')?.innerText.length > 0")
            results[query] = page.evaluate("""() => [document.querySelector('.search-typos')?.innerText ?? null,
              [...document.querySelectorAll('#search-results ul.search li > a')].map(a => a.getAttribute('href'))]""")
    note, links = results["osteoarthritus"]
    assert note and "osteoarthritus" in note and "conditions/osteoarthritis.html" in links
    assert results["osteoarthritis"][0] is None and results["xyzzyq"] == [None, []]


def test_search_snippets_come_from_the_page_text(book: Book) -> None:
    """search-snippets.js: a result's snippet is the chapter's text, not the theme's buttons and contents list."""
    from checks.browser import chromium, serve

    with serve(book.html) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}search.html?q=osteoarthritis")
        link = "#search-results li:has(> a[href$='conditions/osteoarthritis.html'])"
        page.wait_for_function(f'document.querySelector("{link} p")?.innerText.length > 0')
        snippet = page.inner_text(f"{link} p")
    assert "Key messages" in snippet and "Does it help?" in snippet, snippet
    assert not re.search(r"Print page|Suggest edit|Contents", snippet), snippet


def test_the_sidebar_names_the_book_once(book: Book) -> None:
    """The title at the top of the sidebar links to the landing page; the contents below it do not repeat it."""
    for path in (book.html / "index.html", book.html / "conditions" / "osteoarthritis.html"):
        page = _html(path)
        (logo,) = page.xpath("//div[contains(@class, 'bd-sidebar-primary')]//a[contains(@class, 'navbar-brand')]")
        assert (
            logo.get("href") in ("#", "../index.html")
            and "Stem Cell Therapy for Pain Management" in logo.text_content()
        )
        (nav,) = page.xpath("//nav[contains(@class, 'bd-docs-nav')]")
        assert "Stem Cell Therapy for Pain Management" not in nav.text_content(), path


def test_each_page_has_one_viewport_tag_and_a_favicon(book: Book) -> None:
    for path in book.html.rglob("*.html"):
        if "_static" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert text.count('name="viewport"') == 1 and 'rel="icon"' in text, path


def test_epub_keeps_the_theme_stylesheet(book: Book) -> None:
    """The book's EPUB CSS has its own name, so the epub theme's ``epub.css`` (table borders, box titles) stays."""
    with zipfile.ZipFile(book.epub) as epub:
        xhtml = epub.read("conditions/osteoarthritis.xhtml").decode("utf-8")
        theme = epub.read("_static/epub.css").decode("utf-8")
    links = re.findall(r'<link rel="stylesheet"[^>]*href="\.\./_static/([^"]+)"', xhtml)
    assert links.count("epub.css") == 1 and links.count("book-epub.css") == 1, links
    assert "table.docutils {" in theme and "p.admonition-title {" in theme


def test_epub_address_footnotes_wrap_on_narrow_screens(book: Book) -> None:
    """``epub_show_urls = "footnote"`` prints each address as plain text; the EPUB's CSS lets it wrap."""
    with zipfile.ZipFile(book.epub) as epub:
        xhtml = epub.read("safety-and-regulation.xhtml").decode("utf-8")
        css = epub.read("_static/book-epub.css").decode("utf-8")
    assert re.search(r'<aside class="footnote[^"]*"[^>]*>.*?<p>https://', xhtml, flags=re.DOTALL)
    rule = re.search(r"([^{}]*)\{[^}]*overflow-wrap: anywhere[^}]*\}", css.split("/* Long addresses")[1])
    assert rule and "aside.footnote p" in rule.group(1)


def test_pdf_table_is_numbered_in_the_appendix(book: Book) -> None:
    text = "\n".join(page.extract_text() for page in PdfReader(book.pdf).pages)
    assert "Table A.1: Stem cells for pain: the evidence for each condition" in text
    assert "Table 1.1" not in text


#: Most PDF pages Table A.1 may be on: two facing pages. It was on four, half empty, before the print
#: layout; on three after issue 19's answers in words, until answers without details spanned both
#: columns, back-links and sources shared a line, answers went to 9 pt and the table into the margins.
TABLE_PAGES = 2


def test_pdf_table_fits_its_pages(book: Book) -> None:
    """Table A.1 (its caption, or "continued" at the top of a page) is on TABLE_PAGES pages at most, in a row."""
    pages = [n for n, page in enumerate(PdfReader(book.pdf).pages, start=1) if "Table A.1" in page.extract_text()]
    assert 1 <= len(pages) <= TABLE_PAGES, f"Table A.1 is on PDF pages {pages}"
    assert pages == list(range(pages[0], pages[0] + len(pages)))


def test_epub_table_is_stacked_for_narrow_screens(book: Book) -> None:
    import zipfile

    with zipfile.ZipFile(book.epub) as epub:
        xhtml = epub.read("back/condition-mechanism-table.xhtml").decode("utf-8")
        css = epub.read("_static/book-epub.css").decode("utf-8")
    table = xhtml[xhtml.index('<table class="cm-overview') : xhtml.index("</table>")]
    assert table.count('<span class="cm-cell-label">') == 6 * 4  # every answer has its label
    # e-readers keep <details> shut: the details are plain text under each answer, and nothing says "select"
    assert "<details" not in table and table.count('class="cm-details') >= 18
    assert "select" not in xhtml.lower()
    assert re.search(r"table\.cm-overview tbody tr \{[^}]*\}", css) and "display: block" in css
