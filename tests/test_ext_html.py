"""The basic test project in HTML: definitions, links, roles, every table view and the index."""

from __future__ import annotations

import pytest
from conftest import Built, Element

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
    return list(html.html("table.html").iter("table", cls="cm-matrix"))


def caption(table: Element) -> str:
    return table.first("caption").first("span", cls="caption-text").text


def grid(table: Element) -> tuple[list[str], list[str], list[list[Element]]]:
    """(header texts, row-header texts, data cells by row)."""
    head = [th.text for th in table.first("thead").iter("th")]
    rows = list(table.first("tbody").iter("tr"))
    return head, [row.first("th").text for row in rows], [list(row.iter("td")) for row in rows]


def links(page: Element) -> set[tuple[str, str]]:
    return {(a.attrs.get("href", ""), a.text) for a in page.iter("a")}


def target(html: Built, page: str, href: str) -> Element:
    """The element an internal link from *page* points to (fails if it does not exist)."""
    path, _, anchor = href.partition("#")
    doc = html.html(path or page)
    found = [el for el in doc.iter() if el.attrs.get("id") == anchor]
    assert len(found) == 1, f"{href} from {page}: {len(found)} targets"
    return found[0]


def cite_labels(element: Element) -> set[str]:
    return {a.text for span in element.iter("span", cls="bibtex-citation") for a in span.iter("a")}


def test_builds_without_warnings(html):
    assert html.warnings == []


def test_every_matrix_is_a_real_table_with_caption_and_scoped_headers(tables):
    assert [caption(t) for t in tables] == MATRIX_CAPTIONS
    for table in tables:
        assert {th.attrs.get("scope") for th in table.first("thead").iter("th")} == {"col"}
        assert {th.attrs.get("scope") for th in table.first("tbody").iter("th")} == {"row"}


def test_full_matrix_rows_columns_and_cells(tables):
    head, rows, cells = grid(tables[0])
    assert head == ["Condition", "Paracrine", "Tissue regeneration", "Immune modulation"]
    assert rows == ["Knee OA", "Rückenschmerz ü"]
    knee_regeneration = cells[0][1]
    level = knee_regeneration.first("span", cls="cm-level")
    assert "cm-level-systematic-review" in level.classes
    assert level.text == "●●●●\u00a0Systematic review"  # label plus marker, not colour alone
    assert "cm-finding-mixed" in knee_regeneration.first("span", cls="cm-finding").classes
    assert [a.text for a in knee_regeneration.first("p", cls="cm-where").iter("a")] == [
        "Regeneration in the knee",
        "Evidence in the knee",
    ]
    empty = [
        (r, c) for r, row in enumerate(cells) for c, cell in enumerate(row) if cell.text.strip() == "none declared"
    ]
    assert empty == [(0, 2), (1, 1), (1, 2)]
    assert all(cells[r][c].first("p", cls="cm-empty") for r, c in empty)


def test_transposed_view(tables):
    head, rows, cells = grid(tables[1])
    assert head == ["Mechanism", "Knee OA", "Rückenschmerz ü"]
    assert rows == ["Paracrine", "Tissue regeneration", "Immune modulation"]
    assert "Early clinical" in cells[0][1].text


def test_min_level_filter(tables):
    cells = grid(tables[2])[2]
    text = " ".join(cell.text for row in cells for cell in row)
    assert "Early clinical" not in text and "Laboratory" not in text
    assert [a.text for a in cells[0][1].first("p", cls="cm-where").iter("a")] == ["Regeneration in the knee"]
    assert cite_labels(cells[0][1]) == {"Gam21"}


def test_condition_and_mechanism_filter(tables):
    head, rows, cells = grid(tables[3])
    assert (head, rows) == (["Condition", "Tissue regeneration"], ["Knee OA"])
    assert len(cells[0]) == 1


def test_list_view_and_summary(html):
    page = html.html("table.html")
    (listed,) = page.iter("div", cls="cm-list-view")
    mechanisms = [li for li in listed.first("ul").children if isinstance(li, Element)]
    assert [li.first("strong").text for li in mechanisms] == ["Paracrine", "Tissue regeneration", "Immune modulation"]
    assert mechanisms[2].text.strip().endswith("none declared")
    (summary,) = page.iter("ul", cls="cm-summary")
    items = [li.text for li in summary.children if isinstance(li, Element)]
    assert [item.split(":")[0] for item in items] == ["Paracrine", "Tissue regeneration"]
    assert "Systematic review" in items[1]


def test_table_links_reach_existing_targets(html, tables):
    backlinks = 0
    for table in tables:
        for a in table.iter("a"):
            found = target(html, "table.html", a.attrs["href"])
            if any(a.iter("span", cls="cm-backlink")):
                assert "cm-assertion" in found.classes
                backlinks += 1
    assert backlinks == 12
    headers = [a for t in tables for th in t.iter("th") for a in th.iter("a")]
    assert headers and all("cm-definition" in target(html, "table.html", a.attrs["href"]).classes for a in headers)


def test_table_citations_equal_those_at_the_linked_statements(html, tables):
    checked = 0
    for table in tables:
        for cell in table.iter("td"):
            backlinks = [a.attrs["href"] for p in cell.iter("p", cls="cm-where") for a in p.iter("a")]
            if not backlinks:
                continue
            expected = set().union(
                *(cite_labels(target(html, "table.html", h).first("p", cls="cm-sources")) for h in backlinks)
            )
            assert cite_labels(cell) == expected
            checked += 1
    assert checked == 9


def test_data_links_point_to_the_export(html):
    para = html.html("table.html").first("p", cls="cm-data-links")
    hrefs = [a.attrs["href"] for a in para.iter("a")]
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
        ("conditions.html", "cm-link-knee-oa-paracrine", "Colon-fence link body about the knee.", {"AB20"}),
        (
            "conditions.html",
            "cm-link-knee-oa-regeneration",
            "Backtick-fence link body about regrowth.",
            {"AB20", "Gam21"},
        ),
        ("mechanisms.html", "cm-link-knee-oa-regeneration", "Link body written in reStructuredText.", {"Gam21"}),
    ],
)
def test_link_body_renders_in_place_followed_by_sources(html, page, anchor, body, sources):
    link = target(html, page, f"#{anchor}")
    assert "cm-assertion" in link.classes
    paragraphs = [p for p in link.children if isinstance(p, Element) and p.tag == "p"]
    texts = [p.text for p in paragraphs]
    assert texts[0].startswith("Evidence link: ")
    assert texts.index(body) == len(texts) - 2
    assert texts[-1].startswith("Sources: ")
    assert cite_labels(paragraphs[-1]) == sources
    for a in paragraphs[-1].iter("a"):
        assert target(html, page, a.attrs["href"])


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
    assert "cm-definition" in definition.classes
    assert definition.first("p", cls="cm-definition-title").text == title


def test_index_entries(html):
    index = links(html.html("genindex.html"))
    for href, text in [
        ("conditions.html#cm-condition-knee-oa", "Knee osteoarthritis (condition)"),
        ("conditions.html#cm-condition-back-pain", "Schmerz – Gelenkarthrose ü (condition)"),
        ("mechanisms.html#cm-mechanism-immunomodulation", "Immune modulation (mechanism)"),
        ("conditions.html#cm-condition-back-pain", "Schmerz – Gelenkarthrose ü"),  # under "conditions"
    ]:
        assert (href, text) in index


def test_bibliography_lists_every_cited_key(html):
    assert cite_labels(html.html("conditions.html")) | cite_labels(html.html("mechanisms.html")) == {
        "AB20",
        "Gam21",
        "Del22",
    }
    page = html.html("bibliography.html")
    assert {"AB20", "Gam21", "Del22"} <= {span.text.strip("[]") for span in page.iter("span", cls="label")}


def test_link_note_and_header(html):
    link = target(html, "conditions.html", "#cm-link-knee-oa-paracrine")
    assert link.first("p", cls="cm-note").text == "Small trials"
    header = link.first("p", cls="cm-assertion-header")
    assert (
        header.text
        == "Evidence link: Knee osteoarthritis → Paracrine signalling. ●●●○\u00a0Randomised trial, +\u00a0supports"
    )
    assert [a.attrs["href"] for a in header.iter("a")] == [
        "#cm-condition-knee-oa",
        "mechanisms.html#cm-mechanism-paracrine",
    ]


def test_key_messages_open_the_page_and_agree_with_the_overview(build_root):
    built = build_root("basic", "html")
    page = built.read("clinical.html")
    box = page.index('cm-key-messages admonition')
    assert box < page.index("<section id=\"trials-in-people\"")  # before the first section
    text = built.html("clinical.html").first("div", "cm-key-messages").text
    assert "The best studies in people found mixed or unclear results for pain and function." in text
    assert "They were randomised trials." in text and "Side effects were reported in small early studies in people." in text
    assert "Not approved in the test country (as of 1 November 2026)." in text
    assert 'href="table.html#cm-row-knee-oa"' in page[box:]
    table = built.read("table.html")
    row = table[table.index('id="cm-row-knee-oa"') :]
    assert "Randomised trial" in row.partition("</tr>")[0]  # the same strongest level in the table row


def test_overview_cells_keep_details_one_click_away(build_root):
    table = build_root("basic", "html").html("table.html").first("table", "cm-overview")
    rows = list(table.iter("tr"))
    assert [th.text.strip() for th in rows[0].iter("th")] == [
        "Condition", "Does it help? Effects measured in people", "Harms", "How might it work?", "Approved?",
    ]  # fmt: skip
    details = list(rows[1].iter("details"))
    assert len(details) == 5 and all(next(d.iter("summary"), None) is not None for d in details)
    assert all("See:" in d.text or "Alp20" in d.text or "Del22" in d.text for d in details)
    assert "none declared" in rows[2].text  # back pain: no effect or harm declared
