"""``python -m checks [--build DIR] [NAME ...]``: run the checks, fail if any falls short."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from checks import (
    Book,
    a11y,
    ace,
    epub,
    html_valid,
    links,
    pdf,
    phone,
    previews,
    printing,
    readability,
    repro,
    structure,
    weight,
)

CHECKS: dict[str, Callable[[Book], bool]] = {
    "links": links.check,
    "html": html_valid.check,
    "epub": epub.check,
    "ace": ace.check,
    "pdf": pdf.check,
    "structure": structure.check,
    "a11y": a11y.check,
    "previews": previews.check,
    "phone": phone.check,
    "print": printing.check,
    "weight": weight.check,
    "readability": readability.check,
    "repro": repro.check,
}


def main(argv: list[str] | None = None) -> int:
    """Run the named checks (all by default) on the build in ``--build``; 0 when all pass."""
    parser = argparse.ArgumentParser(prog="python -m checks", description=__doc__)
    parser.add_argument("--build", type=Path, default=Path("_build"), help="output of `nox -s book`")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"default: all of {', '.join(CHECKS)}")
    args = parser.parse_args(argv)
    names = args.names or list(CHECKS)
    if unknown := set(names) - set(CHECKS):
        parser.error(f"unknown check(s): {', '.join(sorted(unknown))}")
    book = Book(args.build.resolve())
    failed = []
    for name in names:
        start = time.monotonic()
        if not CHECKS[name](book):
            failed.append(name)
        print(f"    ({name} took {time.monotonic() - start:.0f} s)", flush=True)
    if failed:
        print(f"FAILED {len(failed)} of {len(names)} checks: {', '.join(failed)}")
        return 1
    print(f"All {len(names)} checks passed: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
