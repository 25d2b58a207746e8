"""Correct across builds: incremental builds equal fresh ones, and -j 2 equals serial."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

NEW_LINK = """
## Added section

:::{cm:link}
:condition: back
:mechanism: regeneration
:measured: the mechanism in the test study
:level: rct
:cite: gamma2021

A link added after the first build.
:::
"""


def edit(path: Path, old: str, new: str) -> None:
    """Replace *old* by *new* in *path* and make the file look newer than the last build."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))


def add_link(src: Path) -> None:
    edit(src / "ch2.md", "Evidence stated in chapter 2.\n:::\n", "Evidence stated in chapter 2.\n:::\n" + NEW_LINK)


def change_level(src: Path) -> None:
    edit(src / "ch1.md", ":level: rct", ":level: systematic-review")


def remove_link(src: Path) -> None:
    text = (src / "ch3.md").read_text(encoding="utf-8")
    edit(src / "ch3.md", text[text.index(":::{cm:link}") :], "No link any more.\n")


def rename_definition(src: Path) -> None:
    edit(src / "defs.md", ":name: Knee pain", ":name: Knee joint pain")


def delete_document(src: Path) -> None:
    (src / "ch5.md").unlink()
    edit(src / "index.md", "ch5\n", "")


def prose_only(src: Path) -> None:
    edit(src / "ch4.md", "Some prose in chapter 4.", "Some revised prose in chapter 4.\n\nAnd a new paragraph.")


def add_citation(src: Path) -> None:
    edit(src / "ch4.md", "Some prose in chapter 4.", "Some prose in chapter 4, citing {cite:p}`delta2022`.")


NEW_EFFECT = """
:::{cm:effect}
:condition: back
:outcome: pain
:level: early-clinical
:finding: negative
:cite: delta2022

An effect added after the first build.
:::
"""


def add_effect(src: Path) -> None:
    edit(src / "ch4.md", "Some prose in chapter 4.", "Some prose in chapter 4.\n" + NEW_EFFECT)


def change_status(src: Path) -> None:
    edit(src / "ch2.md", ":summary: Not approved", ":summary: Not approved anywhere")


def remove_harm(src: Path) -> None:
    text = (src / "ch1.md").read_text(encoding="utf-8")
    edit(src / "ch1.md", text[text.index(":::{cm:harm}") :], "No harm any more.\n")


def change_review_date(src: Path) -> None:
    edit(src / "ch1.md", "{cm:reviewed} 2026-11-01", "{cm:reviewed} 2026-11-20")


# edit, documents that must be written, documents that must not be. The bibliography
# page is rewritten when a document cites other keys than before, and only then.
SCENARIOS: dict[str, tuple[Callable[[Path], None], set[str], set[str]]] = {
    "add-link": (add_link, {"ch2", "table"}, {"ch1", "ref"}),
    "change-level": (change_level, {"ch1", "table"}, {"ch2", "ref", "bibliography"}),
    "remove-link": (remove_link, {"ch3", "table", "bibliography"}, {"ch1", "ref"}),
    "rename-definition": (rename_definition, {"defs", "table", "ref", "ch1", "ch2", "ch5"}, {"ch3", "ch4"}),
    "delete-document": (delete_document, {"table", "bibliography"}, {"ch1", "ref"}),
    "prose-only": (prose_only, {"ch4"}, {"table", "ref", "ch1", "bibliography"}),
    "add-citation": (add_citation, {"ch4", "bibliography"}, {"table", "ref", "ch1"}),
    "add-effect": (add_effect, {"ch4", "table", "keys", "bibliography"}, {"ch1", "ref"}),
    "change-status": (change_status, {"ch2", "table", "keys"}, {"ch1", "ref", "bibliography"}),
    "remove-harm": (remove_harm, {"ch1", "table", "keys"}, {"ch2", "ref", "bibliography"}),
    "change-review-date": (change_review_date, {"ch1"}, {"table", "keys", "ref", "ch2"}),
}

BODY = re.compile(r'<div class="body" role="main">(.*?)<div class="sphinxsidebar"', re.S)


def bodies(outdir: Path) -> dict[str, str]:
    """The main content of every page, by page name."""
    return {
        page.stem: BODY.search(page.read_text(encoding="utf-8")).group(1)
        for page in outdir.glob("*.html")
        if page.stem not in {"genindex", "search"}
    }


def fresh_copy(src: Path, target: Path) -> Path:
    shutil.copytree(src, target, ignore=shutil.ignore_patterns("_build"))
    return target


@pytest.mark.parametrize(
    ("scenario", "parallel"),
    [
        *((name, 0) for name in SCENARIOS),
        *(
            (name, 2)
            for name in ("add-link", "remove-link", "rename-definition", "add-citation", "add-effect", "change-status")
        ),
    ],
)
def test_incremental_build_equals_fresh_build(copy_root, build, tmp_path, scenario, parallel):
    change, written, untouched = SCENARIOS[scenario]
    src = copy_root("incremental")
    first = build(src, parallel=parallel)
    assert first.warnings == []
    assert bool(first.app.cm_test_events["merged"]) == bool(parallel)
    change(src)
    again = build(src, freshenv=False, parallel=parallel)
    fresh = build(fresh_copy(src, tmp_path / "fresh"))
    assert again.warnings == fresh.warnings == []
    done = set(again.app.cm_test_events["written"])
    assert written <= done
    assert not untouched & done
    json_path = "_static/condition-mechanism.json"
    assert again.read(json_path) == fresh.read(json_path)
    incremental, expected = bodies(again.outdir), bodies(fresh.outdir)
    if scenario == "delete-document":
        assert "ch5" in incremental and "ch5" not in expected  # Sphinx leaves the old page behind
        del incremental["ch5"]
    assert incremental == expected


BAD = """\
---
orphan: true
---

# Bad input

:::{cm:condition} knee
:name: Knee pain, defined again
:::

:::{cm:link}
:condition: knee
:mechanism: nosuch
:measured: the mechanism in the test study
:level: rct
:cite: alpha2020

Unknown mechanism.
:::

:::{cm:link}
:condition: back
:mechanism: regeneration
:measured: the mechanism in the test study
:level: early-clinical

No citation.
:::

:::{cm:effect}
:condition: nosuch
:outcome: pain
:level: rct
:cite: alpha2020

Unknown condition.
:::

:::{cm:status} knee
:as-of: 2026-11-02
:summary: Second status
:cite: alpha2020
:::
"""


def test_parallel_build_equals_serial_build(copy_root, build):
    results = []
    for name, parallel in (("serial", 0), ("parallel", 2)):
        src = copy_root("incremental", name=name)
        (src / "zz-bad.md").write_text(BAD, encoding="utf-8")
        built = build(src, parallel=parallel)
        merged = built.app.cm_test_events["merged"]
        assert bool(merged) == bool(parallel)  # env-merge-info fires only when workers really ran
        if parallel:
            assert len(merged) >= 2
            assert sorted(doc for chunk in merged for doc in chunk) == sorted(built.app.env.found_docs)
        warnings = sorted(line.replace(str(src), "<src>") for line in built.warnings)
        table = bodies(built.outdir)["table"]
        results.append((built.read("_static/condition-mechanism.json"), table, warnings))
    (serial_json, serial_table, serial_warnings), parallel_result = results
    assert sorted(w.rsplit("[", 1)[1] for w in serial_warnings) == [
        "condmech.duplicate_definition]",
        "condmech.duplicate_status]",
        "condmech.no_citation]",
        "condmech.unknown_id]",
        "condmech.unknown_id]",
    ]
    assert parallel_result == (serial_json, serial_table, serial_warnings)
