"""Issue 21: dates far in the future, review dates, anchors of effects and harms, suggestions for
condition ids, and control characters. One warning per fault is checked in test_ext_warnings.py;
these tests check what the reader then sees."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import DEFINITIONS, first, index_page, select, text

INDEX = index_page("defs", "ch", "bibliography")
DEFS = "# Definitions\n\n" + DEFINITIONS

EFFECT = """
:::{{cm:{kind}}}
:condition: {condition}
{outcome}:level: rct
:cite: alpha2020
:certainty: not-rated
{extra}
Body.
:::
"""


def effect(kind: str = "effect", condition: str = "knee", extra: str = "") -> str:
    outcome = ":outcome: pain\n" if kind == "effect" else ":seen: swelling\n"
    return EFFECT.format(kind=kind, condition=condition, outcome=outcome, extra=extra)


@pytest.mark.parametrize("conf", ["cm_review_interval_months = 10**9\n", "cm_review_interval_months = 120000\n"])
def test_huge_review_interval_does_not_crash(write_project, build, conf):
    """The date arithmetic saturates at year 9999 instead of raising 'year 10000 is out of range'."""
    chapter = "# Chapter\n\n:::{cm:reviewed} 2026-11-01\n:::\n\n:::{cm:status} knee\n:as-of: 2026-11-01\n"
    chapter += ":summary: Not approved\n:cite: alpha2020\n:::\n"
    built = build(write_project({"index.md": INDEX, "defs.md": DEFS, "ch.md": chapter}, conf=conf))
    assert "Traceback" not in built.status
    assert built.warnings == []
    assert "Next review due: 31 December 9999" in text(first(built.html("ch.html"), ".//div", "cm-review-dates"))


def test_only_the_first_review_date_is_shown(write_project, build):
    """Two review dates on one page would contradict each other: the first counts, the second is a problem note."""
    chapter = "# Chapter\n\n:::{cm:reviewed} 2026-11-01\n:::\n\nText.\n\n:::{cm:reviewed} 2026-11-20\n:::\n"
    built = build(write_project({"index.md": INDEX, "defs.md": DEFS, "ch.md": chapter}))
    assert [w.rsplit("[", 1)[1] for w in built.warnings] == ["condmech.duplicate_status]"]
    page = built.html("ch.html")
    dates = [text(box) for box in select(page, ".//div", "cm-review-dates")]
    assert len(dates) == 1 and "1 November 2026" in dates[0]
    assert "second cm:reviewed" in text(first(page, ".//p", "cm-problem"))


def test_rst_review_option_does_not_swallow_the_date(write_project, build):
    chapter = "Chapter\n=======\n\n.. cm:reviewed:: 2026-11-01\n   :by: me\n"
    built = build(write_project({"index.md": INDEX, "defs.md": DEFS, "ch.rst": chapter}))
    assert [w.rsplit("[", 1)[1] for w in built.warnings] == ["condmech.unknown_option]"]
    assert "1 November 2026" in text(first(built.html("ch.html"), ".//div", "cm-review-dates"))


@pytest.mark.parametrize("kind", ["effect", "harm"])
def test_explicit_anchor_for_effects_and_harms(write_project, build, kind):
    """The second of two otherwise identical declarations takes its own anchor, and keeps it."""
    chapter = "# Chapter\n" + effect(kind) + effect(kind, extra=":anchor: knee-second-trial\n")
    built = build(write_project({"index.md": INDEX, "defs.md": DEFS, "ch.md": chapter}))
    assert built.warnings == []
    ids = [el.get("id") for el in select(built.html("ch.html"), ".//div", f"cm-{kind}")]
    assert ids == [f"cm-{kind}-knee-rct-alpha2020", "knee-second-trial"]


@pytest.mark.parametrize(
    ("name", "page", "line", "hint"),
    [
        ("ch.md", "# Chapter\n" + effect(condition="kne"), 4, "unknown condition 'kne' in cm:effect; did you mean"),
        (
            "ch.rst",
            "Chapter\n=======\n\n.. cm:harm::\n   :level: rct\n   :condition: kne\n   :cite: alpha2020\n"
            "   :seen: swelling\n   :certainty: not-rated\n",
            6,
            "unknown condition 'kne' in cm:harm; did you mean",
        ),
        (
            "ch.md",
            "# Chapter\n\n:::{cm:status} kne\n:as-of: 2026-11-01\n:summary: Not approved\n:cite: alpha2020\n:::\n",
            3,
            "unknown condition 'kne' in cm:status; did you mean",
        ),
    ],
)
def test_unknown_condition_suggests_the_nearest_at_the_option(write_project, build, name, page, line, hint):
    built = build(write_project({"index.md": INDEX, "defs.md": DEFS, name: page}))
    assert len(built.warnings) == 1, built.warnings
    assert f"{name}:{line}: WARNING: {hint} 'knee'?" in built.warnings[0]


def test_control_characters_reach_neither_the_page_nor_the_csv(write_project, build):
    defs = DEFS.replace(":name: Knee pain", ":name: Knee\x1b[31m pain")
    chapter = "# Chapter\n" + effect(extra=":note: Small\x07 trial\n")
    built = build(write_project({"index.md": INDEX, "defs.md": defs, "ch.md": chapter}))
    assert sorted(w.rsplit("[", 1)[1] for w in built.warnings) == ["condmech.invalid_character]"] * 2
    pages = built.read("ch.html") + built.read("defs.html")
    exported = built.read("_static/condition-mechanism.csv") + built.read("_static/condition-mechanism.json")
    assert "\x07" not in pages + exported and "\x1b" not in pages + exported
    row = next(csv.DictReader(io.StringIO(built.read("_static/condition-mechanism.csv"))))
    assert (row["condition_name"], row["note"]) == ("Knee[31m pain", "Small trial")
