"""Unit tests of the matrix model (condmech.matrix) and its rendering, without a Sphinx build."""

from __future__ import annotations

import dataclasses
import random

import pytest
from condmech import matrix, render
from condmech.config import CmConfig
from condmech.model import Assertion, Definition, Finding, TableRequest
from condmech.nodes import cm_header_cell
from docutils import nodes
from sphinx import addnodes

#: The extension's defaults, with a short name limit to test shortening.
CFG = dataclasses.replace(CmConfig(), max_name_length=20)


def cond(ident: str, name: str = "") -> Definition:
    return Definition(
        "condition", ident, name or ident.title(), name or ident.title(), "defs", f"cm-condition-{ident}", 1
    )


def mech(ident: str) -> Definition:
    return Definition("mechanism", ident, ident.title(), ident.title(), "defs", f"cm-mechanism-{ident}", 1)


def link(c: str, m: str, level: str, finding: str = "positive", cites: tuple[str, ...] = ("k1",), line: int = 1):
    return Assertion(c, m, level, finding, cites, "", f"doc-{line}", f"cm-link-{c}-{m}-{line}", line, f"Section {line}")


CONDITIONS = (cond("knee"), cond("back"))
MECHANISMS = (mech("paracrine"), mech("regen"), mech("immune"))


def build(assertions, **filters) -> matrix.Matrix:
    return matrix.build(CONDITIONS, MECHANISMS, assertions, CFG, **filters)


def test_strongest_level_wins_and_orders_assertions():
    found = [
        link("knee", "regen", "preclinical", line=1),
        link("knee", "regen", "systematic-review", "mixed", line=2),
        link("knee", "regen", "rct", line=3),
    ]
    cell = build(found).cell("knee", "regen")
    assert cell is not None
    assert cell.level.id == "systematic-review"
    assert cell.finding.id == "mixed"
    assert [a.line for a in cell.assertions] == [2, 3, 1]


def test_tie_at_strongest_level_keeps_reading_order_and_shared_finding():
    found = [link("knee", "regen", "rct", cites=("b",), line=5), link("knee", "regen", "rct", cites=("a", "b"), line=9)]
    cell = build(found).cell("knee", "regen")
    assert cell.level.id == "rct"
    assert cell.finding.id == "positive"
    assert [a.line for a in cell.assertions] == [5, 9]
    assert cell.citations == ("b", "a")


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        (("positive", "negative"), "mixed"),
        (("negative", "negative"), "negative"),
        (("mixed", "positive"), "mixed"),
    ],
)
def test_findings_at_the_strongest_level(findings, expected):
    found = [link("back", "immune", "rct", f, line=i) for i, f in enumerate(findings, start=1)]
    assert build(found).cell("back", "immune").finding.id == expected


def test_disagreement_at_a_weaker_level_is_ignored():
    found = [
        link("back", "immune", "rct", "positive", line=1),
        link("back", "immune", "preclinical", "negative", line=2),
    ]
    assert build(found).cell("back", "immune").finding.id == "positive"


def test_disagreement_without_a_mixed_finding_uses_the_last_finding():
    cfg = dataclasses.replace(CFG, findings=(Finding("yes", "yes", "+"), Finding("no", "no", "-")))
    found = [link("knee", "regen", "rct", "yes", line=1), link("knee", "regen", "rct", "no", line=2)]
    assert matrix.build(CONDITIONS, MECHANISMS, found, cfg).cell("knee", "regen").finding.id == "no"


def test_disagreement_uses_the_configured_finding():
    findings = (Finding("yes", "yes", "+"), Finding("unclear", "unclear", "?"), Finding("no", "no", "-"))
    cfg = dataclasses.replace(CFG, findings=findings, disagreement_finding="unclear")
    found = [link("knee", "regen", "rct", "yes", line=1), link("knee", "regen", "rct", "no", line=2)]
    assert matrix.build(CONDITIONS, MECHANISMS, found, cfg).cell("knee", "regen").finding.id == "unclear"


def test_citations_are_deduplicated_strongest_first():
    found = [
        link("knee", "paracrine", "preclinical", cites=("c", "a"), line=1),
        link("knee", "paracrine", "rct", cites=("a", "b"), line=2),
    ]
    assert build(found).cell("knee", "paracrine").citations == ("a", "b", "c")


def test_min_level_filter_drops_weaker_links_and_cells():
    found = [
        link("knee", "regen", "preclinical", line=1),
        link("knee", "regen", "rct", line=2),
        link("back", "paracrine", "early-clinical", line=3),
    ]
    result = build(found, min_level="rct")
    assert set(result.cells) == {("knee", "regen")}
    assert [a.line for a in result.cell("knee", "regen").assertions] == [2]
    assert result.conditions == CONDITIONS  # rows stay: empty cells are shown as empty


def test_condition_and_mechanism_filters():
    found = [
        link("knee", "regen", "rct", line=1),
        link("back", "regen", "rct", line=2),
        link("knee", "immune", "rct", line=3),
    ]
    result = build(found, condition="knee", mechanism="regen")
    assert [d.id for d in result.conditions] == ["knee"]
    assert [d.id for d in result.mechanisms] == ["regen"]
    assert set(result.cells) == {("knee", "regen")}


@pytest.mark.parametrize(
    "bad",
    [
        link("nosuch", "regen", "rct"),
        link("knee", "nosuch", "rct"),
        link("knee", "regen", "nosuch-level"),
        link("knee", "regen", "rct", "nosuch-finding"),
    ],
)
def test_undefined_or_off_scale_links_are_left_out(bad):
    assert build([bad]).is_empty


def test_empty_matrix_keeps_its_rows_and_columns():
    result = build([])
    assert result.is_empty
    assert result.cell("knee", "regen") is None
    assert (result.conditions, result.mechanisms) == (CONDITIONS, MECHANISMS)
    assert result.by_condition("knee") == []


def test_order_follows_definitions_not_assertions():
    found = [
        link("back", "immune", "rct", line=1),
        link("knee", "immune", "preclinical", line=2),
        link("knee", "paracrine", "early-clinical", line=3),
        link("back", "paracrine", "systematic-review", line=4),
    ]
    expected = build(found)
    shuffled = found[:]
    random.Random(7).shuffle(shuffled)
    assert build(shuffled) == expected
    assert [c.mechanism.id for c in expected.by_condition("knee")] == ["paracrine", "immune"]
    assert [c.condition.id for c in expected.by_mechanism("immune")] == ["knee", "back"]


# -- rendering (docutils nodes, no Sphinx application) ------------------------------------


def request(view: str, condition: str = "") -> TableRequest:
    return TableRequest("table", 3, view, "", condition, "")


FOUND = [link("knee", "regen", "rct", line=1), link("back", "paracrine", "preclinical", "negative", line=2)]


def header_texts(table: nodes.table) -> tuple[list[str], list[str]]:
    """(texts of the header row, texts of the first cell of each body row)."""
    columns = [cell.astext() for cell in next(iter(table.findall(nodes.thead))).findall(cm_header_cell)]
    tbody = next(iter(table.findall(nodes.tbody)))
    return columns, [row.children[0].astext() for row in tbody.children]


@pytest.mark.parametrize(
    ("view", "corner", "columns", "rows"),
    [
        ("matrix", "Condition", ["Paracrine", "Regen", "Immune"], ["Knee", "Back"]),
        ("transposed", "Mechanism", ["Knee", "Back"], ["Paracrine", "Regen", "Immune"]),
    ],
)
def test_render_matrix_and_transposed(view, corner, columns, rows):
    result = render.render(request(view), build(FOUND), CFG, "My caption", {"k1"})
    spec, table = result
    assert isinstance(spec, addnodes.tabular_col_spec)
    assert spec["spec"].count(r"\X{") == len(columns) + 1
    assert isinstance(table, nodes.table)
    assert table[0].astext() == "My caption"
    head, stubs = header_texts(table)
    assert head == [corner, *columns]
    assert stubs == rows
    entries = [entry for entry in table.findall(nodes.entry) if not isinstance(entry, cm_header_cell)]
    # each cell restates ragged-right for LaTeX (Sphinx's varwidth box resets the column's)
    assert all(isinstance(entry[0], nodes.raw) and entry[0]["format"] == "latex" for entry in entries)
    cells = [entry.astext().partition("\n\n")[2] for entry in entries]
    assert len(cells) == len(columns) * len(rows)
    assert sum(text == "none declared" for text in cells) == len(cells) - 2
    assert "Randomised trial" in render.render_legend(CFG).astext()


def test_render_list_and_summary():
    model = build(FOUND)
    listed = render.render(request("list"), model, CFG, "", {"k1"})[0]
    assert isinstance(listed, nodes.container)
    items = listed[0].children
    assert [item[0].astext() for item in items] == ["Paracrine", "Regen", "Immune"]
    assert "none declared" in items[2].astext()
    summary = render.render(request("summary", "knee"), model, CFG, "", {"k1"})
    assert len(summary) == 1 and isinstance(summary[0], nodes.bullet_list)
    assert summary[0].astext().startswith("Regen: ")
    empty_summary = render.render(request("summary", "back"), build([]), CFG, "", set())[0]
    assert "No evidence links" in empty_summary.astext()


def test_render_empty_matrix_is_a_visible_note():
    (result,) = render.render(request("matrix"), build([]), CFG, "Caption", set())
    assert isinstance(result, nodes.paragraph)
    assert "cm-empty" in result["classes"]


def test_render_cites_only_known_keys_and_shortens_long_names():
    long = cond("long", "A condition with a very long display name")
    model = matrix.build((long,), MECHANISMS, [link("long", "regen", "rct", cites=("known", "unknown"))], CFG)
    table = render.render(request("matrix"), model, CFG, "Caption", {"known"})[1]
    cites = [x for x in table.findall(addnodes.pending_xref) if x["reftype"] == "cite"]
    assert [x["reftarget"] for x in cites] == ["known"]
    stub = next(iter(table.findall(nodes.tbody))).children[0].children[0].astext()
    assert len(stub) <= CFG.max_name_length
    assert stub.startswith("A condition with") and stub.endswith("\u2026")
