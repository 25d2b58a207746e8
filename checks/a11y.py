"""Accessibility: axe-core's WCAG 2.2 A and AA rules on every HTML page, in light and dark mode.

Pages are served on 127.0.0.1 and loaded in Debian's headless Chromium. The theme
(pydata-sphinx-theme) takes its mode from localStorage ``mode``, and shows it as
``data-theme`` on ``<html>``; the check makes sure the mode took effect before running axe.
In each mode axe also runs once with the search dialog open and results listed as the
reader types (``search_as_you_type``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from checks import Book, verdict
from checks.browser import chromium, serve

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
FAILING = {"serious", "critical"}
MODES = ("light", "dark")
#: A query typed into the search dialog, and how long results may take to appear (ms).
SEARCH_QUERY = "stem cells"
SEARCH_WAIT = 10_000


def axe_violations(page: Page) -> tuple[str, list[dict[str, Any]]]:
    """Run axe-core on the loaded page: (axe version, violations of the WCAG A/AA rules)."""
    response = Axe().run(page, options=OPTIONS).response
    return response["testEngine"]["version"], response["violations"]


def sort_violations(violations: list[dict[str, Any]], where: str) -> tuple[list[str], Counter[str]]:
    """Serious and critical violations as problems; elements with lesser ones counted by rule."""
    problems, minor = [], Counter[str]()
    for violation in violations:
        impact = violation.get("impact") or "unknown"
        if impact not in FAILING:
            minor[f"{violation['id']} ({impact})"] += len(violation["nodes"])
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        problems.append(f"{where}: {violation['id']} ({impact}, {len(violation['nodes'])} elements, "
                        f"e.g. {targets}): {violation['help']}")  # fmt: skip
    return problems, minor


def open_search(tab: Page, base: str) -> bool:
    """Open the search dialog on the home page (Ctrl+K) and type; whether results were listed."""
    tab.goto(base + "index.html", wait_until="load")
    tab.keyboard.press("Control+k")
    tab.keyboard.type(SEARCH_QUERY)
    try:
        tab.wait_for_selector("#search-results li a", timeout=SEARCH_WAIT)
    except PlaywrightError:
        return False
    return True


def audit(browser: Browser, base: str, pages: list[str]) -> tuple[str, list[str], Counter[str]]:
    """Run axe on every page in each mode: (axe version, problems, elements with lesser violations by rule)."""
    problems: list[str] = []
    minor: Counter[str] = Counter()
    version = "?"
    for mode in MODES:
        context = browser.new_context(color_scheme=mode)
        context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        tab = context.new_page()
        for path in pages:
            tab.goto(base + path, wait_until="load")
            if (shown := tab.evaluate("document.documentElement.dataset.theme")) != mode:
                problems.append(f"{mode} {path}: the page shows data-theme={shown!r}, not {mode!r}")
            version, violations = axe_violations(tab)
            found, counts = sort_violations(violations, f"{mode} {path}")
            problems += found
            minor += counts
        if "search.html" in pages:  # a site with Sphinx's search
            if not open_search(tab, base):
                problems.append(f"{mode} index.html: typing {SEARCH_QUERY!r} in the search dialog lists no results")
            found, counts = sort_violations(axe_violations(tab)[1], f"{mode} search dialog")
            problems += found
            minor += counts
        context.close()
    return version, problems, minor


def check(book: Book) -> bool:
    """0 serious or critical violations of WCAG 2.2 A/AA rules on every page, light and dark."""
    pages = book.urls()
    with serve(book.html) as base, chromium() as browser:
        version, problems, minor = audit(browser, base, pages)
    figures = (
        f"{len(pages)} pages x {len(MODES)} modes ({', '.join(MODES)}), axe-core {version} rules {'/'.join(TAGS)}: "
        f"{len(problems)} serious or critical violations; elements with lesser ones: {dict(minor) or 0}"
    )
    return verdict("a11y", figures, problems)
