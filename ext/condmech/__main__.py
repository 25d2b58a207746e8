"""``python -m condmech diff OLD.json NEW.json``: what changed in the evidence, as Markdown.

Needs no Sphinx build: it reads two exports (``_static/condition-mechanism.json`` of
two builds, or a committed snapshot) and prints :func:`condmech.diff.to_markdown`.
Exit status 0, or 2 when an export cannot be read (the reason goes to stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .diff import Export, SnapshotError, compare, to_markdown


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m condmech", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    diff = commands.add_parser("diff", help="compare two exports and print the changes as Markdown")
    diff.add_argument("old", type=Path, help="the older export (condition-mechanism.json)")
    diff.add_argument("new", type=Path, help="the newer export")
    diff.add_argument("--old-label", help="what to call the older export (default: its file name)")
    diff.add_argument("--new-label", help="what to call the newer export (default: its file name)")
    args = parser.parse_args(argv)
    exports = []
    for path in (args.old, args.new):
        try:
            exports.append(Export.load(path))
        except SnapshotError as err:
            print(f"{path}: {err}", file=sys.stderr)
            return 2
    old_label = args.old_label or args.old.name
    new_label = args.new_label or args.new.name
    sys.stdout.write(to_markdown(compare(*exports), old_label, new_label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
