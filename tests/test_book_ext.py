"""Tests of the book's own small extensions in ``docs/_ext/`` on small test projects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Built

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
    metas = {(m.attrs.get("name") or m.attrs.get("property")): m.attrs["content"] for m in page.iter("meta")
             if "content" in m.attrs}  # fmt: skip
    assert metas["description"] == metas["og:description"] == "The start, in plain words."
    assert metas["og:url"] == "https://example.org/book/index.html"
    assert built.read("index.html").count('name="description"') == 1
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
