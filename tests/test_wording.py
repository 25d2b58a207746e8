"""The generated answers in words (condmech.certainty, condmech.keymessages): Cochrane's certainty wording,
singular and plural, and sentences that cannot be misread."""

from __future__ import annotations

import pytest
from condmech import certainty, keymessages, overview
from condmech.links import Links
from test_matrix import CFG, build, link
from test_overview import STATUS, effect

PAIN = [("pain", "pain")]
BOTH = [("pain", "pain"), ("function", "function")]


@pytest.mark.parametrize(
    ("finding", "grade", "expected"),
    [
        ("positive", "high", "It reduces pain."),
        ("positive", "moderate", "It probably reduces pain."),
        ("positive", "low", "It may reduce pain."),
        ("positive", "very-low", "We are very uncertain whether it reduces pain."),
        ("positive", "not-rated", "The studies suggest it reduces pain."),
        ("negative", "moderate", "It probably makes little or no difference to pain."),
        ("negative", "low", "It may make little or no difference to pain."),
        ("negative", "very-low", "We are very uncertain whether it reduces pain."),
        ("mixed", "low", "Results for pain were mixed."),
        ("mixed", "very-low", "We are very uncertain whether it reduces pain."),
    ],
)
def test_the_verb_follows_the_certainty(finding: str, grade: str, expected: str) -> None:
    assert certainty.answer(finding, certainty.get(grade), PAIN) == expected


def test_several_outcomes_and_a_size() -> None:
    low = certainty.get("low")
    assert certainty.answer("positive", low, BOTH, "a little") == "It may reduce pain and improve function a little."
    assert certainty.short_answer("It may reduce pain.") == "May reduce pain"
    assert certainty.short_answer("We are very uncertain whether it reduces pain.").startswith("We are")
    assert certainty.certainty_words(low) == "low certainty"
    assert certainty.certainty_words(certainty.NOT_RATED) == "certainty not rated"


def test_outcomes_not_reported_are_said_in_words() -> None:
    assert (
        certainty.gap_sentence("not-reported", PAIN) == "Pain relief was not reported in the sources this book checked."
    )
    assert (
        certainty.gap_sentence("not-measured", BOTH)
        == "Pain relief and function were not measured in the sources this book checked."
    )


def test_a_headline_never_claims_more_certainty_than_its_parts() -> None:
    assert certainty.lowest(["high", "low", "not-rated"]).id == "low"
    assert certainty.lowest(["", "not-rated"]) is certainty.NOT_RATED


def _box(effects, links=(("regen", "preclinical"),)):
    found = [link("knee", m, level, line=i) for i, (m, level) in enumerate(links, 1)]
    row = overview.build(build(found), effects, {"knee": STATUS}, CFG)[0]
    return keymessages.render_key_messages(row, CFG, Links("doc"), None, set()).astext()


def test_any_of_them_only_with_several_ideas() -> None:
    one = _box([])
    assert "The strongest evidence for it comes from a lab or animal study." in one
    several = _box([], links=(("regen", "preclinical"), ("immune", "preclinical")))
    assert "The strongest evidence for any of them comes from" in several


def test_singular_or_plural_by_the_sources_cited() -> None:
    one = _box([effect("effect", "rct", "mixed", ("pain",), certainty="low", rated_by="editors")])
    assert "This comes from a randomised trial." in one
    two = _box(
        [
            effect("effect", "rct", "mixed", ("pain",), line=1, certainty="low", rated_by="editors"),
            effect("effect", "rct", "mixed", ("pain",), line=2, certainty="low", rated_by="editors"),
        ]
    )
    assert "This comes from randomised trials." in two


def test_harms_say_what_was_seen_and_no_data_is_not_no_harm() -> None:
    seen = _box([effect("harm", "rct", seen="one small stroke in 53 people", certainty="not-rated")])
    assert "Harms: One small stroke in 53 people. The certainty was not rated." in seen
    assert "Side effects were reported in" not in seen
    none = _box([])
    assert "No harm data in the studies this book cites. That does not mean it is safe." in none
    assert "none declared" not in none.lower()


def _approval(jurisdiction="South Korea", not_for="knee pain in general", kinds=("full",), source="maker", **more):
    from condmech.model import Approval

    fields = dict(
        condition="knee", jurisdiction=jurisdiction, product="Cartistem (donor cells)", date="2012-01",
        covers="the most severe cartilage defects", not_for=not_for, kinds=kinds, source=source, note="",
        citations=("k1",), docname="doc", anchor="a", line=1,
    )  # fmt: skip
    return Approval(**{**fields, **more})


def _check(ident, name, extent):
    from condmech.model import Check

    return Check(ident, name, extent, "how", "2026-12-01", (), "doc", 1)


def test_approvals_keep_their_limits_in_every_form() -> None:
    from condmech import approvals

    korea = _approval()
    full = approvals.approval_text(korea)
    assert full == (
        "South Korea, January 2012: an approval of Cartistem (donor cells) for the most severe cartilage defects. "
        "Not for knee pain in general. Source: the maker's statement."
    )
    short = approvals.approval_text(korea, short=True)
    assert short.startswith("South Korea, January 2012 (the maker's statement): an approval of Cartistem for")
    assert "Not for knee pain in general." in short  # shortened, but never without its limit
    japan = _approval("Japan", "", ("conditional", "time-limited"), "news", date="2018-12")
    assert "a conditional, time-limited approval" in approvals.approval_text(japan, short=True)


def test_the_approved_answer_puts_the_readers_question_first() -> None:
    from condmech import approvals

    checks = [_check("us", "the US", "all"), _check("eu", "the EU", "none"), _check("uk", "the UK", "none"),
              _check("kr", "South Korea", "named")]  # fmt: skip
    assert approvals.headline([], checks) == "The sources we checked show no approval for this in the US"
    one = approvals.headline([_approval()], checks)
    assert (
        one
        == "The sources we checked show no approval for this in the US; one narrow approval elsewhere, in South Korea"
    )
    two = approvals.headline([_approval(), _approval("India", not_for="")], checks)
    assert (
        two
        == "The sources we checked show no approval for this in the US; 2 approvals elsewhere, in South Korea and India"
    )
    # the status's date dates the finding that there is none, not the approvals elsewhere (known only to their sources)
    dated = approvals.headline([_approval()], checks, " (as of 5 December 2026)")
    assert dated.startswith("The sources we checked show no approval for this in the US (as of 5 December 2026); one")
    assert dated.endswith("in South Korea")
    assert approvals.headline([_approval()], [], ", as of 1 May 2026").endswith("in South Korea, as of 1 May 2026")
    assert approvals.not_checked(checks) == "We could not check approvals in the EU or the UK."
    where = approvals.where_checked(checks)
    assert where.startswith("The US: any approval; how.") and "South Korea: only the products this book names" in where


def test_approval_dates() -> None:
    from condmech import approvals

    assert [approvals.parse_date(v) for v in ("2012", "2012-01", "2012-01-31")] == ["2012", "2012-01", "2012-01-31"]
    assert [approvals.parse_date(v) for v in ("2012-13", "12-2012", "2012-02-30", "Jan 2012")] == [None] * 4
    assert approvals.display_date("2018-12") == "December 2018"


def test_a_mechanism_is_worded_by_the_sources_at_its_strongest_level() -> None:
    found = [
        link("knee", "regen", "early-clinical", cites=("k1",), line=1),
        link("knee", "regen", "preclinical", cites=("k2", "k3"), line=2),
    ]
    row = overview.build(build(found), [], {"knee": STATUS}, CFG)[0]
    text = keymessages.render_key_messages(row, CFG, Links("doc"), None, set()).astext()
    assert "The strongest evidence for it comes from an early study in people." in text
