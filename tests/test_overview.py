"""Unit tests of the per-condition answers (condmech.overview) and the key messages, without a Sphinx build."""

from __future__ import annotations

from condmech import keymessages, overview
from condmech.links import Links
from condmech.model import Effect, Status
from docutils import nodes
from test_matrix import CFG, build, link


def effect(
    kind: str, level: str, finding: str = "", outcomes: tuple[str, ...] = (), note: str = "", line: int = 1, **new
):
    return Effect(
        kind, "knee", outcomes, level, finding, (f"k{line}",), note, "doc", f"cm-{kind}-{line}", line, "Section", **new
    )


EFFECTS = [
    effect("effect", "rct", "positive", ("pain",), line=1, certainty="moderate", rated_by="k1"),
    effect("effect", "systematic-review", "negative", ("function",), line=2, certainty="low", rated_by="k2"),
    effect("effect", "systematic-review", "mixed", ("pain",), line=3, certainty="very-low", rated_by="editors"),
    effect("harm", "early-clinical", note="A caveat", line=4, seen="swelling of the knee in 1 in 8", certainty="low",
           rated_by="editors"),
    effect("effect", "systematic-review", "not-reported", ("pain",), line=6),
]  # fmt: skip
STATUS = Status("knee", "2026-11-01", "Not approved", ("Korea, 2012: a product",), ("k9",), "doc", "cm-status", 5)


def rows(effects=EFFECTS, statuses=None):
    return overview.build(build([link("knee", "regen", "preclinical")]), effects, statuses or {"knee": STATUS}, CFG)


def test_strongest_clinical_evidence_and_harms_per_condition():
    knee, back = rows()
    assert knee.effect.level.id == "systematic-review"
    assert knee.effect.finding.id == "mixed"  # the two reviews disagree
    assert knee.effect.outcomes == ("pain", "function")  # measured at that level, in configured order
    assert [e.line for e in knee.effect.items] == [2, 3, 1]
    assert knee.effect.certainty.id == "very-low" and knee.effect.rated_by == "editors"  # the lowest at that level
    assert knee.harm.level.id == "early-clinical" and knee.harm.finding is None  # a harm is not a finding
    assert [g.line for g in knee.gaps] == [6]  # not reported: no answer, said apart
    assert [c.mechanism.id for c in knee.mechanisms] == ["regen"] and knee.status is STATUS
    assert back.is_empty and not knee.is_empty


def test_key_messages_answer_the_four_questions_in_plain_sentences():
    knee, back = rows()
    box = keymessages.render_key_messages(knee, CFG, Links("doc"), ("table", "cm-row-knee"), {"k1", "k2", "k3", "k4"})
    text = box.astext()
    assert isinstance(box, nodes.admonition) and "cm-key-messages" in box["classes"]
    assert "Does it help? We are very uncertain whether it reduces pain and improves function." in text
    assert "Very low certainty, in the editors' judgement. This comes from reviews of many studies." in text
    assert "Pain relief was not reported in the sources this book checked." in text
    assert "Harms: Swelling of the knee in 1 in 8. Low certainty, in the editors' judgement." in text
    assert "This comes from an early study in people." in text  # one source: singular
    assert "Side effects were reported in" not in text
    assert "Ideas studied: regen. The strongest evidence for it comes from a lab or animal study." in text
    assert "Not approved (as of 1 November 2026). Elsewhere: Korea, 2012: a product." in text
    words = [len(sentence.split()) for sentence in text.replace("?", ".").split(".") if sentence.strip()]
    assert max(words) <= 20  # short sentences (citations are nodes, not counted here)
    empty = keymessages.render_key_messages(back, CFG, Links("doc"), None, set()).astext()
    assert "No study of this in people" in empty and "does not mean it is safe" in empty
    assert "No harm data in the studies this book cites." in empty  # never reads as "no harms"
    assert "evidence table" not in empty  # no overview table in the book: no link
