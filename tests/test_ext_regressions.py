"""Issue 14: what a reader sees stays right when the book changes around a link.

Conditional content (``only``), stable link anchors, back-link numbering, numbered
tables (``numfig``) and spreadsheet-safe CSV. Warnings are in test_ext_warnings.py,
incremental builds in test_ext_incremental.py.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from condmech.export import cell

INDEX = "# Index\n\n```{toctree}\ndefs\nch\nbibliography\n```\n"
DEFS = """\
# Definitions

:::{cm:condition} knee
:name: Knee pain
:::

:::{cm:mechanism} paracrine
:name: Paracrine signalling
:::

:::{cm:matrix}
:::
"""

LINK = """
:::{{cm:link}}
:condition: {condition}
:mechanism: paracrine
:measured: the mechanism in the test study
:level: {level}
:cite: {cite}

{text}
:::
"""

ONLY_LATEX = """\
# Chapter

## Evidence

```{only} latex
:::{cm:condition} hip
:name: Hip pain
:::
"""


def link(level: str = "rct", cite: str = "alpha2020", text: str = "Body.", condition: str = "knee") -> str:
    return LINK.format(condition=condition, level=level, cite=cite, text=text)


@pytest.mark.parametrize(("tags", "shown"), [((), False), (("latex",), True)])
def test_evidence_inside_only_is_shown_only_where_the_block_is(write_project, build, tags, shown):
    """Case 4: a definition and a link inside ``only:: latex`` are not in the HTML table or export."""
    chapter = ONLY_LATEX + link(condition="hip") + link(level="preclinical", cite="gamma2021") + "```\n"
    chapter += link(level="early-clinical")
    built = build(write_project({"index.md": INDEX, "defs.md": DEFS, "ch.md": chapter}), tags=list(tags))
    assert built.warnings == []
    data = json.loads(built.read("_static/condition-mechanism.json"))
    assert ("hip" in {c["id"] for c in data["conditions"]}) is shown
    assert sorted(x["level"] for x in data["links"]) == (
        ["early-clinical", "preclinical", "rct"] if shown else ["early-clinical"]
    )
    table = built.html("defs.html").first("table", "cm-matrix")
    assert ("Hip pain" in table.text) is shown
    for a in table.iter("a"):  # every back-link lands on an element of the page
        page, _, anchor = a.attrs["href"].partition("#")
        if anchor and page.startswith("ch"):
            assert f'id="{anchor}"' in built.read("ch.html"), a.attrs["href"]


def anchors(built) -> dict[str, str]:
    """Link body text -> the anchor the export gives it."""
    data = json.loads(built.read("_static/condition-mechanism.json"))
    page = built.html("ch.html")
    found = {}
    for link_ in data["links"]:
        anchor = link_["url"].partition("#")[2]
        box = next(el for el in page.iter("div", "cm-assertion") if el.attrs.get("id") == anchor)
        found[box.text.split("Body ")[1].split(".")[0]] = anchor
    return found


def test_anchors_do_not_move_when_a_link_is_added_above(write_project, build):
    """Case 9: an added link changes no other link's anchor, in the page, the table or the export."""
    head = "# Chapter\n\n## Evidence\n"
    old = link(text="Body A.") + link(level="preclinical", cite="gamma2021", text="Body B.")
    before = build(write_project({"index.md": INDEX, "defs.md": DEFS, "ch.md": head + old}))
    new = link(level="early-clinical", cite="gamma2021", text="Body C.")
    after = build(write_project({"index.md": INDEX, "defs.md": DEFS, "ch.md": head + new + old}, name="after"))
    assert before.warnings == after.warnings == []
    assert anchors(before) == {
        "A": "cm-link-knee-paracrine-rct-alpha2020",
        "B": "cm-link-knee-paracrine-preclinical-gamma2021",
    }
    assert anchors(after) == {**anchors(before), "C": "cm-link-knee-paracrine-early-clinical-gamma2021"}
    # the anchor earlier editions gave the first link of a pair still exists
    assert 'id="cm-link-knee-paracrine"' in before.read("ch.html")
    # the table's back-links: strongest first, numbered in page order under the same heading
    backlinks = [
        (a.attrs["href"].partition("#")[2], a.text)
        for a in after.html("defs.html").first("table", "cm-matrix").iter("a")
        if "ch.html#" in a.attrs.get("href", "")
    ]
    assert backlinks == [
        ("cm-link-knee-paracrine-rct-alpha2020", "Evidence (2)"),
        ("cm-link-knee-paracrine-early-clinical-gamma2021", "Evidence"),
        ("cm-link-knee-paracrine-preclinical-gamma2021", "Evidence (3)"),
    ]


def test_explicit_anchor(write_project, build):
    chapter = "# Chapter\n\n" + link().replace(":cite:", ":anchor: knee-trial\n:cite:")
    built = build(write_project({"index.md": INDEX, "defs.md": DEFS, "ch.md": chapter}))
    assert built.warnings == []
    assert json.loads(built.read("_static/condition-mechanism.json"))["links"][0]["url"] == "ch.html#knee-trial"


def test_matrix_tables_are_numbered_with_numfig(write_project, build):
    """Case 8: with ``numfig`` the extension's tables get "Table N" like the book's other tables."""
    chapter = (
        "# Chapter\n\n```{table} First\n| a | b |\n|---|---|\n| 1 | 2 |\n```\n\n:::{cm:matrix}\n:caption: Second\n:::\n"
    )
    chapter += link()
    built = build(write_project({"index.md": INDEX, "defs.md": DEFS, "ch.md": chapter}, conf="numfig = True\n"))
    assert built.warnings == []
    pages = [built.html("defs.html"), built.html("ch.html")]
    numbers = [table.first("caption").text.rstrip("¶") for page in pages for table in page.iter("table")]
    assert [number.split(" ", 2)[:2] for number in numbers] == [["Table", "1"], ["Table", "2"], ["Table", "3"]]
    assert numbers[1:] == ["Table 2 First", "Table 3 Second"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Knee \u202epain", "Knee pain"),
        ("Knee pain", "Knee pain"),
    ],
)
def test_csv_cells_are_never_formulas_or_reversed(value, expected):
    """Case 7 (unit): what :func:`condmech.export.cell` makes of a text cell."""
    assert cell(value) == expected


def test_csv_export_neutralises_formulas(write_project, build):
    """Case 7: names and notes that start like a formula are quoted in the CSV, unchanged in the JSON."""
    defs = DEFS.replace(":name: Knee pain", ":name: =cmd|' /C calc'!A0").replace(
        ":name: Paracrine signalling", ":name: @SUM(1+1)"
    )
    chapter = "# Chapter\n\n" + link().replace(":cite:", ":note: +1 trial, -2 dropouts\n:cite:")
    built = build(write_project({"index.md": INDEX, "defs.md": defs, "ch.md": chapter}))
    assert built.warnings == []
    row = next(csv.DictReader(io.StringIO(built.read("_static/condition-mechanism.csv"))))
    assert (row["condition_name"], row["mechanism_name"], row["note"]) == (
        "'=cmd|' /C calc'!A0",
        "'@SUM(1+1)",
        "'+1 trial, -2 dropouts",
    )
    data = json.loads(built.read("_static/condition-mechanism.json"))
    assert data["conditions"][0]["name"] == "=cmd|' /C calc'!A0"
