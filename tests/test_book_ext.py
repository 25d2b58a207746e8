"""Tests of the book's own small extensions in ``docs/_ext/`` on small test projects."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Built, first, select, text
from pybtex.database import Entry
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from sphinx.testing.util import SphinxTestApp

EXT = Path(__file__).parent.parent / "docs" / "_ext"
CONF = f"""
import sys
sys.path.insert(0, {str(EXT)!r})
extensions += {{extensions}}
"""


def conf(*extensions: str, extra: str = "") -> str:
    return CONF.format(extensions=list(extensions)) + extra


# -- descriptions ---------------------------------------------------------------------------

DESCRIPTIONS = """# descriptions
index = "The start, in plain words."
"bibliography" = "Every source."
"gone/page" = "A page that was removed."
"""


def test_descriptions_become_meta_and_open_graph(
    write_project: Callable[..., Path], build: Callable[..., Built]
) -> None:
    srcdir = write_project(
        {"index.md": "# Home\n\nFirst paragraph.\n\n```{toctree}\nbibliography\nother\n```\n",
         "other.md": "# Other\n\nText.\n", "descriptions.toml": DESCRIPTIONS},
        conf=conf("descriptions", "sphinxext.opengraph",
                  extra='page_descriptions_file = "descriptions.toml"\nogp_site_url = "https://example.org/book/"\n'
                        'ogp_social_cards = {"enable": False}\n'),
    )  # fmt: skip
    built = build(srcdir)
    page = built.html("index.html")
    metas = {m.get("name") or m.get("property"): m.get("content") for m in page.findall("./head/meta[@content]")}
    assert metas["description"] == metas["og:description"] == "The start, in plain words."
    assert metas["og:url"] == "https://example.org/book/index.html"
    assert len(page.findall(".//*[@name='description']")) == 1
    assert sorted(w.split("WARNING: ")[1] for w in built.warnings) == [
        "description for 'gone/page', which is not a page of the book [book.description]",
        "no description for this page in descriptions.toml [book.description]",
    ]
    assert any(w.startswith(f"{srcdir / 'descriptions.toml'}:4:") for w in built.warnings)
    assert any(w.startswith(f"{srcdir / 'other.md'}:") for w in built.warnings)


def test_unreadable_descriptions_warn_without_traceback(
    write_project: Callable[..., Path], build: Callable[..., Built]
) -> None:
    srcdir = write_project(
        {"index.md": "# Home\n\n```{toctree}\nbibliography\n```\n", "descriptions.toml": 'index = "unclosed\n'},
        conf=conf("descriptions", extra='page_descriptions_file = "descriptions.toml"\n'),
    )
    built = build(srcdir)
    assert "cannot read the page descriptions" in built.warnings[0]
    assert "Traceback" not in built.status + "\n".join(built.warnings)
    assert (built.outdir / "index.html").is_file()


# -- cite this book -------------------------------------------------------------------------

CITATION = """cff-version: 1.2.0
title: "A Test Book"
preferred-citation:
  type: book
  title: "A Test Book: Subtitle"
  authors:
    - name: The Test Group
    - given-names: Ann
      family-names: Alpha
  edition: "{edition}"
  year: 2026
  license: CC-BY-4.0
  url: "https://example.org/book/"
"""


def test_cite_this_book_from_citation_cff(write_project: Callable[..., Path], build: Callable[..., Built]) -> None:
    srcdir = write_project(
        {"index.md": "# Home\n\n```{cite-this-book}\n```\n\n```{toctree}\nbibliography\n```\n",
         "CITATION.cff": CITATION.format(edition="1.0")},
        conf=conf("citebook", extra='citation_file = "CITATION.cff"\n'),
    )  # fmt: skip
    built = build(srcdir)
    assert built.warnings == []
    page = built.html("index.html")
    reference = next(p for p in page.iter("p") if "The Test Group" in text(p))
    assert text(reference) == (
        "The Test Group, Ann Alpha (2026). A Test Book: Subtitle, edition 1.0. Licence CC BY 4.0. https://example.org/book/"
    )
    assert text(first(reference, ".//em")) == "A Test Book: Subtitle"
    assert first(reference, ".//a").get("href") == "https://example.org/book/"
    entry = text(first(page, ".//pre"))
    assert entry.startswith("@book{atestbook2026,")
    assert "author = {{The Test Group} and Ann Alpha}" in entry
    plain = build(srcdir, "text").read("index.txt")
    assert "*A Test Book: Subtitle*, edition\n1.0." in plain
    assert "@book{atestbook2026," in plain


def test_cite_this_book_warns_on_other_edition_and_missing_file(
    write_project: Callable[..., Path], build: Callable[..., Built]
) -> None:
    files = {"index.md": "# Home\n\n```{cite-this-book}\n```\n\n```{toctree}\nbibliography\n```\n"}
    srcdir = write_project({**files, "CITATION.cff": CITATION.format(edition="0.9")},
                           conf=conf("citebook", extra='citation_file = "CITATION.cff"\n'))  # fmt: skip
    assert [w.split("WARNING: ")[1] for w in build(srcdir).warnings] == [
        "CITATION.cff gives edition '0.9', the book is edition '1.0' [book.citation]"
    ]
    (srcdir / "CITATION.cff").unlink()
    built = build(srcdir)
    assert len(built.warnings) == 1
    assert built.warnings[0].startswith(f"{srcdir / 'index.md'}:3: WARNING: cannot read the book's citation")
    assert "[book.citation]" in built.warnings[0]


# -- bibcache: formatted entries kept between builds ------------------------------------------

CITING = "# Home\n\nAs shown {cite:p}`alpha2020` and {cite:p}`gamma2021`.\n\n```{toctree}\nbibliography\n```\n"


def test_bibcache_formats_each_entry_once_and_again_only_when_it_changes(
    write_project: Callable[..., Path], build: Callable[..., Built], monkeypatch: pytest.MonkeyPatch
) -> None:
    formatted: list[str] = []
    original = BaseStyle.format_entry

    def counting(self: BaseStyle, label: str, entry: Entry, bib_data: object = None) -> FormattedEntry:
        formatted.append(entry.key)
        return original(self, label, entry, bib_data)

    monkeypatch.setattr(BaseStyle, "format_entry", counting)
    srcdir = write_project({"index.md": CITING}, conf=conf("bibstyle", extra='bibtex_default_style = "authoryear"\n'))
    first_build = build(srcdir)
    assert sorted(formatted) == ["alpha2020", "gamma2021"]  # the tooltip reuses the entry formatted for the list
    assert (Path(first_build.app.doctreedir) / "bibtex-formatted.pickle").is_file()

    formatted.clear()
    again = build(srcdir)  # a fresh environment, the same doctree folder
    assert formatted == []
    assert again.read("bibliography.html") == first_build.read("bibliography.html")
    assert again.read("index.html") == first_build.read("index.html")

    bib = srcdir / "refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("A second invented", "A retitled"), encoding="utf-8")
    changed = build(srcdir, freshenv=False)
    assert formatted == ["gamma2021"]
    assert "A retitled test study" in changed.read("bibliography.html")
    assert "A second invented" not in changed.read("bibliography.html")


def test_bibcache_starts_afresh_from_an_unreadable_file(
    write_project: Callable[..., Path], build: Callable[..., Built]
) -> None:
    srcdir = write_project({"index.md": CITING}, conf=conf("bibstyle", extra='bibtex_default_style = "authoryear"\n'))
    cache = Path(build(srcdir).app.doctreedir) / "bibtex-formatted.pickle"
    cache.write_bytes(b"not a pickle")
    built = build(srcdir)
    assert built.warnings == []
    assert "Alpha 2020" in built.read("bibliography.html")
    assert cache.read_bytes() != b"not a pickle"


# -- bibstyle: citation labels ----------------------------------------------------------------

#: The roles of tests/roots/test-citelabels, {cite:p} {cite:p} {cite:p} {cite:t} {cite:year} {cite:year} {cite:p}
#: {cite:p} {cite:t}, as each citation's link reads, and the label of the entry it links to in the bibliography.
CITATION_LABELS = [
    ("Example Pain Charity, n.d.b", "Example Pain Charity n.d.b"),
    ("Example Pain Charity, n.d.a", "Example Pain Charity n.d.a"),
    ("Alpha, 2020a", "Alpha 2020a"),
    ("Alpha, 2020b", "Alpha 2020b"),
    ("2020a", "Alpha 2020a"),
    ("2020b", "Alpha 2020b"),
    ("n.d.a", "Example Pain Charity n.d.a"),
    ("Gamma, 2021", "Gamma 2021"),
    ("Delta et al., 2019", "Delta et al. 2019"),
    ("Epsilon & Zeta, 2018", "Epsilon & Zeta 2018"),
    ("2019", "Delta et al. 2019"),
]


@pytest.fixture
def ext_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The book's ``docs/_ext`` importable, for test roots that use its extensions."""
    monkeypatch.syspath_prepend(str(EXT))


@pytest.mark.usefixtures("ext_on_path")
def test_a_web_source_whose_description_gives_the_date_does_not_repeat_it() -> None:
    """A web source's date, once: in 21 of the book's entries, "News item, 7 June 2021" went on ", June 2021"."""
    import bibstyle

    def formatted(**fields: str) -> str:
        entry = Entry("misc", fields={"title": "A page", "year": "2021", "month": "June", **fields})
        return bibstyle.AuthorYearStyle().format_entry("x", entry).text.render_as("text")

    assert formatted(howpublished="News item, 7 June 2021") == "A page. News item, 7 June 2021."
    assert formatted(howpublished="Web page") == "A page. Web page, June 2021."  # the date, once
    assert formatted(howpublished="Web page, 2021", note="In Japanese") == "A page. Web page, 2021. In Japanese."


@pytest.mark.usefixtures("ext_on_path")
@pytest.mark.sphinx("html", testroot="citelabels", freshenv=True)
def test_citations_carry_the_letter_of_their_bibliography_label(app: SphinxTestApp) -> None:
    """Two undated pages of one charity, two studies of one author and year: n.d.a/n.d.b, 2020a/2020b.

    Names as the labels have them: one author "and others" is "Delta et al.", two are "Epsilon & Zeta".
    """
    app.build()
    built = Built(app)
    assert built.warnings == []
    labels = {div.get("id"): text(first(div, "span", "label")).strip("[]")
              for div in select(built.html("bibliography.html"), ".//div", "citation")}  # fmt: skip
    links = select(built.html("index.html"), ".//span[@class='bibtex-citation']/a")
    assert [(text(a), labels[a.get("href", "").partition("#")[2]]) for a in links] == CITATION_LABELS


@pytest.mark.usefixtures("ext_on_path")
@pytest.mark.sphinx("latex", testroot="citelabels", freshenv=True)
def test_citations_carry_the_letter_of_their_bibliography_label_in_latex(app: SphinxTestApp) -> None:
    app.build()
    tex = Built(app).read("citationlabels.tex")
    tex = tex.replace(r"\&", "&")
    labels = dict((key, label) for label, key in re.findall(r"\\bibitem\[([^]]*)\]\{([^}]*)\}", tex))
    links = re.findall(r"\\hyperlink\{cite\.([^}]*)\}\{([^}]*)\}", tex)
    assert [(citation, labels[key]) for key, citation in links] == CITATION_LABELS


@pytest.mark.usefixtures("ext_on_path")
def test_a_page_is_written_again_when_its_citation_gets_another_letter(
    copy_root: Callable[..., Path], build: Callable[..., Built]
) -> None:
    """A retitled entry moves ahead of its namesake: a page citing it, not read again, still shows its new letter."""
    srcdir = copy_root("citelabels")
    (srcdir / "other.md").write_text("---\norphan: true\n---\n# Other\n\nPain {cite:p}`charity_pain`.\n", "utf-8")
    assert "Example Pain Charity, n.d.b" in build(srcdir).read("other.html")
    bib = srcdir / "refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Living with pain", "About pain"), encoding="utf-8")
    again = build(srcdir, freshenv=False)
    assert "reading sources... [100%] bibliography" in again.status and "other" not in again.status.split("writing")[0]
    assert "Example Pain Charity, n.d.a" in again.read("other.html")
    assert "Example Pain Charity n.d.a" in again.read("bibliography.html")


# -- sitemap ----------------------------------------------------------------------------------


def _locations(built: Built) -> list[str]:
    return re.findall(r"<loc>([^<]*)</loc>", built.read("sitemap.xml"))


def test_sitemap_lists_every_page_also_after_an_incremental_build(
    write_project: Callable[..., Path], build: Callable[..., Built]
) -> None:
    srcdir = write_project(
        {"index.md": "# Home\n\n```{toctree}\nchapter/one\nbibliography\n```\n", "chapter/one.md": "# One\n\nText.\n"},
        conf=conf("sitemap", extra='html_baseurl = "https://example.org/book"\n'),
    )
    expected = [f"https://example.org/book/{page}.html" for page in ("bibliography", "chapter/one", "index")]
    assert _locations(build(srcdir)) == expected
    (srcdir / "chapter" / "one.md").write_text("# One\n\nText, edited.\n", encoding="utf-8")
    incremental = build(srcdir, freshenv=False)
    assert "1 changed" in incremental.status
    assert _locations(incremental) == expected
    assert _locations(build(srcdir, "dirhtml")) == [
        f"https://example.org/book/{page}" for page in ("bibliography/", "chapter/one/", "")
    ]


def test_sitemap_without_published_address_warns(
    write_project: Callable[..., Path], build: Callable[..., Built]
) -> None:
    built = build(write_project({"index.md": "# Home\n\n```{toctree}\nbibliography\n```\n"}, conf=conf("sitemap")))
    assert [w.split("WARNING: ")[1] for w in built.warnings] == [
        "no sitemap: set html_baseurl to the published address [book.sitemap]"
    ]
    assert not (built.outdir / "sitemap.xml").exists()


# -- templatecache: compiled page templates kept between builds -------------------------------


def test_templatecache_reuses_compiled_templates_until_one_changes(
    write_project: Callable[..., Path], build: Callable[..., Built]
) -> None:
    layout = '{%- extends "!layout.html" %}\n{% block footer %}<p class="marker">{{ "first" }}</p>{% endblock %}\n'
    srcdir = write_project(
        {"index.md": "# Home\n\n```{toctree}\nbibliography\n```\n", "_templates/layout.html": layout},
        conf=conf("templatecache", extra='templates_path = ["_templates"]\n'),
    )
    built = build(srcdir)
    cache = Path(built.app.doctreedir) / "jinja"
    compiled = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    assert len(compiled) > 1  # the layout and the theme's templates it extends
    assert '<p class="marker">first</p>' in built.read("index.html")

    again = build(srcdir)
    assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == compiled  # read, not rewritten
    assert again.read("index.html") == built.read("index.html")

    (srcdir / "_templates" / "layout.html").write_text(layout.replace('"first"', '"second"'), encoding="utf-8")
    assert '<p class="marker">second</p>' in build(srcdir).read("index.html")


# -- chapterrefs: the reference list in the page's contents ------------------------------------


def test_chapter_references_are_listed_in_the_page_contents(
    write_project: Callable[..., Path], build: Callable[..., Built]
) -> None:
    srcdir = write_project(
        {"index.md": "# Home\n\n```{toctree}\nchapter\nplain\nbibliography\n```\n",
         "chapter.md": "# Chapter\n\n## First part\n\nAs shown {cite:p}`alpha2020`.\n",
         "plain.md": "# Plain\n\nNo sources here.\n"},
        conf=conf("chapterrefs", extra='html_sidebars = {"**": ["localtoc.html"]}\n'),
    )  # fmt: skip
    built = build(srcdir)
    assert built.warnings == []
    contents = [text(a) for a in built.html("chapter.html").iterfind(".//div[@class='sphinxsidebarwrapper']//a")]
    assert contents[-3:] == ["Chapter", "First part", "References in this chapter"]
    assert "References in this chapter" not in built.read("plain.html")
