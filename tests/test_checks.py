"""Tests of the reader-grade checks (``checks/``) on small, deliberately broken inputs.

They run in ``nox -s tests`` (the ``test`` group includes the ``check`` group: Playwright,
axe-core, vnu, pypdf). Like the book tests, they need the system tools from the README's
quick start (Java, EPUBCheck, poppler-utils, Chromium) and fail without them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import ArrayObject, DictionaryObject, Fit, FloatObject, NameObject, TextStringObject

from checks import (
    BOOK,
    SITE_PATH,
    Book,
    __main__,
    a11y,
    ace,
    epub,
    html_valid,
    links,
    pdf,
    phone,
    previews,
    printing,
    repro,
    structure,
    weight,
)
from checks.browser import chromium, serve

PAGE = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>{}</body></html>\n'


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path: HTML body or whole text) under ``root``; return ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PAGE.format(text) if name.endswith(".html") and "<html" not in text else text, "utf-8")
    return root


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


# -- links ---------------------------------------------------------------------------------


def test_links_reports_missing_files_anchors_and_escapes(tmp_path: Path) -> None:
    site = write(tmp_path / "html", {
        "index.html": '<a href="#top" id="top">self</a> <a href="sub/b.html#here">ok</a> <a href="sub/">dir</a>'
                      f'<a href="{SITE_PATH}sub/b.html#here">from the server root, as on the 404 page</a>'
                      '<a href="https://example.org/x">external</a> <a href="mailto:a@b.c">mail</a>',
        "sub/b.html": '<p id="here">b</p> <a href="../index.html#gone">bad anchor</a> <a href="c.html">missing</a>'
                      '<a href="../../outside.html">outside</a> <img src="../img.png" alt="">',
        "sub/index.html": "<p>dir index</p>",
    })  # fmt: skip
    checked, anchors, problems = links.broken_links(site, sorted(site.rglob("*.html")))
    assert checked == 8
    assert anchors == 4
    assert problems == [
        "sub/b.html: '../index.html#gone': no id 'gone' in index.html",
        "sub/b.html: 'c.html' has no target file",
        "sub/b.html: '../../outside.html' points outside the site",
        "sub/b.html: '../img.png' has no target file",
    ]


# -- HTML validity -------------------------------------------------------------------------


def test_vnu_finds_errors_in_broken_markup(tmp_path: Path) -> None:
    page = write(tmp_path, {"bad.html": '<p id="x">one</p><p id="x">two</p><span><div>block in inline</div></span>'})
    known, errors, _ = html_valid.classify(html_valid.validate([page / "bad.html"]), tmp_path)
    assert not known
    assert any("Duplicate ID" in error for error in errors)
    assert all(error.startswith("bad.html:") for error in errors)


def test_known_theme_findings_are_counted_not_failed(tmp_path: Path) -> None:
    messages = [
        {"type": "error", "message": "Attribute “autocorrect” not allowed on element “input” at this point."},
        {"type": "error", "message": "Stray end tag “div”.", "url": f"file:{tmp_path}/a.html", "lastLine": "3"},
        {"type": "info", "subType": "warning", "message": "Empty heading."},
        {"type": "info", "subType": "warning", "message": "Something new.", "url": f"file:{tmp_path}/b.html"},
        {"type": "info", "message": "Trailing slash on void elements has no effect."},
    ]
    known, errors, warnings = html_valid.classify(messages, tmp_path)
    accepted = sorted((k.source, kind, n) for (k, kind), n in known.items())
    assert accepted == [("theme", "error", 1), ("theme", "warning", 1)]
    assert errors == ["a.html:3: Stray end tag “div”."]
    assert warnings == ["b.html:?: Something new."]


# -- EPUB ------------------------------------------------------------------------------------

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>
<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"""
OPF = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>t</dc:title>{}</metadata>
<manifest>{}</manifest><spine/></package>"""
XHTML = '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body>{}</body></html>'


def make_epub(path: Path, metadata: str, pages: dict[str, str] | None = None) -> Path:
    """A deliberately incomplete EPUB (no identifier, language or navigation) with *pages* (name: body)."""
    pages = pages or {}
    manifest = "".join(f'<item id="p{i}" href="{name}" media-type="application/xhtml+xml"/>'
                       for i, name in enumerate(pages))  # fmt: skip
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        book.writestr("META-INF/container.xml", CONTAINER)
        book.writestr("OEBPS/content.opf", OPF.format(metadata, manifest))
        for name, body in pages.items():
            book.writestr(f"OEBPS/{name}", XHTML.format(body))
    return path


def test_epubcheck_reports_errors_of_a_broken_epub(tmp_path: Path) -> None:
    found = epub.epubcheck(make_epub(tmp_path / "bad.epub", ""))
    assert found.get("ERROR") or found.get("FATAL")


def test_accessibility_metadata_missing_or_outside_the_vocabulary(tmp_path: Path) -> None:
    metadata = epub.package_metadata(make_epub(tmp_path / "a.epub", (
        '<meta property="schema:accessMode">textual</meta><meta property="schema:accessMode">smell</meta>'
        '<meta property="schema:accessibilityHazard">none</meta><meta property="schema:accessibilitySummary"> </meta>'
    )))  # fmt: skip
    assert ("schema:accessMode", "smell") in metadata
    assert epub.accessibility_problems(metadata) == [
        "schema:accessMode: 'smell' is not a schema.org value",
        "schema:accessModeSufficient is missing or empty",
        "schema:accessibilityFeature is missing or empty",
        "schema:accessibilitySummary is missing or empty",
    ]


def test_epub_pages_wider_than_the_screen(tmp_path: Path) -> None:
    path = make_epub(tmp_path / "w.epub", "", {
        "a.xhtml": "<p>Text that wraps on any screen, however long it is.</p>",
        "b.xhtml": f"<p>A word longer than the screen: {'x' * 80}</p>",
    })  # fmt: skip
    pages = epub.lay_out(path)
    assert pages["a.xhtml"][0] == epub.SCREEN_WIDTH and pages["b.xhtml"][0] > epub.SCREEN_WIDTH, pages


def test_epub_footnote_references_with_brackets_twice(tmp_path: Path) -> None:
    bracket = '<span class="fn-bracket">{}</span>'
    note = f'<a class="footnote-reference brackets" href="#n">{bracket.format("[")}#1{bracket.format("]")}</a>'
    style = "<style>a.footnote-reference.brackets:before { content: '['; }</style>"
    pages = {"twice.xhtml": f"{style}<p>A link{note}.</p>", "once.xhtml": f"<p>A link{note}.</p>"}
    path = make_epub(tmp_path / "f.epub", "", pages)
    pages = epub.lay_out(path)
    assert (pages["twice.xhtml"][1], pages["once.xhtml"][1]) == (1, 0), pages


def test_ace_violations_name_file_rule_and_impact() -> None:
    def document(url: str, *failed: tuple[str, str]) -> dict[str, object]:
        result = {"earl:outcome": "fail", "dct:description": "why"}
        tests = [{"earl:test": {"dct:title": rule, "earl:impact": impact}, "earl:result": result}
                 for rule, impact in failed]  # fmt: skip
        return {"earl:testSubject": {"url": url}, "assertions": tests}

    report = {"assertions": [document("a.xhtml", ("html-has-lang", "serious")), document("nav.xhtml"),
                             document("b.xhtml", ("empty-table-header", "minor"))]}  # fmt: skip
    assert ace.violations(report) == [("serious", "a.xhtml: html-has-lang: why"),
                                      ("minor", "b.xhtml: empty-table-header: why")]  # fmt: skip


# -- PDF --------------------------------------------------------------------------------------

PDFFONTS = """name                                 type              encoding         emb sub uni object ID
------------------------------------ ----------------- ---------------- --- --- --- ---------
ABCDEF+FreeSerif-Identity-H          CID Type 0C       Identity-H       yes yes yes      4  0
ZCGHNK+FreeSansBoldOblique-Identity-H CID Type 0C       Identity-H       yes yes yes      6  0
Helvetica                            Type 1            Standard         no  no  no       9  0
"""
LOG = r"""Overfull \hbox (0.8pt too wide) in paragraph at lines 10--12
Overfull \hbox (12.34567pt too wide) in paragraph at lines 40--41
Underfull \hbox (badness 10000) in paragraph at lines 50--50
Overfull \vbox (3.0pt too high) has occurred while \output is active
"""


def test_pdffonts_output_names_fonts_not_embedded() -> None:
    assert pdf.unembedded_fonts(PDFFONTS) == (3, ["Helvetica"])


def test_overfull_boxes_over_one_point() -> None:
    assert pdf.overfull_boxes(LOG) == [
        "Overfull box 12.34567pt in paragraph at lines 40--41",
        "Overfull box 3.0pt has occurred while \\output is active",
    ]


def test_characters_missing_from_fonts_are_listed_once() -> None:
    # codespell:ignore-begin: XeLaTeX's log names the font's OpenType features ("OT:")
    log = (
        "Missing character: There is no \u30cb (U+30CB) in font [FreeSerif.otf]/OT:script=latn;language=dflt;!\n"
        "Missing character: There is no \u30cb (U+30CB) in font [FreeSerif.otf]/OT:script=latn;language=dflt;!\n"
        "Overfull \\hbox (0.8pt too wide) in paragraph at lines 10--12\n"
    )
    # codespell:ignore-end
    assert pdf.missing_characters(log) == ["missing character \u30cb (U+30CB) in [FreeSerif.otf]"]
    assert pdf.missing_characters(LOG) == []


def test_bare_pdf_lacks_outline_metadata_and_link_targets(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_annotation(0, Link(rect=(0, 0, 10, 10), target_page_index=0))
    writer.add_annotation(0, DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (20, 20, 30, 30)]),
        NameObject("/A"): DictionaryObject({NameObject("/S"): NameObject("/GoTo"),
                                            NameObject("/D"): TextStringObject("nowhere")}),
    }))  # fmt: skip
    writer.write(tmp_path / "bare.pdf")
    reader = PdfReader(tmp_path / "bare.pdf")
    assert pdf.outline_entries(reader) == 0
    assert pdf.missing_metadata(reader) == [
        "no /Title in the document information",
        "no /Author in the document information",
        "no /Subject in the document information",
        "no /Lang (document language) in the catalogue",
    ]
    assert pdf.link_problems(reader) == (2, ["page 1: link to missing destination 'nowhere'"])
    assert pdf.render_problems(tmp_path / "bare.pdf", 1) == (1, [])


def outlined_pdf(path: Path, entries: list[tuple[str, int, float]]) -> PdfReader:
    """Blank A4 pages with bookmarks (title, page index, top of the heading in points)."""
    writer = PdfWriter()
    for _ in range(1 + max(page for _, page, _ in entries)):
        writer.add_blank_page(595, 842)
    for title, page, top in entries:
        writer.add_outline_item(title=title, page_number=page, fit=Fit.xyz(left=72, top=top))
    writer.write(path)
    return PdfReader(path)


def test_stranded_headings_split_boxes_and_mid_page_starts(tmp_path: Path) -> None:
    reader = outlined_pdf(tmp_path / "o.pdf", [("1 Pain", 0, 770.0), ("1.1 Knees", 0, 400.0), ("1.2 Backs", 1, 150.0)])
    pages = [
        ["1 Pain", "text", "1.1 Knees", "Key messages", "Does it help? Not proven.",
         "See this condition in the evidence table.", "more text", "and more"],
        ["text", "1.2 Backs", "Page last reviewed: 1 December 2026"],
        ["Key messages", "Does it help? Not proven."],
    ]  # fmt: skip
    assert pdf.stranded_headings(reader, pages) == ["page 2: heading '1.2 Backs' stranded at the foot of the page"]
    assert pdf.split_boxes(pages) == ["page 3: the key-messages box is split across pages"]
    assert structure.pdf_page_starts(reader, ["Pain", "Backs"]) == [
        "PDF: '1.2 Backs' starts in the middle of page 2, not on a new page"
    ]


def test_truncated_pdf_does_not_render(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(200, 200)
    writer.write(tmp_path / "whole.pdf")
    data = (tmp_path / "whole.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 3])
    rendered, problems = pdf.render_problems(tmp_path / "cut.pdf", 3)
    assert rendered < 3
    assert problems


# -- accessibility -------------------------------------------------------------------------------


def test_axe_finds_serious_and_critical_violations(tmp_path: Path, browser: Browser) -> None:
    site = write(tmp_path, {"p.html": '<main><h1>T</h1><img src="x.png"><p style="color:#ccc">faint</p></main>'})
    with serve(site) as base:
        tab = browser.new_page()
        tab.goto(base + "p.html")
        version, violations = a11y.axe_violations(tab)
        tab.close()
    problems, minor = a11y.sort_violations(violations, "p.html")
    assert version.startswith("4.")
    assert {problem.split(": ")[1].split(" ")[0] for problem in problems} == {"image-alt", "color-contrast"}
    assert not minor


def test_lesser_violations_are_counted_by_rule() -> None:
    violations = [{"id": "rule-a", "impact": "minor", "nodes": [{}, {}]},
                  {"id": "rule-b", "impact": "critical", "nodes": [{"target": ["#x"]}], "help": "Fix it"}]  # fmt: skip
    problems, minor = a11y.sort_violations(violations, "light p.html")
    assert problems == ["light p.html: rule-b (critical, 1 elements, e.g. #x): Fix it"]
    assert minor == {"rule-a (minor)": 2}


def test_audit_fails_pages_that_ignore_dark_mode(tmp_path: Path, browser: Browser) -> None:
    switch = "<script>document.documentElement.dataset.theme = localStorage.getItem('mode') || 'light';</script>"
    site = write(tmp_path, {"themed.html": f"<main><h1>T</h1>{switch}</main>", "plain.html": "<main><h1>P</h1></main>"})
    with serve(site) as base:
        _, problems, _ = a11y.audit(browser, base, ["themed.html", "plain.html"])
    assert problems == [
        "light plain.html: the page shows data-theme=None, not 'light'",
        "dark plain.html: the page shows data-theme=None, not 'dark'",
    ]


# -- previews ------------------------------------------------------------------------------------

PREVIEWS = Path(__file__).parent.parent / "docs" / "_ext" / "previews_static"
CHAPTER = """<main><article><h1>Knee</h1>
<p>Cartilage is <a class="reference internal" href="../back/glossary.html#term-Cartilage">
<span class="xref std std-term">cartilage</span></a>; one trial <span class="bibtex-citation">[
<a class="reference internal" href="#ref-a">A 2020</a>]</span>.</p>
<section><h2>References in this chapter</h2><ul class="chapter-references"><li id="ref-a"><p><strong>
<a class="reference internal" href="../back/bibliography.html#id1">A 2020</a></strong>. A. Author. A trial. 2020.
<a class="reference external" href="https://doi.org/10.1000/x">doi:10.1000/x</a>.</p></li></ul></section>
</article></main>{}"""
GLOSSARY = "<main><h1>Glossary</h1><dl><dt id='term-Cartilage'>Cartilage</dt><dd><p>{}</p></dd></dl></main>"


@pytest.mark.parametrize("with_script", [True, False])
def test_previews_open_by_mouse_keyboard_and_touch(
    tmp_path: Path, browser: Browser, monkeypatch: pytest.MonkeyPatch, with_script: bool
) -> None:
    monkeypatch.setattr(previews, "TIMEOUT_MS", 5000 if with_script else 300)
    script = '<link rel="stylesheet" href="../previews.css"><script defer src="../previews.js"></script>'
    site = write(tmp_path, {
        previews.PAGE: CHAPTER.format(script if with_script else ""),
        "back/bibliography.html": "<main><h1>Bibliography</h1><div id='id1'>A 2020</div></main>",
        "back/glossary.html": GLOSSARY.format("The smooth, firm tissue that covers the ends of the bones in a joint."),
        "previews.js": (PREVIEWS / "previews.js").read_text(encoding="utf-8"),
        "previews.css": (PREVIEWS / "previews.css").read_text(encoding="utf-8"),
    })  # fmt: skip
    with serve(site) as base:
        problems, runs = previews.run(browser, base)
    assert runs == 12
    if with_script:
        assert problems == []
    else:
        # every scenario, and axe with a popup open: 2 modes x 2 viewports x 2 kinds of link
        assert len(problems) == 12 + 8 and all("no popup" in problem for problem in problems)


def test_tab_presses_count_stops_added_on_focus(tmp_path: Path, browser: Browser) -> None:
    links = '<a href="#a">a</a> <a href="#b">b</a> <a href="#c">c</a>'
    on_focus = """<script>for (const a of document.querySelectorAll('a')) a.addEventListener('focus', () => {
      if (!a.nextElementSibling?.matches('button')) a.after(document.createElement('button'));
    });</script>"""  # a popup that opens on focus and adds a tab stop
    site = write(tmp_path, {"plain.html": links, "popups.html": links + on_focus})
    with serve(site) as base:
        page = browser.new_page()
        counts = {}
        for name in ("plain", "popups"):
            page.goto(f"{base}{name}.html")
            counts[name] = previews.tab_presses(page)
        page.close()
    assert counts == {"plain": (3, 3), "popups": (6, 3)}


def test_audit_fails_a_search_dialog_without_results(
    tmp_path: Path, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(a11y, "SEARCH_WAIT", 200)
    mode = "<script>document.documentElement.dataset.theme = localStorage.getItem('mode');</script>"
    site = write(
        tmp_path, {"index.html": f"<main><h1>T</h1>{mode}</main>", "search.html": f"<main><h1>S</h1>{mode}</main>"}
    )
    with serve(site) as base:
        _, problems, _ = a11y.audit(browser, base, ["index.html", "search.html"])
    assert problems == [
        f"{mode} index.html: typing 'stem cells' in the search dialog lists no results" for mode in a11y.MODES
    ]


# -- phones and tablets -------------------------------------------------------------------------

PHONE_PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>t</title>'
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>{}</body></html>\n'
)
MENU = (
    '<button class="primary-toggle" style="display: none">hidden</button>'
    '<button class="primary-toggle" style="width: 44px; height: 44px">Menu</button>'
    '<dialog id="pst-primary-sidebar-modal"><a href="p.html" style="display: block; padding: 12px">Here</a>'
    '<a href="{link}" style="display: block; padding: 12px">Next</a></dialog>'
    "<script>document.querySelectorAll('.primary-toggle')[{wired}]"
    ".addEventListener('click', () => document.getElementById('pst-primary-sidebar-modal').showModal());</script>"
)


@pytest.fixture
def phone_tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    yield context.new_page()
    context.close()


def test_phone_layout_sideways_scroll_and_small_targets(tmp_path: Path, phone_tab: Page) -> None:
    small = "display: inline-block; width: 10px; height: 10px; overflow: hidden"
    site = write(tmp_path, {"p.html": PHONE_PAGE.format(
        '<p>Words around a <a href="#x" style="font-size: 8px">tiny</a> link in a sentence.</p>'
        f'<nav><a href="#a" style="{small}">a</a> | <a href="#b" style="{small}">b</a></nav>'
        f'<a href="#c" style="{small}; position: absolute; top: 300px; left: 100px">c</a>'
        '<button style="width: 30px; height: 30px">ok</button><div style="width: 600px">wide</div>'
        f'<details><summary style="height: 30px">More</summary><p><a href="#d" style="{small}">d</a></p></details>'
    )})  # fmt: skip
    with serve(site) as base:
        phone_tab.goto(base + "p.html")
        targets, problems = phone.layout_problems(phone_tab, "p.html")
    # The summary counts; the link inside the closed <details> is hidden from the reader, so it does not.
    assert targets == 6
    # The link in a sentence and the lone small link (room around it) pass; the neighbours do not.
    assert problems == [
        "p.html: the page scrolls sideways (608px wide on a 390px screen)",
        'p.html: tap target under 24x24px: a "a" 10x10',
        'p.html: tap target under 24x24px: a "b" 10x10',
    ]


def test_a_table_that_scrolls_sideways_needs_a_cue(tmp_path: Path, phone_tab: Page) -> None:
    table = '<div class="pst-scrollable-table-container" style="overflow-x: auto"><table><tr><th>{}</th>'
    table += '<td><div style="width: 600px">wide</div></td></tr></table></div>'
    cue = "<style>.cued::before { content: 'Scroll sideways'; }</style>"
    site = write(tmp_path, {"p.html": PHONE_PAGE.format(cue + table.format("Bare") + table.format("Cued").replace(
        'class="pst-scrollable-table-container"', 'class="pst-scrollable-table-container cued"'))})  # fmt: skip
    with serve(site) as base:
        phone_tab.goto(base + "p.html")
        assert phone_tab.evaluate(phone.UNCUED_TABLES) == ["Bare"]


def test_reflow_at_320_fails_a_page_that_fits_390_only(tmp_path: Path, browser: Browser) -> None:
    site = write(tmp_path, {
        "fits.html": PHONE_PAGE.format("<h1>Short words wrap on any screen, however many there are</h1>"),
        "wide.html": PHONE_PAGE.format('<div style="width: 350px">fits 390 px, not 320 px</div>'),
    })  # fmt: skip
    with serve(site) as base:
        problems = phone.reflow_problems(browser, base, ["fits.html", "wide.html"])
    assert problems == ["320px wide.html: the page scrolls sideways (358px wide on a 320px screen)"]


@pytest.mark.parametrize(("wired", "link", "expected"), [
    (0, "next.html", ["p.html: tapping the menu button does not open the menu"]),
    (1, "missing.html", ["p.html: the menu link 'missing.html' gives 404"]),
    (1, "next.html", []),
])  # fmt: skip
def test_phone_menu_opens_and_its_links_load(
    tmp_path: Path, phone_tab: Page, wired: int, link: str, expected: list[str]
) -> None:
    site = write(tmp_path, {"p.html": PHONE_PAGE.format(MENU.format(wired=wired, link=link)), "next.html": "<p>n</p>"})
    with serve(site) as base:
        phone_tab.goto(base + "p.html")
        assert phone.menu_problems(phone_tab, "p.html") == expected


SEARCH = (
    '<button aria-label="Search" style="width: 44px; height: 44px" '
    "onclick=\"document.querySelector('form').hidden = false; document.querySelector('input').focus()\">S</button>"
    '<form class="bd-search" hidden style="position: relative; display: flex">'
    '<i style="position: absolute; left: 8px; width: 20px; height: 20px"></i>'
    '<input type="search" style="padding-left: {padding}px; font-size: 16px"></form>'
)


@pytest.mark.parametrize(("padding", "expected"), [
    (4, ["p.html: the search box's icon covers the typed text (icon ends at 36px, text starts at 14px)"]),
    (40, []),
])  # fmt: skip
def test_phone_search_box_icon_does_not_cover_the_text(
    tmp_path: Path, phone_tab: Page, padding: int, expected: list[str]
) -> None:
    site = write(tmp_path, {"p.html": PHONE_PAGE.format(SEARCH.format(padding=padding))})
    with serve(site) as base:
        phone_tab.goto(base + "p.html")
        assert phone.search_problems(phone_tab, "p.html") == expected
        assert phone_tab.locator("input").input_value() == "knee"


# -- page weight -------------------------------------------------------------------------------


def test_weight_blocks_and_reports_third_party_and_missing_requests(tmp_path: Path, browser: Browser) -> None:
    site = write(tmp_path, {
        "p.html": '<link rel="stylesheet" href="s.css"><script src="https://cdn.example.invalid/x.js"></script>'
                  '<img src="missing.png" alt="gone">',
        "s.css": "body { color: #222; }\n" * 200,
    })  # fmt: skip
    with serve(site) as base:
        measured = weight.weigh(browser, base, site, "p.html")
    assert measured.requests == 3
    assert measured.third_party == ("https://cdn.example.invalid/x.js",)
    assert measured.missing == ("missing.png",)
    assert measured.transferred == weight.transfer_size(site / "p.html") + weight.transfer_size(site / "s.css")
    assert weight.transfer_size(site / "s.css") < (site / "s.css").stat().st_size / 10  # gzip


def test_over_budget() -> None:
    big = weight.Weight("big.html", weight.BUDGET_REQUESTS + 1, weight.BUDGET_BYTES + 1, ("http://x.org/a",), ())
    pages = [weight.Weight("ok.html", 3, 1_000, (), ()), big]
    assert [p.split(": ")[1] for p in weight.over_budget(pages)] == [
        f"{(weight.BUDGET_BYTES + 1) / 1000:.0f} KB > budget {weight.BUDGET_BYTES / 1000:.0f} KB",
        f"{weight.BUDGET_REQUESTS + 1} requests > budget {weight.BUDGET_REQUESTS}",
        "third-party request http://x.org/a",
    ]


# -- print -------------------------------------------------------------------------------------


def test_contrast_on_white() -> None:
    assert printing.contrast_on_white("rgb(255, 255, 255)") == pytest.approx(1.0)
    assert printing.contrast_on_white("rgba(0, 0, 0, 1)") == pytest.approx(21.0)
    assert printing.contrast_on_white("rgb(206, 214, 221)") < printing.MIN_CONTRAST  # the theme's dark-mode text


def test_print_layout_problems(tmp_path: Path, browser: Browser) -> None:
    site = write(tmp_path, {"p.html": (
        '<header class="bd-header">navigation</header><article class="bd-article">'
        '<p style="color: rgb(200, 200, 200)">faint</p><pre style="overflow: auto">' + "x" * 400 + "</pre>"
        '<div style="width: 2000px">wide</div></article>'
    )})  # fmt: skip
    with serve(site) as base:
        tab = browser.new_page(viewport={"width": printing.PAPER_WIDTH, "height": 800})
        tab.goto(base + "p.html")
        problems = printing.print_problems(tab, "p.html")
        tab.close()
    assert [p.split(": ")[1] for p in problems] == [
        "navigation prints",
        f"printed content is {2000 + 8}px wide, the paper {printing.PAPER_WIDTH}px",
        "content cut off in print",
        "body text rgb(200, 200, 200) prints at contrast 1.7 on white",
    ]


# -- reproducibility ---------------------------------------------------------------------------


def test_tree_differences(tmp_path: Path) -> None:
    a = write(tmp_path / "a", {"same.txt": "1", "changed.txt": "1", "only-a.txt": "1", "d/deep.txt": "x"})
    b = write(tmp_path / "b", {"same.txt": "1", "changed.txt": "2", "d/deep.txt": "y", "d/only-b.txt": "1"})
    assert repro.tree_differences(a, b) == ["changed.txt", "d/deep.txt", "d/only-b.txt (only in one build)",
                                            "only-a.txt (only in one build)"]  # fmt: skip


def test_zip_differences_name_what_differs(tmp_path: Path) -> None:
    def pack(name: str, text: str, when: tuple[int, ...]) -> Path:
        with zipfile.ZipFile(tmp_path / name, "w") as z:
            z.writestr(zipfile.ZipInfo("a.xhtml", when), text)
        return tmp_path / name

    first = pack("1.epub", "same", (2025, 1, 1, 0, 0, 0))
    later = pack("2.epub", "same", (2026, 1, 1, 0, 0, 0))
    assert repro.zip_differences(first, later) == ["zip time or mode of a.xhtml"]
    assert repro.zip_differences(first, pack("3.epub", "other", (2025, 1, 1, 0, 0, 0))) == ["content of a.xhtml"]


def test_compare_builds_flags_changed_outputs(tmp_path: Path) -> None:
    books = []
    for name, text in (("one", "x"), ("two", "y")):
        book = Book(tmp_path / name)
        write(book.html, {"index.html": "<p>same</p>", "_static/s.css": text})
        book.pdf.parent.mkdir()
        book.pdf.write_bytes(b"%PDF " + text.encode())
        book.epub.parent.mkdir()
        with zipfile.ZipFile(book.epub, "w") as z:
            z.writestr(zipfile.ZipInfo("mimetype", (2025, 1, 1, 0, 0, 0)), "application/epub+zip")
        books.append(book)
    assert repro.compare(*books) == (4, ["HTML _static/s.css differs", "PDF bytes differ"])


# -- structure -------------------------------------------------------------------------------------

#: The book's toctree in small: a part whose two chapters sit in a hidden toctree, then a last page.
TOCTREE = [structure.Entry(1, "intro"), structure.Entry(1, "part/index"), structure.Entry(2, "part/one"),
           structure.Entry(2, "part/two"), structure.Entry(1, "end")]  # fmt: skip
TITLES = {"intro": "Introduction", "part/index": "Clinical applications", "part/one": "Osteoarthritis",
          "part/two": "Back pain", "end": "Outlook"}  # fmt: skip
#: The old defect (3527c4a): the hidden toctree sat inside the part's last section, so its chapters were
#: missing from the landing page and the EPUB's contents, and one level too deep in the PDF.
OLD_NAV = """<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>
<nav epub:type="toc"><ol><li><a href="intro.xhtml">Introduction</a></li>
<li><a href="part/index.xhtml">Clinical applications</a>
<ol><li><a href="part/index.xhtml#how">How to read</a></li></ol></li>
<li><a href="end.xhtml">Outlook</a></li></ol></nav></body></html>"""
NCX_DOC = """<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>
<navPoint id="n1"><content src="index.xhtml"/></navPoint>
<navPoint id="n2"><content src="intro.xhtml"/><navPoint id="n3"><content src="intro.xhtml"/></navPoint></navPoint>
<navPoint id="n4"><content src="part/index.xhtml"/>
  <navPoint id="n5"><content src="part/one.xhtml"/></navPoint>
  <navPoint id="n6"><content src="part/two.xhtml"/></navPoint>
</navPoint><navPoint id="n7"><content src="end.xhtml"/></navPoint></navMap></ncx>"""
OLD_PRINTED = """                                                     FRONT MATTER

Introduction                                          1

1   Clinical applications                             5
    1.1 How to read the key messages . . . . . . . . . 7

2   Outlook                                           20

Index                                                 25
                                                       i
"""


def test_structure_finds_the_old_defect_in_every_contents_list(tmp_path: Path) -> None:
    expected = TOCTREE
    nav = structure.epub_nav(OLD_NAV.encode())
    assert structure.compare("nav", expected, nav) == ["nav: missing 'part/one'", "nav: missing 'part/two'"]
    assert (
        structure.compare("ncx", expected, structure.epub_ncx(NCX_DOC.encode())) == []
    )  # a page listed twice counts once
    printed = structure.printed_contents(OLD_PRINTED)
    assert printed[:2] == [structure.Entry(1, "Introduction"), structure.Entry(1, "Clinical applications", "1")]
    assert structure.compare("printed", structure.by_title(expected, TITLES), printed) == [
        "printed: missing 'Osteoarthritis'", "printed: missing 'Back pain'"]  # fmt: skip
    numbered = [structure.Entry(2, "Osteoarthritis", "4.1"), structure.Entry(1, "Outlook", "5")]
    assert structure.misnumbered("printed", numbered, printed) == ["printed: 'Outlook' numbered 2, expected 5"]
    outline = [structure.Entry(1, "Introduction"), structure.Entry(1, "Clinical applications"),
               structure.Entry(2, "How to read the key messages"), structure.Entry(3, "Back pain"),
               structure.Entry(3, "Osteoarthritis"), structure.Entry(1, "Outlook")]  # fmt: skip
    assert structure.compare("outline", structure.by_title(expected, TITLES), outline) == [
        "outline: 'Back pain' at depth 3, expected 2",
        "outline: 'Osteoarthritis' at depth 3, expected 2",
        "outline: out of order from 'Back pain' (expected 'Osteoarthritis' there)",
    ]


def test_structure_reads_the_landing_page_and_counts_clicks(tmp_path: Path) -> None:
    site = write(tmp_path, {
        "index.html": '<nav class="bd-docs-nav"><ul><li class="toctree-l1"><a href="intro.html">I</a></li></ul></nav>'
                      '<div class="toctree-wrapper"><ul><li class="toctree-l1"><a href="intro.html">I</a>'
                      '<ul><li class="toctree-l2"><a href="intro.html#a">1.1 A</a></li></ul></li>'
                      '<li class="toctree-l1"><a href="part/index.html">P</a><ul>'
                      '<li class="toctree-l2"><a href="part/one.html">4.1 O</a></li></ul></li></ul></div>',
        "intro.html": "", "part/index.html": '<a href="two.html">two</a>',
        "part/one.html": '<a href="../end.html">end</a>', "part/two.html": "", "end.html": "",
    })  # fmt: skip
    contents = structure.html_contents(site / "index.html", "toctree-wrapper")
    assert contents == [structure.Entry(1, "intro"), structure.Entry(1, "part/index"), structure.Entry(2, "part/one")]
    assert structure.html_contents(site / "index.html", "bd-docs-nav") == [structure.Entry(1, "intro")]
    assert structure.compare("index", TOCTREE, contents) == ["index: missing 'part/two'", "index: missing 'end'"]
    clicks = structure.clicks_from(site)
    assert clicks["part/two.html"] == clicks["end.html"] == 2
    assert "part/two.html" not in structure.clicks_from(site, limit=1)


# -- the command -------------------------------------------------------------------------------


def test_main_fails_when_a_check_fails(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(__main__, "CHECKS", {"good": lambda book: True, "bad": lambda book: False})
    assert __main__.main(["--build", "x", "good"]) == 0
    assert __main__.main(["--build", "x"]) == 1
    assert "FAILED 1 of 2 checks: bad" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        __main__.main(["nosuch"])


def test_book_paths_and_pages(tmp_path: Path) -> None:
    book = Book(tmp_path)
    write(book.html, {"index.html": "", "a/b.html": "", "_static/webpack-macros.html": "{% macro x() %}{% endmacro %}"})
    assert book.epub == tmp_path / "epub" / f"{BOOK}.epub"
    assert book.urls() == ["a/b.html", "index.html"]
