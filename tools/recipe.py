"""The one recipe for building the book: builders, flags, output folders and environment.

Everything that builds the book goes through this module: the nox sessions, the book
tests, the reproducibility check, the benchmarks and Read the Docs (through the command
line below). Nothing else spells out builders, flags or folders.

Layout of a build folder (``_build/`` by default)::

    latex/  pdf/<BOOK>.pdf  epub/<BOOK>.epub  html/  doctrees/<builder>/

Command line: ``python -m tools.recipe [--out DIR] [--lenient] [FORMAT ...]`` builds the
formats named (default: all three, in the order of ``FORMATS``). Standard library only, so
that nox's own interpreter can import it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: The base name of the PDF and EPUB files (``latex_documents`` and ``epub_basename`` in conf.py).
BOOK = "stem-cell-pain-guide"
#: PDF first, then EPUB, then HTML, which offers the freshly built PDF and EPUB as downloads.
FORMATS = ("pdf", "epub", "html")
#: Zero warnings, every reference checked, all problems reported in one run.
STRICT = ("-W", "--keep-going", "-n")
#: Without -W: a warning is reported, not fatal (benchmarks, the reproducibility check).
LENIENT = ("--keep-going", "-n")
#: Sphinx's LaTeX Makefile runs latexmk with xindy for the index; stop at the first TeX error.
LATEXMK = ("LATEXMKOPTS=-interaction=nonstopmode -halt-on-error -quiet",)


def last_commit_epoch() -> str:
    """SOURCE_DATE_EPOCH as set, else the time of the last commit: dates in the book come from it."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], capture_output=True, text=True, check=False, cwd=ROOT)
    return result.stdout.strip() or str(int(time.time()))


@dataclass(frozen=True)
class Recipe:
    """How to build the book into one folder."""

    out: Path = ROOT / "_build"
    #: The book's sources (a copy of the repository's, for the benchmarks).
    docs: Path = DOCS
    #: Warnings are errors (``nox -s book``, the tests); off for benchmarks and the repro check.
    strict: bool = True
    #: SOURCE_DATE_EPOCH for the build; None: the time of the last commit.
    epoch: str | None = None
    #: Extra sphinx-build options (``-q``, ``-j 1``, ...).
    options: tuple[str, ...] = ()
    python: str = field(default=sys.executable)

    @property
    def pdf(self) -> Path:
        return self.out / "pdf" / f"{BOOK}.pdf"

    @property
    def epub(self) -> Path:
        return self.out / "epub" / f"{BOOK}.epub"

    def env(self) -> dict[str, str]:
        """What a build adds to the environment: the date source, and where conf.py finds the downloads."""
        return {"SOURCE_DATE_EPOCH": self.epoch or last_commit_epoch(), "BOOK_BUILD_DIR": str(self.out)}

    def doctrees(self, builder: str) -> Path:
        """Sphinx's cache for one builder, kept outside the output (the EPUB would pack it)."""
        return self.out / "doctrees" / builder

    def sphinx(self, builder: str, *extra: str) -> list[str]:
        """The sphinx-build command for one builder."""
        flags = STRICT if self.strict else LENIENT
        return [self.python, "-m", "sphinx", "-b", builder, *flags, *self.options, *extra,
                "-d", str(self.doctrees(builder)), str(self.docs), str(self.out / builder)]  # fmt: skip

    def latexmk(self) -> list[str]:
        """The command that turns ``latex/`` into the PDF."""
        return ["make", "-C", str(self.out / "latex"), "all-pdf", *LATEXMK]

    def prepare(self, fmt: str) -> None:
        """Before a format's build: the EPUB starts from an empty folder, so nothing stray is packed."""
        if fmt == "epub":
            shutil.rmtree(self.out / "epub", ignore_errors=True)

    def finish(self, fmt: str) -> None:
        """After a format's build: the PDF is copied to ``pdf/``."""
        if fmt == "pdf":
            self.pdf.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.out / "latex" / f"{BOOK}.pdf", self.pdf)

    def run(self, formats: Sequence[str], run: Callable[[str, int, list[str]], None], *extra: str) -> None:
        """Build *formats* in order: prepare each, give each of its commands to *run* (with the format and
        the command's place among them), then finish it. An exception from *run* stops the build unfinished."""
        for fmt in formats:
            self.prepare(fmt)
            for step, command in enumerate(self.commands(fmt, *extra)):
                run(fmt, step, command)
            self.finish(fmt)

    def commands(self, fmt: str, *extra: str) -> list[list[str]]:
        """The commands that build one format (``pdf``, ``epub``, ``html`` or any other Sphinx builder)."""
        if fmt == "pdf":
            return [self.sphinx("latex", *extra), self.latexmk()]
        return [self.sphinx(fmt, *extra)]


def build(recipe: Recipe, formats: Sequence[str] = FORMATS, *, capture: bool = False) -> dict[str, str]:
    """Build *formats* in order; return what each Sphinx run wrote to stderr (its warnings) when *capture*.

    Raises ``subprocess.CalledProcessError`` when a step fails (with -W, a warning does).
    """
    env = {**os.environ, **recipe.env()}
    warnings: dict[str, str] = {}

    def run(fmt: str, step: int, command: list[str]) -> None:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=capture, text=True, check=False)
        if capture and step == 0:  # the Sphinx run; latexmk's output is not a warning
            warnings[fmt] = result.stderr
        if result.returncode:
            raise subprocess.CalledProcessError(result.returncode, command, result.stdout, result.stderr)

    recipe.run(formats, run)
    return warnings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.recipe", description=__doc__.split("\n")[0])
    parser.add_argument("formats", nargs="*", default=list(FORMATS), help="pdf, epub, html (default: all, in order)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build", help="build folder (default: _build)")
    parser.add_argument("--lenient", action="store_true", help="warnings are not errors")
    args = parser.parse_args(argv)
    try:
        build(Recipe(out=args.out.resolve(), strict=not args.lenient), args.formats)
    except subprocess.CalledProcessError as error:
        print(f"failed: {' '.join(map(str, error.cmd))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
