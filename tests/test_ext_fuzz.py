"""Property-based test of incremental builds: random edit sequences on a small generated book.

After every edit, an incremental build must equal a clean build of the same sources:
every page body (tables, summaries, link headers, roles), the JSON and CSV export, and
the warnings (an incremental build repeats only the warnings of what it re-read, so
its warnings must be a subset of the clean build's, and include all of those that
belong to a document it re-read, and all the date warnings after the build date moved).

The edits come from a seeded generator (no extra dependency): links, definitions,
documents, toctree order, prose with roles, .bib entries, ``cm_*`` values, the table's
view (to and from ``overview``, whose rows the Key messages link to), review dates and
statuses, and the build date (``SOURCE_DATE_EPOCH``), which alone decides whether a
review is overdue or a status outdated. A failing
sequence is shrunk (edits dropped while it still fails) and printed as a list of
edits; paste it into ``REGRESSIONS`` below, where it becomes an ordinary test.

Profiles: the default, inside ``nox -s tests``, runs a few short sequences (about a
minute). ``nox -s fuzz`` sets ``CM_FUZZ_RUNS``/``CM_FUZZ_STEPS`` for a long run before a
release; ``CM_FUZZ_SEED`` replays one seed.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE_CONF, Built

CONDITIONS = ("knee", "back", "hip")
MECHANISMS = ("paracrine", "regen")
LEVELS = ("preclinical", "early-clinical", "rct", "systematic-review")
FINDINGS = ("positive", "mixed", "negative")
#: Certainties of effects and harms; the findings an effect can have besides FINDINGS.
CERTAINTIES = ("high", "moderate", "low", "very-low", "not-rated")
GAPS = ("not-reported", "not-measured")
SEEN = ("Knee swelling in 1 of 4", "Pain for a few days", "Serious side effects were rare")
#: Approvals: where, what kind, what they do not cover; where the book looked, and how far.
PLACES = ("Korea", "Japan", "India")
APPROVAL_KINDS = ("full", "conditional, time-limited")
NOT_FOR = ("", "knee pain in general", "pain")
EXTENTS = ("all", "named", "none")
#: Keys the generated links cite; only some are in the .bib at any time.
KEYS = ("alpha2020", "beta2019", "gamma2021", "delta2022")
VIEWS = ("matrix", "overview", "transposed", "list")
#: Review and as-of dates: current, old, after the default build date, and far in the future.
DATES = ("2026-11-01", "2025-06-01", "2026-12-20", "9999-06-01")
#: Build dates (SOURCE_DATE_EPOCH): 2026-12-01 (conftest's), 2027-06-01 and 2028-01-01.
EPOCHS = ("1796083200", "1811808000", "1830297600")

Edit = tuple[Any, ...]


@dataclass
class Book:
    """The generated book as data; :meth:`write` turns it into a Sphinx project."""

    chapters: list[str] = field(default_factory=lambda: ["c1", "c2", "c3"])
    #: chapter -> its directives, as ("def", kind, id, name) / ("link", cond, mech, level, finding, keys)
    #: / ("effect", cond, level, finding, certainty, rated_by, keys) / ("harm", cond, level, seen, certainty,
    #: rated_by, keys) / ("prose", text) / ("matrix",) entries, in page order.
    content: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {
            "c1": [
                ("def", "condition", "knee", "Knee pain"),
                ("def", "mechanism", "paracrine", "Paracrine"),
                ("link", "knee", "paracrine", "rct", "positive", ("alpha2020",)),
            ],
            "c2": [
                ("def", "condition", "back", "Back pain"),
                ("def", "mechanism", "regen", "Regeneration"),
                ("link", "back", "regen", "preclinical", "positive", ("gamma2021",)),
                ("prose", "See {cm:cond}`knee`."),
            ],
            "c3": [
                ("link", "knee", "regen", "early-clinical", "mixed", ("alpha2020", "gamma2021")),
                ("prose", "See {cm:mech}`regen`."),
            ],
        }
    )
    bib: list[tuple[str, int]] = field(default_factory=lambda: [("alpha2020", 2020), ("gamma2021", 2021)])
    config: dict[str, Any] = field(default_factory=dict)
    #: The view of the table page's first matrix.
    view: str = "overview"
    #: chapter -> its review date, and chapter -> (condition, as-of) of its status.
    reviews: dict[str, str] = field(default_factory=lambda: {"c1": "2026-11-01"})
    statuses: dict[str, tuple[str, str]] = field(default_factory=lambda: {"c2": ("back", "2026-11-01")})
    #: SOURCE_DATE_EPOCH of the builds.
    epoch: str = EPOCHS[0]

    def write(self, src: Path) -> None:
        """Write the project: only the files whose text changed (and set the build date)."""
        os.environ["SOURCE_DATE_EPOCH"] = self.epoch  # conftest's build_date fixture restores it
        files = {
            "conf.py": CONF + "".join(f"{name} = {value!r}\n" for name, value in sorted(self.config.items())),
            "index.md": "# Book\n\n```{toctree}\n"
            + "\n".join([*self.chapters, "table", "keys", "bibliography"])
            + "\n```\n",
            "table.md": TABLES.format(view=self.view),
            "keys.md": "# Key messages\n\n:::{cm:key-messages} knee\n:::\n",
            "bibliography.md": "# References\n\n```{bibliography}\n```\n",
            "refs.bib": "".join(
                f"@article{{{key},\n  author = {{{key[:-4].capitalize()}, A.}},\n  title = {{Study {key}}},\n"
                f"  journal = {{J}},\n  year = {{{year}}},\n}}\n\n"
                for key, year in self.bib
            ),
            **{f"{doc}.md": self.page(doc) for doc in self.chapters},
        }
        for old in src.glob("c*.md"):
            if old.name not in files:
                old.unlink()
        for name, text in files.items():
            path = src / name
            if path.is_file() and path.read_text(encoding="utf-8") == text:
                continue
            new = not path.exists()
            path.write_text(text, encoding="utf-8")  # an edit: newer than the last build read it
            if new:  # older than any build, so that only real edits look changed
                os.utime(path, (1e9, 1e9))

    def page(self, doc: str) -> str:
        parts = [f"# Chapter {doc}\n"]
        if doc in self.reviews:
            parts.append(f":::{{cm:reviewed}} {self.reviews[doc]}\n:::\n")
        if doc in self.statuses:
            condition, as_of = self.statuses[doc]
            parts.append(
                f":::{{cm:status}} {condition}\n:as-of: {as_of}\n:summary: Not approved\n:cite: alpha2020\n:::\n"
            )
        for number, item in enumerate(self.content.get(doc, [])):
            if item[0] == "def":
                parts.append(f":::{{cm:{item[1]}}} {item[2]}\n:name: {item[3]}\n:::\n")
            elif item[0] == "link":
                cond, mech, level, finding, keys = item[1:]
                parts.append(
                    f"## Evidence {number % 2}\n\n:::{{cm:link}}\n:condition: {cond}\n:mechanism: {mech}\n"
                    f":level: {level}\n:finding: {finding}\n:cite: {', '.join(keys)}\n\nText {number}.\n:::\n"
                )
            elif item[0] in ("effect", "harm"):
                cond, level, value, grade, rater, keys = item[1:]
                option = f":outcome: pain\n:finding: {value}" if item[0] == "effect" else f":seen: {value}"
                rated = f":certainty: {grade}\n" if item[0] == "harm" or value not in GAPS else ""
                rated += f":rated-by: {rater}\n" if rater else ""
                parts.append(
                    f":::{{cm:{item[0]}}}\n:condition: {cond}\n:level: {level}\n{option}\n{rated}"
                    f":cite: {', '.join(keys)}\n\nText {number}.\n:::\n"
                )
            elif item[0] == "approval":
                cond, place, kind, not_for, keys = item[1:]
                limit = f":not-for: {not_for}\n" if not_for else ""
                parts.append(
                    f":::{{cm:approval}}\n:condition: {cond}\n:jurisdiction: {place}\n:product: Cel {number}\n"
                    f":kind: {kind}\n:covers: defects\n{limit}:source: maker\n:cite: {', '.join(keys)}\n:::\n"
                )
            elif item[0] == "checked":
                ident, extent = item[1:]
                parts.append(
                    f":::{{cm:checked}} {ident}\n:name: {ident.upper()}\n:extent: {extent}\n:how: a list\n"
                    ":as-of: 2026-11-01\n:cite: alpha2020\n:::\n"
                )
            elif item[0] == "prose":
                parts.append(item[1] + "\n")
            else:
                parts.append(":::{cm:matrix}\n:caption: In the chapter\n:::\n")
        return "\n".join(parts)


TABLES = (
    "# Table\n\n:::{{cm:matrix}}\n:view: {view}\n:::\n\n"
    ":::{{cm:matrix}}\n:view: list\n:::\n\n:::{{cm:summary}} knee\n:::\n"
)
#: The warnings that depend on the build date: after it moves, an incremental build gives them all.
DATED = re.compile(r"\[condmech\.(review_overdue|status_outdated|invalid_date)\]$")
CONF = (
    BASE_CONF
    + """\
numfig = True


def setup(app):
    app.cm_read = set()
    app.connect("env-before-read-docs", lambda app, env, docnames: app.cm_read.update(docnames))
    app.cm_written = set()
    app.connect("doctree-resolved", lambda app, doctree, docname: app.cm_written.add(docname))
"""
)


def apply(book: Book, edit: Edit) -> None:
    """Apply one edit; an edit that does not fit the book (after shrinking) does nothing."""
    name, *args = edit
    docs = book.chapters
    if name == "add":  # (chapter index, item)
        doc = docs[args[0] % len(docs)] if docs else None
        if doc:
            book.content.setdefault(doc, []).insert(args[1] % (len(book.content[doc]) + 1), args[2])
    elif name == "remove" and docs:  # (chapter index, item index)
        items = book.content.get(docs[args[0] % len(docs)], [])
        if items:
            items.pop(args[1] % len(items))
    elif name == "change" and docs:  # (chapter index, item index, field, value): a level, name or finding
        items = book.content.get(docs[args[0] % len(docs)], [])
        if items:
            index = args[1] % len(items)
            item = list(items[index])
            if item[0] in ("def", "link") and args[2] < len(item):
                item[args[2]] = args[3]
                items[index] = tuple(item)
    elif name == "rate" and docs:  # (chapter index, item index, certainty, rated_by): an effect's or harm's rating
        items = book.content.get(docs[args[0] % len(docs)], [])
        rated = [i for i, item in enumerate(items) if item[0] in ("effect", "harm")]
        if rated:
            index = rated[args[1] % len(rated)]
            items[index] = (*items[index][:4], args[2], args[3], items[index][6])
    elif name == "limit" and docs:  # (chapter index, item index, text): what an approval does not cover
        items = book.content.get(docs[args[0] % len(docs)], [])
        found = [i for i, item in enumerate(items) if item[0] == "approval"]
        if found:
            index = found[args[1] % len(found)]
            items[index] = (*items[index][:4], args[2], items[index][5])
    elif name == "see" and docs:  # (chapter index, item index, text): what a harm saw
        items = book.content.get(docs[args[0] % len(docs)], [])
        harms = [i for i, item in enumerate(items) if item[0] == "harm"]
        if harms:
            index = harms[args[1] % len(harms)]
            items[index] = (*items[index][:3], args[2], *items[index][4:])
    elif name == "new_doc":
        if args[0] not in docs:
            docs.insert(args[1] % (len(docs) + 1), args[0])
            book.content[args[0]] = list(args[2])
    elif name == "delete_doc" and len(docs) > 1:
        book.content.pop(docs.pop(args[0] % len(docs)), None)
    elif name == "swap" and len(docs) > 1:
        i, j = args[0] % len(docs), args[1] % len(docs)
        docs[i], docs[j] = docs[j], docs[i]
    elif name == "bib_add":
        if args[0] not in {key for key, _ in book.bib}:
            book.bib.insert(args[1] % (len(book.bib) + 1), (args[0], args[2]))
    elif name == "bib_remove" and len(book.bib) > 1:
        book.bib = [entry for entry in book.bib if entry[0] != args[0]] or book.bib
    elif name == "bib_year":
        book.bib = [(key, args[1] if key == args[0] else year) for key, year in book.bib]
    elif name == "view":
        book.view = args[0]
    elif name in ("review", "status") and docs:  # (chapter index, date or None[, condition])
        dated = book.reviews if name == "review" else book.statuses
        doc = docs[args[0] % len(docs)]
        if args[1] is None:
            dated.pop(doc, None)
        else:
            dated[doc] = args[1] if name == "review" else (args[2], args[1])
    elif name == "date":
        book.epoch = args[0]
    elif name == "config":
        if args[1] is None:
            book.config.pop(args[0], None)
        else:
            book.config[args[0]] = args[1]


def random_rating(rng: random.Random, keys: tuple[str, ...]) -> tuple[str, str]:
    """A certainty and who rated it (a cited key or the editors; nobody when not rated)."""
    grade = rng.choice(CERTAINTIES)
    return grade, "" if grade == "not-rated" else rng.choice(["editors", keys[0]])


def random_item(rng: random.Random) -> tuple[Any, ...]:
    kinds = ["def", "link", "link", "prose", "matrix"] if rng.random() < 0.1 else ["def", "link", "effect", "harm"]
    kind = rng.choice([*kinds, "approval", "checked"] if rng.random() < 0.3 else kinds)
    if kind == "approval":
        keys = (rng.choice(KEYS),)
        return (kind, rng.choice(CONDITIONS), rng.choice(PLACES), rng.choice(APPROVAL_KINDS), rng.choice(NOT_FOR), keys)
    if kind == "checked":
        return (kind, rng.choice(("us", "eu")), rng.choice(EXTENTS))
    if kind in ("effect", "harm"):
        keys = tuple(rng.sample(KEYS, rng.choice([1, 1, 2])))
        value = rng.choice(FINDINGS + GAPS if kind == "effect" else SEEN)
        return (kind, rng.choice(CONDITIONS), rng.choice(LEVELS), value, *random_rating(rng, keys), keys)
    if kind == "def":
        if rng.random() < 0.5:
            return ("def", "condition", rng.choice(CONDITIONS), rng.choice(["Knee pain", "Back pain", "Hip", "Pain"]))
        return ("def", "mechanism", rng.choice(MECHANISMS), rng.choice(["Paracrine", "Regeneration", "Repair"]))
    if kind == "link":
        keys = tuple(rng.sample(KEYS, rng.choice([1, 1, 2])))
        return ("link", rng.choice(CONDITIONS), rng.choice(MECHANISMS), rng.choice(LEVELS), rng.choice(FINDINGS), keys)
    if kind == "prose":
        role = rng.choice(["cond", "mech"])
        return ("prose", f"See {{cm:{role}}}`{rng.choice(CONDITIONS if role == 'cond' else MECHANISMS)}`.")
    return ("matrix",)


def random_edit(rng: random.Random) -> Edit:
    kind = rng.choices(
        [
            "add", "remove", "change", "rate", "see", "limit", "new_doc", "delete_doc", "swap", "bib_add",
            "bib_remove", "bib_year", "config", "view", "review", "status", "date",
        ],
        weights=[4, 2, 2, 2, 1, 1, 1, 1, 3, 2, 1, 2, 2, 2, 2, 1, 2],
    )[0]  # fmt: skip
    n = rng.randrange(100)
    if kind == "add":
        return ("add", n, rng.randrange(100), random_item(rng))
    if kind == "remove":
        return ("remove", n, rng.randrange(100))
    if kind == "change":
        field_, value = rng.choice([(3, rng.choice(LEVELS)), (4, rng.choice(FINDINGS)), (3, "Renamed")])
        return ("change", n, rng.randrange(100), field_, value)
    if kind == "rate":
        return ("rate", n, rng.randrange(100), *random_rating(rng, (rng.choice(KEYS),)))
    if kind == "limit":
        return ("limit", n, rng.randrange(100), rng.choice(NOT_FOR))
    if kind == "see":
        return ("see", n, rng.randrange(100), rng.choice(SEEN))
    if kind == "new_doc":
        return ("new_doc", f"c{rng.randrange(4, 9)}", n, [random_item(rng) for _ in range(rng.randrange(1, 3))])
    if kind == "delete_doc":
        return ("delete_doc", n)
    if kind == "swap":
        return ("swap", n, rng.randrange(100))
    if kind == "bib_add":
        return ("bib_add", rng.choice(KEYS), rng.randrange(3), rng.randrange(2015, 2025))
    if kind == "bib_remove":
        return ("bib_remove", rng.choice(KEYS))
    if kind == "bib_year":
        return ("bib_year", rng.choice(KEYS), rng.randrange(2015, 2025))
    if kind == "view":
        return ("view", rng.choice(VIEWS))
    if kind in ("review", "status"):
        date = rng.choice([*DATES, None])
        return (kind, n, date) if kind == "review" else (kind, n, date, rng.choice(CONDITIONS))
    if kind == "date":
        return ("date", rng.choice(EPOCHS))
    return rng.choice(
        [
            ("config", "cm_export_formats", rng.choice([["csv"], ["json"], ["json", "csv"], None])),
            ("config", "cm_matrix_caption", rng.choice(["Evidence table", None])),
            ("config", "cm_require_citations", rng.choice([False, None])),
        ]
    )


BODY = re.compile(r'<div class="body" role="main">(.*?)<div class="sphinxsidebar"', re.S)
LOCATION = re.compile(r"^(?P<path>\S+?):(?:\d+:)? (?:WARNING|ERROR)")


def snapshot(built: Built, src: Path) -> tuple[dict[str, str], dict[str, str | None], list[str]]:
    """(page bodies, export files, warnings with the source folder replaced)."""
    out = built.outdir
    pages = {
        page.stem: BODY.search(page.read_text(encoding="utf-8")).group(1)
        for page in out.glob("*.html")
        if page.stem not in {"genindex", "search"}
    }
    data = {fmt: p.read_text(encoding="utf-8") if (p := out / "_static" / f"condition-mechanism.{fmt}").is_file()
            else None for fmt in ("json", "csv")}  # fmt: skip
    warnings = sorted(line.replace(str(src), "<src>") for line in built.warnings)
    return pages, data, warnings


def warning_doc(line: str) -> str | None:
    match = LOCATION.match(line)
    return Path(match["path"]).stem if match and match["path"].startswith("<src>/") else None


Builder = Callable[..., Built]


def check(edits: list[Edit], build: Builder, tmp: Path, parallel: int) -> str | None:
    """Apply *edits* one by one; return the first difference from a clean build, or None."""
    book = Book()
    src = tmp / "src"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    book.write(src)
    build(src, parallel=parallel)
    for step, edit in enumerate(edits):
        before = book.epoch
        apply(book, edit)
        book.write(src)
        again = build(src, freshenv=False, parallel=parallel)
        clean_src = tmp / "clean"
        shutil.rmtree(clean_src, ignore_errors=True)
        shutil.copytree(src, clean_src, ignore=shutil.ignore_patterns("_build"))
        clean = build(clean_src, parallel=parallel)
        pages, data, warnings = snapshot(again, src)
        clean_pages, clean_data, clean_warnings = snapshot(clean, clean_src)
        stale = [doc for doc in clean_pages if pages.get(doc) != clean_pages[doc]]
        problem = ""
        if stale:
            problem = f"pages differ from a clean build: {stale}"
        elif data != clean_data:
            problem = "the export differs from a clean build"
        elif not set(warnings) <= set(clean_warnings):
            problem = f"warnings a clean build does not give: {sorted(set(warnings) - set(clean_warnings))}"
        else:
            missing = [
                w
                for w in clean_warnings
                if (warning_doc(w) in again.app.cm_read or (book.epoch != before and DATED.search(w)))
                and w not in warnings
            ]
            if missing:
                problem = f"warnings of re-read documents missing: {missing}"
        if problem:
            return f"after edit {step} ({edit!r}), -j {parallel or 1}: {problem}"
    return None


def shrink(edits: list[Edit], fails: Callable[[list[Edit]], bool]) -> list[Edit]:
    """Drop edits one at a time while the sequence still fails (a simple delta debugging)."""
    index = 0
    while index < len(edits):
        candidate = edits[:index] + edits[index + 1 :]
        if fails(candidate):
            edits = candidate
        else:
            index += 1
    return edits


#: Shrunk failures found by this test, kept as ordinary regression tests: (edits, parallel).
REGRESSIONS: dict[str, tuple[list[Edit], int]] = {
    "toctree-swap-changes-first-definition": (
        [("add", 2, 0, ("def", "condition", "knee", "Other knee")), ("swap", 0, 2)],
        0,
    ),
    # the page note of an unknown id once listed the known ids, which change with other pages
    "unknown-id-note-after-definitions-deleted": (
        [
            ("add", 98, 69, ("link", "back", "regen", "systematic-review", "mixed", ("beta2019", "alpha2020"))),
            ("delete_doc", 13),
            ("remove", 31, 64),
            ("delete_doc", 36),
        ],
        0,
    ),
    # issue 19: a certainty, who rated it, and what a harm saw, changed in one chapter
    "rating-and-seen-changed": (
        [
            ("add", 0, 0, ("effect", "knee", "rct", "positive", "low", "editors", ("alpha2020",))),
            ("add", 1, 0, ("harm", "knee", "early-clinical", "Pain for a few days", "not-rated", "", ("gamma2021",))),
            ("rate", 0, 0, "moderate", "alpha2020"),
            ("see", 1, 0, "Knee swelling in 1 of 4"),
            ("add", 2, 0, ("effect", "knee", "systematic-review", "not-reported", "not-rated", "", ("alpha2020",))),
        ],
        2,
    ),
    # issue 19: an approval's limit and where the book looked, changed on another page than the table's
    "approval-limit-and-checked": (
        [
            ("add", 0, 0, ("approval", "knee", "Korea", "full", "pain", ("alpha2020",))),
            ("add", 1, 0, ("checked", "us", "all")),
            ("limit", 0, 0, "knee pain in general"),
            ("add", 1, 0, ("checked", "eu", "none")),
            ("remove", 1, 0),
        ],
        2,
    ),
    "bib-entry-removed-then-restored": ([("bib_remove", "alpha2020"), ("bib_add", "alpha2020", 0, 2020)], 0),
    "export-formats-off-and-on": (
        [("config", "cm_export_formats", ["csv"]), ("config", "cm_export_formats", None)],
        2,
    ),
    # issue 21: staleness that only a clean build showed
    "build-date-moves-alone": ([("date", EPOCHS[2]), ("date", EPOCHS[0])], 0),
    "build-date-moves-alone-parallel": ([("review", 1, "2026-11-20"), ("date", EPOCHS[2])], 2),
    "view-from-and-to-overview": ([("view", "transposed"), ("view", "overview")], 0),
    "far-future-review-date": ([("review", 0, "9999-06-01"), ("date", EPOCHS[2])], 0),
}


@pytest.mark.parametrize(("edits", "parallel"), REGRESSIONS.values(), ids=REGRESSIONS.keys())
def test_regression_sequence(build, tmp_path, edits, parallel):
    assert check(edits, build, tmp_path, parallel) is None


RUNS = int(os.environ.get("CM_FUZZ_RUNS", "4"))
STEPS = int(os.environ.get("CM_FUZZ_STEPS", "6"))
SEEDS = [int(os.environ["CM_FUZZ_SEED"])] if "CM_FUZZ_SEED" in os.environ else list(range(RUNS))


@pytest.mark.parametrize("parallel", [0, 2])
@pytest.mark.parametrize("seed", SEEDS)
def test_random_edits_keep_incremental_equal_to_clean(build, tmp_path, seed, parallel):
    rng = random.Random(f"{seed}-{parallel}")
    edits = [random_edit(rng) for _ in range(STEPS)]
    problem = check(edits, build, tmp_path, parallel)
    if problem is not None:
        shrunk = shrink(edits, lambda candidate: check(candidate, build, tmp_path, parallel) is not None)
        pytest.fail(f"{problem}\nshrunk sequence for REGRESSIONS (parallel={parallel}):\n{shrunk!r}")
