"""Check that the book's bibliography keeps the metadata of the project's verified source list.

Checks, reported as ``file:line: message`` (exit status 1 if any fails):

- ``references.bib`` and ``sources/references-verified.bib`` parse with pybtex
  (no syntax errors, no repeated keys);
- every entry of ``references.bib`` is in the verified list, with the same entry
  type, fields and people (field order, case of field names and layout do not matter);
- every verified entry has the ``% level:`` and ``% verified:`` comment lines directly
  above it, the latter with the address of at least one page that confirmed it;
- every verified entry has a row in ``sources/SOURCES.md``.

Usage: ``python tools/check_references.py [--bib FILE] [--verified FILE] [--sources FILE]``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pybtex.errors
from pybtex.database import BibliographyData, Entry, parse_file

ROOT = Path(__file__).resolve().parent.parent
ENTRY_START = re.compile(r"^\s*@\s*(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)
URL = re.compile(r"https?://\S+")
REPEATED = re.compile(r"repeated bibliography entry: (\S+)")

Problem = tuple[Path, int, str]


def entry_lines(path: Path) -> dict[str, int]:
    """Line number of each entry's ``@type{key,`` in *path* (of the last one, if a key repeats)."""
    text = path.read_text(encoding="utf-8")
    return {m.group(2): text.count("\n", 0, m.start()) + 1 for m in ENTRY_START.finditer(text)}


def line_of(error: pybtex.errors.PybtexError, path: Path) -> int:
    """The line an error is about: pybtex gives it for syntax errors; a repeated key is found here."""
    if lineno := getattr(error, "lineno", None):
        return lineno
    repeated = REPEATED.match(str(error))
    return entry_lines(path).get(repeated.group(1), 1) if repeated else 1


def parse(path: Path) -> tuple[BibliographyData | None, list[Problem]]:
    """The parsed file, and its syntax errors and repeated keys."""
    if not path.is_file():
        return None, [(path, 1, "file not found")]
    with pybtex.errors.capture() as errors:
        try:
            data = parse_file(str(path), bib_format="bibtex")
        except pybtex.errors.PybtexError as error:  # an error pybtex cannot recover from
            return None, [(path, line_of(error, path), str(error))]
    return data, [(path, line_of(error, path), str(error)) for error in errors]


def metadata(entry: Entry) -> dict[str, str]:
    """Entry type, fields and people as one comparable mapping."""
    data = {"entry type": entry.type.lower()}
    data.update({name.lower(): value for name, value in entry.fields.items()})
    data.update({role.lower(): " and ".join(str(p) for p in people) for role, people in entry.persons.items()})
    return data


def compare(key: str, entry: Entry, verified: Entry) -> Iterator[str]:
    """What differs between *entry* and its verified version, one message per field."""
    have, want = metadata(entry), metadata(verified)
    for name in sorted(have.keys() | want.keys()):
        if name not in want:
            yield f"{key}: field '{name}' is not in the verified entry (remove it, or verify it and add it there)"
        elif name not in have:
            yield f"{key}: field '{name}' of the verified entry is missing"
        elif have[name] != want[name]:
            yield f"{key}: {name} is {have[name]!r}, but the verified entry has {want[name]!r}"


def comment_block(lines: list[str], start: int) -> list[str]:
    """The ``%`` comment lines directly above line *start* (1-based)."""
    block: list[str] = []
    for line in reversed(lines[: start - 1]):
        if not line.lstrip().startswith("%"):
            break
        block.append(line.strip())
    return block


def check(bib: Path, verified_bib: Path, sources: Path) -> list[Problem]:
    """All problems found, in file order."""
    book, problems = parse(bib)
    verified, verified_problems = parse(verified_bib)
    problems += verified_problems
    if book is None or verified is None:
        return problems

    book_lines = entry_lines(bib)
    for key, entry in book.entries.items():
        line = book_lines.get(key, 1)
        if key not in verified.entries:
            problems.append(
                (bib, line, f"{key}: not in the verified list {verified_bib.name}; verify it and add it there")
            )
            continue
        problems += [(bib, line, message) for message in compare(key, entry, verified.entries[key])]

    text = verified_bib.read_text(encoding="utf-8").splitlines()
    table = sources.read_text(encoding="utf-8") if sources.is_file() else ""
    for key, line in entry_lines(verified_bib).items():
        comments = comment_block(text, line)
        if not any(c.startswith("% level:") for c in comments):
            problems.append((verified_bib, line, f"{key}: no '% level:' comment line above the entry"))
        if not any(c.startswith("% verified:") and URL.search(c) for c in comments):
            problems.append(
                (verified_bib, line, f"{key}: no '% verified:' comment line with the checked page's address")
            )
        if f"| `{key}` |" not in table:
            problems.append((sources, 1, f"{key}: no row for this key in the source table"))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bib", type=Path, default=ROOT / "references.bib")
    parser.add_argument("--verified", type=Path, default=ROOT / "sources" / "references-verified.bib")
    parser.add_argument("--sources", type=Path, default=ROOT / "sources" / "SOURCES.md")
    args = parser.parse_args(argv)
    problems = check(args.bib, args.verified, args.sources)
    for path, line, message in problems:
        print(f"{os.path.relpath(path)}:{line}: {message}")
    if problems:
        print(f"{len(problems)} problem(s); see 'Adding a reference' in CONTRIBUTING.md", file=sys.stderr)
        return 1
    print(f"{args.bib.name}: all entries match {args.verified.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
