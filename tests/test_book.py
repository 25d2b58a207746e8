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
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pybtex.database import parse_file
from pypdf import PdfReader

from checks import BOOK, Book

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
ARTICLE_DIR = ROOT.parent / "shared" / "source-article"

pytestmark = pytest.mark.book


def _sphinx(builder: str, out: Path, doctrees: Path, env: dict[str, str]) -> str:
    """Run sphinx-build strictly; return what it wrote to stderr (its warnings)."""
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", builder, "-W", "--keep-going", "-n", "-q",
         "-d", str(doctrees / builder), str(DOCS), str(out)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0 or result.stderr, result.stdout
    return result.stderr


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Book, dict[str, str]]:
    """The book in all formats, and what each builder warned."""
    out = tmp_path_factory.mktemp("book")
    env = {**os.environ, "BOOK_BUILD_DIR": str(out), "SOURCE_DATE_EPOCH": "1795564800"}
    doctrees = out / "doctrees"
    warnings = {"latex": _sphinx("latex", out / "latex", doctrees, env)}
    subprocess.run(
        ["make", "-C", str(out / "latex"), "all-pdf", "LATEXMKOPTS=-interaction=nonstopmode -halt-on-error -quiet"],
        capture_output=True, check=True, env=env,
    )  # fmt: skip
    (out / "pdf").mkdir()
    shutil.copyfile(out / "latex" / f"{BOOK}.pdf", out / "pdf" / f"{BOOK}.pdf")
    warnings["epub"] = _sphinx("epub", out / "epub", doctrees, env)
    warnings["html"] = _sphinx("html", out / "html", doctrees, env)
    return Book(out), warnings


@pytest.fixture(scope="session")
def book(built: tuple[Book, dict[str, str]]) -> Book:
    return built[0]


class _Text(HTMLParser):
    """Visible text and links of an HTML page (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.hrefs: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _page(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _article_pages(book: Book) -> list[Path]:
    return [p for p in book.html.rglob("*.html") if not p.name.startswith(("genindex", "search"))]


def _book_text(book: Book) -> str:
    """The text of every page's article body (navigation left out)."""
    texts = []
    for path in _article_pages(book):
        html = path.read_text(encoding="utf-8")
        body = re.search(r"<article.*?</article>", html, re.S)
        parser = _Text()
        parser.feed(body.group(0) if body else html)
        texts.append(" ".join(parser.text))
    return re.sub(r"\s+", " ", " ".join(texts))


@pytest.mark.parametrize("builder", ["latex", "epub", "html"])
def test_builds_with_zero_warnings(built: tuple[Book, dict[str, str]], builder: str) -> None:
    assert built[1][builder] == ""


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
    html = (book.html / "back" / "bibliography.html").read_text(encoding="utf-8")
    entries = re.findall(r'<div class="citation" id="', html) or re.findall(r'role="doc-biblioentry"', html)
    assert len(entries) == len(parse_file(ROOT / "references.bib").entries)


def test_bibliography_is_in_author_order(book: Book) -> None:
    """Sorted by first author as a reader expects, accents folded ("Álvaro" among the A's)."""
    html = (book.html / "back" / "bibliography.html").read_text(encoding="utf-8")
    labels = re.findall(r'<span class="label"><span class="fn-bracket">\[</span>([^<]+)', html)
    firsts = [re.split(r"[ ,]", label)[0] for label in labels]
    folded = ["".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
              for name in firsts]  # fmt: skip
    assert len(labels) > 40 and folded == sorted(folded)


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


def test_pdf_has_no_overfull_boxes(book: Book) -> None:
    log = book.latex_log.read_text(encoding="utf-8", errors="replace")
    widths = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert [w for w in widths if w > 1.0] == []


def test_epubcheck_passes(book: Book) -> None:
    jar = Path(os.path.realpath(shutil.which("epubcheck") or "epubcheck"))
    result = subprocess.run(["java", "-jar", str(jar), str(book.epub)], capture_output=True, text=True, check=False)
    assert "0 fatals / 0 errors / 0 warnings" in result.stdout + result.stderr, result.stdout + result.stderr


def test_html_pages_link_the_pdf_and_epub(book: Book) -> None:
    for page in (book.html / "index.html", book.html / "conditions" / "osteoarthritis.html"):
        hrefs = _page(page).hrefs
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


def test_table_reads_at_a_glance_at_1280_and_390(book: Book) -> None:
    """The whole table in the text column with the theme's sidebars; stacked blocks on a phone."""
    from checks.browser import chromium, serve

    measure = """() => {
      const t = document.querySelector('table.cm-overview'), c = t.parentElement;
      const cap = t.querySelector('caption').getBoundingClientRect();
      return {table: t.scrollWidth, box: c.clientWidth, page: document.documentElement.scrollWidth,
              view: document.documentElement.clientWidth, capLeft: cap.left, capRight: cap.right,
              capHeight: cap.height, rows: t.querySelectorAll('tbody tr').length,
              display: getComputedStyle(t.querySelector('tbody tr')).display,
              details: t.querySelectorAll('tbody details > summary').length};
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
                head = page.evaluate("document.querySelector('table.cm-overview thead th').getBoundingClientRect().top")
                assert 0 <= head < 150, head
                # details open from the keyboard: each summary is focusable
                assert page.evaluate("document.querySelector('table.cm-overview summary').tabIndex") == 0
            page.close()
    wide, narrow = results[1280], results[390]
    assert wide["table"] <= wide["box"] and wide["page"] <= wide["view"], wide
    assert 0 <= wide["capLeft"] and wide["capRight"] <= wide["view"] and wide["capHeight"] > 0, wide
    assert wide["rows"] == 6 and wide["details"] >= 18 and wide["display"] == "table-row"
    assert narrow["page"] <= narrow["view"] and narrow["table"] <= narrow["box"], narrow
    assert narrow["display"] == "block" and narrow["capRight"] <= narrow["view"], narrow


def test_pdf_table_is_numbered_in_the_appendix(book: Book) -> None:
    text = "\n".join(page.extract_text() for page in PdfReader(book.pdf).pages)
    assert "Table A.1: Stem cells for pain: the evidence for each condition" in text
    assert "Table 1.1" not in text


def test_epub_table_is_stacked_for_narrow_screens(book: Book) -> None:
    import zipfile

    with zipfile.ZipFile(book.epub) as epub:
        xhtml = epub.read("back/condition-mechanism-table.xhtml").decode("utf-8")
        css = epub.read("_static/epub.css").decode("utf-8")
    table = xhtml[xhtml.index('<table class="cm-overview') : xhtml.index("</table>")]
    assert table.count('<span class="cm-cell-label">') == 6 * 4  # every answer has its label
    assert re.search(r"table\.cm-overview tbody tr \{[^}]*\}", css) and "display: block" in css
