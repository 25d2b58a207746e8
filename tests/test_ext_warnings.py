"""Bad input: each fault gives exactly one warning, with file:line and a filterable type, and
the rest of the project still builds. ``suppress_warnings`` silences it."""

from __future__ import annotations

import re

import pytest
from conftest import DEFINITIONS, first, index_page, select, text

#: After the shared definitions: a second mechanism, a valid link and a matrix.
EVIDENCE = """
:::{cm:mechanism} regen
:name: Regeneration
:::

## Evidence

:::{cm:link}
:condition: knee
:mechanism: paracrine
:measured: the mechanism in the test study
:level: rct
:cite: alpha2020

A valid link.
:::

:::{cm:matrix}
:::
"""
BASE = "# Base\n\n" + DEFINITIONS + EVIDENCE

INDEX = index_page("base", "case", "bibliography")
VALID = {
    "condition": "knee",
    "mechanism": "paracrine",
    "level": "rct",
    "cite": "alpha2020",
    "measured": "the mechanism in the test study",
}


TABLES = ("matrix", "summary", "key-messages", "reviewed")


def myst(directive: str, argument: str = "", **options: str) -> str:
    """A MyST page whose only directive starts on line 3 (with a body unless it is a table)."""
    lines = ["# Case", "", f":::{{cm:{directive}}} {argument}".rstrip()]
    lines += [f":{key.replace('_', '-')}: {value}" for key, value in options.items()]
    body = [] if directive in TABLES else ["", "Body."]
    return "\n".join([*lines, *body, ":::", ""])


def rst(directive: str, argument: str = "", **options: str) -> str:
    """A reStructuredText page whose only directive starts on line 4 (with a body unless it is a table)."""
    lines = ["Case", "====", "", f".. cm:{directive}:: {argument}".rstrip()]
    lines += [f"   :{key.replace('_', '-')}: {value}" for key, value in options.items()]
    body = [] if directive in TABLES else ["", "   Body."]
    return "\n".join([*lines, *body, ""])


def link(**changes: str) -> dict[str, str]:
    return {key: value for key, value in {**VALID, **changes}.items() if value}


EFFECT = {
    "condition": "knee", "outcome": "pain", "level": "rct", "finding": "mixed", "cite": "alpha2020",
    "certainty": "low", "rated_by": "editors",
}  # fmt: skip
HARM = {"condition": "knee", "level": "rct", "cite": "alpha2020", "seen": "swelling", "certainty": "not-rated"}
STATUS = {"as_of": "2026-11-01", "summary": "Not approved", "cite": "alpha2020"}


def effect(**changes: str) -> dict[str, str]:
    return {key: value for key, value in {**EFFECT, **changes}.items() if value}


APPROVAL = {
    "condition": "knee", "jurisdiction": "Korea", "product": "Testcel", "date": "2012-01", "covers": "defects",
    "not_for": "pain", "kind": "full", "source": "maker", "cite": "alpha2020",
}  # fmt: skip
CHECKED = {"name": "the test country", "extent": "all", "how": "its list", "as_of": "2026-11-01", "cite": "alpha2020"}


def approval(**changes: str) -> dict[str, str]:
    return {key: value for key, value in {**APPROVAL, **changes}.items() if value}


def checked(**changes: str) -> dict[str, str]:
    return {key: value for key, value in {**CHECKED, **changes}.items() if value}


def harm(**changes: str) -> dict[str, str]:
    return {key: value for key, value in {**HARM, **changes}.items() if value}


def status(**changes: str) -> dict[str, str]:
    return {key: value for key, value in {**STATUS, **changes}.items() if value}


# id: (file name, page text, warning type.subtype, line)
CASES = {
    "link-unknown-condition": ("case.md", myst("link", **link(condition="nosuch")), "condmech.unknown_id", 4),
    "link-unknown-mechanism-rst": ("case.rst", rst("link", **link(mechanism="nosuch")), "condmech.unknown_id", 6),
    "role-unknown-id": ("case.md", "# Case\n\nSee {cm:cond}`nosuch`.\n", "condmech.unknown_id", 3),
    "role-unknown-id-rst": ("case.rst", "Case\n====\n\nSee :cm:mech:`nosuch`.\n", "condmech.unknown_id", 4),
    "matrix-unknown-filter": ("case.md", myst("matrix", condition="nosuch"), "condmech.unknown_id", 3),
    "summary-unknown-condition": ("case.md", myst("summary", "nosuch"), "condmech.unknown_id", 3),
    "duplicate-definition": ("case.md", myst("condition", "knee", name="Again"), "condmech.duplicate_definition", 3),
    "link-without-citation": ("case.md", myst("link", **link(cite="")), "condmech.no_citation", 3),
    "duplicate-citation": (
        "case.md",
        myst("link", **link(cite="alpha2020, alpha2020")),
        "condmech.duplicate_citation",
        7,
    ),
    "unknown-citation-key": ("case.md", myst("link", **link(cite="nosuchkey")), "condmech.unknown_citation", 7),
    "unknown-level": ("case.md", myst("link", **link(level="strong")), "condmech.unknown_level", 6),
    "unknown-min-level": ("case.md", myst("matrix", min_level="strong"), "condmech.unknown_level", 4),
    "unknown-finding": ("case.md", myst("link", **link(finding="great")), "condmech.unknown_finding", 9),
    "missing-level": ("case.md", myst("link", **link(level="")), "condmech.missing_option", 3),
    "missing-name": ("case.md", myst("condition", "back"), "condmech.missing_option", 3),
    "missing-id": ("case.rst", rst("condition", name="Back pain"), "condmech.missing_option", 4),
    "bogus-view": ("case.md", myst("matrix", view="bogus"), "condmech.invalid_option", 4),
    "id-with-space": ("case.md", myst("condition", "back pain", name="Back pain"), "condmech.invalid_id", 3),
    "id-uppercase-rst": ("case.rst", rst("mechanism", "Immune", name="Immune"), "condmech.invalid_id", 4),
    "link-id-with-space": ("case.md", myst("link", **link(condition="knee pain")), "condmech.invalid_id", 4),
    "filter-id-uppercase": ("case.md", myst("matrix", mechanism="Regen"), "condmech.invalid_id", 4),
    "empty-table": ("case.md", myst("matrix", mechanism="regen"), "condmech.empty_table", 3),
    "empty-summary": ("case.rst", rst("summary", "knee", min_level="systematic-review"), "condmech.empty_table", 4),
    "name-too-long": ("case.md", myst("condition", "long", name="Very long name " * 8), "condmech.name_too_long", 4),
    "link-without-measured": ("case.md", myst("link", **link(measured="")), "condmech.deprecated", 3),
    "link-without-measured-rst": ("case.rst", rst("link", **link(measured="")), "condmech.deprecated", 4),
    "effect-unknown-outcome": ("case.md", myst("effect", **effect(outcome="mood")), "condmech.unknown_outcome", 5),
    "effect-missing-outcome": ("case.md", myst("effect", **effect(outcome="")), "condmech.missing_option", 3),
    "effect-unknown-level-rst": ("case.rst", rst("effect", **effect(level="strong")), "condmech.unknown_level", 7),
    "effect-unknown-finding": ("case.md", myst("effect", **effect(finding="great")), "condmech.unknown_finding", 7),
    "effect-unknown-condition": ("case.md", myst("effect", **effect(condition="nosuch")), "condmech.unknown_id", 4),
    "harm-unknown-condition-rst": (
        "case.rst",
        rst("harm", **harm(condition="nosuch")),
        "condmech.unknown_id",
        5,
    ),
    "effect-without-citation": ("case.md", myst("effect", **effect(cite="")), "condmech.no_citation", 3),
    "effect-unknown-certainty": ("case.md", myst("effect", **effect(certainty="lowish")), "condmech.invalid_option", 9),
    "effect-unknown-certainty-rst": (
        "case.rst",
        rst("effect", **effect(certainty="very low")),
        "condmech.invalid_option",
        10,
    ),
    "effect-rated-by-not-cited": ("case.md", myst("effect", **effect(rated_by="xing")), "condmech.invalid_option", 10),
    "effect-rating-without-rater": ("case.md", myst("effect", **effect(rated_by="")), "condmech.missing_option", 9),
    "effect-not-rated-with-rater": (
        "case.md",
        myst("effect", **effect(certainty="not-rated")),
        "condmech.invalid_option",
        10,
    ),
    "effect-without-certainty": (
        "case.md",
        myst("effect", **effect(certainty="", rated_by="")),
        "condmech.deprecated",
        3,
    ),
    "harm-without-seen": ("case.md", myst("harm", **harm(seen="", certainty="")), "condmech.deprecated", 3),
    "harm-seen-without-certainty": ("case.md", myst("harm", **harm(certainty="")), "condmech.missing_option", 3),
    "approval-unknown-kind": (
        "case.md",
        myst("approval", **approval(kind="provisional")),
        "condmech.invalid_option",
        10,
    ),
    "approval-unknown-source": ("case.md", myst("approval", **approval(source="press")), "condmech.invalid_option", 11),
    "approval-bad-date-rst": ("case.rst", rst("approval", **approval(date="Jan 2012")), "condmech.invalid_date", 8),
    "approval-missing-covers": ("case.md", myst("approval", **approval(covers="")), "condmech.missing_option", 3),
    "approval-unknown-condition": (
        "case.md",
        myst("approval", **approval(condition="nosuch")),
        "condmech.unknown_id",
        3,
    ),
    "checked-unknown-extent": (
        "case.md",
        myst("checked", "us", **checked(extent="some")),
        "condmech.invalid_option",
        5,
    ),
    "checked-bad-date": ("case.md", myst("checked", "us", **checked(as_of="2026-13-01")), "condmech.invalid_date", 7),
    "status-approved-deprecated": (
        "case.md",
        myst("status", "knee", **status(approved="Korea, 2012: a product")),
        "condmech.deprecated",
        7,
    ),
    "harm-missing-level": ("case.md", myst("harm", condition="knee", cite="alpha2020"), "condmech.missing_option", 3),
    "harm-id-with-space": (
        "case.md",
        myst("harm", condition="knee pain", level="rct", cite="alpha2020"),
        "condmech.invalid_id",
        4,
    ),
    "status-bad-date": ("case.md", myst("status", "knee", **status(as_of="1 Nov 2026")), "condmech.invalid_date", 4),
    "status-impossible-date": (
        "case.rst",
        rst("status", "knee", **status(as_of="2026-02-30")),
        "condmech.invalid_date",
        5,
    ),
    "status-misspelt-option": ("case.md", myst("status", "knee", **status(summery="x")), "condmech.unknown_option", 7),
    "status-missing-summary": ("case.md", myst("status", "knee", **status(summary="")), "condmech.missing_option", 3),
    "status-missing-condition": ("case.md", myst("status", **status()), "condmech.missing_option", 3),
    "status-unknown-condition": ("case.md", myst("status", "nosuch", **status()), "condmech.unknown_id", 3),
    "status-outdated": ("case.md", myst("status", "knee", **status(as_of="2025-11-30")), "condmech.status_outdated", 3),
    "status-twice": (
        "case.md",
        myst("status", "knee", **status()) + "\n" + myst("status", "knee", **status()).split("\n", 2)[2],
        "condmech.duplicate_status",
        11,
    ),
    "reviewed-bad-date": ("case.md", myst("reviewed", "2026-13-01"), "condmech.invalid_date", 3),
    "reviewed-missing-date": ("case.rst", rst("reviewed"), "condmech.missing_option", 4),
    "reviewed-overdue": ("case.md", myst("reviewed", "2025-11-30"), "condmech.review_overdue", 3),
    # issue 21: dates after the build date (far-future placeholders crashed the date arithmetic)
    "reviewed-future": ("case.md", myst("reviewed", "2026-12-02"), "condmech.invalid_date", 3),
    "reviewed-far-future": ("case.md", myst("reviewed", "9999-06-01"), "condmech.invalid_date", 3),
    "reviewed-far-future-rst": ("case.rst", rst("reviewed", "9999-12-31"), "condmech.invalid_date", 4),
    "status-future": ("case.md", myst("status", "knee", **status(as_of="2027-01-01")), "condmech.invalid_date", 3),
    "status-far-future-rst": (
        "case.rst",
        rst("status", "knee", **status(as_of="9999-12-31")),
        "condmech.invalid_date",
        4,
    ),
    # issue 21: cm:reviewed and cm:key-messages check their options like the others
    "reviewed-unknown-option": ("case.md", myst("reviewed", "2026-11-01", by="me"), "condmech.unknown_option", 4),
    "reviewed-unknown-option-rst": ("case.rst", rst("reviewed", "2026-11-01", by="me"), "condmech.unknown_option", 5),
    "key-messages-unknown-option": ("case.md", myst("key-messages", "knee", view="x"), "condmech.unknown_option", 4),
    "reviewed-twice": (
        "case.md",
        myst("reviewed", "2026-11-01") + "\n" + myst("reviewed", "2026-11-02").split("\n", 2)[2],
        "condmech.duplicate_status",
        6,
    ),
    "reviewed-twice-rst": (
        "case.rst",
        rst("reviewed", "2026-11-01") + "\n" + rst("reviewed", "2026-11-02").split("\n", 3)[3],
        "condmech.duplicate_status",
        6,
    ),
    "key-messages-unknown-condition": ("case.md", myst("key-messages", "nosuch"), "condmech.unknown_id", 3),
    "key-messages-missing-condition": ("case.md", myst("key-messages"), "condmech.missing_option", 3),
    "short-label-too-long": (
        "case.rst",
        rst("mechanism", "long", name="Long", short="Very long label " * 8),
        "condmech.name_too_long",
        6,
    ),
    # issue 14, case 1: keys sphinxcontrib-bibtex could not parse (it raised ValueError or KeyError)
    **{
        f"cite-{name}": ("case.md", myst("link", **link(cite=value)), "condmech.invalid_citation", 7)
        for name, value in {
            "braces": "{alpha2020}",
            "closing-brace": "alpha2020}",
            "open-brace": "alpha{x",
            "lone-brace": "{",
            "bang": "!alpha2020",
            "tilde": "~alpha2020",
            "explicit-title": "x<alpha2020>",
        }.items()
    },
    "cite-braces-rst": ("case.rst", rst("link", **link(cite="{alpha2020}")), "condmech.invalid_citation", 8),
    "cite-quote-rst": ("case.rst", rst("link", **link(cite='"alpha2020"')), "condmech.invalid_citation", 8),
    # case 6: a misspelt option is one warning at its line (MyST dropped it; rST refused the directive)
    # codespell:ignore-begin: misspelt options are the cases under test
    "misspelt-option": ("case.md", myst("link", **link(level="", levle="rct")), "condmech.unknown_option", 8),
    "misspelt-option-rst": ("case.rst", rst("link", **link(level="", levle="rct")), "condmech.unknown_option", 9),
    "misspelt-table-option": ("case.md", myst("matrix", veiw="list"), "condmech.unknown_option", 4),
    # codespell:ignore-end
    # case 7: direction controls would show a name reversed
    "bidi-name": ("case.md", myst("condition", "back", name="Back\u202e pain"), "condmech.invalid_character", 4),
    "bidi-note-rst": ("case.rst", rst("link", **link(note="ok\u202dnote")), "condmech.invalid_character", 10),
    # issue 21: a typo in a cite role gets the same warning (with "did you mean") as in :cite:, not bibtex's
    "cite-role-unknown-key": ("case.md", "# Case\n\nText {cite:p}`alpha2002`.\n", "condmech.unknown_citation", 3),
    "cite-role-unknown-key-rst": (
        "case.rst",
        "Case\n====\n\nText :cite:t:`alpha2020,alpha2002`.\n",
        "condmech.unknown_citation",
        4,
    ),
    # issue 21: control characters would reach the page, the EPUB's XHTML and the CSV
    "bel-note": ("case.md", myst("link", **link(note="ok\x07note")), "condmech.invalid_character", 9),
    "esc-name-rst": ("case.rst", rst("condition", "back", name="Back\x1b[31m pain"), "condmech.invalid_character", 5),
    # issue 21: two effects or harms that would share an anchor
    "effect-duplicate-anchor": (
        "case.md",
        myst("effect", **effect()) + myst("effect", **effect())[len("# Case\n") :],
        "condmech.duplicate_anchor",
        15,
    ),
    "harm-duplicate-anchor-rst": (
        "case.rst",
        rst("harm", **harm()) + rst("harm", **harm())[len("Case\n====\n") :],
        "condmech.duplicate_anchor",
        13,
    ),
    # case 9: two links that would share an anchor
    "duplicate-anchor": (
        "case.md",
        myst("link", **link(condition="knee", mechanism="regen", level="preclinical"))
        + myst("link", **link(condition="knee", mechanism="regen", level="preclinical"))[len("# Case\n") :],
        "condmech.duplicate_anchor",
        13,
    ),
}

# id: (conf.py line, warning type.subtype); the value replaces the default, which is then used.
CONFIG_CASES = {
    "levels-not-a-list": 'cm_evidence_levels = "rct"',
    "levels-bad-entry": 'cm_evidence_levels = [{"id": "Strong", "label": "x", "description": "x", "marker": "x"}]',
    "findings-missing-key": 'cm_findings = [{"id": "positive", "label": "supports"}]',
    "name-length-too-small": "cm_max_name_length = 3",
    "name-length-not-int": 'cm_max_name_length = "80"',
    "require-citations-not-bool": 'cm_require_citations = "no"',
    "caption-not-str": "cm_matrix_caption = 5",
    "export-builders-str": 'cm_export_builders = "html"',
    "export-formats-unknown": 'cm_export_formats = ["xml"]',
    "outcomes-bad-entry": 'cm_outcomes = [{"id": "pain"}]',
    "review-interval-zero": "cm_review_interval_months = 0",
    "review-required-str": 'cm_review_required = "*"',
    "disagreement-not-an-id": 'cm_disagreement_finding = "Mixed!"',
    "disagreement-not-a-finding": 'cm_disagreement_finding = "unclear"',
}

CONF_LINE = 10  # the first line after conftest.BASE_CONF


def single_warning(built, path: str, line: int, kind: str) -> str:
    """Assert the build gave exactly one warning, at *path*:*line*, of type *kind*; return its message."""
    assert "Traceback" not in built.status + "".join(built.warnings)
    assert len(built.warnings) == 1, built.warnings
    pattern = rf"^{re.escape(str(built.app.srcdir / path))}:{line}: WARNING: (.+) \[{re.escape(kind)}\]$"
    match = re.match(pattern, built.warnings[0])
    assert match, built.warnings[0]
    return match.group(1)


def assert_rest_builds(built) -> None:
    base = built.html("base.html")
    assert select(base, ".//table", "cm-matrix") and base.find(".//*[@id='cm-link-knee-paracrine']") is not None
    assert (built.outdir / "case.html").is_file()


@pytest.mark.parametrize(("filename", "text", "kind", "line"), CASES.values(), ids=CASES.keys())
def test_bad_input_warns_once(write_project, build, filename, text, kind, line):
    srcdir = write_project({"index.md": INDEX, "base.md": BASE, filename: text})
    built = build(srcdir)
    message = single_warning(built, filename, line, kind)
    assert len(message) > 20
    assert_rest_builds(built)
    quiet = build(srcdir, confoverrides={"suppress_warnings": [kind]})
    assert quiet.warnings == []
    assert_rest_builds(quiet)


@pytest.mark.parametrize(
    ("changes", "hint"),
    [
        ({"condition": "kne"}, "unknown condition 'kne' in cm:link; did you mean 'knee'?"),
        ({"mechanism": "paracrin"}, "unknown mechanism 'paracrin' in cm:link; did you mean 'paracrine'?"),
        ({"level": "rtc"}, "unknown evidence level 'rtc'; did you mean 'rct'?"),
        # codespell:ignore-begin: misspelt options are the cases under test
        ({"finding": "postive"}, "did you mean 'positive'?"),
        ({"cite": "alpha2002"}, "citation key 'alpha2002' is not in refs.bib; did you mean 'alpha2020'?"),
        ({"cite": "{alpha2020}"}, "did you mean 'alpha2020'?"),
        ({"level": "", "levle": "rct"}, "cm:link has no option :levle:; did you mean 'level'?"),
        # codespell:ignore-end
    ],
)
def test_warnings_suggest_the_nearest_value_and_mark_the_link(write_project, build, changes, hint):
    """Case 10: 'did you mean', and a visible marker at the link in the page (the live preview)."""
    srcdir = write_project({"index.md": INDEX, "base.md": BASE, "case.md": myst("link", **link(**changes))})
    built = build(srcdir)
    assert len(built.warnings) == 1 and hint in built.warnings[0], built.warnings
    marker = text(first(built.html("case.html"), ".//p", "cm-problem")).replace("\u2018", "'").replace("\u2019", "'")
    assert "Problem in this declaration" in marker and hint.split(";")[0].replace(" in cm:link", "") in marker
    # an unknown id's suggestion depends on other pages, so it is in the warning only
    assert ("did you mean" in marker) is ("unknown condition" not in hint and "unknown mechanism" not in hint)
    quiet = build(srcdir, confoverrides={"suppress_warnings": ["condmech"]})
    assert quiet.warnings == [] and not select(quiet.html("case.html"), ".//*", "cm-problem")


def test_later_definition_in_book_order_is_the_duplicate(write_project, build):
    """Case 8: 'first' is book (toctree) order, not file name: aaa.md comes after base.md in the toctree."""
    index = index_page("base", "aaa", "bibliography")
    srcdir = write_project({"index.md": index, "base.md": BASE, "aaa.md": myst("condition", "knee", name="Again")})
    built = build(srcdir)
    assert "base line 3" in single_warning(built, "aaa.md", 3, "condmech.duplicate_definition")
    shown = text(built.html("base.html"))
    assert "Knee pain" in shown and "Again" not in shown


def test_config_inside_a_block_has_its_line_and_unpicklable_values_warn_once(write_project, build):
    """Case 6: an assignment inside ``if`` has a line; a function value gives no second config.cache warning."""
    conf = "if True:\n    cm_max_name_length = 3\ncm_matrix_caption = lambda: 'x'\n"
    srcdir = write_project({"index.md": INDEX, "base.md": BASE, "case.md": "# Case\n"}, conf=conf)
    built = build(srcdir)
    assert "Traceback" not in built.status
    assert sorted(line.split(": WARNING")[0].rsplit(":", 1)[1] for line in built.warnings) == ["11", "12"]
    assert all(line.endswith("[condmech.config]") for line in built.warnings), built.warnings


@pytest.mark.parametrize("setting", CONFIG_CASES.values(), ids=CONFIG_CASES.keys())
def test_bad_config_warns_once_and_uses_the_default(write_project, build, setting):
    name = setting.split(" = ")[0]
    srcdir = write_project({"index.md": INDEX, "base.md": BASE, "case.md": "# Case\n"}, conf=setting + "\n")
    built = build(srcdir)
    message = single_warning(built, "conf.py", CONF_LINE, "condmech.config")
    assert message.startswith(f"{name}: ") and message.endswith("using the default")
    assert_rest_builds(built)  # the link with level "rct" and the default finding still counts
    assert "Randomised trial" in built.read("base.html")
    assert build(srcdir, confoverrides={"suppress_warnings": ["condmech.config"]}).warnings == []


def test_unknown_citation_key_is_reported_once_even_with_several_tables(write_project, build):
    page = myst("link", **link(cite="nosuchkey, alpha2020")) + "\n:::{cm:matrix}\n:view: list\n:::\n"
    page += "\n:::{cm:summary} knee\n:::\n"
    built = build(write_project({"index.md": INDEX, "base.md": BASE, "case.md": page}))
    assert "nosuchkey" in single_warning(built, "case.md", 7, "condmech.unknown_citation")
    labels = [text(a) for a in built.html("case.html").iter("a")]
    assert labels.count("Alp20") == 3  # the known key: at the link, in the list and summary


def test_role_unknown_id_under_nitpicky_is_not_doubled(write_project, build):
    srcdir = write_project(
        {"index.md": INDEX, "base.md": BASE, "case.md": "# Case\n\nSee {cm:mech}`nosuch`.\n"}, conf="nitpicky = True\n"
    )
    single_warning(build(srcdir), "case.md", 3, "condmech.unknown_id")


def test_long_name_with_a_short_label_is_fine(write_project, build):
    page = myst("condition", "long", name="Very long name " * 8, short="Long")
    built = build(write_project({"index.md": INDEX, "base.md": BASE, "case.md": page}))
    assert built.warnings == []
    assert "Very long name Very long name" in built.read("case.html")


def test_page_without_required_review_date(write_project, build):
    srcdir = write_project(
        {"index.md": INDEX, "base.md": BASE, "case.md": "# Case\n"}, conf='cm_review_required = ["ca*"]\n'
    )
    message = single_warning(build(srcdir), "case.md", 1, "condmech.review_missing")
    assert "cm:reviewed" in message


def test_review_dates_shown_with_the_next_due_date(write_project, build):
    page = myst("reviewed", "2026-01-31")
    built = build(
        write_project({"index.md": INDEX, "base.md": BASE, "case.md": page}, conf="cm_review_interval_months = 13\n")
    )
    assert built.warnings == []
    box = first(built.html("case.html"), ".//div", "cm-review-dates")
    assert text(box).strip() == "Page last reviewed: 31 January 2026 \u00b7 Next review due: 28 February 2027"


def test_deprecated_link_still_counts(write_project, build):
    built = build(write_project({"index.md": INDEX, "base.md": BASE, "case.md": myst("link", **link(measured=""))}))
    message = single_warning(built, "case.md", 3, "condmech.deprecated")
    assert ":measured:" in message and "cm:effect" in message
    matrix = first(built.html("base.html"), ".//table", "cm-matrix")
    assert "Case" in [text(a) for a in matrix.iter("a")]  # the matrix links back to the deprecated link


@pytest.mark.parametrize(
    ("role", "shown", "hint"),
    [
        (
            "{cite:p}`alpha2002`",
            "alpha2002",
            "citation key 'alpha2002' in {cite:p} is not in refs.bib; did you mean 'alpha2020'?",
        ),
        (
            "{cite:t}`gamma2021,alpha2002`",
            "Gamma",
            "citation key 'alpha2002' in {cite:t} is not in refs.bib; did you mean",
        ),
        ("{cite:p}`{see}alpha2002{p. 3},gamma2021`", "Gam21", "did you mean 'alpha2020'?"),
    ],
)
def test_cite_role_typo_suggests_the_nearest_key(write_project, build, role, shown, hint):
    """Issue 21: one warning, ours, at the role's line; known keys are still cited, an unknown one shown as written."""
    srcdir = write_project({"index.md": INDEX, "base.md": BASE, "case.md": f"# Case\n\nSome text.\n\nText {role}.\n"})
    built = build(srcdir)
    message = single_warning(built, "case.md", 5, "condmech.unknown_citation")
    assert hint in message
    assert shown in text(first(built.html("case.html"), ".//p[2]"))
