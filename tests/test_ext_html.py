"""The basic test project in HTML: definitions, links, roles, every table view and the index."""

from __future__ import annotations

from xml.etree.ElementTree import Element

import pytest
from conftest import Built, classes, first, select, text

MATRIX_CAPTIONS = [
    "Evidence by condition",
    "Evidence for each proposed mechanism, by condition",
    "Randomised or better",
    "Knee regeneration only",
]


@pytest.fixture(scope="module")
def html(build_root) -> Built:
    return build_root("basic", "html")


@pytest.fixture(scope="module")
def tables(html) -> list[Element]:
    return select(html.html("table.html"), ".//table", "cm-matrix")


def caption(table: Element) -> str:
    return text(first(table, "./caption/span", "caption-text"))


def grid(table: Element) -> tuple[list[str], list[str], list[list[Element]]]:
    """(header texts, row-header texts, data cells by row)."""
    head = [text(th) for th in table.findall("./thead/tr/th")]
    rows = table.findall("./tbody/tr")
    return head, [text(first(row, "./th")) for row in rows], [row.findall("./td") for row in rows]


def links(page: Element) -> set[tuple[str, str]]:
    return {(a.get("href", ""), text(a)) for a in page.iter("a")}


def target(html: Built, page: str, href: str) -> Element:
    """The element an internal link from *page* points to (fails if it does not exist)."""
    path, _, anchor = href.partition("#")
    doc = html.html(path or page)
    found = doc.findall(f".//*[@id='{anchor}']")
    assert len(found) == 1, f"{href} from {page}: {len(found)} targets"
    return found[0]


def cite_labels(element: Element) -> set[str]:
    return {text(a) for span in select(element, ".//span", "bibtex-citation") for a in span.iter("a")}


def test_builds_without_warnings(html):
    assert html.warnings == []


def test_every_matrix_is_a_real_table_with_caption_and_scoped_headers(tables):
    assert [caption(t) for t in tables] == MATRIX_CAPTIONS
    for table in tables:
        assert {th.get("scope") for th in table.findall("./thead/tr/th")} == {"col"}
        assert {th.get("scope") for th in table.findall("./tbody/tr/th")} == {"row"}


def test_full_matrix_rows_columns_and_cells(tables):
    head, rows, cells = grid(tables[0])
    assert head == ["Condition", "Paracrine", "Tissue regeneration", "Immune modulation"]
    assert rows == ["Knee OA", "Rückenschmerz ü"]
    knee_regeneration = cells[0][1]
    level = first(knee_regeneration, ".//span", "cm-level")
    assert "cm-level-systematic-review" in classes(level)
    assert text(level) == "Systematic review"  # in words: no filled circles that read as a rating
    assert "cm-finding-mixed" in classes(first(knee_regeneration, ".//span", "cm-finding"))
    assert [text(a) for a in first(knee_regeneration, ".//p", "cm-where").iter("a")] == [
        "Regeneration in the knee",
        "Evidence in the knee",
    ]
    empty = [
        (r, c) for r, row in enumerate(cells) for c, cell in enumerate(row) if text(cell).strip() == "none declared"
    ]
    assert empty == [(0, 2), (1, 1), (1, 2)]
    assert all(select(cells[r][c], ".//p", "cm-empty") for r, c in empty)


def test_transposed_view(tables):
    head, rows, cells = grid(tables[1])
    assert head == ["Mechanism", "Knee OA", "Rückenschmerz ü"]
    assert rows == ["Paracrine", "Tissue regeneration", "Immune modulation"]
    assert "Early clinical" in text(cells[0][1])


def test_min_level_filter(tables):
    cells = grid(tables[2])[2]
    shown = " ".join(text(cell) for row in cells for cell in row)
    assert "Early clinical" not in shown and "Laboratory" not in shown
    assert [text(a) for a in first(cells[0][1], ".//p", "cm-where").iter("a")] == ["Regeneration in the knee"]
    assert cite_labels(cells[0][1]) == {"Gam21"}


def test_condition_and_mechanism_filter(tables):
    head, rows, cells = grid(tables[3])
    assert (head, rows) == (["Condition", "Tissue regeneration"], ["Knee OA"])
    assert len(cells[0]) == 1


def test_list_view_and_summary(html):
    page = html.html("table.html")
    (listed,) = select(page, ".//div", "cm-list-view")
    mechanisms = first(listed, ".//ul").findall("./li")
    names = [text(first(li, ".//strong")) for li in mechanisms]
    assert names == ["Paracrine", "Tissue regeneration", "Immune modulation"]
    assert text(mechanisms[2]).strip().endswith("none declared")
    (summary,) = select(page, ".//ul", "cm-summary")
    items = [text(li) for li in summary.findall("./li")]
    assert [item.split(":")[0] for item in items] == ["Paracrine", "Tissue regeneration"]
    assert "Systematic review" in items[1]


def test_table_links_reach_existing_targets(html, tables):
    backlinks = 0
    for table in tables:
        for a in table.iter("a"):
            found = target(html, "table.html", a.get("href"))
            if select(a, ".//span", "cm-backlink"):
                assert "cm-assertion" in classes(found)
                backlinks += 1
    assert backlinks == 12
    headers = [a for t in tables for a in t.findall(".//th//a")]
    assert headers and all("cm-definition" in classes(target(html, "table.html", a.get("href"))) for a in headers)


def test_table_citations_equal_those_at_the_linked_statements(html, tables):
    checked = 0
    for table in tables:
        for cell in table.iter("td"):
            backlinks = [a.get("href") for p in select(cell, ".//p", "cm-where") for a in p.iter("a")]
            if not backlinks:
                continue
            expected = set().union(
                *(cite_labels(first(target(html, "table.html", h), ".//p", "cm-sources")) for h in backlinks)
            )
            assert cite_labels(cell) == expected
            checked += 1
    assert checked == 9


def test_data_links_point_to_the_export(html):
    para = first(html.html("table.html"), ".//p", "cm-data-links")
    hrefs = [a.get("href") for a in para.iter("a")]
    assert hrefs == ["_static/condition-mechanism.json", "_static/condition-mechanism.csv"]
    assert all((html.outdir / href).is_file() for href in hrefs)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("conditions.html", ("#cm-condition-knee-oa", "Knee osteoarthritis")),
        ("conditions.html", ("mechanisms.html#cm-mechanism-paracrine", "Paracrine signalling")),
        ("conditions.html", ("mechanisms.html#cm-mechanism-paracrine", "the paracrine idea")),
        ("mechanisms.html", ("#cm-mechanism-regeneration", "Tissue regeneration")),
        ("mechanisms.html", ("conditions.html#cm-condition-back-pain", "Schmerz – Gelenkarthrose ü")),
    ],
)
def test_roles_render_as_links_with_the_defined_name(html, page, expected):
    assert expected in links(html.html(page))


@pytest.mark.parametrize(
    ("page", "anchor", "body", "sources"),
    [
        (
            "conditions.html",
            "cm-link-knee-oa-paracrine-rct-alpha2020",
            "Colon-fence link body about the knee.",
            {"AB20"},
        ),
        (
            "conditions.html",
            "cm-link-knee-oa-regeneration-preclinical-gamma2021",
            "Backtick-fence link body about regrowth.",
            {"AB20", "Gam21"},
        ),
        (
            "mechanisms.html",
            "cm-link-knee-oa-regeneration-systematic-review-gamma2021",
            "Link body written in reStructuredText.",
            {"Gam21"},
        ),
    ],
)
def test_link_body_renders_in_place_followed_by_sources(html, page, anchor, body, sources):
    link = target(html, page, f"#{anchor}")
    assert "cm-assertion" in classes(link)
    paragraphs = link.findall("./p")
    texts = [text(p) for p in paragraphs]
    assert texts[0].startswith("Evidence link: ")
    assert texts.index(body) == len(texts) - 2
    assert texts[-1].startswith("Sources: ")
    assert cite_labels(paragraphs[-1]) == sources
    for a in paragraphs[-1].iter("a"):
        assert target(html, page, a.get("href")) is not None


@pytest.mark.parametrize(
    ("page", "anchor", "title"),
    [
        ("conditions.html", "cm-condition-knee-oa", "Condition: Knee osteoarthritis"),
        ("conditions.html", "cm-condition-back-pain", "Condition: Schmerz – Gelenkarthrose ü"),
        ("mechanisms.html", "cm-mechanism-paracrine", "Mechanism: Paracrine signalling"),
    ],
)
def test_definitions_are_link_targets(html, page, anchor, title):
    definition = target(html, page, f"#{anchor}")
    assert "cm-definition" in classes(definition)
    assert text(first(definition, ".//p", "cm-definition-title")) == title


def test_index_entries(html):
    index = links(html.html("genindex.html"))
    for href, label in [
        ("conditions.html#cm-condition-knee-oa", "Knee osteoarthritis (condition)"),
        ("conditions.html#cm-condition-back-pain", "Schmerz – Gelenkarthrose ü (condition)"),
        ("mechanisms.html#cm-mechanism-immunomodulation", "Immune modulation (mechanism)"),
        ("conditions.html#cm-condition-back-pain", "Schmerz – Gelenkarthrose ü"),  # under "conditions"
    ]:
        assert (href, label) in index


def test_bibliography_lists_every_cited_key(html):
    assert cite_labels(html.html("conditions.html")) | cite_labels(html.html("mechanisms.html")) == {
        "AB20",
        "Gam21",
        "Del22",
    }
    page = html.html("bibliography.html")
    assert {"AB20", "Gam21", "Del22"} <= {text(span).strip("[]") for span in select(page, ".//span", "label")}


def test_link_note_and_header(html):
    link = target(html, "conditions.html", "#cm-link-knee-oa-paracrine-rct-alpha2020")
    assert text(first(link, ".//p", "cm-note")) == "Small trials"
    header = first(link, ".//p", "cm-assertion-header")
    assert (
        text(header) == "Evidence link: Knee osteoarthritis → Paracrine signalling. Randomised trial, +\u00a0supports"
    )
    assert [a.get("href") for a in header.iter("a")] == [
        "#cm-condition-knee-oa",
        "mechanisms.html#cm-mechanism-paracrine",
    ]


def test_key_messages_open_the_page_and_agree_with_the_overview(build_root):
    built = build_root("basic", "html")
    page = built.html("clinical.html")
    box = first(page, ".//div", "cm-key-messages")
    assert "admonition" in classes(box)
    order = list(page.iter())
    assert order.index(box) < order.index(first(page, ".//section[@id='trials-in-people']"))  # before the first section
    messages = text(box)
    assert "Results for pain and function were mixed. Low certainty, in the editors' judgement." in messages
    assert "This comes from a randomised trial." in messages  # one source: singular
    assert "Swelling of the knee in 2 of 10 people. Very low certainty, as rated in a review" in messages
    # who was studied, where the declaration says, follows the type of study (runs of spaces collapsed)
    assert "This comes from an early study in people (10 people with knee osteoarthritis)." in messages
    assert "Side effects were reported in" not in messages
    assert (
        "The sources we checked show no approval for this in the test country (as of 1 November 2026); "
        "one narrow approval elsewhere, in Elsewhere. We could not check approvals in the far country." in messages
    )
    assert "a conditional, time-limited approval of Testcel (donor cells) for the worst knee defects." in messages
    assert "Not for knee pain in general. Source: the maker's statement. One small study." in messages
    assert box.find(".//a[@href='table.html#cm-row-knee-oa']") is not None
    row = next(tr for tr in built.html("table.html").iter("tr") if tr.find(".//*[@id='cm-row-knee-oa']") is not None)
    assert "Results for pain and function were mixed. ⊕⊕◯◯ Low certainty (editors' judgement)" in text(row)
    assert "Evidence: a randomised trial." in text(row)  # the same answer and level in the table row
    assert "●" not in text(row)
    approved = text(row)  # the approval's limits are visible in the cell, not only in its details
    assert (
        "Elsewhere, January 2012 (the maker's statement): a conditional, time-limited approval of Testcel" in approved
    )
    assert "Not for knee pain in general." in approved
    table = built.html("table.html")
    where = " ".join(text(first(table, ".//div", "cm-checked-summary")).split())  # where we looked: once per table
    assert where.startswith("Where we looked for approvals (as of 1 November 2026): The test country: any approval")
    assert len(select(table, ".//div", "cm-checked-summary")) == 1
    assert "The far country: not checked (no list was available)." in where


def test_overview_cells_keep_details_one_click_away(build_root):
    table = first(build_root("basic", "html").html("table.html"), ".//table", "cm-overview")
    rows = table.findall(".//tr")
    assert [text(th).strip() for th in rows[0].iter("th")] == [
        "Condition", "Does it help? Effects measured in people", "Harms", "How might it work?", "Approved?",
    ]  # fmt: skip
    details = rows[1].findall(".//details")
    assert len(details) == 5 and all(d.find("./summary") is not None for d in details)
    assert all("See:" in text(d) or "Alp20" in text(d) or "Del22" in text(d) for d in details)
    assert "No harm data in the studies this book cites." in text(rows[2])  # back pain: not read as "no harms"
