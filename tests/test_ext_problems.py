"""Issue 21: a typo never silently changes a health message. A declaration that could not be
recorded shows as a problem in Key messages and in the overview table, never as "none"."""

from __future__ import annotations

import pytest
from conftest import DEFINITIONS, first, index_page, select, text
from test_ext_incremental import edit

INDEX = index_page("ch", "table", "bibliography")
TABLE = "# Table\n\n:::{cm:matrix}\n:view: overview\n:::\n"

CHAPTER = (
    "# Chapter\n\n:::{cm:key-messages} knee\n:::\n\n"
    + DEFINITIONS
    + """
## Evidence

:::{cm:link}
:condition: knee
:mechanism: paracrine
:measured: the mechanism in the test study
:level: rct
:cite: alpha2020

A link.
:::

## Side effects

:::{cm:harm}
:condition: knee
:level: rct
:cite: gamma2021
:seen: Knee pain after the injection
:certainty: not-rated

A harm.
:::
"""
)

# codespell:ignore-begin: misspelt options are the cases under test
TYPOS = {
    "harm-option": (":level: rct\n:cite: gamma2021", ":levle: rct\n:cite: gamma2021", "Harms", "harm"),
    "harm-condition-option": (
        ":condition: knee\n:level: rct\n:cite: gamma",
        ":conditon: knee\n:level: rct\n:cite: gamma",
        "Harms",
        "harm",
    ),
    "link-level": (":level: rct\n:cite: alpha2020", ":level: rtc\n:cite: alpha2020", "How might it work", "link"),
}
# codespell:ignore-end


def key_messages(built) -> dict[str, str]:
    """Question -> answer of the Key messages box."""
    box = first(built.html("ch.html"), ".//div", "cm-key-messages")
    answers = {}
    for item in box.iter("li"):
        question = text(first(item, ".//strong"))
        answers[question.rstrip(":?")] = " ".join(text(item)[len(question) :].split())
    return answers


def table_cell(built, column: str) -> str:
    table = first(built.html("table.html"), ".//table", "cm-overview")
    headers = [text(cell).strip() for cell in table.find(".//thead").iter("th")]
    row = table.find(".//tbody/tr")
    cells = [cell for cell in row if cell.tag in ("td", "th")]
    index = next(i for i, header in enumerate(headers) if header.startswith(column))
    return " ".join(text(cells[index]).split())


@pytest.mark.parametrize(("old", "new", "column", "kind"), TYPOS.values(), ids=TYPOS.keys())
def test_a_declaration_with_a_problem_is_a_problem_in_key_messages_and_the_table(
    write_project, build, old, new, column, kind
):
    srcdir = write_project({"index.md": INDEX, "ch.md": CHAPTER.replace(old, new, 1), "table.md": TABLE})
    built = build(srcdir)
    assert len(built.warnings) == 1, built.warnings  # the typo, and nothing else
    answer = key_messages(built)["Harms" if kind == "harm" else "How might it work"]
    assert answer.startswith(f"Problem: a cm:{kind} could not be read"), answer
    assert "no study" not in answer.lower() and "records no" not in answer
    cell = table_cell(built, column)
    assert "Problem: a cm:" in cell and "none declared" not in cell, cell
    box = first(built.html("ch.html"), ".//div", "cm-key-messages")
    links = [a.get("href") for a in box.iter("a") if "cm-problem" in a.get("href", "")]
    assert links == ["#cm-problem-0"]
    assert select(built.html("ch.html"), ".//div[@id='cm-problem-0']")  # the link lands on the declaration


def test_fixing_the_typo_restores_the_answer_in_an_incremental_build(write_project, build):
    srcdir = write_project({"index.md": INDEX, "ch.md": CHAPTER.replace(*TYPOS["harm-option"][:2]), "table.md": TABLE})
    assert "Problem" in key_messages(build(srcdir))["Harms"]
    edit(srcdir / "ch.md", *reversed(TYPOS["harm-option"][:2]))  # the typo fixed
    again = build(srcdir, freshenv=False)
    assert again.warnings == []
    assert key_messages(again)["Harms"].startswith("Knee pain after the injection.")
    assert "Problem" not in table_cell(again, "Harms")


def test_a_suppressed_warning_leaves_no_problem_note(write_project, build):
    srcdir = write_project(
        {"index.md": INDEX, "ch.md": CHAPTER.replace(*TYPOS["harm-option"][:2]), "table.md": TABLE},
        conf='suppress_warnings = ["condmech.unknown_option"]\n',
    )
    built = build(srcdir)
    assert "Problem" not in key_messages(built)["Harms"]


@pytest.mark.parametrize("builder", ["latex", "epub", "text"])
def test_problem_notes_build_in_every_format(write_project, build, builder):
    srcdir = write_project({"index.md": INDEX, "ch.md": CHAPTER.replace(*TYPOS["harm-option"][:2]), "table.md": TABLE})
    built = build(srcdir, builder)
    assert [w.rsplit("[", 1)[1] for w in built.warnings] == ["condmech.unknown_option]"]
    output = "".join(
        path.read_text(encoding="utf-8")
        for path in built.outdir.rglob("*.*")
        if path.suffix in (".tex", ".xhtml", ".txt")
    )
    assert output.count("Problem:") == 2  # in Key messages and in the table
