"""The benchmark tools run, at a tiny size: the corpus generator, the harness and the report.

No timing is asserted: only that every build succeeds without warnings and that the
report holds what the contributor docs summarise.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parent.parent
NEEDS_ID = re.compile(r"^[A-Z0-9_]{5,}")  # sphinx-needs' default needs_id_regex


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The ``benchmarks`` package (it lives at the repository root and is not installed)."""
    monkeypatch.syspath_prepend(str(ROOT))
    for module in ("corpus", "measure", "tables"):
        importlib.import_module(f"benchmarks.{module}")
    return importlib.import_module("benchmarks")


def _cited(text: str) -> list[str]:
    """Citation keys in order, from ``{cite:p}`` roles and ``:cite:`` options alike."""
    keys = re.findall(r"\{cite:p\}`([^`]+)`|^:cite: (.+)$", text, flags=re.MULTILINE)
    return [key.strip() for pair in keys for group in pair if group for key in re.split(r"[,\s]+", group) if key]


def test_generator_writes_the_same_book_in_each_markup(bench: ModuleType, tmp_path: Path) -> None:
    pages, links = 3, 2
    texts = {}
    for markup in bench.corpus.MARKUPS:
        info = bench.corpus.generate(tmp_path / markup, pages, markup, links_per_page=links)
        assert info.links == pages * links
        chapters = sorted((tmp_path / markup).glob("part-*/chapter-*.md"))
        assert len(chapters) == pages
        texts[markup] = "\n".join(path.read_text(encoding="utf-8") for path in chapters)
        assert (tmp_path / markup / "references.bib").is_file()
    assert texts["condmech"].count(":::{cm:link}") == pages * links
    assert texts["todo"].count(":::{todo}") == pages * links
    ids = re.findall(r"^:id: (\S+)$", texts["needs"], flags=re.MULTILINE)
    assert len(ids) == len(set(ids)) == pages * links
    assert all(NEEDS_ID.match(ident) for ident in ids)
    assert "{cm:" not in texts["plain"] + texts["todo"] + texts["needs"]
    # Only the declarations differ: the same headings and the same citations, in the same order.
    headings = re.compile(r"^#+ .+$", flags=re.MULTILINE)
    for markup in ("plain", "todo", "needs"):
        assert headings.findall(texts[markup]) == headings.findall(texts["condmech"])
        assert _cited(texts[markup]) == _cited(texts["condmech"])
        assert texts[markup].count(f"Measured: {bench.corpus.MEASURED}.") == pages * links  # as condmech shows it
    assert "cm:matrix" in (tmp_path / "condmech" / "table.md").read_text(encoding="utf-8")


def test_fast_citations_change_only_conf_py(bench: ModuleType, tmp_path: Path) -> None:
    bench.corpus.generate(tmp_path / "slow", 2, "plain")
    bench.corpus.generate(tmp_path / "fast", 2, "plain", fast_citations=True)
    differ = [
        path.relative_to(tmp_path / "slow").as_posix()
        for path in sorted((tmp_path / "slow").rglob("*.*"))
        if path.read_bytes() != (tmp_path / "fast" / path.relative_to(tmp_path / "slow")).read_bytes()
    ]
    assert differ == ["conf.py"]
    assert 'register_plugin("pybtex.backends", "plaintext"' in (tmp_path / "fast" / "conf.py").read_text()


def test_fit_recovers_a_line(bench: ModuleType) -> None:
    sizes = [100, 1000, 10_000]
    fit = bench.tables.fit(sizes, [0.002 + 3e-6 * n for n in sizes])
    assert fit["slope_us_per_link"] == pytest.approx(3.0)
    assert fit["intercept_ms"] == pytest.approx(2.0)
    assert fit["r2"] == pytest.approx(1.0)
    assert fit["exponent"] == pytest.approx(math.log10(0.032 / 0.005))  # the fixed cost still shows
    quadratic = bench.tables.fit(sizes, [1e-9 * n * n for n in sizes])
    assert quadratic["exponent"] == pytest.approx(2.0)


def test_todo_target_asks_for_the_margin_at_every_size(bench: ModuleType) -> None:
    """Issue 22: the extension's overhead at least 5 points under todo's at every N, from the
    medians of the paired rounds' ratios (not the ratio of the median times)."""
    importlib.import_module("benchmarks.report")

    def size(ours: list[float], todo: list[float]) -> dict:
        return {"ratios": {"condmech/plain": {"paired_wall": ours}, "todo/plain": {"paired_wall": todo}}}

    under = bench.report._under_todo
    met = under({"100": size([1.04, 1.05, 1.2], [1.10, 1.11, 1.0]), "10": size([1.0, 1.0], [1.05, 1.05])})
    assert met["met"] is True
    assert met["measured"].startswith("N = 10: 1.000x against 1.050x (+5.0 points); N = 100:")
    missed = under({"10": size([1.0], [1.05]), "1000": size([1.10], [1.14])})
    assert missed["met"] is False and "(+4.0 points)" in missed["measured"]
    skipped = under({"10": {"ratios": {}}})
    assert skipped["met"] is None and skipped["note"] == "not both measured at N = 10"


def _harness(tmp_path: Path, *options: str) -> dict:
    out = tmp_path / "report"
    command = [sys.executable, "-m", "benchmarks", "--repeat", "1", "--work", str(tmp_path / "work"), "--out", str(out)]
    result = subprocess.run([*command, *options], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Benchmark report")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["machine"]["cores"] >= 1
    assert report["machine"]["packages"]["sphinx"]
    return report


def test_harness_measures_every_variant_and_the_table(tmp_path: Path) -> None:
    variants = [
        "plain",
        "condmech",
        "todo",
        "condmech-book",
        "condmech-book-fullnav",
        "plain-fastcite",
        "condmech-fastcite",
    ]
    if importlib.util.find_spec("sphinx_needs"):  # in the bench group, not the test group
        variants += ["needs", "needs-fastcite"]
    report = _harness(
        tmp_path, "--suites", "corpus,table", "--sizes", "2", "--theme-sizes", "2", "--full-nav-sizes", "2",
        "--fast-cite-sizes", "2", "--variants", ",".join(variants), "--table-sizes", "10,100",
    )  # fmt: skip
    size = report["corpus"]["sizes"]["2"]
    assert set(size["builds"]) == set(variants)
    for name, build in size["builds"].items():
        assert build["warnings"] == 0, name
        # 2 chapters, 1 part index, the table page, the bibliography and the root page.
        assert build["raw"][0]["read"] == build["raw"][0]["written"] == 6, name
        assert build["wall_s"] > 0 and build["peak_mb"] > 0
    assert "condmech/plain" in size["ratios"]
    assert "condmech-book/condmech" in size["ratios"]
    assert "condmech-fastcite/plain-fastcite" in size["ratios"]
    for name, page in size["table_page"].items():  # the table page alone: it and its parent, the start page
        assert page["raw"][0]["read_docs"] == ["table"], name
        assert sorted(page["raw"][0]["written_docs"]) == ["index", "table"], name
    assert [row["links"] for row in report["table"]["sizes"]] == [10, 100]
    # A fit is reported; its value is a timing, which a test does not judge (two sizes on a busy machine can
    # even give a negative slope).
    assert math.isfinite(report["table"]["fit"]["total"]["slope_us_per_link"])
    targets = {t["target"]: t for t in report["targets"]}
    overhead = "extension overhead at N = 1,000 at most 1.05x (median of the paired rounds' ratios)"
    assert targets[overhead]["met"] is None  # N = 1,000 not built


@pytest.mark.book
def test_harness_incremental_book_rebuild(tmp_path: Path) -> None:
    report = _harness(tmp_path, "--suites", "book", "--book-formats", "html")
    book = report["book"]
    assert book["clean"]["html"]["raw"][0]["written"] > 10
    chapter = book["chapter"]
    for name, edit in book["incremental"].items():
        assert edit["read_docs"] == [chapter], name
        assert set(edit["core"]) <= set(edit["written_docs"]), name
        assert edit["unexpected"] == [], name
    assert "back/condition-mechanism-table" in book["incremental"]["link"]["written_docs"]
    assert "back/condition-mechanism-table" not in book["incremental"]["prose"]["written_docs"]
    assert "back/bibliography" in book["incremental"]["cite"]["written_docs"]
    assert "back/bibliography" not in book["incremental"]["prose"]["written_docs"]
    # The floor: the same edit in a one-chapter copy of the book rewrites the chapter and its parent.
    assert [run["written"] for run in book["floor"]["raw"]] == [2] * book["floor"]["runs"]
    assert "a prose edit rebuilds in at most 0.8 s" in {t["target"] for t in report["targets"]}


def _progress(name: str, pause: float = 0.0) -> list[str]:
    """A command that waits *pause* seconds, then prints a Sphinx progress line reading *name*."""
    code = f"import time; time.sleep({pause}); print('reading sources... [100%] {name}')"
    return [sys.executable, "-c", code]


def test_run_together_measures_each_job_in_its_own_order(bench: ModuleType, tmp_path: Path) -> None:
    measure = bench.measure
    # The first job finishes last: each result must still be the job's own.
    runs = measure.run_together([(_progress("slow", 0.5), tmp_path / "a"), (_progress("fast"), tmp_path / "b")])
    assert [run.read for run in runs] == [["slow"], ["fast"]]
    assert all(run.peak_mb > 0 for run in runs)
    failing = [sys.executable, "-c", "raise SystemExit(3)"]
    with pytest.raises(measure.BuildFailed, match="exited with 3"):
        measure.run_together([(_progress("other", 5), tmp_path / "c"), (failing, tmp_path / "d")])


def test_harness_builds_a_round_together(tmp_path: Path) -> None:
    report = _harness(tmp_path, "--suites", "corpus", "--sizes", "2", "--variants", "plain,condmech", "--together")
    assert report["corpus"]["together"] is True
    size = report["corpus"]["sizes"]["2"]
    assert {name: build["raw"][0]["written"] for name, build in size["builds"].items()} == {"plain": 6, "condmech": 6}
    assert "started at the same time" in (tmp_path / "report" / "report.md").read_text(encoding="utf-8")


def test_harness_builds_the_extension_as_it_was_at_a_revision(tmp_path: Path) -> None:
    # HEAD's extension: the conf.py of condmech-before puts its archived copy first on sys.path and fails the
    # build if Sphinx imports the installed one instead.
    variants = "plain,condmech,condmech-before"
    report = _harness(tmp_path, "--suites", "corpus", "--sizes", "2", "--variants", variants, "--before", "HEAD")
    archived = tmp_path / "work" / "condmech-before" / "ext"
    assert (archived / "condmech" / "__init__.py").is_file()
    corpora = tmp_path / "work" / "corpus-2"
    assert f"sys.path.insert(0, {str(archived)!r})" in (corpora / "condmech-before" / "src" / "conf.py").read_text()
    assert "sys.path" not in (corpora / "condmech" / "src" / "conf.py").read_text()
    size = report["corpus"]["sizes"]["2"]
    assert {name: build["raw"][0]["written"] for name, build in size["builds"].items()} == {
        "plain": 6, "condmech": 6, "condmech-before": 6,
    }  # fmt: skip
    assert all(build["warnings"] == 0 for build in size["builds"].values())
    assert {"condmech-before/plain", "condmech/condmech-before"} <= set(size["ratios"])
    assert report["corpus"]["variants"]["condmech-before"].startswith("condmech as it was at commit HEAD")
    targets = {t["target"]: t for t in report["targets"]}
    assert targets["extension overhead at N = 1,000 at most 1.05x (median of the paired rounds' ratios)"]["met"] is None


def test_extension_at_a_revision_is_the_one_imported(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = bench.corpus.extension_at("HEAD", Path("old"))  # a relative --work folder, as in the docs' examples
    assert folder.is_absolute()  # Sphinx runs conf.py from the corpus's folder, not from here
    bench.corpus.generate(tmp_path / "corpus", 1, "condmech", extension=folder)
    conf = tmp_path / "corpus" / "conf.py"
    # As Sphinx runs it, in a fresh interpreter (this one has imported the installed condmech already).
    code = f"exec(open({str(conf)!r}).read()); print(condmech.__file__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(folder)
    # The guard in conf.py fails loudly if the installed extension were imported instead.
    code = f"import condmech; exec(open({str(conf)!r}).read())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "condmech imported from" in result.stderr
