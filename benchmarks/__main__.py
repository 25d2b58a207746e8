"""``python -m benchmarks`` (or ``nox -s bench -- OPTIONS``): run the benchmarks and write the report.

The default is the full set of issue 6 (about 75 minutes on 2 cores); ``--quick`` is
a few minutes. Explicit options override either.
"""

from __future__ import annotations

import argparse
import datetime
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from . import measure, report, suites, tables

ROOT = Path(__file__).parent.parent
RESULTS = ROOT / "benchmarks" / "results"
#: Corpora, builds and quick reports: under the build folder, which git ignores.
WORK = ROOT / "_build" / "bench"
SUITES = ("book", "corpus", "table")
PROFILES: dict[str, dict[str, Any]] = {
    "full": {
        "sizes": [10, 100, 1000],
        "theme_sizes": [100, 1000],
        "full_nav_sizes": [100],
        "fast_cite_sizes": [1000],
        "table_sizes": [100, 1000, 10_000, 100_000],
        "book_formats": ["pdf", "epub", "html"],
        "out": RESULTS,
    },
    "quick": {
        "sizes": [10, 100],
        "theme_sizes": [100],
        "full_nav_sizes": [],
        "fast_cite_sizes": [100],
        "table_sizes": [100, 1000, 10_000],
        "book_formats": ["epub", "html"],
        "out": WORK / "quick",
    },
}


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, no PDF, no N = 1,000")
    parser.add_argument("--suites", type=_names, default=list(SUITES), help=f"comma-separated, of {', '.join(SUITES)}")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median; default 3)")
    parser.add_argument("--sizes", type=_ints, help="corpus sizes in chapters (full: 10,100,1000)")
    parser.add_argument("--theme-sizes", type=_ints, help="sizes also built with sphinx-book-theme (full: 100,1000)")
    parser.add_argument(
        "--full-nav-sizes", type=_ints, help="sizes also built with the theme's full navigation (full: 100)"
    )
    parser.add_argument(
        "--fast-cite-sizes",
        type=_ints,
        help="sizes also built as plain, condmech and needs with the book's faster citation lookup (full: 1000)",
    )
    parser.add_argument(
        "--variants", type=_names, default=list(suites.VARIANTS), help=f"of {', '.join(suites.VARIANTS)} (default: all)"
    )
    parser.add_argument(
        "--before",
        default=suites.BEFORE,
        help=f"git revision whose extension the condmech-before variant builds with (default {suites.BEFORE})",
    )
    parser.add_argument("--links", type=int, default=3, help="condition–mechanism links per chapter (default 3)")
    parser.add_argument("--table-sizes", type=_ints, help="links in the table micro-benchmark (full: 100,...,100000)")
    parser.add_argument("--book-formats", type=_names, help="of pdf, epub, html (full: all three)")
    parser.add_argument(
        "--chapter", default="conditions/osteoarthritis", help="the chapter edited for incremental builds"
    )
    parser.add_argument(
        "--together",
        action="store_true",
        help="start the corpus builds of a round at the same time (for 2 variants on 2 cores)",
    )
    parser.add_argument("--work", type=Path, default=WORK, help="where corpora and builds go")
    parser.add_argument("--out", type=Path, help="where report.md and report.json go (full: benchmarks/results)")
    args = parser.parse_args(argv)
    for key, value in PROFILES["quick" if args.quick else "full"].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    for option, known in (("suites", SUITES), ("variants", suites.VARIANTS), ("book_formats", ("pdf", "epub", "html"))):
        if unknown := set(getattr(args, option)) - set(known):
            parser.error(f"unknown {option.replace('_', ' ')}: {', '.join(sorted(unknown))}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "schema": "condmech-bench/1",
        "generated": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": f"python -m benchmarks {shlex.join(sys.argv[1:] if argv is None else argv)}".rstrip(),
        "options": {key: value for key, value in vars(args).items() if key not in ("work", "out")},
        "machine": report.machine(),
        "load": {"start": report.load()},
    }
    args.work.mkdir(parents=True, exist_ok=True)
    measure.compile_bytecode(ROOT / "ext", ROOT / "docs" / "_ext")
    if "table" in args.suites:
        results["table"] = tables.bench(args.table_sizes, args.repeat, log)
    if "book" in args.suites:
        results["book"] = suites.book_suite(args.work, args.repeat, args.book_formats, args.chapter, log)
    if "corpus" in args.suites:
        results["corpus"] = suites.corpus_suite(
            args.work,
            args.sizes,
            args.theme_sizes,
            args.full_nav_sizes,
            args.fast_cite_sizes,
            args.repeat,
            args.links,
            log,
            args.variants,
            together=args.together,
            before=args.before,
        )
    results["load"]["end"] = report.load()
    results["duration_s"] = round(time.perf_counter() - started, 1)
    results["targets"] = report.targets(results)
    json_path, md_path = report.write(results, args.out)
    log(f"wrote {md_path} and {json_path} in {results['duration_s'] / 60:.1f} minutes")


if __name__ == "__main__":
    main()
