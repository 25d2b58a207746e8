"""Page weight: bytes a reader's browser transfers (gzip) and requests it makes, per HTML page.

Each page is loaded with an empty cache from a local server, in Debian's headless
Chromium; every request is recorded. Text resources count at their gzip size (what a
server that compresses them sends), others at their file size. Requests to any host
but the local server are third-party: they are blocked, and each one fails the check.
"""

from __future__ import annotations

import gzip
import statistics
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Browser, Route

from checks import SITE_PATH, Book, verdict
from checks.browser import chromium, serve

#: Budget, set from the measurement with some room for the book to grow (when set: the
#: heaviest page 278 KB in 20 requests, two thirds of it the theme's stylesheet, scripts
#: and icon font; the target was under 400 KB). Requests: 24, then one more for the favicon
#: (every page; the search page also loads its typo script, search-typos.js).
BUDGET_BYTES = 320_000
BUDGET_REQUESTS = 25
COMPRESSIBLE_SUFFIXES = {".html", ".css", ".js", ".json", ".svg", ".txt", ".map", ".xml", ".csv"}


@dataclass(frozen=True)
class Weight:
    """What loading one page cost."""

    page: str
    requests: int
    transferred: int
    third_party: tuple[str, ...]
    missing: tuple[str, ...]


def transfer_size(path: Path) -> int:
    """Bytes sent for a file: gzip-compressed for text, as stored otherwise."""
    body = path.read_bytes()
    return len(gzip.compress(body, compresslevel=6, mtime=0)) if path.suffix in COMPRESSIBLE_SUFFIXES else len(body)


def weigh(browser: Browser, base: str, root: Path, page: str) -> Weight:
    """Load ``page`` with an empty cache; add up every request it makes."""
    local = urlsplit(base).netloc
    requests: list[str] = []
    third_party: list[str] = []

    def record(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob"):
            route.continue_()
        elif urlsplit(url).netloc != local:
            third_party.append(url)
            route.abort()
        else:
            requests.append(url)
            route.continue_()

    context = browser.new_context()
    context.route("**/*", record)
    tab = context.new_page()
    tab.goto(base + page, wait_until="networkidle")
    context.close()
    files = [root / unquote(urlsplit(url).path).removeprefix(SITE_PATH) for url in requests]
    missing = tuple(str(f.relative_to(root)) for f in files if not f.is_file())
    return Weight(page, len(requests), sum(transfer_size(f) for f in files if f.is_file()), tuple(third_party), missing)


def over_budget(weights: list[Weight]) -> list[str]:
    """Pages over the budget, third-party requests, requests for files that do not exist."""
    problems = []
    for w in weights:
        if w.transferred > BUDGET_BYTES:
            problems.append(f"{w.page}: {w.transferred / 1000:.0f} KB > budget {BUDGET_BYTES / 1000:.0f} KB")
        if w.requests > BUDGET_REQUESTS:
            problems.append(f"{w.page}: {w.requests} requests > budget {BUDGET_REQUESTS}")
        problems += [f"{w.page}: third-party request {url}" for url in w.third_party]
        problems += [f"{w.page}: request for a missing file {name}" for name in w.missing]
    return problems


def check(book: Book) -> bool:
    """Every page within the budget, with no third-party request."""
    pages = book.urls()
    with serve(book.html) as base, chromium() as browser:
        weights = [weigh(browser, base, book.html, page) for page in pages]
    heaviest = max(weights, key=lambda w: w.transferred)
    figures = (
        f"{len(weights)} pages, median {statistics.median(w.transferred for w in weights) / 1000:.0f} KB and "
        f"{statistics.median(w.requests for w in weights):.0f} requests, heaviest {heaviest.page} "
        f"{heaviest.transferred / 1000:.0f} KB; budget {BUDGET_BYTES / 1000:.0f} KB and {BUDGET_REQUESTS} requests; "
        f"{sum(len(w.third_party) for w in weights)} third-party requests"
    )
    notes = [f"{w.page}: {w.transferred / 1000:.0f} KB, {w.requests} requests"
             for w in sorted(weights, key=lambda w: -w.transferred)]  # fmt: skip
    return verdict("weight", figures, over_budget(weights), notes)
