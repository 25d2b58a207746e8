"""Tests of the book's own small extensions in ``docs/_ext/`` on small test projects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Built, first, text

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
