"""Configuration values (``cm_*``), their validation, and typed access to them."""

from __future__ import annotations

import ast
import copy
import dataclasses
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from .model import Finding, Level
from .warnings import warn

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

DEFAULT_LEVELS: list[dict[str, str]] = [
    {
        "id": "preclinical",
        "label": "Laboratory/animal",
        "description": "Laboratory (cell culture) or animal studies only.",
        "marker": "",
    },
    {
        "id": "early-clinical",
        "label": "Early clinical",
        "description": "Case reports or series, single-arm, uncontrolled or phase I/II studies in people.",
        "marker": "",
    },
    {
        "id": "rct",
        "label": "Randomised trial",
        "description": "At least one randomised controlled trial.",
        "marker": "",
    },
    {
        "id": "systematic-review",
        "label": "Systematic review",
        "description": "A systematic review or meta-analysis of studies in people or animals.",
        "marker": "",
    },
]

DEFAULT_OUTCOMES: list[dict[str, str]] = [
    {"id": "pain", "label": "pain"},
    {"id": "function", "label": "function"},
    {"id": "disease-activity", "label": "disease activity"},
]

DEFAULT_CAPTION = "Evidence for each proposed mechanism, by condition"
DEFAULT_EXPORT_BUILDERS = ("html", "dirhtml")
DEFAULT_EXPORT_FORMATS = ("json", "csv")

DEFAULT_FINDINGS: list[dict[str, str]] = [
    {"id": "positive", "label": "supports", "marker": "+"},
    {"id": "mixed", "label": "mixed or limited", "marker": "\u00b1"},
    {"id": "negative", "label": "does not support", "marker": "\u2212"},
]


def _location(conf_py: Path | None, name: str) -> str | None:
    """``conf.py:<line>`` of the last assignment to *name*, also inside ``if`` or ``try`` blocks.

    Best effort: a value set with ``-D``, in a file conf.py imports, or by a function has no line.
    """
    if conf_py is None or not conf_py.is_file():
        return None
    try:
        tree = ast.parse(conf_py.read_text(encoding="utf-8"))
    except (SyntaxError, ValueError):
        return None
    lines = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign))
        and any(isinstance(target, ast.Name) and target.id == name
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target]))
    ]  # fmt: skip
    return f"{conf_py}:{max(lines)}" if lines else None


def _records(value: Any, keys: tuple[str, ...], what: str) -> list[dict[str, str]]:
    """*value* if it is a non-empty list of dicts with string *keys* and unique valid ids (else ValueError)."""
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError(f"{what} must be a non-empty list of dicts")
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, dict) or any(not isinstance(item.get(k), str) for k in keys):
            raise ValueError(f"each entry of {what} needs the string keys {', '.join(keys)}")
        if not ID_RE.match(item["id"]) or item["id"] in seen:
            raise ValueError(f"{what}: id {item['id']!r} is malformed or repeated")
        seen.add(item["id"])
    return list(value)


def _strings(problem: str) -> Callable[[Any], tuple[str, ...]]:
    """A check: a list or tuple of strings, as a tuple."""

    def check(value: Any) -> tuple[str, ...]:
        if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise ValueError(problem)

    return check


def _integer(minimum: int) -> Callable[[Any], int]:
    """A check: an integer (not a bool) of at least *minimum*."""

    def check(value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
            return value
        raise ValueError(f"must be an integer >= {minimum}")

    return check


def _instance(kind: type, problem: str) -> Callable[[Any], Any]:
    """A check: an instance of *kind*."""

    def check(value: Any) -> Any:
        if isinstance(value, kind):
            return value
        raise ValueError(problem)

    return check


def _levels(value: Any) -> tuple[Level, ...]:
    records = _records(value, ("id", "label", "description", "marker"), "cm_evidence_levels")
    return tuple(Level(r["id"], r["label"], r["description"], r["marker"], rank) for rank, r in enumerate(records))


def _findings(value: Any) -> tuple[Finding, ...]:
    records = _records(value, ("id", "label", "marker"), "cm_findings")
    return tuple(Finding(r["id"], r["label"], r["marker"]) for r in records)


def _outcomes(value: Any) -> dict[str, str]:
    return {r["id"]: r["label"] for r in _records(value, ("id", "label"), "cm_outcomes")}


def _formats(value: Any) -> tuple[str, ...]:
    problem = "must be a list of 'json' and 'csv'"
    formats = _strings(problem)(value)
    if not set(formats) <= {"json", "csv"}:
        raise ValueError(problem)
    return formats


def _finding_id(value: Any) -> str:
    if value == "" or (isinstance(value, str) and ID_RE.match(value)):
        return value
    raise ValueError("must be the id of one of cm_findings, or '' for the built-in rule")


def option(name: str, *, default: Any, rebuild: str, check: Callable[[Any], Any], help: str) -> Any:
    """A :class:`CmConfig` field, declared once.

    *name* is the conf.py value, *default* its default as written in conf.py, *rebuild*
    what Sphinx redoes when it changes, *check* turns a conf.py value into the field's
    value (ValueError: the problem), and *help* is shown in the contributor guide.
    """
    metadata = {"name": name, "default": default, "rebuild": rebuild, "check": check, "help": help}
    if isinstance(check(default), dict):  # mutable: one copy per instance
        return dataclasses.field(default_factory=lambda: check(default), metadata=metadata)
    return dataclasses.field(default=check(default), metadata=metadata)


@dataclass(frozen=True)
class CmConfig:
    """The ``cm_*`` configuration values, each declared once; ``CmConfig()`` has the defaults.

    :meth:`from_sphinx` reads and checks a Sphinx configuration. The fields hold
    checked values (levels as :class:`Level` records, and so on); each field's
    metadata names its conf.py value, default, rebuild scope, check and help (:func:`option`).
    """

    levels: tuple[Level, ...] = option(
        "cm_evidence_levels",
        default=DEFAULT_LEVELS,
        rebuild="env",
        check=_levels,
        help="The evidence scale, weakest first: a list of ``{id, label, description, marker}`` (the default "
        "markers are empty: a marker beside a study type reads as a rating; certainty has its own).",
    )
    findings: tuple[Finding, ...] = option(
        "cm_findings",
        default=DEFAULT_FINDINGS,
        rebuild="env",
        check=_findings,
        help="What a link's evidence found: a list of ``{id, label, marker}``; the first is the default ``:finding:``.",
    )
    disagreement_finding: str = option(
        "cm_disagreement_finding",
        default="",
        rebuild="env",
        check=_finding_id,
        help="The finding a table cell shows when the links at its strongest level disagree. "
        "Empty: ``mixed`` if that is one of ``cm_findings``, else the last of them.",
    )
    require_citations: bool = option(
        "cm_require_citations",
        default=True,
        rebuild="env",
        check=_instance(bool, "must be True or False"),
        help="Whether a declaration without ``:cite:`` keys gives ``condmech.no_citation``.",
    )
    max_name_length: int = option(
        "cm_max_name_length",
        default=80,
        rebuild="env",
        check=_integer(8),
        help="The longest table label (``:short:``, else ``:name:``) before ``condmech.name_too_long``.",
    )
    matrix_caption: str = option(
        "cm_matrix_caption",
        default=DEFAULT_CAPTION,
        rebuild="env",
        check=_instance(str, "must be a string"),
        help="The caption of a table without ``:caption:``.",
    )
    export_builders: tuple[str, ...] = option(
        "cm_export_builders",
        default=list(DEFAULT_EXPORT_BUILDERS),
        rebuild="",
        check=_strings("must be a list of builder names"),
        help="The builders that write the JSON and CSV export and link it below each table (never ``epub``).",
    )
    export_formats: tuple[str, ...] = option(
        "cm_export_formats",
        default=list(DEFAULT_EXPORT_FORMATS),
        rebuild="",
        check=_formats,
        help="The export files written: ``json`` and/or ``csv``.",
    )
    #: Outcome id -> label, in configured order.
    outcomes: dict[str, str] = option(  # noqa: RUF009 (a field with a default_factory)
        "cm_outcomes",
        default=DEFAULT_OUTCOMES,
        rebuild="env",
        check=_outcomes,
        help="The outcomes a ``cm:effect`` can name: a list of ``{id, label}``.",
    )
    review_interval_months: int = option(
        "cm_review_interval_months",
        default=12,
        rebuild="env",
        check=_integer(1),
        help="How long a ``cm:reviewed`` date or a status's ``:as-of:`` stays current.",
    )
    review_required: tuple[str, ...] = option(
        "cm_review_required",
        default=[],
        rebuild="env",
        check=_strings("must be a list of document patterns"),
        help="Pages (names or patterns such as ``conditions/*``) that must have a ``cm:reviewed`` date.",
    )

    def level(self, level_id: str) -> Level | None:
        """The level with *level_id*, or None."""
        return next((lv for lv in self.levels if lv.id == level_id), None)

    def finding(self, finding_id: str) -> Finding | None:
        """The finding with *finding_id*, or None."""
        return next((f for f in self.findings if f.id == finding_id), None)

    @property
    def default_finding(self) -> str:
        """The finding a link has when ``:finding:`` is omitted (the first one)."""
        return self.findings[0].id

    @property
    def disagreement(self) -> Finding:
        """The finding of a table cell whose strongest links disagree (``cm_disagreement_finding``)."""
        return self.finding(self.disagreement_finding) or self.finding("mixed") or self.findings[-1]

    @classmethod
    def from_sphinx(cls, config: Config, *, report: bool = False, conf_py: Path | None = None) -> CmConfig:
        """The checked values of *config*; an invalid one is replaced by its default.

        With *report*, each invalid value gets a ``condmech.config`` warning (at its
        line in *conf_py*, best effort) and its default is written back into *config*,
        so Sphinx neither compares nor pickles the bad value (an unpicklable one gave
        a second, location-less ``config.cache`` warning).
        """
        values: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            meta = spec.metadata
            try:
                values[spec.name] = meta["check"](getattr(config, meta["name"]))
            except ValueError as problem:
                values[spec.name] = meta["check"](meta["default"])
                if report:
                    _invalid(config, meta["name"], str(problem), meta["default"], conf_py)
        finding_ids = [f.id for f in values["findings"]]
        if values["disagreement_finding"] not in ("", *finding_ids):
            problem = f"{values['disagreement_finding']!r} is not a cm_findings id ({', '.join(finding_ids)})"
            values["disagreement_finding"] = ""
            if report:
                _invalid(config, "cm_disagreement_finding", problem, "", conf_py)
        return cls(**values)


def _invalid(config: Config, name: str, problem: str, default: Any, conf_py: Path | None) -> None:
    """Warn about *name* and write its *default* back into *config*."""
    warn(f"{name}: {problem}; using the default", "config", _location(conf_py, name))
    setattr(config, name, copy.deepcopy(default))


#: Config -> its validated values: built once per configuration, not per directive.
_VALIDATED: weakref.WeakKeyDictionary[Config, CmConfig] = weakref.WeakKeyDictionary()


def get_config(config: Config) -> CmConfig:
    """The validated configuration (invalid values replaced by defaults, silently).

    Validated once, at ``config-inited``; later changes to the ``cm_*`` values are not seen.
    """
    validated = _VALIDATED.get(config)
    if validated is None:
        validated = _VALIDATED[config] = CmConfig.from_sphinx(config)
    return validated


def validate_config(app: Sphinx, config: Config) -> None:
    """``config-inited``: warn once about each malformed value (at its line in conf.py)."""
    conf_py = Path(app.confdir, "conf.py") if app.confdir else None
    _VALIDATED[config] = CmConfig.from_sphinx(config, report=True, conf_py=conf_py)


def register(app: Sphinx) -> None:
    """Declare the ``cm_*`` values with the rebuild scope each one needs."""
    # Any type: validate_config checks every value, so a malformed one gets one
    # condmech.config warning (not also Sphinx's untyped one) and its default.
    anything = frozenset({Any})
    for spec in dataclasses.fields(CmConfig):
        app.add_config_value(spec.metadata["name"], spec.metadata["default"], spec.metadata["rebuild"], types=anything)
    app.connect("config-inited", validate_config)
