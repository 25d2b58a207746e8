"""The basic test project in the other builders (LaTeX, EPUB, text, dirhtml, singlehtml),
and the same input written in MyST (both fences) and reStructuredText."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import Element, parse_html

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
    assert {"conditions:cm-link-knee-oa-paracrine", "mechanisms:cm-mechanism-regeneration"} <= refs
    assert refs <= labels
    assert "Schmerz \\textendash{} Gelenkarthrose ü" in tex
    assert "\\index{Schmerz \\textendash{} Gelenkarthrose ü (condition)@" in tex


def test_epub_is_well_formed_xhtml_without_export(build_root):
    epub = build_root("basic", "epub")
    pages = sorted(epub.outdir.glob("*.xhtml"))
    assert len(pages) >= 5
    for page in pages:
        tree = ET.parse(page)
        ids = [el.get("id") for el in tree.iter() if el.get("id")]
        assert len(ids) == len(set(ids)), page.name
    table = ET.parse(epub.outdir / "table.xhtml").getroot()
    headers = [th.get("scope") for th in table.iter(f"{XHTML}th")]
    assert headers.count("row") == 2 + 3 + 2 + 1 + 2 and headers.count("col") == 4 + 3 + 4 + 2 + 5
    assert not list(epub.outdir.rglob("condition-mechanism.*"))
    assert (epub.outdir / "condmechbasic.epub").is_file()


def test_epub_links_reach_existing_targets(build_root):
    epub = build_root("basic", "epub")
    ids = {page.name: {el.get("id") for el in ET.parse(page).iter()} for page in epub.outdir.glob("*.xhtml")}
    checked = 0
    for page in epub.outdir.glob("*.xhtml"):
        for a in ET.parse(page).iter(f"{XHTML}a"):
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
    assert page.first("span", cls="caption-text").text == "Evidence by condition"
    data_links = [a.attrs["href"] for a in page.first("p", cls="cm-data-links").iter("a")]
    assert data_links == ["../_static/condition-mechanism.json", "../_static/condition-mechanism.csv"]
    assert all((built.outdir / "table" / href).resolve().is_file() for href in data_links)
    export = json.loads(built.read("_static/condition-mechanism.json"))
    for item in export["conditions"] + export["links"]:
        path, _, anchor = item["url"].partition("#")
        assert path.endswith("/")
        assert f'id="{anchor}"' in built.read(f"{path}index.html")


def test_singlehtml_has_tables_and_in_page_links(build_root):
    built = build_root("basic", "singlehtml")
    page = built.html("index.html")
    tables = list(page.iter("table", cls="cm-matrix"))
    assert len(tables) == 4
    ids = {el.attrs["id"] for el in page.iter() if "id" in el.attrs}
    hrefs = [a.attrs["href"] for t in tables for a in t.iter("a")]
    # Sphinx 9.0 writes cross-document links as "#document-<doc>#<id>" here (for every domain);
    # the last anchor is the target.
    assert hrefs and all(h.startswith("#") and h.rpartition("#")[2] in ids for h in hrefs)
    assert not list(page.iter("p", cls="cm-data-links"))
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


TABLE_ID = re.compile(r"cm-table-\d+")


def canonical(element: Element) -> str:
    """Tag, sorted attributes and text of an element tree, with line-number ids normalised."""
    attrs = " ".join(f"{key}={TABLE_ID.sub('cm-table-N', value)!r}" for key, value in sorted(element.attrs.items()))
    inner = "".join(c.strip() if isinstance(c, str) else canonical(c) for c in element.children)
    return f"<{element.tag} {attrs}>{inner}</{element.tag}>"


@pytest.mark.parametrize("view", ["matrix", "list"])
def test_myst_fences_and_rst_give_the_same_output(write_project, build, view):
    rendered = {}
    for syntax, (filename, text) in SYNTAXES.items():
        index = "# Index\n\n```{toctree}\npage\nbibliography\n```\n"
        srcdir = write_project({"index.md": index, filename: text.replace("{view}", view)}, name=syntax)
        built = build(srcdir)
        assert built.warnings == []
        body = parse_html(built.read("page.html")).first("div", cls="body")
        rendered[syntax] = canonical(body)
    assert "Paracrine signalling" in rendered["rst"] and "cm-summary" in rendered["rst"]
    assert rendered["myst-colon"] == rendered["myst-backtick"] == rendered["rst"]
