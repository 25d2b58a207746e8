"""The basic test project in the other builders (LaTeX, EPUB, text, dirhtml, singlehtml),
and the same input written in MyST (both fences) and reStructuredText."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from conftest import classes, first, index_page, select, text
from sphinx.testing.util import etree_parse

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.mark.parametrize("builder", ["latex", "epub", "text", "dirhtml", "singlehtml"])
def test_builds_without_warnings(build_root, builder):
    assert build_root("basic", builder).warnings == []


def test_latex_longtable_with_column_spec_and_repeated_header(build_root):
    tex = build_root("basic", "latex").read("condmechbasic.tex")
    tables = re.findall(r"\\begin\{longtable\}\{(.*?)\}\n(.*?)\\end\{longtable\}", tex, re.S)
    assert len(tables) == 5  # four matrix views and the overview
    spec, body = tables[0]
    assert re.findall(r"\\X\{(\d+)\}\{(\d+)\}", spec) == [("22", "100"), ("26", "100"), ("26", "100"), ("26", "100")]
    assert "\\caption{Evidence by condition" in body
    head, _, rest = body.partition("\\endfirsthead")
    assert "Tissue regeneration" in head
    assert "Tissue regeneration" in rest.partition("\\endhead")[0]  # the header again, for later pages
    assert "tabulary" not in tex


def test_latex_links_have_targets_and_names_survive(build_root):
    tex = build_root("basic", "latex").read("condmechbasic.tex")
    refs = set(re.findall(r"\\hyperref\[\\detokenize\{([^}]*)\}\]", tex))
    labels = set(re.findall(r"\\label\{\\detokenize\{([^}]*)\}\}", tex))
    assert {"conditions:cm-link-knee-oa-paracrine-rct-alpha2020", "mechanisms:cm-mechanism-regeneration"} <= refs
    assert "conditions:cm-link-knee-oa-paracrine" in labels  # the anchor of earlier editions
    assert refs <= labels
    assert "Schmerz \\textendash{} Gelenkarthrose ü" in tex
    assert "\\index{Schmerz \\textendash{} Gelenkarthrose ü (condition)@" in tex


def test_epub_is_well_formed_xhtml_without_export(build_root):
    epub = build_root("basic", "epub")
    pages = sorted(epub.outdir.glob("*.xhtml"))
    assert len(pages) >= 5
    for page in pages:
        tree = etree_parse(page)
        ids = [el.get("id") for el in tree.iter() if el.get("id")]
        assert len(ids) == len(set(ids)), page.name
    table = etree_parse(epub.outdir / "table.xhtml").getroot()
    headers = [th.get("scope") for th in table.iter(f"{XHTML}th")]
    assert headers.count("row") == 2 + 3 + 2 + 1 + 2 and headers.count("col") == 4 + 3 + 4 + 2 + 5
    assert not list(epub.outdir.rglob("condition-mechanism.*"))
    assert (epub.outdir / "condmechbasic.epub").is_file()


def test_epub_links_reach_existing_targets(build_root):
    epub = build_root("basic", "epub")
    ids = {page.name: {el.get("id") for el in etree_parse(page).iter()} for page in epub.outdir.glob("*.xhtml")}
    checked = 0
    for page in epub.outdir.glob("*.xhtml"):
        for a in etree_parse(page).iter(f"{XHTML}a"):
            href = a.get("href", "")
            if not href or "://" in href:
                continue
            path, _, anchor = href.partition("#")
            target = path or page.name
            assert target in ids, f"{page.name}: {href}"
            assert not anchor or anchor in ids[target], f"{page.name}: {href}"
            checked += "cm-" in anchor
    assert checked >= 30


def test_text_table_is_readable(build_root):
    text = build_root("basic", "text").read("table.txt")
    assert "Evidence by condition" in text
    row = next(line for line in text.splitlines() if line.startswith("| *Knee OA*"))
    assert "Randomised trial" in row and "Systematic review" in row
    assert text.count("none declared") >= 3
    assert "Rückenschmerz ü" in text
    assert re.search(r"^\+-+\+-+\+", text, re.M)


def test_dirhtml_export_and_links(build_root):
    built = build_root("basic", "dirhtml")
    page = built.html("table/index.html")
    assert text(first(page, ".//span", "caption-text")) == "Evidence by condition"
    data_links = [a.get("href") for a in first(page, ".//p", "cm-data-links").iter("a")]
    assert data_links == ["../_static/condition-mechanism.json", "../_static/condition-mechanism.csv"]
    assert all((built.outdir / "table" / href).resolve().is_file() for href in data_links)
    export = json.loads(built.read("_static/condition-mechanism.json"))
    for item in export["conditions"] + export["links"]:
        path, _, anchor = item["url"].partition("#")
        assert path.endswith("/")
        assert built.html(f"{path}index.html").find(f".//*[@id='{anchor}']") is not None


def test_singlehtml_has_tables_and_in_page_links(build_root):
    built = build_root("basic", "singlehtml")
    page = built.html("index.html")
    tables = select(page, ".//table", "cm-matrix")
    assert len(tables) == 4
    ids = {el.get("id") for el in page.findall(".//*[@id]")}
    hrefs = [a.get("href") for t in tables for a in t.iter("a")]
    # Sphinx 9.0 writes cross-document links as "#document-<doc>#<id>" here (for every domain);
    # the last anchor is the target.
    assert hrefs and all(h.startswith("#") and h.rpartition("#")[2] in ids for h in hrefs)
    assert not select(page, ".//p", "cm-data-links")
    assert not (built.outdir / "_static" / "condition-mechanism.json").exists()


# -- the same content from MyST (colon and backtick fences) and reStructuredText ----------

MYST = """\
# Page

{fence}{cm:condition} knee
:name: Knee pain

A painful knee.
{fence}

{fence}{cm:mechanism} paracrine
:name: Paracrine signalling
{fence}

## Where

See {cm:cond}`knee` and {cm:mech}`signals <paracrine>`.

{fence}{cm:link}
:condition: knee
:mechanism: paracrine
:measured: the mechanism in the test study
:level: rct
:finding: mixed
:cite: alpha2020, gamma2021
:note: Two trials

The body.
{fence}

{fence}{cm:matrix}
:view: {view}
{fence}

{fence}{cm:summary} knee
{fence}
"""

RST = """\
Page
====

.. cm:condition:: knee
   :name: Knee pain

   A painful knee.

.. cm:mechanism:: paracrine
   :name: Paracrine signalling

Where
-----

See :cm:cond:`knee` and :cm:mech:`signals <paracrine>`.

.. cm:link::
   :condition: knee
   :mechanism: paracrine
   :measured: the mechanism in the test study
   :level: rct
   :finding: mixed
   :cite: alpha2020, gamma2021
   :note: Two trials

   The body.

.. cm:matrix::
   :view: {view}

.. cm:summary:: knee
"""

SYNTAXES = {
    "myst-colon": ("page.md", MYST.replace("{fence}", ":::")),
    "myst-backtick": ("page.md", MYST.replace("{fence}", "```")),
    "rst": ("page.rst", RST),
}


#: The expected HTML of the page above: one file for every syntax (``pytest --force-regen`` rewrites it).
SNIPPETS = Path(__file__).parent / "snippets"
#: Spaces, tabs and line breaks (a no-break space is content).
SPACES = re.compile(r"[ \t\r\n]+")


def normalised(body: Element) -> str:
    """*body* as indented HTML, runs of white space as one space (so it does not depend on how a source wraps lines)."""
    for element in body.iter():
        element.text, element.tail = (
            SPACES.sub(" ", value) if value and value.strip(" \t\r\n") else None
            for value in (element.text, element.tail)
        )
    ET.indent(body)
    return ET.tostring(body, encoding="unicode") + "\n"


@pytest.mark.parametrize(("view", "first_seen"), [("matrix", "legend"), ("overview", "table")])
def test_a_grid_of_markers_has_its_key_before_it_and_an_overview_after_it(write_project, build, view, first_seen):
    """The overview's answers are words: they come first, the legend after them. A grid's markers need the key first."""
    page = MYST.replace("{fence}", ":::").replace("{view}", view)
    files = {"index.md": index_page("page", "bibliography"), "page.md": page}
    body = first(build(write_project(files)).html("page.html"), ".//div[@class='body']")
    seen = [
        "legend" if "cm-legend" in classes(element) else "table"
        for element in body.iter()
        if "cm-legend" in classes(element) or element.tag == "table"
    ]
    assert seen[0] == first_seen and seen.count("legend") == 1, seen


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("view", ["matrix", "list"])
def test_myst_fences_and_rst_give_the_same_output(write_project, build, file_regression, view, syntax):
    filename, source = SYNTAXES[syntax]
    files = {"index.md": index_page("page", "bibliography"), filename: source.replace("{view}", view)}
    built = build(write_project(files))
    assert built.warnings == []
    body = first(built.html("page.html"), ".//div[@class='body']")
    assert "Paracrine signalling" in text(body) and select(body, ".//*", "cm-summary")
    file_regression.check(normalised(body), fullpath=SNIPPETS / f"page-{view}.html")
