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
:certainty: not-rated
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


def change_approval(src: Path) -> None:
    edit(src / "ch2.md", ":not-for: knee pain in general", ":not-for: knee pain or arthritis in general")


def change_checked(src: Path) -> None:
    edit(src / "ch2.md", ":extent: all", ":extent: none")


def change_certainty(src: Path) -> None:
    edit(src / "ch1.md", ":certainty: low\n:rated-by: editors", ":certainty: moderate\n:rated-by: gamma2021")


def change_seen(src: Path) -> None:
    edit(src / "ch1.md", ":seen: Knee swelling in 1 of 5 people", ":seen: Knee pain in 2 of 5 people")


def change_review_date(src: Path) -> None:
    edit(src / "ch1.md", "{cm:reviewed} 2026-11-01", "{cm:reviewed} 2026-11-20")


def reorder_toctree(src: Path) -> None:
    edit(src / "index.md", "ch1\nch2\n", "ch2\nch1\n")


def bib_change_year(src: Path) -> None:
    edit(src / "refs.bib", "year = {2020}", "year = {2019}")


def bib_insert_first(src: Path) -> None:
    first = "@article{aaa2019,\n  author = {Aaa, Al},\n  title = {First},\n  journal = {J},\n  year = {2019},\n}\n\n"
    edit(src / "refs.bib", "@article{alpha2020", first + "@article{alpha2020")


def export_csv_only(src: Path) -> None:
    edit(src / "conf.py", "epub_copyright = copyright\n", 'epub_copyright = copyright\ncm_export_formats = ["csv"]\n')


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
    "change-approval": (change_approval, {"ch2", "table", "keys"}, {"ch1", "ref", "bibliography"}),
    "change-checked": (change_checked, {"ch2", "table", "keys"}, {"ch1", "ref", "bibliography"}),
    "change-certainty": (change_certainty, {"ch1", "table", "keys"}, {"ch2", "ref", "bibliography"}),
    "change-seen": (change_seen, {"ch1", "table", "keys"}, {"ch2", "ref", "bibliography"}),
    "change-review-date": (change_review_date, {"ch1"}, {"table", "keys", "ref", "ch2"}),
    # issue 14: the table's row and link order, its citations, and its data links
    "reorder-toctree": (reorder_toctree, {"index", "table"}, {"ch1", "ch2", "ref"}),
    "bib-change-year": (bib_change_year, {"table", "ch1", "ch4", "bibliography"}, {"ref"}),
    "bib-insert-first": (bib_insert_first, {"table", "bibliography"}, {"ref"}),
    "export-csv-only": (export_csv_only, {"table"}, {"ref", "ch1", "ch4"}),
}

BODY = re.compile(r'<div class="body" role="main">(.*?)<div class="sphinxsidebar"', re.S)


def bodies(outdir: Path) -> dict[str, str]:
    """The main content of every page, by page name."""
    return {
        page.stem: BODY.search(page.read_text(encoding="utf-8")).group(1)
        for page in outdir.glob("*.html")
        if page.stem not in {"genindex", "search"}
    }


def exports(built) -> dict[str, str | None]:
    """The data files of the build (None where a format is not written)."""
    return {
        fmt: built.read(path) if (built.outdir / path).is_file() else None
        for fmt in ("json", "csv")
        for path in [f"_static/condition-mechanism.{fmt}"]
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
            for name in (
                "add-link",
                "remove-link",
                "rename-definition",
                "add-citation",
                "reorder-toctree",
                "add-effect",
                "change-status",
            )
        ),
        ("bib-insert-first", 2),
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
    assert not untouched & done, " ".join(sorted(done))
    assert exports(again) == exports(fresh)
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
:certainty: not-rated
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


def test_adding_the_missing_bib_entry_fixes_the_link_and_the_table(copy_root, build, tmp_path):
    """Issue 14, case 3: the contributor guide's fix for an unknown key works without a clean build."""
    src = copy_root("incremental")
    edit(src / "ch1.md", ":cite: alpha2020", ":cite: alpha2020, epsilon2023")
    first = build(src)
    assert [w.rsplit("[", 1)[1] for w in first.warnings] == ["condmech.unknown_citation]"]
    entry = (
        "\n@article{epsilon2023,\n  author = {Eps, Eve},\n  title = {Late},\n  journal = {J},\n  year = {2023},\n}\n"
    )
    edit(src / "refs.bib", "@book{delta2022", entry.lstrip() + "\n@book{delta2022")
    again = build(src, freshenv=False)
    fresh = build(fresh_copy(src, tmp_path / "fresh"))
    assert again.warnings == fresh.warnings == []
    assert {"ch1", "table", "bibliography"} <= set(again.app.cm_test_events["written"])
    assert "Eps23" in bodies(again.outdir)["table"]
    assert bodies(again.outdir) == bodies(fresh.outdir)
    assert exports(again) == exports(fresh)


def test_export_formats_switched_off_and_on_again(copy_root, build):
    """Issue 14, case 5: the tables' data links and the files follow ``cm_export_formats`` both ways."""
    src = copy_root("incremental")
    results = []
    for formats in (None, ["csv"], None):
        conf = (src / "conf.py").read_text(encoding="utf-8").split("\ncm_export_formats")[0]
        (src / "conf.py").write_text(conf + (f"\ncm_export_formats = {formats!r}\n" if formats else ""), "utf-8")
        built = build(src, freshenv=not results)
        assert built.warnings == []
        results.append((exports(built)["json"] is not None, "JSON</a>" in bodies(built.outdir)["table"]))
    assert results == [(True, True), (False, False), (True, True)]


#: 2028-01-01 00:00 UTC: more than a year after every date in the test-incremental root.
LATER_EPOCH = "1830297600"


def kinds(built) -> list[str]:
    """The sorted warnings of *built*, without their temporary folder."""
    return sorted(line.replace(str(built.app.srcdir), "<src>") for line in built.warnings)


@pytest.mark.parametrize("parallel", [0, 2])
def test_moving_the_build_date_alone_reports_what_a_clean_build_does(copy_root, build, tmp_path, monkeypatch, parallel):
    """Issue 21, fault 2: only SOURCE_DATE_EPOCH moves; the dated pages are read again, so their checks run."""
    src = copy_root("incremental")
    assert build(src, parallel=parallel).warnings == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER_EPOCH)
    again = build(src, freshenv=False, parallel=parallel)
    fresh = build(fresh_copy(src, tmp_path / "fresh"))
    assert [w.rsplit("[", 1)[1] for w in kinds(again)] == ["condmech.review_overdue]", "condmech.status_outdated]"]
    assert [w.split(": ", 1)[1] for w in kinds(again)] == [w.split(": ", 1)[1] for w in kinds(fresh)]
    assert {"ch1", "ch2"} <= set(again.app.cm_test_events["written"])
    assert build(src, freshenv=False, parallel=parallel).app.cm_test_events["written"] == []  # same date: nothing
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    assert build(src, freshenv=False, parallel=parallel).warnings == []


@pytest.mark.parametrize(("before", "after"), [("overview", "transposed"), ("transposed", "overview")])
def test_changing_the_table_view_to_or_from_overview_rewrites_the_key_messages(
    copy_root, build, tmp_path, before, after
):
    """Issue 21, fault 3: key messages link to the overview table's row only while there is one."""
    src = copy_root("incremental")
    edit(src / "table.md", ":view: overview", f":view: {before}")
    build(src)
    edit(src / "table.md", f":view: {before}", f":view: {after}")
    again = build(src, freshenv=False)
    fresh = build(fresh_copy(src, tmp_path / "fresh"))
    assert again.warnings == fresh.warnings == []
    assert {"table", "keys"} <= set(again.app.cm_test_events["written"])
    assert bodies(again.outdir) == bodies(fresh.outdir)
    assert ("table.html#" in bodies(again.outdir)["keys"]) is (after == "overview")


@pytest.mark.parametrize("parallel", [0, 2])
def test_each_query_is_answered_once_per_state_of_the_records(copy_root, build, tmp_path, monkeypatch, parallel):
    """The rows of a table or box are built once per filter and build (the consistency check and the page
    share them), and anew after a change to the records: an incremental build shows the change, as a
    fresh build does."""
    from condmech import overview

    calls: list[int] = []
    real = overview.build
    monkeypatch.setattr(overview, "build", lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))

    def asked(built) -> set[tuple[str, str, str]]:
        tables = built.app.env.get_domain("cm").queries.tables
        return {t.filters for t in tables if t.view in ("overview", "key-messages")}

    src = copy_root("incremental")
    first = build(src, parallel=parallel)
    assert asked(first) == {("", "", ""), ("", "knee", "")}  # the overview table and the knee's Key messages
    assert len(calls) == 2
    calls.clear()
    add_effect(src)
    again = build(src, freshenv=False, parallel=parallel)
    assert len(calls) == 2
    fresh = build(fresh_copy(src, tmp_path / "fresh"))
    assert bodies(again.outdir) == bodies(fresh.outdir)

    domain = again.app.env.get_domain("cm")
    queries = domain.queries
    assert domain.queries is queries and queries.rows() is queries.rows()
    assert "ch1" in {e.docname for e in queries.effects}
    domain.clear_doc("ch1")
    assert domain.queries is not queries
    assert "ch1" not in {e.docname for e in domain.queries.effects}


#: The parts and the records' fields the domain keeps in the pickled environment, at each
#: ``CondMechDomain.data_version``. Change a record's fields: raise ``data_version`` (Sphinx
#: then reads every page again instead of unpickling records of the old shape) and add a line.
STORED_FIELDS = {9: "d5e4f35eff318b05"}


def test_a_change_to_the_stored_records_raises_the_data_version() -> None:
    import hashlib

    from condmech import model
    from condmech.domain import CondMechDomain

    records = [model.Definition, model.Assertion, model.Effect, model.Status, model.Approval, model.Check,
               model.Review, model.Problem, model.TableRequest]  # fmt: skip
    shape = repr([sorted(CondMechDomain.initial_data), *((record.__name__, record._fields) for record in records)])
    digest = hashlib.sha256(shape.encode()).hexdigest()[:16]
    version = CondMechDomain.data_version
    assert STORED_FIELDS.get(version) == digest, (
        f"the stored records' fields are {digest} at data_version {version}: if you changed a record, "
        f"raise CondMechDomain.data_version and add {{new version: {digest!r}}} to STORED_FIELDS"
    )
