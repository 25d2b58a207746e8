"""``cm:changes``: the list of changes since an earlier edition, in every format, with bad input and rebuilds.

The test project ``tests/roots/test-changes`` compares with ``_data/earlier.json`` (a
condmech/3 export, as the book writes): since then the knee's effect went from early
clinical to randomised trial and from low to moderate certainty, its harm says more of what
was seen, a link was removed, the status and review dates moved on, back pain is new and
hip pain is gone. ``earlier-v2.json`` and ``earlier-v1.json`` are the same edition in the
older schemas.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import first, select, text
from sphinx.testing.util import etree_parse

KNEE = [
    "Does it help? (pain): evidence Early clinical → Randomised trial; finding supports → mixed or limited; "
    "certainty low → moderate.",
    "Harms: what was seen Knee swelling → Knee swelling in 1 of 5 people.",
    "How might it work? (Tissue regeneration): no longer listed: Randomised trial, mixed or limited.",
    "Approved?: checked on 1 November 2025 → 1 November 2026.",
    "Approved? (Elsewhere, a test product): new: full approval; January 2012; covers: cartilage defects; "
    "not for: knee pain in general; source: the maker's statement.",
    "Chapter reviewed: reviewed on 1 November 2025 → 1 November 2026.",
]


def touch(path: Path) -> None:
    """Make *path* look newer than the last build, and every other source older (so only it is re-read)."""
    earlier, later = time.time() - 10, time.time() + 5
    for other in path.parent.parent.rglob("*"):
        if other.is_file() and "_build" not in other.parts:
            os.utime(other, (earlier, earlier))
    os.utime(path, (later, later))


def test_html_lists_changes_per_condition_under_headings(build_root):
    built = build_root("changes")
    assert built.warnings == []
    box = first(built.html("changes.html"), ".//div", "cm-changes")
    headings = select(box, ".//h2", "rubric")
    assert [text(h) for h in headings] == ["Knee pain", "Back pain", "Hip pain"]
    lists = select(box, "./ul")
    assert [text(li).strip() for li in select(lists[0], "./li")] == KNEE  # the harm's new note is not listed
    assert [text(li).strip() for li in select(lists[2], "./li")] == ["No longer in the book."]
    assert not select(box, ".//p", "cm-changes-note")  # same schema: nothing that could not be compared


def test_latex_has_unnumbered_headings_and_the_same_items(build_root):
    tex = build_root("changes", "latex").read("condmechchanges.tex")
    assert r"\section*{Knee pain}" in tex and r"\section*{Hip pain}" in tex
    assert r"Does it help? (pain): evidence Early clinical \(\rightarrow\) Randomised trial" in tex


def test_epub_page_is_well_formed_and_lists_the_changes(build_root):
    built = build_root("changes", "epub")
    assert built.warnings == []
    page = etree_parse(built.outdir / "changes.xhtml").getroot()
    body = "".join(page.itertext())
    assert all(item in body for item in KNEE)
    assert not list(built.outdir.rglob("condition-mechanism.*"))


def test_text_lists_the_changes(build_root):
    out = build_root("changes", "text").read("changes.txt")
    assert "Knee pain" in out and "No longer in the book." in out
    assert "* Does it help? (pain): evidence Early clinical → Randomised" in out


@pytest.mark.parametrize(
    ("snapshot", "notes", "expected"),
    [
        (
            "earlier-v1",
            [
                "The earlier-v1 records did not include effects measured in people, harms, approval status, "
                "individual approvals, chapter review dates or where we looked for approvals. These are marked "
                "“now recorded”."
            ],
            "Does it help? (pain): now recorded: Randomised trial, mixed or limited, certainty moderate.",
        ),
        (
            "earlier-v2",
            [
                "The earlier-v2 records did not include individual approvals or where we looked for approvals. "
                "These are marked “now recorded”.",
                "The earlier-v2 records did not give certainty, certainty rated by or what was seen. These are "
                "marked “now given”.",
            ],
            "Does it help? (pain): evidence Early clinical → Randomised trial; finding supports → mixed or limited; "
            "certainty now given: moderate; certainty rated by now given: a cited review.",
        ),
    ],
)
def test_an_older_schema_says_what_could_not_be_compared(copy_root, build, snapshot, notes, expected):
    src = copy_root("changes")
    page = f"# What changed\n\n:::{{cm:changes}} _data/{snapshot}.json\n:::\n"
    (src / "changes.md").write_text(page, encoding="utf-8")
    built = build(src)
    assert built.warnings == []
    box = first(built.html("changes.html"), ".//div", "cm-changes")
    assert [text(p) for p in select(box, ".//p", "cm-changes-note")] == notes
    assert text(select(box, "./ul/li")[0]).strip() == expected


@pytest.mark.parametrize(
    ("snapshot", "content", "message"),
    [
        ("_data/missing.json", None, "snapshot '_data/missing.json': cannot be read"),
        ("_data/broken.json", "{", "snapshot '_data/broken.json': not valid JSON"),
        (
            "_data/other.json",
            '{"schema": "other/1"}',
            "snapshot '_data/other.json': not a condmech export (schema 'other/1')",
        ),
        ("", None, "cm:changes needs the path of an earlier edition's export"),
    ],
)
def test_bad_snapshot_warns_once_at_the_directive(copy_root, build, snapshot, content, message):
    src = copy_root("changes")
    if content is not None:
        (src / snapshot).write_text(content, encoding="utf-8")
    (src / "changes.md").write_text(
        f"# What changed\n\nProse.\n\n:::{{cm:changes}} {snapshot}\n:::\n", encoding="utf-8"
    )
    built = build(src)
    subtype = "missing_option" if not snapshot else "invalid_snapshot"
    assert len(built.warnings) == 1, built.warnings
    assert f"changes.md:5: WARNING: {message}" in built.warnings[0]
    assert built.warnings[0].endswith(f"[condmech.{subtype}]")
    assert "Traceback" not in built.status
    page = built.html("changes.html")
    assert not select(page, ".//div", "cm-changes")
    assert select(page, ".//p", "cm-problem")  # shown in the page, as for other declarations
    assert (built.outdir / "knee.html").is_file()  # the rest of the book builds
    quiet = build(src, confoverrides={"suppress_warnings": [f"condmech.{subtype}"]})
    assert quiet.warnings == []


def test_incremental_build_follows_the_snapshot_the_evidence_and_review_dates(copy_root, build):
    src = copy_root("changes")
    build(src)
    # 1. A new snapshot (the next release): the page is rewritten from it.
    shutil.copy(src / "_data" / "earlier-v1.json", src / "_data" / "earlier.json")
    touch(src / "_data" / "earlier.json")
    again = build(src, freshenv=False)
    assert "changes" in again.app.cm_test_written
    assert select(again.html("changes.html"), ".//p", "cm-changes-note")
    # 2. Evidence changed in a chapter: the page, not re-read itself, is rewritten.
    knee = src / "knee.md"
    knee.write_text(knee.read_text(encoding="utf-8").replace(":level: rct", ":level: systematic-review"), "utf-8")
    touch(knee)
    again = build(src, freshenv=False)
    assert "changes" in again.app.cm_test_written
    assert "Does it help? (pain): now recorded: Systematic review, mixed or limited, certainty moderate." in (
        again.read("changes.html")
    )
    # 3. Only a review date changed: the list of changes is rewritten.
    reviewed = knee.read_text(encoding="utf-8").replace(":::{cm:reviewed} 2026-11-01", ":::{cm:reviewed} 2026-11-20")
    knee.write_text(reviewed, "utf-8")
    touch(knee)
    again = build(src, freshenv=False)
    assert "changes" in again.app.cm_test_written
    assert "Chapter reviewed: now recorded: 20 November 2026." in again.read("changes.html")
    # 4. Prose only: the list is not rewritten.
    back = src / "back.md"
    back.write_text(back.read_text(encoding="utf-8") + "\nMore prose.\n", "utf-8")
    touch(back)
    again = build(src, freshenv=False)
    assert "changes" not in again.app.cm_test_written
    # Each state equals a clean build.
    fresh = build(src)
    assert fresh.read("changes.html") == again.read("changes.html")


def test_parallel_build_lists_the_same_changes(copy_root, build):
    serial = build(copy_root("changes", "serial"))
    parallel = build(copy_root("changes", "parallel"), parallel=2)
    assert parallel.warnings == []
    assert parallel.read("changes.html") == serial.read("changes.html")
