"""Reader-grade quality gates on the built book (``nox -s check``).

Each module checks one concern on the output of ``nox -s book`` and has a
``check(book)`` function that prints its figures and returns whether it passed.
``python -m checks`` runs them all (or the ones named) and fails if any failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tools.recipe import BOOK, Recipe

__all__ = ["BOOK", "SHOWN", "SITE_PATH", "Book", "verdict"]

#: The path at which GitHub Pages publishes the site (``html_baseurl``); the 404 page's
#: links start with it, so the checks serve the site there too.
SITE_PATH = f"/{BOOK}/"
#: Most problems printed per check; the count always covers all of them.
SHOWN = 25


@dataclass(frozen=True)
class Book:
    """Where one build of the book (``nox -s book``) put its outputs."""

    root: Path

    @property
    def html(self) -> Path:
        return self.root / "html"

    @property
    def pdf(self) -> Path:
        return Recipe(out=self.root).pdf

    @property
    def epub(self) -> Path:
        return Recipe(out=self.root).epub

    @property
    def latex_log(self) -> Path:
        return self.root / "latex" / f"{BOOK}.log"

    def pages(self) -> list[Path]:
        """Every HTML page of the site (the theme's template fragments in _static excluded)."""
        return sorted(p for p in self.html.rglob("*.html") if "_static" not in p.relative_to(self.html).parts)

    def urls(self) -> list[str]:
        """Every page's path relative to the site's root, as a URL path."""
        return [page.relative_to(self.html).as_posix() for page in self.pages()]


def verdict(name: str, figures: str, problems: Iterable[str], notes: Iterable[str] = ()) -> bool:
    """Print a check's figures, problems (which fail it) and notes (which do not); pass without problems."""
    problems = list(problems)
    print(f"[{'PASS' if not problems else 'FAIL'}] {name}: {figures}")
    for problem in problems[:SHOWN]:
        print(f"    - {problem}")
    if len(problems) > SHOWN:
        print(f"    ... and {len(problems) - SHOWN} more")
    for note in notes:
        print(f"    * {note}")
    return not problems
