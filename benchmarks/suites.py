"""The measured builds: the real book (clean and incremental) and the synthetic corpora.

Every build is a separate ``python -m sphinx`` process. Builds that are compared
with each other run interleaved, in alternating order (A B C, C B A, ...), so that
the load of a shared machine spreads over all of them.
"""

from __future__ import annotations

import pickle
import re
import shutil
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.recipe import Recipe

from . import corpus, measure

ROOT = Path(__file__).parent.parent

#: Not copied with the book. The rest is: the docs include files from the repository's root (such as
#: CONTRIBUTING.md), and the pages' "last updated" dates come from git.
COPY_IGNORE = {".venv", ".nox", "_build", "benchmarks"}

Log = Callable[[str], None]


def _rounds(repeat: int, items: Sequence[str]) -> list[list[str]]:
    """*items* in alternating order for each of *repeat* rounds."""
    return [list(items) if r % 2 == 0 else list(reversed(items)) for r in range(repeat)]


def _clean(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def _ratio(a: Sequence[measure.Run], b: Sequence[measure.Run]) -> dict[str, Any]:
    """a / b of the median wall and CPU times, of the fastest runs, and per round (the spread shows the noise)."""
    paired = [x.wall_s / y.wall_s for x, y in zip(a, b, strict=True)]
    return {
        "wall": round(statistics.median(r.wall_s for r in a) / statistics.median(r.wall_s for r in b), 3),
        "cpu": round(statistics.median(r.cpu_s for r in a) / statistics.median(r.cpu_s for r in b), 3),
        "best": round(min(r.wall_s for r in a) / min(r.wall_s for r in b), 3),
        "paired_wall": [round(p, 3) for p in paired],
    }


# -- the real book ---------------------------------------------------------------


ADDED = "\nA sentence added by the benchmark.\n"
CITED = "\nA sentence added by the benchmark, citing {{cite:p}}`{key}`.\n"
OTHER_FINDING = {"positive": "negative", "negative": "positive", "mixed": "positive"}


def _replace_first(pattern: str, text: str, replace: Callable[[str], str]) -> str:
    """*text* with the group captured by the first match of *pattern* replaced by ``replace(group)``."""
    match = re.search(pattern, text, flags=re.MULTILINE)
    if match is None:
        raise ValueError(f"the chapter has no line matching {pattern!r}")
    return text[: match.start(1)] + replace(match.group(1)) + text[match.end(1) :]


def _cite_new_key(text: str) -> str:
    """*text* and a sentence citing the first key of the bibliography that *text* does not cite."""
    key = next(key for key in corpus.bib_keys() if key not in text)
    return text + CITED.format(key=key)


#: Kinds of edit to one chapter: name -> (description, function from the original text to the edited one).
EDITS: dict[str, tuple[str, Callable[[str], str]]] = {
    "prose": ("one sentence of prose added or removed", lambda text: text + ADDED),
    "link": (
        "the :finding: of the chapter's first cm:link changed",
        lambda text: _replace_first(r"^:finding: (\w+)$", text, OTHER_FINDING.__getitem__),
    ),
    "name": (
        "the :name: of the chapter's cm:condition changed",
        lambda text: _replace_first(r"^:::\{cm:condition\} \S+\n:name: (.+)$", text, lambda name: name + " (revised)"),
    ),
    "cite": ("a sentence citing a source the chapter did not cite added or removed", _cite_new_key),
}


TABLE_CLASS = re.compile(r'class="[^"]*\bcm-(?:matrix|list-view|summary|overview|key-messages|changes)\b')
BIBLIOGRAPHY_CLASS = re.compile(r'class="[^"]*\bcitation-list\b')
CONDITION_ID = re.compile(r'id="(cm-condition-[^"]+)"')


def expected_pages(html: Path, doctrees: Path, chapter: str) -> dict[str, dict[str, list[str]]]:
    """For each kind of edit, the pages an incremental rebuild may rewrite, from a clean build's output.

    ``core``: what the target names: the chapter; for a changed link, also the pages
    showing a table, key messages or a list of changes (``cm:changes``); for a renamed
    condition, also the pages linking to it; for a new citation, also the bibliography
    pages. ``parents``: the pages whose toctree lists a core page (Sphinx rewrites them
    for any rewritten page).
    """
    with (doctrees / "environment.pickle").open("rb") as file:
        env = pickle.load(file)
    parents_of: dict[str, set[str]] = env.files_to_rebuild
    pages = {name: (html / f"{name}.html").read_text(encoding="utf-8") for name in env.all_docs}

    def parents(names: set[str]) -> set[str]:
        return {parent for name in names for parent in parents_of.get(name, ())} - names

    tables = {name for name, text in pages.items() if TABLE_CLASS.search(text)}
    anchor = CONDITION_ID.search(pages[chapter])
    linking = {name for name, text in pages.items() if anchor and f'#{anchor.group(1)}"' in text}
    bibliography = {name for name, text in pages.items() if BIBLIOGRAPHY_CLASS.search(text)}
    cores = {
        "prose": {chapter},
        "link": {chapter} | tables,
        "name": {chapter} | tables | linking,
        "cite": {chapter} | bibliography,
    }
    return {edit: {"core": sorted(core), "parents": sorted(parents(core))} for edit, core in cores.items()}


def book_suite(work: Path, repeat: int, formats: Sequence[str], chapter: str, log: Log) -> dict[str, Any]:
    """Clean builds per format, then incremental HTML rebuilds after each kind of edit."""
    book = work / "book"
    _clean(book)
    shutil.copytree(ROOT, book, ignore=lambda folder, names: COPY_IGNORE & set(names) if folder == str(ROOT) else ())
    docs, build = book / "docs", book / "_build"
    # The book's recipe without -W (a warning is counted, not fatal, in a benchmark), serial so that runs compare.
    builds = Recipe(out=build, docs=docs, strict=False, options=("-j", "1"))
    env = builds.env()

    def sphinx(builder: str, name: str) -> measure.Run:
        return measure.run(builds.sphinx(builder), book / "logs" / name, env=env)

    steps: dict[str, list[measure.Run]] = {}
    order = [f for f in ("pdf", "epub", "html") if f in formats]  # the order of `nox -s book`
    for round_number in range(1, repeat + 1):
        for fmt in order:
            _clean(build / "doctrees", *(build / d for d in (("latex", "pdf") if fmt == "pdf" else (fmt,))))
            if fmt == "pdf":
                steps.setdefault("latex", []).append(sphinx("latex", f"latex-{round_number}"))
                steps.setdefault("pdf", []).append(measure.run(builds.latexmk(), book / "logs" / f"pdf-{round_number}"))
                builds.finish("pdf")
            else:
                steps.setdefault(fmt, []).append(sphinx(fmt, f"{fmt}-{round_number}"))
            for step in ("latex", "pdf") if fmt == "pdf" else (fmt,):
                last = steps[step][-1]
                log(f"book {step} {round_number}/{repeat}: {last}")
    result: dict[str, Any] = {
        "chapter": chapter,
        "clean": {step: measure.summary(runs) for step, runs in steps.items()},
        "incremental": {},
    }
    if "html" not in formats:
        return result
    # Incremental: each edit is applied, then undone, then applied...; every rebuild sees one change.
    expected = expected_pages(build / "html", build / "doctrees" / "html", chapter)
    path = docs / f"{chapter}.md"
    original = path.read_text(encoding="utf-8")
    floor = floor_project(book, work / "floor")
    floor_builds = Recipe(out=floor / "_build", docs=floor / "docs", strict=False, options=("-j", "1"))
    measure.run(floor_builds.sphinx("html"), floor / "logs" / "clean", env=floor_builds.env())
    floor_runs: list[measure.Run] = []
    applied: set[str] = set()
    runs: dict[str, list[measure.Run]] = {}
    for round_number in range(1, repeat + 1):
        for name in EDITS:
            applied ^= {name}
            text = original
            for edit in (e for e in EDITS if e in applied):  # in a fixed order
                text = EDITS[edit][1](text)
            path.write_text(text, encoding="utf-8")
            run = sphinx("html", f"incremental-{name}-{round_number}")
            runs.setdefault(name, []).append(run)
            log(f"book edit {name} {round_number}/{repeat}: {run}")
        page = floor / "docs" / "chapter.md"
        page.write_text(FLOOR_PAGE + (ADDED if round_number % 2 else ""), encoding="utf-8")
        floor_runs.append(measure.run(floor_builds.sphinx("html"), floor / "logs" / f"edit-{round_number}", env=env))
        log(f"floor edit {round_number}/{repeat}: {floor_runs[-1]}")
    path.write_text(original, encoding="utf-8")
    result["floor"] = measure.summary(floor_runs)
    for name, edit_runs in runs.items():
        pages = expected[name]
        written = {doc for run in edit_runs for doc in run.written}
        allowed = {doc for key in ("core", "parents") for doc in pages[key]}
        result["incremental"][name] = {
            "edit": EDITS[name][0],
            **measure.summary(edit_runs, names=True),
            "read_docs": sorted({doc for run in edit_runs for doc in run.read}),
            "written_docs": sorted(written),
            **pages,
            "unexpected": sorted(written - allowed),
            "missing": sorted(allowed - written),
        }
    return result


#: The chapter of the floor project, under a start page with its table of contents.
FLOOR_PAGE = "# One chapter\n\nThe book's set-up with a single short chapter.\n"


def floor_project(book: Path, dest: Path) -> Path:
    """A copy of *book* with one short chapter: what any rebuild costs with the book's set-up.

    The same ``conf.py``, extensions, theme and static files. Editing the chapter rewrites
    it and the start page, as a prose edit in the book rewrites the chapter and its parent;
    the two are measured in the same rounds.
    """
    _clean(dest)
    shutil.copytree(book, dest, ignore=lambda folder, names: {"_build", "logs"} & set(names))
    for page in (dest / "docs").rglob("*.md"):
        page.unlink()
    (dest / "docs" / "index.md").write_text("# The floor\n\n```{toctree}\nchapter\n```\n", encoding="utf-8")
    (dest / "docs" / "chapter.md").write_text(FLOOR_PAGE, encoding="utf-8")
    return dest


# -- synthetic corpora ------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    markup: str
    label: str
    theme: str = "alabaster"
    full_navigation: bool = False
    fast_citations: bool = False
    #: Built with the extension as it was at the revision given to :func:`corpus_suite` (*before*).
    before: bool = False


#: The revision ``condmech-before`` builds with, unless told otherwise: main before issue 22's rendering work.
BEFORE = "1eb1b2a"
VARIANTS = {
    "plain": Variant("plain", "plain admonitions, no extension (baseline)"),
    "condmech": Variant("condmech", "condmech: cm:link + one cm:matrix"),
    "condmech-before": Variant(
        "condmech", "condmech as it was at commit {before}: cm:link + one cm:matrix", before=True
    ),
    "todo": Variant("todo", "sphinx.ext.todo: each link a todo + one todolist"),
    "needs": Variant("needs", "sphinx-needs: each link a need + one needtable"),
    "condmech-book": Variant(
        "condmech", "condmech, sphinx-book-theme (collapse_navbar, as the book)", "sphinx_book_theme"
    ),
    "condmech-book-fullnav": Variant(
        "condmech", "condmech, sphinx-book-theme default (full navigation)", "sphinx_book_theme", full_navigation=True
    ),
    "plain-fastcite": Variant("plain", "plain, with the book's faster citation lookup", fast_citations=True),
    "condmech-fastcite": Variant("condmech", "condmech, with the book's faster citation lookup", fast_citations=True),
    "needs-fastcite": Variant("needs", "sphinx-needs, with the book's faster citation lookup", fast_citations=True),
}
#: (numerator, denominator) pairs reported as ratios of build time.
RATIOS = (
    ("condmech", "plain"),
    ("condmech-before", "plain"),
    ("condmech", "condmech-before"),
    ("todo", "plain"),
    ("needs", "plain"),
    ("todo", "condmech"),
    ("needs", "condmech"),
    ("condmech-book", "condmech"),
    ("condmech-book-fullnav", "condmech"),
    ("condmech-fastcite", "plain-fastcite"),
    ("needs-fastcite", "plain-fastcite"),
    ("needs-fastcite", "condmech-fastcite"),
    ("plain-fastcite", "plain"),
)


def corpus_suite(
    work: Path,
    sizes: Sequence[int],
    theme_sizes: Sequence[int],
    full_nav_sizes: Sequence[int],
    fast_cite_sizes: Sequence[int],
    repeat: int,
    links: int,
    log: Log,
    variants: Sequence[str] = tuple(VARIANTS),
    together: bool = False,
    before: str = BEFORE,
) -> dict[str, Any]:
    """Clean HTML builds of each variant (of *variants*) of each size, interleaved.

    *together*: the builds of a round start at the same time (one core each), instead of
    one after the other; for two variants on a two-core machine. *before*: the git
    revision whose extension ``condmech-before`` builds with.
    """
    results: dict[str, Any] = {
        "links_per_page": links,
        "variants": {k: v.label.format(before=before) for k, v in VARIANTS.items()},
        "sizes": {},
        "together": together,
        "before": before,
    }
    extension = corpus.extension_at(before, work / "condmech-before") if "condmech-before" in variants else None
    if extension is not None:
        measure.compile_bytecode(extension)
    for size in sizes:
        names = ["plain", "condmech", "condmech-before", "todo", "needs"]
        names += ["condmech-book"] * (size in theme_sizes) + ["condmech-book-fullnav"] * (size in full_nav_sizes)
        names += ["plain-fastcite", "condmech-fastcite", "needs-fastcite"] * (size in fast_cite_sizes)
        names = [name for name in names if name in variants]
        base = work / f"corpus-{size}"
        words = {}
        for name in names:
            v = VARIANTS[name]
            generated = corpus.generate(
                base / name / "src",
                size,
                v.markup,
                links_per_page=links,
                theme=v.theme,
                full_navigation=v.full_navigation,
                fast_citations=v.fast_citations,
                extension=extension if v.before else None,
            )
            words[name] = generated.words
        runs: dict[str, list[measure.Run]] = {name: [] for name in names}
        for round_number, order in enumerate(_rounds(repeat, names), start=1):
            jobs = []
            for name in order:
                out, doctrees = base / name / "html", base / name / "doctrees"
                _clean(out, doctrees)
                command = measure.sphinx("html", base / name / "src", out, doctrees)
                jobs.append((command, base / name / f"log-{round_number}"))
            measured = measure.run_together(jobs) if together else [measure.run(*job) for job in jobs]
            for name, run in zip(order, measured, strict=True):
                runs[name].append(run)
                log(f"N={size} {name} {round_number}/{repeat}: {run}")
        results["sizes"][str(size)] = {
            "pages": size,
            "links": size * links,
            "words": words,
            "builds": {name: measure.summary(r) for name, r in runs.items()},
            "ratios": {f"{a}/{b}": _ratio(runs[a], runs[b]) for a, b in RATIOS if a in runs and b in runs},
        }
        if {"plain", "condmech"} <= set(names):
            results["sizes"][str(size)]["table_page"] = table_page_rebuilds(base, size, repeat, log)
    return results


def table_page_rebuilds(base: Path, size: int, repeat: int, log: Log) -> dict[str, Any]:
    """Incremental rebuilds after touching the table page, plain and condmech interleaved.

    They rewrite the table page (plus the start page, its parent) on the environments
    the clean builds left: what the table itself costs, apart from the chapters. In the
    plain corpus the page holds only a paragraph.
    """
    runs: dict[str, list[measure.Run]] = {"plain": [], "condmech": []}
    for round_number, order in enumerate(_rounds(repeat, list(runs)), start=1):
        for name in order:
            page = base / name / "src" / "table.md"
            page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            command = measure.sphinx("html", base / name / "src", base / name / "html", base / name / "doctrees")
            runs[name].append(measure.run(command, base / name / f"log-table-{round_number}"))
            log(f"N={size} {name} table page {round_number}/{repeat}: {runs[name][-1]}")
    return {name: measure.summary(r, names=True) for name, r in runs.items()}
