"""How sure the evidence is (GRADE's four levels, as Cochrane uses them), and the answer in words.

The certainty of a clinical effect or a harm is apart from the type of study: a
systematic review of small uncontrolled studies gives low or very low certainty.
The words follow Cochrane's plain-language guidance (``pitcher2021guidance``):
"reduces", "probably reduces", "may reduce", "we are very uncertain whether".
Pure functions, no Sphinx.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Certainty(NamedTuple):
    """One step of GRADE's certainty scale (rank 0 is the lowest), or ``not-rated``."""

    id: str
    label: str
    #: GRADE's own marker (filled plus signs out of four); '' when not rated.
    marker: str
    rank: int


CERTAINTIES = (
    Certainty("not-rated", "not rated", "", -1),
    Certainty("very-low", "very low", "\u2295\u25ef\u25ef\u25ef", 0),
    Certainty("low", "low", "\u2295\u2295\u25ef\u25ef", 1),
    Certainty("moderate", "moderate", "\u2295\u2295\u2295\u25ef", 2),
    Certainty("high", "high", "\u2295\u2295\u2295\u2295", 3),
)
BY_ID = {c.id: c for c in CERTAINTIES}
#: What each certainty means, in GRADE's plain words (for the legend and the contributor guide).
MEANING = {
    "high": "the true effect is probably close to what the studies found.",
    "moderate": "the true effect is probably close to what the studies found, but it may be quite different.",
    "low": "the true effect may be quite different from what the studies found.",
    "very-low": "the true effect is probably quite different from what the studies found.",
    "not-rated": "no review cited here rated it, and the editors did not judge it.",
}
NOT_RATED = BY_ID["not-rated"]
#: ``:rated-by:`` value for the book's editors' own judgement (any other value is a cited key).
EDITORS = "editors"
#: Findings of a ``cm:effect`` that say an outcome was not measured or not reported (no certainty applies).
GAPS = {"not-measured": "was not measured", "not-reported": "was not reported"}

#: Per outcome id: what a benefit does (a verb phrase in the base form, with a regular verb), and the
#: outcome as a noun phrase for "… was not reported". A configured outcome not listed here uses its label.
OUTCOME_WORDS = {
    "pain": ("reduce pain", "Pain relief"),
    "function": ("improve function", "Function"),
    "disease-activity": ("lower disease activity", "Disease activity"),
}


def get(ident: str) -> Certainty:
    """The certainty *ident* (not rated when empty or unknown: the directive warned)."""
    return BY_ID.get(ident, NOT_RATED)


def lowest(idents: Sequence[str]) -> Certainty:
    """The lowest rated certainty of *idents*, else not rated: a headline never claims more than its parts."""
    rated = [get(i) for i in idents if get(i) is not NOT_RATED]
    return min(rated, key=lambda c: c.rank) if rated else NOT_RATED


def sentence(text: str) -> str:
    """*text* as a sentence: a capital first letter and a final period."""
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "." if text else ""


def join(words: Sequence[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or another *conjunction*: 'a, b or c')."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _third_person(phrase: str) -> str:
    verb, _, rest = phrase.partition(" ")
    return f"{verb}s {rest}".strip()


def better(outcome: str, label: str) -> str:
    """What a benefit on *outcome* does, in the base form ('reduce pain')."""
    return OUTCOME_WORDS.get(outcome, (f"improve {label}", ""))[0]


def outcome_noun(outcome: str, label: str) -> str:
    """*outcome* as the subject of a sentence ('Pain relief')."""
    return OUTCOME_WORDS.get(outcome, ("", label[:1].upper() + label[1:]))[1]


def answer(finding: str, certainty: Certainty, outcomes: Sequence[tuple[str, str]], size: str = "") -> str:
    """The answer to "Does it help?" in one sentence, from the direction and the certainty.

    *outcomes* are (id, label) pairs; *size* optional words for how big the effect is
    ("a little"). For example "It may reduce pain and improve function." (low) or
    "We are very uncertain whether it reduces pain." (very low).
    """
    base = join([better(o, label) for o, label in outcomes]) + (f" {size.strip()}" if size.strip() else "")
    third = join([_third_person(better(o, label)) for o, label in outcomes]) + (
        f" {size.strip()}" if size.strip() else ""
    )
    labels = join([label for _, label in outcomes])
    if certainty.id == "very-low":
        return f"We are very uncertain whether it {third}."
    if finding == "positive":
        return {
            "high": f"It {third}.",
            "moderate": f"It probably {third}.",
            "low": f"It may {base}.",
        }.get(certainty.id, f"The studies suggest it {third}.")
    if finding == "negative":
        return {
            "high": f"It makes little or no difference to {labels}.",
            "moderate": f"It probably makes little or no difference to {labels}.",
            "low": f"It may make little or no difference to {labels}.",
        }.get(certainty.id, f"The studies found no clear benefit for {labels}.")
    return f"Results for {labels} were mixed."


def short_answer(sentence: str) -> str:
    """*sentence* as a table cell's lead: without the final period, 'It may …' as 'May …'."""
    text = sentence.rstrip(".")
    return text[3].upper() + text[4:] if text.startswith("It ") else text


def certainty_words(certainty: Certainty, rated_by: str = "") -> str:
    """'low certainty', or 'certainty not rated'; 'low certainty (editors' judgement)' when *rated_by* the editors."""
    if certainty is NOT_RATED:
        return "certainty not rated"
    return f"{certainty.label} certainty" + (" (editors' judgement)" if rated_by == EDITORS else "")


class RatingWords(NamedTuple):
    """How one place says who rated a certainty, in a sentence of its own: the words after
    '<Label> certainty' for the editors and before a cited review's citation, or the sentence
    that says it was not rated."""

    not_rated: str
    editors: str
    review: str


#: In a Key-messages box: 'Low certainty, as rated in a review [1].'
BOX_RATING = RatingWords("The certainty was not rated.", ", in the editors' judgement.", ", as rated in a review ")
#: In the evidence table's details, for each declaration: 'Low certainty, as rated by [1].'
DETAILS_RATING = RatingWords("Certainty not rated.", ": the editors' own judgement.", ", as rated by ")


def gap_sentence(finding: str, outcomes: Sequence[tuple[str, str]]) -> str:
    """'Pain relief was not reported in the sources this book checked.' for an outcome declared
    not reported or not measured."""
    nouns = [outcome_noun(o, label) for o, label in outcomes]
    text = join([nouns[0], *(n[:1].lower() + n[1:] for n in nouns[1:])])
    verb = GAPS[finding].replace("was", "were") if len(nouns) > 1 else GAPS[finding]
    return f"{text} {verb} in the sources this book checked."
