"""The JSON/CSV export (``_static/condition-mechanism.*``) against its JSON Schema, and escaping."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import condmech
import jsonschema
import pytest
from conftest import Built, index_page

SCHEMA_PATH = Path(condmech.__file__).parent / "schema" / "condition-mechanism.schema.json"
VALIDATOR = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
JSON = "_static/condition-mechanism.json"
CSV = "_static/condition-mechanism.csv"


def load(built) -> dict[str, Any]:
    return json.loads(built.read(JSON))


@pytest.fixture(scope="module")
def export(build_root) -> dict[str, Any]:
    return load(build_root("basic", "html"))


def test_schema_is_a_valid_draft_2020_12_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_export_validates(build_root, builder):
    VALIDATOR.validate(load(build_root("basic", builder)))


def test_export_content(export):
    assert export["schema"] == "condmech/3"
    assert [c["id"] for c in export["conditions"]] == ["knee-oa", "back-pain"]
    assert [m["id"] for m in export["mechanisms"]] == ["paracrine", "regeneration", "immunomodulation"]
    assert export["conditions"][1]["name"] == "Schmerz – Gelenkarthrose ü"
    assert len(export["links"]) == 4
    assert {(c["condition"], c["mechanism"]) for c in export["cells"]} == {
        ("knee-oa", "paracrine"),
        ("knee-oa", "regeneration"),
        ("back-pain", "paracrine"),
    }


def test_cells_agree_with_their_links(export):
    rank = {level["id"]: level["rank"] for level in export["evidence_levels"]}
    for cell in export["cells"]:
        links = [export["links"][i] for i in cell["links"]]
        assert {(x["condition"], x["mechanism"]) for x in links} == {(cell["condition"], cell["mechanism"])}
        assert rank[cell["level"]] == max(rank[x["level"]] for x in links)
        assert set(cell["citations"]) == {key for x in links for key in x["citations"]}
    covered = sorted(i for cell in export["cells"] for i in cell["links"])
    assert covered == list(range(len(export["links"])))


def test_urls_point_to_existing_anchors(build_root, export):
    built = build_root("basic", "html")
    for item in (
        export["conditions"]
        + export["mechanisms"]
        + export["links"]
        + export["effects"]
        + export["harms"]
        + export["statuses"]
    ):
        page, _, anchor = item["url"].partition("#")
        assert f'id="{anchor}"' in built.read(page), item["url"]


def test_json_is_sorted_and_stable(build_root):
    text = build_root("basic", "html").read(JSON)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_export_carries_effects_harms_statuses_and_reviews(export):
    assert [o["id"] for o in export["outcomes"]] == ["pain", "function", "disease-activity"]
    assert export["review_interval_months"] == 12
    (effect,) = export["effects"]
    assert (effect["condition"], effect["outcomes"], effect["level"], effect["finding"]) == (
        "knee-oa", ["pain", "function"], "rct", "mixed",
    )  # fmt: skip
    assert (effect["certainty"], effect["rated_by"], effect["size"]) == ("low", "editors", "")
    (harm,) = export["harms"]
    assert (harm["level"], harm["seen"], harm["citations"]) == (
        "early-clinical", "Swelling of the knee in 2 of 10 people", ["gamma2021"],
    )  # fmt: skip
    assert (harm["certainty"], harm["rated_by"], harm["note"]) == ("very-low", "gamma2021", "No control group")
    assert (harm["studied"], effect["studied"]) == ("10 people with knee osteoarthritis", "")
    assert "finding" not in harm and "outcomes" not in harm
    assert [c["id"] for c in export["certainties"]] == ["not-rated", "very-low", "low", "moderate", "high"]
    (status,) = export["statuses"]
    assert (status["as_of"], status["approved"]) == ("2026-11-01", [])
    (approval,) = export["approvals"]
    assert (approval["jurisdiction"], approval["date"], approval["kind"], approval["source"]) == (
        "Elsewhere", "2012-01", ["conditional", "time-limited"], "maker",
    )  # fmt: skip
    assert (approval["covers"], approval["not_for"]) == ("the worst knee defects", "knee pain in general")
    assert [(c["id"], c["extent"]) for c in export["checks"]] == [("home", "all"), ("away", "none")]
    assert export["reviews"] == [{"docname": "clinical", "reviewed": "2026-11-01", "url": "clinical.html"}]
    assert {link["measured"] for link in export["links"]} == {"the mechanism in the test study"}


def test_csv_has_one_row_per_declaration(build_root, export):
    rows = list(csv.DictReader(io.StringIO(build_root("basic", "html").read(CSV))))
    kinds = [row["kind"] for row in rows]
    assert kinds == ["mechanism"] * len(export["links"]) + ["effect", "harm", "status", "approval"]
    assert rows[0].keys() == {
        "kind", "condition", "condition_name", "mechanism", "mechanism_name", "outcomes", "measured",
        "level", "finding", "certainty", "rated_by", "size", "seen", "studied", "as_of", "summary", "approved",
        "jurisdiction", "product", "date", "covers", "not_for", "approval_kind", "source", "citations", "note", "url",
    }  # fmt: skip
    assert rows[-4]["outcomes"] == "pain function" and rows[-4]["mechanism"] == ""
    assert rows[-3]["studied"] == "10 people with knee osteoarthritis"
    assert (rows[-2]["as_of"], rows[-2]["approved"]) == ("2026-11-01", "")
    assert (rows[-1]["jurisdiction"], rows[-1]["approval_kind"], rows[-1]["not_for"]) == (
        "Elsewhere", "conditional time-limited", "knee pain in general",
    )  # fmt: skip
    rows = rows[: len(export["links"])]
    assert {row["condition_name"] for row in rows} == {"Knee osteoarthritis", "Schmerz – Gelenkarthrose ü"}
    assert {row["citations"] for row in rows} >= {"gamma2021 alpha2020", "delta2022"}


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("cells"),
        lambda d: d.update(schema="condmech/1"),
        lambda d: d["effects"][0].update(outcomes=[]),
        lambda d: d["harms"][0].update(finding="negative"),
        lambda d: d["statuses"][0].update(as_of="1 November 2026"),
        lambda d: d["links"][0].pop("measured"),
        lambda d: d.pop("reviews"),
        lambda d: d["conditions"][0].update(id="Knee OA"),
        lambda d: d["links"][0].update(line="3"),
        lambda d: d["links"][0].update(extra=1),
        lambda d: d["cells"][0].update(links=[]),
        lambda d: d["links"][0]["citations"].append(d["links"][0]["citations"][0]),
        lambda d: d["evidence_levels"].clear(),
        lambda d: d["mechanisms"][0].update(url="no-anchor.html"),
    ],
)
def test_schema_rejects_malformed_exports(export, damage):
    broken = copy.deepcopy(export)
    damage(broken)
    assert not VALIDATOR.is_valid(broken)


@pytest.mark.sphinx("html", testroot="empty", freshenv=True)
def test_empty_project_exports_empty_lists_and_warns_once(app):
    app.build()
    built = Built(app)
    assert len(built.warnings) == 1
    assert "index.md:13: WARNING: this table has no evidence links to show [condmech.empty_table]" in built.warnings[0]
    data = load(built)
    VALIDATOR.validate(data)
    assert (data["links"], data["cells"], len(data["conditions"])) == ([], [], 1)
    assert "No evidence links match this table." in built.read("index.html")


@pytest.mark.parametrize(
    ("overrides", "files"),
    [
        ({}, {JSON, CSV}),
        ({"cm_export_formats": ["json"]}, {JSON}),
        ({"cm_export_builders": ["dirhtml"]}, set()),
    ],
)
def test_export_configuration(write_project, build, overrides, files):
    srcdir = write_project({"index.md": index_page("bibliography")})
    built = build(srcdir, confoverrides=overrides)
    assert built.warnings == []
    assert {p for p in (JSON, CSV) if (built.outdir / p).exists()} == files


HOSTILE = """\
# Page

:::{cm:condition} evil
:name: <script>alert(1)</script> **bold** & `code`
:short: <img src=x onerror=alert(2)>
:::

:::{cm:mechanism} paracrine
:name: Paracrine
:::

## Section

See {cm:cond}`evil`.

:::{cm:link}
:condition: evil
:mechanism: paracrine
:measured: the mechanism in the test study
:level: rct
:cite: alpha2020
:note: <b>not bold</b>

Body.
:::

:::{cm:matrix}
:::
"""


def test_names_with_markup_or_script_are_escaped_everywhere(write_project, build):
    index = index_page("page", "bibliography")
    built = build(write_project({"index.md": index, "page.md": HOSTILE}))
    assert built.warnings == []
    for path in ("page.html", "genindex.html", JSON):
        text = built.read(path)
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>not" not in text, path
    page = built.read("page.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold** &amp; `code`" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page  # the short label, in the table header
    data = load(built)
    VALIDATOR.validate(data)
    assert data["conditions"][0]["name"] == "<script>alert(1)</script> **bold** & `code`"
    assert data["links"][0]["note"] == "<b>not bold</b>"
