"""Configuration: a custom evidence scale and findings, citations optional, name length, caption."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from condmech.config import CmConfig
from conftest import classes, first, index_page, select, text

INDEX = index_page("page", "bibliography")

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
:level: anecdote
:cite: alpha2020
:measured: the mechanism in the test study

Told by patients.
:::

## Trials

:::{cm:link}
:condition: knee
:mechanism: paracrine
:level: trial
:finding: against
:cite: gamma2021
:measured: the mechanism in the test study

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
    page = built.html("page.html")
    table = first(page, ".//table", "cm-matrix")
    assert text(first(table, "./caption/span", "caption-text")) == "Custom caption"
    cell = first(table, ".//td")
    assert text(first(cell, ".//span", "cm-level")) == "[2/2]\u00a0Trial"
    assert "cm-finding-against" in classes(first(cell, ".//span", "cm-finding"))
    legend = [text(li) for li in first(first(page, ".//div", "cm-legend"), ".//ul").iter("li")]
    assert legend == ["[2/2]\u00a0Trial: Trials.", "[1/2]\u00a0Anecdote: Stories."]
    stories = next(div for div in select(page, ".//div", "cm-assertion") if "Told by patients." in text(div))
    assert "speaks for it" in text(stories)  # the first finding is the default
    data = json.loads(built.read("_static/condition-mechanism.json"))
    assert [(lv["id"], lv["rank"]) for lv in data["evidence_levels"]] == [("anecdote", 0), ("trial", 1)]
    assert [f["id"] for f in data["findings"]] == ["for", "against"]
    assert [(c["level"], c["finding"]) for c in data["cells"]] == [("trial", "against")]


def test_default_level_ids_are_unknown_on_a_custom_scale(write_project, build):
    page = PAGE.replace(":level: anecdote", ":level: rct")
    built = build(write_project({"index.md": INDEX, "page.md": page}, conf=CUSTOM))
    assert len(built.warnings) == 1
    assert "page.md:16: WARNING: unknown evidence level 'rct' (known levels: anecdote, trial)" in built.warnings[0]


def test_citations_can_be_made_optional(write_project, build):
    page = PAGE.replace(":cite: alpha2020\n", "")
    files = {"index.md": INDEX, "page.md": page}
    assert build(write_project(files, conf=CUSTOM + "cm_require_citations = False\n")).warnings == []
    (warning,) = build(write_project(files, conf=CUSTOM, name="strict")).warnings
    assert warning.endswith("[condmech.no_citation]")


def test_name_length_limit_warns_and_shortens(write_project, build):
    built = build(write_project({"index.md": INDEX, "page.md": PAGE}, conf=CUSTOM + "cm_max_name_length = 10\n"))
    (warning,) = built.warnings
    assert "page.md:4: WARNING: name of condition 'knee' is 19 characters long (limit 10)" in warning
    table = first(built.html("page.html"), ".//table", "cm-matrix")
    assert text(first(table, "./tbody/tr/th")) == "Knee oste\u2026"
    assert "Knee osteoarthritis" in built.read("page.html")  # the definition keeps its full name


def test_the_guide_lists_every_setting_from_its_declaration(write_project, build):
    """``{condmech-config}`` (docs/_ext/cmreference.py) renders one row per CmConfig field."""
    ext = Path(__file__).parents[1] / "docs" / "_ext"
    conf = f"import sys\nsys.path.insert(0, {str(ext)!r})\nextensions.append('cmreference')\n"
    page = "# Settings\n\n:::{condmech-config}\n:::\n"
    built = build(write_project({"index.md": index_page("settings", "bibliography"), "settings.md": page}, conf=conf))
    assert built.warnings == []
    rows = [[text(cell) for cell in row.findall("./td")] for row in built.html("settings.html").findall(".//tbody/tr")]
    assert [name for name, _ in rows] == [spec.metadata["name"] for spec in dataclasses.fields(CmConfig)]
    meaning = dict(rows)["cm_disagreement_finding"]
    assert "the links at its strongest level disagree" in meaning and meaning.endswith("Default: ''.")
