"""Configuration values (``cm_*``), their validation, and typed access to them."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
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
        "marker": "\u25cf\u25cb\u25cb\u25cb",
    },
    {
        "id": "early-clinical",
        "label": "Early clinical",
        "description": "Case reports or series, single-arm, uncontrolled or phase I/II studies in people.",
        "marker": "\u25cf\u25cf\u25cb\u25cb",
    },
    {
        "id": "rct",
        "label": "Randomised trial",
        "description": "At least one randomised controlled trial.",
        "marker": "\u25cf\u25cf\u25cf\u25cb",
    },
    {
        "id": "systematic-review",
        "label": "Systematic review",
        "description": "A systematic review or meta-analysis of studies in people or animals.",
        "marker": "\u25cf\u25cf\u25cf\u25cf",
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


@dataclass(frozen=True)
class CmConfig:
    """Validated view of the ``cm_*`` configuration values."""

    levels: tuple[Level, ...]
    findings: tuple[Finding, ...]
    require_citations: bool
    max_name_length: int
    matrix_caption: str
    export_builders: tuple[str, ...]
    export_formats: tuple[str, ...]
    #: Outcome id -> label, in configured order.
    outcomes: dict[str, str] = field(default_factory=lambda: {o["id"]: o["label"] for o in DEFAULT_OUTCOMES})
    review_interval_months: int = 12
    review_required: tuple[str, ...] = ()

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


def _records(value: Any, keys: tuple[str, ...], what: str) -> list[dict[str, str]] | str:
    """Check a list of dicts with string *keys* and unique valid ids; return it or an error."""
    if not isinstance(value, (list, tuple)) or not value:
        return f"{what} must be a non-empty list of dicts"
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, dict) or any(not isinstance(item.get(k), str) for k in keys):
            return f"each entry of {what} needs the string keys {', '.join(keys)}"
        if not ID_RE.match(item["id"]) or item["id"] in seen:
            return f"{what}: id {item['id']!r} is malformed or repeated"
        seen.add(item["id"])
    return list(value)


def _strings(value: Any) -> tuple[str, ...] | None:
    """*value* as a tuple if it is a list or tuple of strings, else None."""
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _location(conf_py: Path | None, name: str) -> str | None:
    """``conf.py:<line>`` of the assignment to *name*, for the warning (None if not found)."""
    if conf_py is None or not conf_py.is_file():
        return None
    for number, line in enumerate(conf_py.read_text(encoding="utf-8").splitlines(), start=1):
        if re.match(rf"{name}\s*(:[^=]*)?=", line):
            return f"{conf_py}:{number}"
    return None


def _build(config: Config, report: bool, conf_py: Path | None = None) -> CmConfig:
    def checked(name: str, value: Any, default: Any, problem: str | None) -> Any:
        if problem is None:
            return value
        if report:
            warn(f"{name}: {problem}; using the default", "config", _location(conf_py, name))
        return default

    levels = _records(config.cm_evidence_levels, ("id", "label", "description", "marker"), "cm_evidence_levels")
    levels = checked("cm_evidence_levels", levels, DEFAULT_LEVELS, levels if isinstance(levels, str) else None)
    findings = _records(config.cm_findings, ("id", "label", "marker"), "cm_findings")
    findings = checked("cm_findings", findings, DEFAULT_FINDINGS, findings if isinstance(findings, str) else None)
    max_len = config.cm_max_name_length
    max_len = checked(
        "cm_max_name_length",
        max_len,
        80,
        None
        if isinstance(max_len, int) and not isinstance(max_len, bool) and max_len >= 8
        else "must be an integer >= 8",
    )
    require = config.cm_require_citations
    require = checked(
        "cm_require_citations", require, True, None if isinstance(require, bool) else "must be True or False"
    )
    caption = config.cm_matrix_caption
    caption = checked(
        "cm_matrix_caption", caption, DEFAULT_CAPTION, None if isinstance(caption, str) else "must be a string"
    )
    builders = _strings(config.cm_export_builders)
    builders = checked(
        "cm_export_builders",
        builders,
        DEFAULT_EXPORT_BUILDERS,
        None if builders is not None else "must be a list of builder names",
    )
    formats = _strings(config.cm_export_formats)
    formats = checked(
        "cm_export_formats",
        formats,
        DEFAULT_EXPORT_FORMATS,
        None if formats is not None and set(formats) <= {"json", "csv"} else "must be a list of 'json' and 'csv'",
    )
    outcomes = _records(config.cm_outcomes, ("id", "label"), "cm_outcomes")
    outcomes = checked("cm_outcomes", outcomes, DEFAULT_OUTCOMES, outcomes if isinstance(outcomes, str) else None)
    interval = config.cm_review_interval_months
    interval = checked(
        "cm_review_interval_months",
        interval,
        12,
        None
        if isinstance(interval, int) and not isinstance(interval, bool) and interval >= 1
        else "must be an integer >= 1",
    )
    required = _strings(config.cm_review_required)
    required = checked(
        "cm_review_required", required, (), None if required is not None else "must be a list of document patterns"
    )
    return CmConfig(
        levels=tuple(
            Level(lv["id"], lv["label"], lv["description"], lv["marker"], rank) for rank, lv in enumerate(levels)
        ),
        findings=tuple(Finding(f["id"], f["label"], f["marker"]) for f in findings),
        require_citations=require,
        max_name_length=max_len,
        matrix_caption=caption,
        export_builders=builders,
        export_formats=formats,
        outcomes={o["id"]: o["label"] for o in outcomes},
        review_interval_months=interval,
        review_required=required,
    )


#: Config -> its validated values: built once per configuration, not per directive.
_VALIDATED: weakref.WeakKeyDictionary[Config, CmConfig] = weakref.WeakKeyDictionary()


def get_config(config: Config) -> CmConfig:
    """The validated configuration (invalid values replaced by defaults, silently).

    Validated once, at ``config-inited``; later changes to the ``cm_*`` values are not seen.
    """
    validated = _VALIDATED.get(config)
    if validated is None:
        validated = _VALIDATED[config] = _build(config, report=False)
    return validated


def validate_config(app: Sphinx, config: Config) -> None:
    """``config-inited``: warn once about each malformed value (at its line in conf.py)."""
    _VALIDATED[config] = _build(config, report=True, conf_py=Path(app.confdir, "conf.py") if app.confdir else None)


def register(app: Sphinx) -> None:
    """Declare the ``cm_*`` values with the rebuild scope each one needs."""
    # Any type: validate_config checks every value, so a malformed one gets one
    # condmech.config warning (not also Sphinx's untyped one) and its default.
    anything = frozenset({Any})
    app.add_config_value("cm_evidence_levels", DEFAULT_LEVELS, "env", types=anything)
    app.add_config_value("cm_findings", DEFAULT_FINDINGS, "env", types=anything)
    app.add_config_value("cm_require_citations", True, "env", types=anything)
    app.add_config_value("cm_max_name_length", 80, "env", types=anything)
    app.add_config_value("cm_matrix_caption", DEFAULT_CAPTION, "env", types=anything)
    app.add_config_value("cm_export_builders", list(DEFAULT_EXPORT_BUILDERS), "", types=anything)
    app.add_config_value("cm_export_formats", list(DEFAULT_EXPORT_FORMATS), "", types=anything)
    app.add_config_value("cm_outcomes", DEFAULT_OUTCOMES, "env", types=anything)
    app.add_config_value("cm_review_interval_months", 12, "env", types=anything)
    app.add_config_value("cm_review_required", [], "env", types=anything)
    app.connect("config-inited", validate_config)
