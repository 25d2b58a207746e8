"""The comparison of two exports (condmech.diff) and its command (python -m condmech diff), without Sphinx.

Fixtures: ``tests/roots/test-changes/_data/earlier-v2.json`` (a condmech/2 export of an
earlier edition of the test project), ``earlier-v1.json`` (the same edition as
condmech/1), and the test project's later export made from it here (:func:`now`);
``condmech/3`` exports are made from these by :func:`v3`.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from condmech.__main__ import main
from condmech.diff import Comparison, Export, SnapshotError, compare, lines, to_markdown

DATA = Path(__file__).parent / "roots" / "test-changes" / "_data"


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def now() -> dict[str, Any]:
    """The test project's export as it builds today (knee changed, back new, hip gone)."""
    data = copy.deepcopy(load("earlier-v2.json"))
    data["conditions"] = [
        data["conditions"][0],
        {"docname": "back", "id": "back", "name": "Back pain", "plain": "Back pain", "short": "Back pain",
         "url": "back.html#cm-condition-back"},
    ]  # fmt: skip
    data["effects"][0].update(level="rct", finding="mixed", url="knee.html#cm-effect-knee-rct-gamma2021")
    data["effects"].append(
        {**data["effects"][0], "condition": "back", "docname": "back", "level": "early-clinical",
         "finding": "positive", "citations": ["alpha2020"], "url": "back.html#cm-effect-back-early-clinical-alpha2020"}
    )  # fmt: skip
    data["harms"][0]["note"] = "Knee swelling"
    data["links"] = data["links"][:1]
    data["statuses"] = [{**data["statuses"][0], "as_of": "2026-11-01", "approved": ["Elsewhere, 2012: a test product"]}]
    data["reviews"] = [{**data["reviews"][0], "reviewed": "2026-11-01"}]
    return data


def sentences(comparison: Comparison, reader: bool = False) -> dict[str, list[str]]:
    return {condition.name: found for condition, found in lines(comparison, reader)}


def test_added_removed_and_changed_records_per_condition():
    found = sentences(compare(Export.from_data(load("earlier-v2.json")), Export.from_data(now())))
    assert found == {
        "Knee pain": [
            "Does it help? (pain): evidence Early clinical → Randomised trial; finding supports → mixed or limited.",
            "Harms: note Swelling → Knee swelling.",
            "How might it work? (Tissue regeneration): no longer listed: Randomised trial, mixed or limited.",
            "Approved?: approvals added: Elsewhere, 2012: a test product; "
            "checked on 1 November 2025 → 1 November 2026.",
            "Chapter reviewed: reviewed on 1 November 2025 → 1 November 2026.",
        ],
        "Back pain": ["New in this edition.", "Does it help? (pain): new: Early clinical, supports."],
        "Hip pain": ["No longer in the book."],
    }


def test_the_reader_list_leaves_out_wording_and_counts_sources():
    new = now()
    new["effects"][0]["citations"].append("delta2022")
    found = sentences(compare(Export.from_data(load("earlier-v2.json")), Export.from_data(new)), reader=True)
    assert "Harms: note Swelling → Knee swelling." not in found["Knee pain"]
    assert found["Knee pain"][0].endswith("finding supports → mixed or limited; 1 new source.")
    assert sentences(compare(Export.from_data(load("earlier-v2.json")), Export.from_data(new)))["Knee pain"][
        0
    ].endswith("; sources added: delta2022.")


def test_identical_exports_have_no_change():
    comparison = compare(Export.from_data(now()), Export.from_data(now()))
    assert comparison.is_empty
    assert sentences(comparison) == {
        "Knee pain": ["No change in the evidence."],
        "Back pain": ["No change in the evidence."],
    }
    assert "No change in the evidence." in to_markdown(comparison, "a", "b")


def test_a_record_is_paired_by_identity_not_by_position_or_line():
    old, new = now(), now()
    new["effects"].reverse()
    for record in new["effects"]:
        record["line"] += 40
        record["section"] = "Moved"
    assert compare(Export.from_data(old), Export.from_data(new)).is_empty


def test_records_sharing_condition_mechanism_and_first_source_pair_by_content():
    old = now()
    twin = {**old["links"][0], "level": "rct", "finding": "mixed", "url": "knee.html#cm-link-1"}
    old["links"].append(twin)
    new = copy.deepcopy(old)
    new["links"].reverse()
    assert compare(Export.from_data(old), Export.from_data(new)).is_empty
    new["links"] = new["links"][1:]  # the Randomised-trial twin (first after the reversal) removed
    found = sentences(compare(Export.from_data(old), Export.from_data(new)))["Knee pain"]
    assert found == ["How might it work? (Tissue regeneration): no longer listed: Randomised trial, mixed or limited."]


CERTAINTIES = [
    {"id": "not-rated", "label": "not rated", "marker": "", "rank": -1},
    {"id": "low", "label": "low", "marker": "⊕⊕◯◯", "rank": 1},
    {"id": "moderate", "label": "moderate", "marker": "⊕⊕⊕◯", "rank": 2},
]


def v3(certainty: str, rated_by: str, seen: str) -> dict[str, Any]:
    """A condmech/3 export: certainty and who rated it on effects, what was seen on harms."""
    data = now()
    data.update(schema="condmech/3", certainties=CERTAINTIES)
    data["effects"][0].update(certainty=certainty, rated_by=rated_by, size="")
    data["harms"][0].update(certainty="not-rated", rated_by="", seen=seen)
    return data


def test_certainty_and_what_was_seen_of_condmech_3_are_compared_by_name():
    old = v3("low", "editors", "Swelling")
    new = v3("moderate", "gamma2021", "Swelling for a few days")
    comparison = compare(Export.from_data(old), Export.from_data(new))
    assert sentences(comparison)["Knee pain"] == [
        "Does it help? (pain): certainty low → moderate; certainty rated by editors → gamma2021.",
        "Harms: what was seen Swelling → Swelling for a few days.",
    ]
    assert sentences(comparison, reader=True)["Knee pain"][0] == (
        "Does it help? (pain): certainty low → moderate; certainty rated by the editors → a cited review."
    )
    added = {**new["effects"][0], "citations": ["delta2022"], "outcomes": ["function"]}
    gap = {**added, "outcomes": ["disease-activity"], "finding": "not-reported", "certainty": "not-rated"}
    new["effects"] += [added, gap]
    found = sentences(compare(Export.from_data(old), Export.from_data(new)))["Knee pain"]
    assert "Does it help? (function): new: Randomised trial, mixed or limited, certainty moderate." in found
    # an id the export gives no label for (here a finding) is shown in words
    assert "Does it help? (disease activity): new: Randomised trial, not reported, certainty not rated." in found


def test_a_later_schema_compares_to_an_earlier_one_field_by_field():
    comparison = compare(Export.from_data(now()), Export.from_data(v3("low", "editors", "Swelling")))
    assert (comparison.old_schema, comparison.new_schema) == ("condmech/2", "condmech/3")
    assert comparison.new_fields == ("certainty", "rated_by", "seen")  # size is '': nothing to show
    knee = sentences(comparison)["Knee pain"]
    assert knee[0] == "Does it help? (pain): certainty now given: low; certainty rated by now given: editors."
    assert comparison.notes("2026.12", reader=True) == [
        "The 2026.12 records did not give certainty, certainty rated by or what was seen. These are marked “now given”."
    ]


APPROVAL = {
    "condition": "knee", "jurisdiction": "South Korea", "product": "Test cells", "date": "2012-01",
    "kind": ["full"], "covers": "cartilage defects", "not_for": "knee pain in general", "source": "maker",
    "citations": ["alpha2020"], "note": "", "docname": "knee", "line": 30, "url": "knee.html#cm-approval-knee",
}  # fmt: skip


def test_approvals_are_records_named_by_where_and_what():
    old, new = v3("low", "editors", "Swelling"), v3("low", "editors", "Swelling")
    old["approvals"] = [APPROVAL]
    new["approvals"] = [
        {**APPROVAL, "kind": ["conditional", "time-limited"], "citations": ["delta2022"], "line": 40},
        {**APPROVAL, "jurisdiction": "Japan", "date": "2018-12", "source": "news", "not_for": ""},
    ]
    found = sentences(compare(Export.from_data(old), Export.from_data(new)), reader=True)["Knee pain"]
    assert found == [
        "Approved? (South Korea, Test cells): kind full → conditional, time-limited; 1 new source, 1 source removed.",
        "Approved? (Japan, Test cells): new: full approval; December 2018; covers: cartilage defects; "
        "source: a news report.",
    ]


def test_an_older_schema_says_what_it_could_not_compare():
    comparison = compare(Export.from_data(load("earlier-v1.json")), Export.from_data(now()))
    assert comparison.old_schema == "condmech/1"
    assert comparison.first_kinds == ("effects", "harms", "statuses", "reviews")
    assert comparison.new_fields == ("measured",)
    assert comparison.notes("2026.11", reader=True) == [
        "The 2026.11 records did not include effects measured in people, harms, approval status or chapter review "
        "dates. These are marked “now recorded”."
    ]
    knee = sentences(comparison)["Knee pain"]
    assert knee[0] == "Does it help? (pain): now recorded: Randomised trial, mixed or limited."
    assert "Chapter reviewed: now recorded: 1 November 2026." in knee
    assert "How might it work? (Tissue regeneration): what was measured now given: cartilage in animals." in knee


def test_a_kind_the_newer_export_lacks_is_named_not_listed_as_removed():
    old = now()
    new = {key: value for key, value in now().items() if key != "harms"}
    comparison = compare(Export.from_data(old), Export.from_data(new))
    assert comparison.dropped_kinds == ("harms",)
    assert comparison.notes("old") == ["This edition's records no longer include harms, so they are not compared."]
    assert comparison.is_empty


def test_markdown_has_a_heading_per_condition_and_escapes_markup():
    new = now()
    new["conditions"][0]["name"] = "Knee <pain> *and* stiffness"
    markdown = to_markdown(compare(Export.from_data(load("earlier-v2.json")), Export.from_data(new)), "2026.11", "PR")
    assert markdown.startswith("## What changed in the evidence: 2026.11 → PR\n")
    assert "### Knee \\<pain\\> \\*and\\* stiffness\n" in markdown
    assert (
        "- Does it help? (pain): evidence Early clinical → Randomised trial; finding supports → mixed or limited.\n"
        in (markdown)
    )
    assert "### Hip pain\n\n- No longer in the book.\n" in markdown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", "no JSON object"),
        ('{"schema": "other/1"}', "schema 'other/1'"),
        ('{"schema": "condmech/2", "conditions": {}}', "'conditions' is not a list"),
        ('{"schema": "condmech/2", "conditions": [{"id": "x"}]}', "a condition has no id or name"),
        ('{"schema": "condmech/2", "conditions": [], "effects": [1]}', "'effects' is not a list of objects"),
    ],
)
def test_what_is_not_an_export_says_why(text, message):
    with pytest.raises(SnapshotError, match=message):
        Export.parse(text)


def test_the_command_prints_markdown(tmp_path, capsys):
    (tmp_path / "new.json").write_text(json.dumps(now()), encoding="utf-8")
    status = main(["diff", str(DATA / "earlier-v2.json"), str(tmp_path / "new.json"), "--old-label", "2026.11"])
    assert status == 0
    out = capsys.readouterr().out
    assert out.startswith("## What changed in the evidence: 2026.11 → new.json\n")
    assert "- Approved?: approvals added: Elsewhere, 2012: a test product;" in out


def test_the_command_reports_an_unreadable_export(tmp_path, capsys):
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    assert main(["diff", str(tmp_path / "bad.json"), str(DATA / "earlier-v2.json")]) == 2
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'bad.json'}: not valid JSON")
    assert main(["diff", str(tmp_path / "missing.json"), str(DATA / "earlier-v2.json")]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_python_m_condmech_runs():
    done = subprocess.run(
        [sys.executable, "-m", "condmech", "diff", str(DATA / "earlier-v1.json"), str(DATA / "earlier-v2.json")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "### Knee pain" in done.stdout


def test_where_the_book_looked_for_approvals_is_compared_for_all_conditions():
    check = {"id": "eu", "name": "the EU", "extent": "none", "how": "list not available", "as_of": "2026-12-01",
             "citations": ["delta2022"], "docname": "safety", "line": 9}  # fmt: skip
    old, new = v3("low", "editors", "Swelling"), v3("low", "editors", "Swelling")
    old["checks"] = [check]
    new["checks"] = [{**check, "extent": "all", "how": "the EU list", "as_of": "2026-12-05", "line": 12}]
    comparison = compare(Export.from_data(old), Export.from_data(new))
    assert comparison.conditions[-1].name == "All conditions"
    assert sentences(comparison, reader=True)["All conditions"] == [
        "Where we looked for approvals (the EU): looked for not checked → any approval; how list not available → "
        "the EU list; checked on 1 December 2026 → 5 December 2026."
    ]
    assert "All conditions" not in sentences(compare(Export.from_data(old), Export.from_data(old)))
