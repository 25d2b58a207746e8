"""Configuration: a custom evidence scale and findings, citations optional, name length, caption."""

from __future__ import annotations

import json

from conftest import parse_html

INDEX = "# Index\n\n```{toctree}\npage\nbibliography\n```\n"

PAGE = """\
# Page

:::{cm:condition} knee
:name: Knee osteoarthritis
:::

:::{cm:mechanism} paracrine
:name: Paracrine
:::

## Stories

:::{cm:link}
:condition: knee
:mechanism: paracrine
:measured: the mechanism in the test study
:level: anecdote
:cite: alpha2020

Told by patients.
:::

## Trials

:::{cm:link}
:condition: knee
:mechanism: paracrine
:measured: the mechanism in the test study
:level: trial
:finding: against
:cite: gamma2021

A trial found no effect.
:::

:::{cm:matrix}
:::
"""

CUSTOM = """\
cm_evidence_levels = [
    {"id": "anecdote", "label": "Anecdote", "description": "Stories.", "marker": "[1/2]"},
    {"id": "trial", "label": "Trial", "description": "Trials.", "marker": "[2/2]"},
]
cm_findings = [
    {"id": "for", "label": "speaks for it", "marker": "+"},
    {"id": "against", "label": "speaks against it", "marker": "-"},
]
cm_matrix_caption = "Custom caption"
"""


def test_custom_scale_findings_and_caption(write_project, build):
    built = build(write_project({"index.md": INDEX, "page.md": PAGE}, conf=CUSTOM))
    assert built.warnings == []
    page = parse_html(built.read("page.html"))
    table = page.first("table", cls="cm-matrix")
    assert table.first("caption").first("span", cls="caption-text").text == "Custom caption"
    cell = table.first("td")
    assert cell.first("span", cls="cm-level").text == "[2/2]\u00a0Trial"
    assert "cm-finding-against" in cell.first("span", cls="cm-finding").classes
    legend = [li.text for li in page.first("div", cls="cm-legend").first("ul").iter("li")]
    assert legend == ["[2/2]\u00a0Trial: Trials.", "[1/2]\u00a0Anecdote: Stories."]
    stories = next(div for div in page.iter("div", cls="cm-assertion") if "Told by patients." in div.text)
    assert "speaks for it" in stories.text  # the first finding is the default
    data = json.loads(built.read("_static/condition-mechanism.json"))
    assert [(lv["id"], lv["rank"]) for lv in data["evidence_levels"]] == [("anecdote", 0), ("trial", 1)]
    assert [f["id"] for f in data["findings"]] == ["for", "against"]
    assert [(c["level"], c["finding"]) for c in data["cells"]] == [("trial", "against")]


def test_default_level_ids_are_unknown_on_a_custom_scale(write_project, build):
    page = PAGE.replace(":level: anecdote", ":level: rct")
    built = build(write_project({"index.md": INDEX, "page.md": page}, conf=CUSTOM))
    assert len(built.warnings) == 1
    assert "page.md:13: WARNING: unknown evidence level 'rct' (known: anecdote, trial)" in built.warnings[0]


def test_citations_can_be_made_optional(write_project, build):
    page = PAGE.replace(":cite: alpha2020\n", "")
    files = {"index.md": INDEX, "page.md": page}
    assert build(write_project(files, conf=CUSTOM + "cm_require_citations = False\n")).warnings == []
    (warning,) = build(write_project(files, conf=CUSTOM, name="strict")).warnings
    assert warning.endswith("[condmech.no_citation]")


def test_name_length_limit_warns_and_shortens(write_project, build):
    built = build(write_project({"index.md": INDEX, "page.md": PAGE}, conf=CUSTOM + "cm_max_name_length = 10\n"))
    (warning,) = built.warnings
    assert "page.md:3: WARNING: name of condition 'knee' is 19 characters long (limit 10)" in warning
    table = parse_html(built.read("page.html")).first("table", cls="cm-matrix")
    assert table.first("tbody").first("th").text == "Knee oste\u2026"
    assert "Knee osteoarthritis" in built.read("page.html")  # the definition keeps its full name
