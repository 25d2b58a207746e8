"""The generated answers in words (condmech.certainty, condmech.keymessages): Cochrane's certainty wording,
singular and plural, and sentences that cannot be misread."""

from __future__ import annotations

import pytest
from condmech import certainty, keymessages, overview
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
    assert certainty.gap_sentence("not-reported", PAIN) == "Pain relief was not reported in these studies."
    assert (
        certainty.gap_sentence("not-measured", BOTH) == "Pain relief and function were not measured in these studies."
    )


def test_a_headline_never_claims_more_certainty_than_its_parts() -> None:
    assert certainty.lowest(["high", "low", "not-rated"]).id == "low"
    assert certainty.lowest(["", "not-rated"]) is certainty.NOT_RATED


def _box(effects, links=(("regen", "preclinical"),)):
    found = [link("knee", m, level, line=i) for i, (m, level) in enumerate(links, 1)]
    row = overview.build(build(found), effects, {"knee": STATUS}, CFG)[0]
    return keymessages.render_key_messages(row, CFG, "doc", None, set()).astext()


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
