"""Print: every HTML page printed on A4 fits the paper, shows no navigation, and prints dark
text even when the screen is in dark mode (docs/_static/book.css)."""

from __future__ import annotations

from playwright.sync_api import Page

from checks import Book, verdict
from checks.browser import chromium, serve

#: Width of A4 less 15 mm margins each side (book.css), in CSS pixels (96 per inch).
PAPER_WIDTH = round((210 - 2 * 15) / 25.4 * 96)
#: The theme's navigation chrome, which must not print.
CHROME = (".bd-header", ".bd-sidebar-primary", ".bd-sidebar-secondary", ".bd-header-article",
          ".bd-footer", ".bd-footer-content", ".prev-next-area", ".skip-link", "#jb-print-toc")  # fmt: skip
#: Least contrast of the body text against white paper (WCAG AA for normal text).
MIN_CONTRAST = 4.5
MEASURE = """chrome => {
  const shown = chrome.filter(sel => [...document.querySelectorAll(sel)].some(e => e.getClientRects().length));
  const text = getComputedStyle(document.querySelector('.bd-article p') || document.body).color;
  const clipped = [...document.querySelectorAll('.bd-article *')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
    .map(e => e.tagName.toLowerCase() + (e.getAttribute('class') ? '.' + e.getAttribute('class').split(' ')[0] : ''));
  return {width: document.documentElement.scrollWidth, shown, text, clipped};
}"""


def contrast_on_white(color: str) -> float:
    """WCAG contrast ratio of a CSS ``rgb()``/``rgba()`` colour against white."""
    r, g, b = (float(v) / 255 for v in color[color.index("(") + 1 : color.index(")")].split(",")[:3])
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 1.05 / (0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] + 0.05)


def print_problems(tab: Page, page: str) -> list[str]:
    """Lay the loaded page out for print and report what does not fit the paper or should not print."""
    tab.emulate_media(media="print")
    found = tab.evaluate(MEASURE, list(CHROME))
    problems = [f"{page}: navigation prints: {', '.join(found['shown'])}"] if found["shown"] else []
    if found["width"] > PAPER_WIDTH:
        problems.append(f"{page}: printed content is {found['width']}px wide, the paper {PAPER_WIDTH}px")
    if found["clipped"]:
        problems.append(f"{page}: content cut off in print: {', '.join(sorted(set(found['clipped'])))}")
    if (contrast := contrast_on_white(found["text"])) < MIN_CONTRAST:
        problems.append(f"{page}: body text {found['text']} prints at contrast {contrast:.1f} on white")
    return problems


def check(book: Book) -> bool:
    """Every page, printed from dark mode, fits A4 and shows only the text."""
    pages = book.urls()
    problems = []
    with serve(book.html) as base, chromium() as browser:
        context = browser.new_context(color_scheme="dark", viewport={"width": PAPER_WIDTH, "height": 1000})
        context.add_init_script("localStorage.setItem('mode', 'dark');")
        tab = context.new_page()
        for page in pages:
            tab.emulate_media(media="screen")
            tab.goto(base + page, wait_until="load")
            problems += print_problems(tab, page)
        context.close()
    figures = f"{len(pages)} pages printed from dark mode on A4 ({PAPER_WIDTH}px wide): {len(problems)} problems"
    return verdict("print", figures, problems)
