"""Micro-benchmark of the table code: ``condmech.matrix.build`` and ``condmech.render.render``, in process."""

from __future__ import annotations

import gc
import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from condmech import matrix, render
from condmech.config import CmConfig
from condmech.model import Assertion, Definition, TableRequest

CONDITIONS = 12
MECHANISMS = 10


def model(links: int, cfg: CmConfig, seed: int = 1) -> tuple[list[Definition], list[Definition], list[Assertion]]:
    """A 12 x 10 grid and *links* assertions spread over 1,000-link chapters, with two citations each."""
    rng = random.Random(seed)
    conditions = [
        Definition("condition", f"c{i}", f"Condition {i}", f"Condition {i}", "defs", f"c{i}", i)
        for i in range(CONDITIONS)
    ]
    mechanisms = [
        Definition("mechanism", f"m{i}", f"Mechanism {i}", f"Mechanism {i}", "defs", f"m{i}", i)
        for i in range(MECHANISMS)
    ]
    levels = [level.id for level in cfg.levels]
    findings = [finding.id for finding in cfg.findings]
    assertions = [
        Assertion(
            f"c{rng.randrange(CONDITIONS)}",
            f"m{rng.randrange(MECHANISMS)}",
            rng.choice(levels),
            rng.choice(findings),
            (f"key{rng.randrange(50)}", f"key{rng.randrange(50)}"),
            "",
            f"chapter-{n // 3:05d}",
            f"cm-link-{n}",
            n,
            f"Section {n % 7}",
        )
        for n in range(links)
    ]
    return conditions, mechanisms, assertions


def _median_time(function: Callable[[], object], repeat: int, *, collect: bool) -> float:
    """Median time of *function*, each call starting from a collected heap; *collect*: GC on during the call."""
    times = []
    for _ in range(repeat):
        gc.collect()
        if not collect:
            gc.disable()
        try:
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times)


def fit(xs: Sequence[float], ys: Sequence[float]) -> dict[str, float]:
    """Least-squares line y = intercept + slope x (with R²), and the growth exponent between the two largest sizes.

    The exponent is log(y2 / y1) / log(x2 / x1): 1 for linear growth, 2 for quadratic, where
    the fixed cost no longer matters.
    """
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    intercept = my - slope * mx
    total = sum((y - my) ** 2 for y in ys)
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return {
        "slope_us_per_link": slope * 1e6,
        "intercept_ms": intercept * 1e3,
        "r2": 1 - residual / total if total else 1.0,
        "exponent": math.log(ys[-1] / ys[-2]) / math.log(xs[-1] / xs[-2]),
    }


def bench(sizes: Sequence[int], repeat: int, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Median time of building the model and rendering the matrix view, per number of links.

    Timed twice: with Python's cyclic garbage collector running (as in a Sphinx build)
    and with it paused (the code's own cost, as ``timeit`` measures).
    """
    cfg = CmConfig()
    request = TableRequest("table", 1, "matrix", "", "", "")
    rows = []
    for size in sizes:
        conditions, mechanisms, assertions = model(size, cfg)
        known = {key for assertion in assertions for key in assertion.citations}
        grid = matrix.build(conditions, mechanisms, assertions, cfg)
        row: dict[str, float] = {"links": size}
        for suffix, collect in (("", True), ("_nogc", False)):
            build = _median_time(
                partial(matrix.build, conditions, mechanisms, assertions, cfg), repeat, collect=collect
            )
            rendered = _median_time(
                partial(render.render, request, grid, cfg, "Caption", known), repeat, collect=collect
            )
            row.update({f"build{suffix}_s": build, f"render{suffix}_s": rendered, f"total{suffix}_s": build + rendered})
        rows.append(row)
        log(
            f"table, {size} links: build {row['build_s'] * 1e3:.1f} ms, render {row['render_s'] * 1e3:.1f} ms "
            f"(GC paused: {row['total_nogc_s'] * 1e3:.1f} ms in all)"
        )
    result: dict[str, Any] = {"grid": [CONDITIONS, MECHANISMS], "repeat": repeat, "sizes": rows}
    if len(rows) > 1:
        xs = [row["links"] for row in rows]
        result["fit"] = {
            key: fit(xs, [row[f"{key}_s"] for row in rows]) for key in ("build", "render", "total", "total_nogc")
        }
    return result
