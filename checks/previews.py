"""Previews: citations and glossary terms show their entry or definition without leaving the page.

On a chapter, in Debian's Chromium, for the first citation and the first glossary term:
hovering shows a popup with the entry (its DOI link for a citation) or definition; the
pointer can move into it and it stays; Escape closes it. Keyboard: focus alone shows
nothing, Enter shows it, Tab moves into it, Escape closes it and returns to the link, and
Enter on the link with its popup open follows the link. Crossing the whole page with Tab
takes no more presses than the page has focusable elements (popups that opened on focus
once made it 383 presses for 167). Touch (390x844): a tap shows it without leaving the
page, a tap elsewhere closes it. axe-core finds no serious or critical violation with a
popup open, in light and dark mode, and no request leaves the local server.
"""

from __future__ import annotations

from urllib.parse import urljoin

from playwright.sync_api import Browser, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from checks import Book, verdict
from checks.a11y import MODES, axe_violations, sort_violations
from checks.browser import chromium, serve

PAGE = "conditions/osteoarthritis.html"
#: The first citation of an entry with a DOI (in the page's reference list), and the first term.
TRIGGERS = {
    "citation": "article span.bibtex-citation a.reference.internal[href='#{}']",
    "term": "article a.reference.internal:has(> .std-term)",
}
WITH_DOI = ".chapter-references li:has(a[href^='https://doi.org/'])"
POPUP = ".preview-popup"
#: How long to wait for a popup to appear (it fetches a glossary page at most).
TIMEOUT_MS = 5000
#: What Tab stops on (visible and enabled), as in checks/phone.py.
FOCUSABLE = """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, '
  + 'summary, [tabindex]:not([tabindex="-1"])')].filter(e => !e.disabled
  && e.checkVisibility({visibilityProperty: true}) && !e.closest('details:not([open]) > :not(summary)')).length"""
#: Most Tab presses to try before giving up on reaching the end of the page.
MAX_PRESSES = 2000


def _popup_text(page: Page) -> str:
    page.wait_for_selector(POPUP, state="visible", timeout=TIMEOUT_MS)
    return page.locator(POPUP).inner_text()


def _expect(problems: list[str], where: str, ok: bool, what: str) -> None:
    if not ok:
        problems.append(f"{where}: {what}")


def _content_problems(kind: str, page: Page, where: str) -> list[str]:
    """A citation's popup holds a DOI or web link; a term's, more than the term."""
    problems: list[str] = []
    text = _popup_text(page)
    if kind == "citation":
        doi = page.locator(f"{POPUP} a[href^='https://doi.org/']").count()
        _expect(problems, where, doi == 1, f"no DOI link in the popup: {text!r}")
    else:
        _expect(problems, where, len(text.split()) > 8, f"definition too short: {text!r}")
    return problems


def mouse(page: Page, trigger: Locator, kind: str, where: str) -> list[str]:
    """Hover shows it; the pointer moves into it and it stays; Escape closes it."""
    url = page.url
    trigger.hover()
    problems = _content_problems(kind, page, where)
    page.locator(POPUP).hover(position={"x": 20, "y": 20})
    page.wait_for_timeout(600)  # longer than the script's grace period
    _expect(problems, where, page.locator(POPUP).is_visible(), "the popup closed when the pointer moved into it")
    page.keyboard.press("Escape")
    _expect(problems, where, trigger.get_attribute("aria-expanded") == "false", "Escape did not close the popup")
    _expect(problems, where, page.url == url, "hovering left the page")
    page.mouse.move(0, 0)
    return problems


def keyboard(page: Page, trigger: Locator, kind: str, where: str) -> list[str]:
    """Focus alone shows nothing; Enter shows it, Tab enters it, Escape closes it and returns focus;
    Enter with the popup open follows the link."""
    trigger.focus()
    page.wait_for_timeout(300)
    problems: list[str] = []
    _expect(problems, where, page.locator(POPUP).count() == 0, "focus alone opened the popup")
    page.keyboard.press("Enter")
    problems += _content_problems(kind, page, where)
    page.keyboard.press("Tab")
    inside = page.evaluate(f"!!document.activeElement.closest('{POPUP}')")
    _expect(problems, where, inside, "Tab after the link does not move into the popup")
    page.keyboard.press("Escape")
    _expect(problems, where, page.locator(POPUP).count() == 0, "Escape did not close the popup")
    back = trigger.evaluate("el => el === document.activeElement")
    _expect(problems, where, back, "Escape did not return focus to the link")
    target = urljoin(page.url, trigger.get_attribute("href") or "")
    page.keyboard.press("Enter")
    _popup_text(page)  # open again
    page.keyboard.press("Enter")
    try:
        page.wait_for_url(target, timeout=5000)
    except PlaywrightTimeout:
        problems.append(f"{where}: Enter did not follow the link to {target} ({page.url})")
    return problems


def tab_presses(page: Page) -> tuple[int, int]:
    """(Tab presses from the top until focus leaves the page, focusable elements at the start)."""
    focusable = page.evaluate(FOCUSABLE)
    presses = 0
    while presses < MAX_PRESSES:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement === document.body || !document.hasFocus()"):
            break
    return presses - 1, focusable


def touch(page: Page, trigger: Locator, kind: str, where: str) -> list[str]:
    """A tap shows it without leaving the page; a tap elsewhere closes it."""
    url = page.url
    trigger.scroll_into_view_if_needed()
    trigger.tap()
    problems = _content_problems(kind, page, where)
    _expect(problems, where, page.url == url, "the tap left the page")
    page.locator("article h1").first.tap()
    page.wait_for_timeout(100)
    _expect(problems, where, page.locator(POPUP).count() == 0, "a tap elsewhere did not close the popup")
    return problems


def run(browser: Browser, base: str) -> tuple[list[str], int]:
    """Every scenario on both kinds of link, then axe with a popup open; (problems, scenarios run)."""
    problems: list[str] = []
    requested: list[str] = []
    runs = 0
    for mode in MODES:
        for name, options, scenarios in (
            ("desktop", {"viewport": {"width": 1280, "height": 800}}, (mouse, keyboard)),
            ("phone", {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}, (touch,)),
        ):
            context = browser.new_context(color_scheme=mode, **options)
            context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
            context.on("request", lambda request: requested.append(request.url))
            page = context.new_page()
            page.goto(base + PAGE)
            selectors = {**TRIGGERS, "citation": TRIGGERS["citation"].format(page.get_attribute(WITH_DOI, "id"))}
            for kind, selector in selectors.items():
                for scenario in scenarios:
                    page.goto(base + PAGE)
                    where = f"{mode} {name} {kind} {scenario.__name__}"
                    try:
                        problems += scenario(page, page.locator(selector).first, kind, where)
                    except PlaywrightTimeout as error:
                        problems.append(f"{where}: no popup ({error.message.splitlines()[0]})")
                    runs += 1
                page.goto(base + PAGE)
                page.locator(selector).first.focus()
                page.keyboard.press("Enter")
                try:
                    page.wait_for_selector(POPUP, state="visible", timeout=TIMEOUT_MS)
                    problems += sort_violations(axe_violations(page)[1], f"{mode} {name} {kind} popup open (axe)")[0]
                except PlaywrightTimeout:
                    problems.append(f"{mode} {name} {kind}: no popup on Enter, so axe did not run on one")
            context.close()
    third_party = [url for url in requested if not url.startswith((base, "data:"))]
    return problems + [f"third-party request {url}" for url in third_party], runs


def check(book: Book) -> bool:
    """All scenarios pass in light and dark mode; Tab crosses the page in one press per focusable element."""
    with serve(book.html) as base, chromium() as browser:
        problems, runs = run(browser, base)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base + PAGE)
        presses, focusable = tab_presses(page)
        page.close()
    if presses > focusable:
        problems.append(f"crossing the page takes {presses} Tab presses for {focusable} focusable elements")
    figures = (
        f"{PAGE}: {runs} scenarios (hover, keyboard, touch) on a citation and a glossary term, light and dark; "
        f"{presses} Tab presses cross it ({focusable} focusable elements)"
    )
    return verdict("previews", figures, problems)
