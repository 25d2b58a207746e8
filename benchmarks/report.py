"""The machine description, the targets (issues 6 and 22), and the report as JSON and Markdown."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = (
    "sphinx", "docutils", "myst-parser", "sphinxcontrib-bibtex", "sphinx-design", "sphinx-book-theme",
    "pydata-sphinx-theme", "alabaster", "sphinx-needs", "condmech",
)  # fmt: skip
TOOLS = (("xelatex", "--version"), ("latexmk", "--version"))
TARGET_SIZE = "1000"
MAX_OVERHEAD = 1.05
MIN_NEEDS_RATIO = 1.4
#: How far under sphinx.ext.todo's overhead the extension's must be, at every size (issue 22).
MIN_TODO_MARGIN = 0.05
#: Seconds a rebuild after a one-sentence prose edit may take (issue 13).
MAX_PROSE_REBUILD = 0.8


def _first_line(command: tuple[str, ...]) -> str:
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    except OSError:
        return "not installed"
    return next((line.strip() for line in output.splitlines() if line.strip()), "")


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor()
    match = re.search(r"^model name\s*:\s*(.+)$", text, flags=re.MULTILINE)
    return match.group(1).strip() if match else platform.processor()


def _memory_gb() -> float | None:
    try:
        match = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(encoding="utf-8"), re.MULTILINE)
    except OSError:
        return None
    return round(int(match.group(1)) / 1024**2, 1) if match else None


def machine() -> dict[str, Any]:
    """Cores, CPU, memory, OS, Python, package and tool versions."""
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "packages": versions,
        "tools": {command[0]: _first_line(command) for command in TOOLS},
    }


def load() -> list[float]:
    """1, 5 and 15-minute load averages: other users of a shared machine show here."""
    return [round(x, 2) for x in os.getloadavg()]


# -- targets -------------------------------------------------------------------------


def _target(target: str, measured: str | None, met: bool | None, note: str = "") -> dict[str, Any]:
    return {"target": target, "measured": measured, "met": met, "note": note}


def _under_todo(sizes: dict[str, Any]) -> dict[str, Any]:
    """The extension's overhead at least MIN_TODO_MARGIN under sphinx.ext.todo's, at every size
    (medians of the paired rounds' ratios); None where no size measured both."""
    margins, unmeasured = {}, []
    for n, size in sorted(sizes.items(), key=lambda item: int(item[0])):
        ours, todo = (size.get("ratios", {}).get(name) for name in ("condmech/plain", "todo/plain"))
        if ours and todo:
            margins[n] = (statistics.median(ours["paired_wall"]), statistics.median(todo["paired_wall"]))
        else:
            unmeasured.append(f"{int(n):,}")
    return _target(
        f"overhead at least {MIN_TODO_MARGIN * 100:.0f} points under sphinx.ext.todo's at every N "
        "(medians of the paired rounds' ratios)",
        "; ".join(
            f"N = {int(n):,}: {ours:.3f}x against {todo:.3f}x ({(todo - ours) * 100:+.1f} points)"
            for n, (ours, todo) in margins.items()
        )
        or None,
        all(todo - ours >= MIN_TODO_MARGIN - 1e-9 for ours, todo in margins.values()) if margins else None,
        f"not both measured at N = {', '.join(unmeasured)}" if unmeasured else "",
    )


def _incremental_target(name: str, edit: dict[str, Any]) -> dict[str, Any]:
    extra, missing, written = edit["unexpected"], edit["missing"], edit["written_docs"]
    notes = []
    if extra:
        notes.append(f"also rewrote {', '.join(extra)}")
    if missing:
        notes.append(f"did not rewrite {', '.join(missing)}")
    return _target(
        f"a {name} edit rewrites only the chapter, the table pages and the pages whose references changed",
        f"rewrote {', '.join(written)}",
        not extra and not missing,
        "; ".join(notes),
    )


def added(builds: dict[str, Any], name: str, key: str = "wall_s") -> float | None:
    """Seconds that variant *name* adds to the baseline's build (median against median)."""
    if name not in builds or "plain" not in builds:
        return None
    return builds[name][key] - builds["plain"][key]


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target (issues 6 and 22) with the measured value and whether it is met (None: not measured).

    Judged on wall time, as the issue asks; the CPU-time ratio is given alongside, since
    on a shared machine it is the steadier of the two.
    """
    size = results.get("corpus", {}).get("sizes", {}).get(TARGET_SIZE, {})
    ratios = size.get("ratios", {})
    ours, needs = (ratios.get(name) for name in ("condmech/plain", "needs/condmech"))
    fast = ratios.get("condmech-fastcite/plain-fastcite")
    paired = statistics.median(ours["paired_wall"]) if ours else None
    notes = [f"{(paired - MAX_OVERHEAD) * 100:.1f} points over"] if paired and paired > MAX_OVERHEAD else []
    if fast:
        notes.append(f"with the book's citation lookup in both builds: {fast['wall']:.3f}x (CPU {fast['cpu']:.3f}x)")
    if earlier := ratios.get("condmech-before/plain"):
        revision = results["corpus"].get("before", "the earlier revision")
        notes.append(
            f"the extension at {revision} in the same rounds: {statistics.median(earlier['paired_wall']):.3f}x "
            f"(CPU {earlier['cpu']:.3f}x)"
        )
    if ours and (page := size.get("table_page")):
        cost = _table_page_cost(page)
        notes.append(f"the table page alone adds {cost:.1f} s to a rebuild of the plain corpus's page")
    found = [
        _target(
            f"extension overhead at N = 1,000 at most {MAX_OVERHEAD:.2f}x (median of the paired rounds' ratios)",
            None
            if ours is None or paired is None
            else f"{paired:.3f}x (rounds {min(ours['paired_wall']):.2f} to {max(ours['paired_wall']):.2f}; "
            f"ratio of the medians {ours['wall']:.3f}x, best runs {ours['best']:.3f}x, CPU {ours['cpu']:.3f}x)",
            None if paired is None else paired <= MAX_OVERHEAD,
            "; ".join(notes),
        ),
        _under_todo(results.get("corpus", {}).get("sizes", {})),
    ]
    if needs is None:
        found.append(_target(f"sphinx-needs takes at least {MIN_NEEDS_RATIO}x our build time at N = 1,000", None, None))
    else:
        builds = size["builds"]
        theirs, own = added(builds, "needs"), added(builds, "condmech")
        notes = [f"{MIN_NEEDS_RATIO - needs['wall']:.2f} short"] if needs["wall"] < MIN_NEEDS_RATIO else []
        if theirs is not None and own:
            notes.append(f"over the baseline sphinx-needs adds {theirs:.1f} s, condmech {own:.1f} s")
        if fast_needs := ratios.get("needs-fastcite/condmech-fastcite"):
            notes.append(f"with the book's citation lookup in all builds: {fast_needs['wall']:.3f}x")
        found.append(
            _target(
                f"sphinx-needs takes at least {MIN_NEEDS_RATIO}x our build time at N = 1,000",
                f"{needs['wall']:.3f}x (best runs {needs['best']:.3f}x, CPU {needs['cpu']:.3f}x)",
                needs["wall"] >= MIN_NEEDS_RATIO,
                "; ".join(notes),
            )
        )
    found += [_incremental_target(name, edit) for name, edit in results.get("book", {}).get("incremental", {}).items()]
    if prose := results.get("book", {}).get("incremental", {}).get("prose"):
        floor = results["book"].get("floor")
        notes = [f"{(prose['wall_s'] - MAX_PROSE_REBUILD):.2f} s over"] if prose["wall_s"] > MAX_PROSE_REBUILD else []
        if floor:
            notes.append(
                f"the same edit in a one-chapter copy of the book (its conf.py, extensions and theme) took "
                f"{floor['wall_s']:.2f} s ({floor['wall_min_s']:.2f}–{floor['wall_max_s']:.2f}) in the same rounds"
            )
        spread = f"{prose['wall_min_s']:.2f}–{prose['wall_max_s']:.2f}, CPU {prose['cpu_s']:.2f} s"
        found.append(
            _target(
                f"a prose edit rebuilds in at most {MAX_PROSE_REBUILD} s",
                f"{prose['wall_s']:.2f} s ({spread})",
                prose["wall_s"] <= MAX_PROSE_REBUILD,
                "; ".join(notes),
            )
        )
    fits = results.get("table", {}).get("fit", {})
    if fit := fits.get("total_nogc"):
        top = results["table"]["sizes"][-2:]
        found.append(
            _target(
                "table construction grows linearly with the number of links (growth exponent 0.9 to 1.1)",
                f"exponent {fit['exponent']:.2f} from {top[0]['links']} to {top[1]['links']} links; "
                f"{fit['slope_us_per_link']:.1f} µs per link (R² {fit['r2']:.4f})",
                0.9 <= fit["exponent"] <= 1.1,
                f"with Python's garbage collector running: exponent {fits['total']['exponent']:.2f}, "
                f"{fits['total']['slope_us_per_link']:.1f} µs per link",
            )
        )
    return found


# -- output ----------------------------------------------------------------------------


def _s(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _met(value: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "not measured"}[value]


def markdown(results: dict[str, Any]) -> str:
    """The report as Markdown (everything in it comes from *results*)."""
    m = results["machine"]
    lines = [
        "# Benchmark report",
        "",
        f"Generated by `{results['command']}` on {results['generated']} in {results['duration_s'] / 60:.1f} minutes "
        f"(load average {results['load']['start']} at the start, {results['load']['end']} at the end).",
        "All builds are separate `python -m sphinx -j 1` processes; times are medians of "
        f"{results['options']['repeat']} runs, with the range; peak memory is the child's maximum resident set.",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, {m['os']}, Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
        + "; "
        + ", ".join(m["tools"].values())
        + ".",
        "",
        "## Targets",
        "",
    ]
    lines += _table(
        ["Target", "Measured", "Result", "Note"],
        [[t["target"], t["measured"] or "", _met(t["met"]), t["note"]] for t in results["targets"]],
    )
    if "book" in results:
        lines += _book(results["book"])
    if "corpus" in results:
        lines += _corpus(results["corpus"])
    if "table" in results:
        lines += _tables(results["table"])
    return "\n".join(lines).rstrip() + "\n"


def _spread(summary: dict[str, Any]) -> list[str]:
    """Median wall time, its range, CPU time and peak memory."""
    return [
        _s(summary["wall_s"]),
        f"{_s(summary['wall_min_s'])}–{_s(summary['wall_max_s'])}",
        _s(summary["cpu_s"]),
        f"{summary['peak_mb']:.0f}",
    ]


def _book(book: dict[str, Any]) -> list[str]:
    lines = ["## The real book", "", "Clean builds (`--keep-going -n`, as `nox -s book` without `-W`):", ""]
    lines += _table(
        ["Step", "Wall (s)", "Range (s)", "CPU (s)", "Peak (MB)", "Pages read / written", "Warnings"],
        [
            [step, *_spread(s), f"{s['raw'][-1]['read']} / {s['raw'][-1]['written']}", str(s["warnings"])]
            for step, s in book["clean"].items()
        ],
    )
    if not book["incremental"]:
        return lines
    lines += [
        f"Incremental HTML rebuilds after editing `{book['chapter']}` (each edit applied and undone in turn):",
        "",
    ]
    lines += _table(
        ["Edit", "Wall (s)", "Re-read", "Rewritten", "Target's pages", "Their toctree parents", "Beyond"],
        [
            [
                e["edit"],
                _s(e["wall_s"]),
                str(max(r["read"] for r in e["raw"])),
                str(max(r["written"] for r in e["raw"])),
                *(", ".join(e[key]) or "none" for key in ("core", "parents", "unexpected")),
            ]
            for e in book["incremental"].values()
        ],
    )
    lines += [
        "Target's pages: the chapter; for a changed link also the pages showing a table; for a renamed condition also "
        "the pages linking to it; for a new citation also the bibliography, which the extension has rewritten when a "
        "page cites other sources than before (sphinxcontrib-bibtex does not). Sphinx itself rewrites the toctree "
        "parents of every rewritten page.",
        "",
    ]
    if floor := book.get("floor"):
        lines += [
            f"The floor: the same prose edit in a one-chapter copy of the book (its `conf.py`, extensions, theme and "
            f"static files), in the same rounds, took {_s(floor['wall_s'])} s ({_s(floor['wall_min_s'])}–"
            f"{_s(floor['wall_max_s'])}): Python, Sphinx and the book's set-up starting and writing two short pages.",
            "",
        ]
    return lines


def _ratio(ratio: dict[str, Any] | None) -> str:
    if ratio is None:
        return ""
    paired = ", ".join(f"{p:.2f}" for p in ratio["paired_wall"])
    return f"{ratio['wall']:.3f} (best {ratio['best']:.3f}; CPU {ratio['cpu']:.3f}; rounds {paired})"


def _added(builds: dict[str, Any], name: str) -> str:
    wall, cpu = added(builds, name), added(builds, name, "cpu_s")
    return "" if wall is None or cpu is None else f"{wall:+.1f} ({cpu:+.1f})"


def _corpus(corpus: dict[str, Any]) -> list[str]:
    sizes = corpus["sizes"]
    lines = [
        "## Synthetic corpora",
        "",
        f"Chapters of about 1,000 words with {corpus['links_per_page']} condition–mechanism links each, citations and "
        "cross-references (`benchmarks/corpus.py`); clean HTML builds, interleaved"
        + (", the builds of each round started at the same time, one core each" if corpus.get("together") else "")
        + ". Variants:",
        "",
    ]
    lines += [f"- `{name}`: {label}" for name, label in corpus["variants"].items()]
    lines += ["", "Median wall time in seconds (range), CPU seconds and peak memory:", ""]
    names = list(corpus["variants"])
    lines += _table(
        ["N", "Links", "Variant", "Wall (s)", "Range (s)", "CPU (s)", "Peak (MB)", "Warnings"],
        [
            [n, str(size["links"]), name, *_spread(b), str(b["warnings"])]
            for n, size in sizes.items()
            for name in names
            if (b := size["builds"].get(name))
        ],
    )
    lines += ["Seconds added to the baseline's build (median wall time; CPU time):", ""]
    lines += _table(
        ["N", *(name for name in ("condmech", "todo", "needs") if name in names)],
        [
            [n, *(_added(size["builds"], name) for name in ("condmech", "todo", "needs") if name in names)]
            for n, size in sizes.items()
        ],
    )
    lines += [
        "Ratios of build time: of the median wall times (best: of the fastest runs; CPU: of the median CPU times; "
        "rounds: wall time paired round by round, a measure of the noise):",
        "",
    ]
    pairs = list(dict.fromkeys(k for size in sizes.values() for k in size["ratios"]))
    lines += _table(
        ["Ratio", *(f"N = {n}" for n in sizes)],
        [[pair, *(_ratio(size["ratios"].get(pair)) for size in sizes.values())] for pair in pairs],
    )
    pages = {n: size["table_page"] for n, size in sizes.items() if "table_page" in size}
    if pages:
        lines += [
            "The table page alone: incremental rebuilds after touching `table.md` on the environments of the "
            "clean builds (they rewrite the table page and the start page; in `plain` the page holds a paragraph):",
            "",
        ]
        lines += _table(
            ["N", "plain (s)", "condmech (s)", "Difference (s)"],
            [
                [n, _s(p["plain"]["wall_s"]), _s(p["condmech"]["wall_s"]), _s(_table_page_cost(p))]
                for n, p in pages.items()
            ],
        )
    return lines


def _table_page_cost(page: dict[str, Any]) -> float:
    """Seconds the condmech table page adds to a rebuild of the plain corpus's page (medians)."""
    return float(page["condmech"]["wall_s"] - page["plain"]["wall_s"])


def _tables(table: dict[str, Any]) -> list[str]:
    rows, grid = table["sizes"], table["grid"]
    lines = [
        "## Table construction",
        "",
        f"`condmech.matrix.build` + `condmech.render.render` (matrix view) in process, on a {grid[0]} x {grid[1]} "
        f"grid, median of {table['repeat']}; the last column with Python's cyclic garbage collector paused:",
        "",
    ]
    lines += _table(
        ["Links", "Build (ms)", "Render (ms)", "Total (ms)", "Per link (µs)", "Total, GC paused (ms)"],
        [
            [
                str(r["links"]),
                *(f"{r[key] * 1e3:.1f}" for key in ("build_s", "render_s", "total_s")),
                f"{r['total_s'] / r['links'] * 1e6:.1f}",
                f"{r['total_nogc_s'] * 1e3:.1f}",
            ]
            for r in rows
        ],
    )
    for key, label in (("total", "with GC"), ("total_nogc", "GC paused")):
        if fit := table.get("fit", {}).get(key):
            lines.append(
                f"- Linear fit, {label}: {fit['slope_us_per_link']:.1f} µs per link + {fit['intercept_ms']:.1f} ms "
                f"(R² {fit['r2']:.4f}); growth exponent between the two largest sizes {fit['exponent']:.2f}."
            )
    return [*lines, ""]


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks.report RESULTS/report.json``: re-judge the targets and rewrite both files."""
    path = Path((sys.argv[1:] if argv is None else argv)[0])
    results = json.loads(path.read_text(encoding="utf-8"))
    results["targets"] = targets(results)
    write(results, path.parent)


def write(results: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.md`` into *out*."""
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "report.json", out / "report.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(markdown(results), encoding="utf-8")
    return json_path, md_path


if __name__ == "__main__":
    main()
