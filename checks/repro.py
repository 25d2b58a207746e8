"""Reproducibility: two clean builds with the same SOURCE_DATE_EPOCH give the same bytes.

This check builds the book itself, twice, into a temporary folder (the same path both
times, as ``nox -s book`` would: PDF, EPUB, then HTML) and compares every file of the
HTML site and the EPUB and PDF files byte for byte. Not compared, because they are build
records rather than outputs and cannot be made identical: the LaTeX log (TeX writes the
time of the run into it), latexmk's database (file times) and Sphinx's doctree cache
(pickled environment with read times).
"""

from __future__ import annotations

import filecmp
import os
import subprocess
import tempfile
import zipfile
from pathlib import Path

from checks import Book, verdict
from tools import recipe

#: Used when the environment sets no SOURCE_DATE_EPOCH (2026-11-25 00:00 UTC).
DEFAULT_EPOCH = "1795564800"
NOT_COMPARED = ("latex/*.log: TeX writes the time of the run", "latex/*.fdb_latexmk: latexmk records file times",
                "doctrees/: Sphinx's cache records when it read each file")  # fmt: skip


def build(out: Path, epoch: str) -> Book:
    """Build the book from scratch into ``out`` as ``nox -s book`` does; PDF, EPUB, then HTML."""
    try:
        recipe.build(recipe.Recipe(out=out, strict=False, epoch=epoch, options=("-q",)), capture=True)
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"{' '.join(error.cmd)} failed:\n{error.stdout[-3000:]}\n{error.stderr[-3000:]}") from None
    return Book(out)


def tree_differences(a: Path, b: Path) -> list[str]:
    """Files (relative paths) whose bytes differ between two folders, or that only one has."""
    names = sorted({p.relative_to(root).as_posix() for root in (a, b) for p in root.rglob("*") if p.is_file()})
    found = []
    for name in names:
        if not ((a / name).is_file() and (b / name).is_file()):
            found.append(f"{name} (only in one build)")
        elif not filecmp.cmp(a / name, b / name, shallow=False):
            found.append(name)
    return found


def zip_differences(a: Path, b: Path) -> list[str]:
    """How two zip files (EPUBs) differ: entry names and order, contents, then entry metadata."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        ia, ib = za.infolist(), zb.infolist()
        if [i.filename for i in ia] != [i.filename for i in ib]:
            return ["the entries (or their order) differ"]
        content = [x.filename for x in ia if za.read(x) != zb.read(x.filename)]
        if content:
            return [f"content of {name}" for name in content]
        meta = [x.filename for x, y in zip(ia, ib, strict=True)
                if (x.date_time, x.external_attr) != (y.date_time, y.external_attr)]  # fmt: skip
        return [f"zip time or mode of {name}" for name in meta] or ["zip structure (compression or byte order)"]


def compare(first: Book, second: Book) -> tuple[int, list[str]]:
    """(files compared, problems) for two builds: the HTML tree, the EPUB and the PDF, byte for byte."""
    problems = [f"HTML {name} differs" for name in tree_differences(first.html, second.html)]
    if not filecmp.cmp(first.epub, second.epub, shallow=False):
        problems += [f"EPUB: {what}" for what in zip_differences(first.epub, second.epub)]
    if not filecmp.cmp(first.pdf, second.pdf, shallow=False):
        problems.append("PDF bytes differ")
    return sum(1 for p in first.html.rglob("*") if p.is_file()) + 2, problems


def check(book: Book) -> bool:
    """Two clean builds (the ``book`` argument is not used: this check makes its own)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH)
    with tempfile.TemporaryDirectory(prefix="repro-") as tmp:
        out = Path(tmp, "build")
        build(out, epoch)
        out.rename(Path(tmp, "first"))
        second = build(out, epoch)
        compared, problems = compare(Book(Path(tmp, "first")), second)
    figures = (
        f"two clean builds with SOURCE_DATE_EPOCH={epoch}: {compared} files compared (HTML site, EPUB, PDF), "
        f"{len(problems)} differ"
    )
    return verdict("repro", figures, problems, [f"not compared: {what}" for what in NOT_COMPARED])
