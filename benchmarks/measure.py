"""Run one build as a child process and measure it: wall time, CPU time, peak memory, documents."""

from __future__ import annotations

import compileall
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: "reading sources... [ 50%] chapter" / "writing output... [ 50%] chapter" (one line per document).
PROGRESS = re.compile(r"^(reading sources|writing output)\.\.\. \[\s*\d+%\] (\S+)\s*$", re.MULTILINE)
WARNING = re.compile(r"\b(WARNING|ERROR|CRITICAL)\b")
#: Runs the command as its own child and writes that child's peak memory (kB) to argv[1]. A process
#: forked from this (large) harness would report the harness's own size as its peak; one forked
#: from a fresh, small interpreter reports its true peak.
LAUNCHER = """\
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as file:
    file.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def compile_bytecode(*folders: Path) -> None:
    """Write the bytecode of the Python modules in *folders*, as an installed package has it.

    Builds are timed with the extension installed in editable mode: without bytecode, Python would
    compile it from source in every build where ``PYTHONDONTWRITEBYTECODE`` is set (as on the
    project's machines), about 30 ms a build that Sphinx, sphinx-needs and the todo extension,
    installed with theirs, do not pay.
    """
    for folder in folders:
        compileall.compile_dir(folder, quiet=1)


@dataclass
class Run:
    """One measured child process."""

    wall_s: float
    cpu_s: float
    peak_mb: float
    warnings: int = 0
    read: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.wall_s:.1f} s wall, {self.cpu_s:.1f} s CPU, {self.peak_mb:.0f} MB, "
            f"read {len(self.read)}, wrote {len(self.written)}, {self.warnings} warnings"
        )

    def as_dict(self, *, names: bool = False) -> dict[str, Any]:
        """Rounded figures; the documents as counts, and also by name when *names*."""
        data: dict[str, Any] = {key: round(getattr(self, key), 3) for key in ("wall_s", "cpu_s", "peak_mb")}
        data.update(warnings=self.warnings, read=len(self.read), written=len(self.written))
        if names:
            data.update(read_docs=self.read, written_docs=self.written)
        return data


class BuildFailed(RuntimeError):
    """A measured command exited with an error (its log says why)."""


def run(command: Sequence[str], log: Path, *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run *command*; its wall time, CPU time and peak memory (``wait4``: that process and its children only).

    Standard output goes to ``<log>.out`` (parsed for the documents read and written),
    standard error to ``<log>.err`` (warnings counted).
    """
    return run_together([(command, log)], cwd=cwd, env=env)[0]


def run_together(
    jobs: Sequence[tuple[Sequence[str], Path]], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> list[Run]:
    """Start every ``(command, log)`` of *jobs* at once and measure each as :func:`run` does.

    On a machine whose speed drifts, builds that run at the same time on separate cores
    see the same speed, so their ratio is steadier than that of builds run one after
    the other (they also share the memory bus and caches, equally).
    """
    child_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    started: dict[int, tuple[int, float, subprocess.Popen[bytes], Path]] = {}
    for index, (command, log) in enumerate(jobs):
        log.parent.mkdir(parents=True, exist_ok=True)
        out, err, peak = (log.with_suffix(suffix) for suffix in (".out", ".err", ".peak"))
        launched = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(peak), *command]
        with out.open("w", encoding="utf-8") as stdout, err.open("w", encoding="utf-8") as stderr:
            process = subprocess.Popen(launched, stdout=stdout, stderr=stderr, cwd=cwd, env=child_env)
        started[process.pid] = (index, time.perf_counter(), process, log)
    runs: list[Run | None] = [None] * len(jobs)
    while started:
        pid, status, usage = os.wait4(-1, 0)  # whichever finishes first
        if pid not in started:
            continue
        index, start, process, log = started.pop(pid)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out, err, peak = (log.with_suffix(suffix) for suffix in (".out", ".err", ".peak"))
        if process.returncode:
            for other in started.values():
                other[2].kill()
            raise BuildFailed(
                f"{' '.join(map(str, jobs[index][0]))} exited with {process.returncode}; see {out} and {err}"
            )
        progress = PROGRESS.findall(out.read_text(encoding="utf-8"))
        runs[index] = Run(
            wall_s=wall,
            cpu_s=usage.ru_utime + usage.ru_stime,
            peak_mb=int(peak.read_text(encoding="utf-8")) / 1024,  # kilobytes on Linux
            warnings=sum(1 for line in err.read_text(encoding="utf-8").splitlines() if WARNING.search(line)),
            read=[name for phase, name in progress if phase == "reading sources"],
            written=[name for phase, name in progress if phase == "writing output"],
        )
    return [r for r in runs if r is not None]


def sphinx(builder: str, src: Path, out: Path, doctrees: Path, *extra: str) -> list[str]:
    """The command of one serial Sphinx build (``-j 1``, so that runs compare)."""
    return [sys.executable, "-m", "sphinx", "-b", builder, "-j", "1", "-d", str(doctrees), *extra, str(src), str(out)]


def summary(runs: Sequence[Run], *, names: bool = False) -> dict[str, Any]:
    """Medians (and spread) of repeated runs, plus the raw runs."""
    walls = [r.wall_s for r in runs]
    return {
        "runs": len(runs),
        "wall_s": round(statistics.median(walls), 3),
        "wall_min_s": round(min(walls), 3),
        "wall_max_s": round(max(walls), 3),
        "cpu_s": round(statistics.median(r.cpu_s for r in runs), 3),
        "peak_mb": round(statistics.median(r.peak_mb for r in runs), 1),
        "warnings": max(r.warnings for r in runs),
        "raw": [r.as_dict(names=names) for r in runs],
    }
