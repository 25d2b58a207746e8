"""Phones and tablets: every HTML page at 390x844 and 800x1000 CSS px, with touch, and at 320 px.

On each page and screen: the page does not scroll sideways; every tap target outside
running text is at least 24 x 24 px or has room around it (WCAG 2.2 success criterion
2.5.8, with its inline and spacing exceptions); tapping the visible menu button opens the
navigation dialog of pydata-sphinx-theme, whose targets pass the same test; tapping
a link in it loads that page; and a table wider than the screen shows a cue (text above
it, docs/_static/book.css) that it scrolls sideways. Once per screen, the search button is tapped and a word
typed: the box's magnifier must not cover the typed text. At 320 CSS px wide (WCAG 1.4.10,
reflow: 1280 px zoomed to 400 %), no page scrolls sideways. Pages are served on 127.0.0.1
and loaded in Debian's headless Chromium with Playwright's touch and mobile emulation.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Error, Page

from checks import Book, verdict
from checks.browser import chromium, serve

#: Name, width and height in CSS px: a phone held upright, and a small tablet.
SCREENS = (("phone", 390, 844), ("tablet", 800, 1000))
#: Width and height in CSS px at which every page must reflow without sideways scrolling (WCAG 1.4.10).
REFLOW = (320, 640)
#: Least width and height of a tap target (WCAG 2.5.8), and the spacing circle's diameter.
MIN_TARGET = 24
MENU_BUTTON = ".primary-toggle"
MENU = "#pst-primary-sidebar-modal"
SEARCH_BUTTON = "button[aria-label='Search']:visible"
#: (where the search box's icon ends, where its text starts), in CSS px; None without a visible box.
SEARCH_BOX = """() => {
  const input = [...document.querySelectorAll('form.bd-search input[type=search]')].find(e => e.offsetParent);
  if (!input) return null;
  const icon = input.closest('form').querySelector('i, svg');
  const start = input.getBoundingClientRect().left + input.clientLeft + parseFloat(getComputedStyle(input).paddingLeft);
  return [icon ? Math.round(icon.getBoundingClientRect().right) : 0, Math.round(start)];
}"""
#: The tables that scroll sideways without a visible cue (a ::before text on their scrolling box).
UNCUED_TABLES = """() => [...document.querySelectorAll('.pst-scrollable-table-container')]
  .filter(box => box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box, '::before').content === 'none')
  .map(box => (box.querySelector('caption, th')?.textContent || 'a table').trim().slice(0, 40))"""
#: Milliseconds to wait for the menu to open or a tapped link to load.
WAIT = 5000
#: Measures the layout in the browser: (scroll width, viewport width, targets, failing targets).
MEASURE = r"""([root, MIN]) => {
  const TARGET = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], '
    + '[role=link], [role=tab], [tabindex]:not([tabindex="-1"])';
  const describe = (e) => {
    const text = (e.getAttribute('aria-label') || e.textContent || e.title || '').trim().replace(/\s+/g, ' ');
    const classes = [...e.classList].slice(0, 2).map(c => '.' + c).join('');
    return `${e.tagName.toLowerCase()}${classes} "${text.slice(0, 40)}"`;
  };
  const shown = (e) => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && parseFloat(s.opacity) > 0
      && r.right > 0 && r.bottom + scrollY > 0 && !e.closest('dialog:not([open])')
      // Chromium gives boxes to the hidden content of a closed <details>; a reader cannot tap it.
      && !e.closest('details:not([open]) > :not(summary)');
  };
  // In running text: an inline element whose block has words outside its targets (the inline exception).
  const inText = (e) => {
    if (getComputedStyle(e).display !== 'inline') return false;
    let block = e.parentElement;
    while (block.parentElement && getComputedStyle(block).display === 'inline') block = block.parentElement;
    const copy = block.cloneNode(true);
    copy.querySelectorAll(TARGET).forEach(t => t.remove());
    return /[\p{L}\p{N}]{2}/u.test(copy.textContent);
  };
  const targets = [...document.querySelector(root).querySelectorAll(TARGET)]
    .filter(e => shown(e) && !e.parentElement.closest(TARGET)).map(e => ({e, r: e.getBoundingClientRect()}));
  const small = targets.filter(t => (t.r.width < MIN - 0.5 || t.r.height < MIN - 0.5) && !inText(t.e));
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const near = ([x, y], r) =>
    Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom)) < MIN / 2;
  // The spacing exception: a 24 px circle centred on a small target meets no other target
  // and no other small target's circle.
  const failing = small.filter(t => targets.some(o => o !== t && (near(centre(t.r), o.r)
    || (small.includes(o) && Math.hypot(centre(t.r)[0] - centre(o.r)[0], centre(t.r)[1] - centre(o.r)[1]) < MIN))));
  return [document.documentElement.scrollWidth, document.documentElement.clientWidth, targets.length,
          failing.map(t => `${describe(t.e)} ${Math.round(t.r.width)}x${Math.round(t.r.height)}`)];
}"""


def layout_problems(tab: Page, where: str, root: str = "html") -> tuple[int, list[str]]:
    """(tap targets under ``root``, problems): tap targets too small, and sideways scrolling of the page."""
    scroll_width, width, targets, small = tab.evaluate(MEASURE, [root, MIN_TARGET])
    problems = []
    if root == "html" and scroll_width > width:
        problems.append(f"{where}: the page scrolls sideways ({scroll_width}px wide on a {width}px screen)")
    return targets, problems + [f"{where}: tap target under {MIN_TARGET}x{MIN_TARGET}px: {s}" for s in small]


def tap_open(tab: Page, name: str, button: str, opened: str, failure: str) -> str | None:
    """Tap the first *name* button (selector *button*); a problem unless the script *opened* then becomes true."""
    found = tab.locator(button)
    if not found.count():
        return f"no visible {name} button ({button})"
    found.first.tap()
    try:
        tab.wait_for_function(opened, timeout=WAIT)
    except Error:
        return failure
    return None


def menu_problems(tab: Page, where: str) -> list[str]:
    """Tap the visible menu button; the menu must open, pass the layout test, and its next link must load."""
    opened = f"document.querySelector('{MENU}')?.open"
    failure = "tapping the menu button does not open the menu"
    if problem := tap_open(tab, "menu", f"{MENU_BUTTON}:visible", opened, failure):
        return [f"{where}: {problem}"]
    _, problems = layout_problems(tab, f"{where} (menu open)", MENU)
    links = tab.locator(f"{MENU} a[href]:visible")
    here = tab.url.split("#")[0]
    current = links.evaluate_all("(links, here) => links.map(a => a.href.split('#')[0] === here)", here)
    others = [i for i, here in enumerate(current) if not here]
    if not others:
        return [*problems, f"{where}: the menu shows no link to another page"]
    # The first link after the current page's in the menu (wrapping round), to another page.
    start = current.index(True) if True in current else 0
    follow = min(others, key=lambda i: (i < start, i))
    target = links.nth(follow).get_attribute("href")
    try:
        with tab.expect_navigation(timeout=WAIT) as navigation:
            links.nth(follow).tap()
        response = navigation.value
    except Error:
        return [*problems, f"{where}: tapping the menu link {target!r} loads nothing"]
    if response is None or not response.ok:
        problems.append(f"{where}: the menu link {target!r} gives {response.status if response else 'no response'}")
    return problems


def search_problems(tab: Page, where: str) -> list[str]:
    """Tap the visible search button and type a word: the search box's icon must end before the text starts."""
    opened = f"({SEARCH_BOX})() !== null"
    if problem := tap_open(tab, "search", SEARCH_BUTTON, opened, "tapping the search button shows no search box"):
        return [f"{where}: {problem}"]
    tab.keyboard.type("knee")
    icon_end, text_start = tab.evaluate(SEARCH_BOX)
    if icon_end > text_start:
        return [f"{where}: the search box's icon covers the typed text (icon ends at {icon_end}px, text starts at "
                f"{text_start}px)"]  # fmt: skip
    return []


def audit(browser: Browser, base: str, pages: list[str]) -> tuple[int, list[str]]:
    """Every page on every screen: (tap targets measured, problems)."""
    measured, problems = 0, []
    for name, width, height in SCREENS:
        context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True, is_mobile=True)
        tab = context.new_page()
        for page in pages:
            tab.goto(base + page, wait_until="load")
            targets, found = layout_problems(tab, f"{name} {page}")
            found += [f"{name} {page}: table {table!r} scrolls sideways with no cue"
                      for table in tab.evaluate(UNCUED_TABLES)]  # fmt: skip
            measured += targets
            problems += found + menu_problems(tab, f"{name} {page}")
        tab.goto(base + pages[0], wait_until="load")
        problems += search_problems(tab, f"{name} {pages[0]}")
        context.close()
    return measured, problems + reflow_problems(browser, base, pages)


def reflow_problems(browser: Browser, base: str, pages: list[str]) -> list[str]:
    """Every page at the reflow width: a problem for each that scrolls sideways."""
    width, height = REFLOW
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True, is_mobile=True)
    tab = context.new_page()
    problems = []
    for page in pages:
        tab.goto(base + page, wait_until="load")
        scroll_width, client_width = tab.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll_width > client_width:
            problems.append(
                f"{width}px {page}: the page scrolls sideways ({scroll_width}px wide on a {client_width}px screen)"
            )
    context.close()
    return problems


def check(book: Book) -> bool:
    """No sideways scrolling, tap targets of WCAG 2.5.8 size, a working menu: every page, phone and tablet."""
    pages = book.urls()
    with serve(book.html) as base, chromium() as browser:
        measured, problems = audit(browser, base, pages)
    screens = ", ".join(f"{name} {width}x{height}" for name, width, height in SCREENS) + f"; reflow at {REFLOW[0]} px"
    figures = (
        f"{len(pages)} pages x {len(SCREENS)} screens ({screens}, touch): {measured} tap targets measured, "
        f"menu tapped open and a menu link followed on each, search box typed in; {len(problems)} problems"
    )
    return verdict("phone", figures, problems)
