"""The extension's warning type and subtypes, and the one helper that emits them.

Every warning is ``condmech.<subtype>`` with a location, so ``suppress_warnings``
can filter it and a contributor sees file and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, Literal

from sphinx.util import logging

WARNING_TYPE = "condmech"

Subtype = Literal[
    "config",
    "missing_option",
    "invalid_option",
    "unknown_option",
    "invalid_id",
    "unknown_id",
    "unknown_level",
    "unknown_finding",
    "duplicate_definition",
    "duplicate_citation",
    "invalid_citation",
    "unknown_citation",
    "no_citation",
    "empty_table",
    "name_too_long",
    "deprecated",
    "unknown_outcome",
    "invalid_date",
    "duplicate_status",
    "status_outdated",
    "review_missing",
    "review_overdue",
    "invalid_character",
    "duplicate_anchor",
    "invalid_snapshot",
]

#: Rendered in the contributor guide; one line per subtype.
SUBTYPES: dict[Subtype, str] = {
    "config": "A ``cm_*`` value in conf.py is malformed; the default is used instead.",
    "missing_option": "A required option (``:name:``, ``:condition:``, ``:mechanism:``, ``:level:``) is missing.",
    "invalid_option": "An option value is malformed (for example an unknown ``:view:``).",
    "unknown_option": "A directive has an option it does not know (often a misspelling; the warning suggests the "
    "nearest one).",
    "invalid_id": "An id is not lower-case letters, digits and hyphens.",
    "unknown_id": "A link, role or table filter names a condition or mechanism that is not defined.",
    "unknown_level": "An evidence level is not on the configured scale.",
    "unknown_finding": "A finding is not one of the configured findings.",
    "duplicate_definition": "The same condition or mechanism id is defined twice; the first in book order (table of "
    "contents, then page) wins, and the warning is at the later one.",
    "duplicate_citation": "A citation key is listed twice in one link.",
    "invalid_citation": "A ``:cite:`` key is not valid BibTeX key syntax (braces, quotes, ``<>``, a leading ``!`` "
    "or ``~``); the key is left out.",
    "unknown_citation": "A ``:cite:`` key, or a key of a ``{cite:p}`` or ``{cite:t}`` role, is not in the "
    "bibliography files (``bibtex_bibfiles``, the book's ``references.bib``); the warning suggests the nearest key.",
    "no_citation": "A link has no ``:cite:`` keys.",
    "empty_table": "A table or summary has nothing to show (after its filters).",
    "name_too_long": "A display name is longer than ``cm_max_name_length``; it is shortened in tables.",
    "deprecated": "Old syntax that still builds: a ``cm:link`` without ``:measured:``, a ``cm:effect`` without "
    "``:certainty:``, a ``cm:harm`` without ``:seen:``, a ``cm:status`` with ``:approved:``. One warning per "
    "declaration; the message says what to write.",
    "unknown_outcome": "A ``cm:effect`` names no outcome, or one that is not in ``cm_outcomes``.",
    "invalid_date": "A date (``:as-of:``, ``cm:reviewed``) is not a real date written ``YYYY-MM-DD``.",
    "duplicate_status": "A condition has a second ``cm:status``, or a page a second ``cm:reviewed``; the first counts.",
    "status_outdated": "A ``cm:status`` is older than ``cm_review_interval_months`` before the build date: "
    "check it again.",
    "review_missing": "A page that ``cm_review_required`` lists has no ``cm:reviewed`` date.",
    "review_overdue": "A page's next review date (``cm:reviewed`` plus the review interval) has passed.",
    "invalid_character": "An option (a name, label or note) contains invisible text-direction characters (such as "
    "U+202E, which shows text reversed) or control characters (such as BEL or ESC); they are removed.",
    "invalid_snapshot": "The earlier export that ``cm:changes`` compares with is missing, is not JSON or is not "
    "a condmech export; the list of changes is left out.",
    "duplicate_anchor": "Two links, two effects or two harms in one page would get the same anchor (same "
    "condition, mechanism for a link, level and first key); give one an ``:anchor:``.",
}

logger = logging.getLogger(__name__)


def warn(message: str, subtype: Subtype, location: Any) -> None:
    """Emit one ``condmech.<subtype>`` warning at *location* (node, docname or (docname, line))."""
    logger.warning(message, type=WARNING_TYPE, subtype=subtype, location=location)


def nearest(value: str, known: Iterable[str]) -> str | None:
    """The entry of *known* that *value* most resembles, if any is close."""
    close = difflib.get_close_matches(value, list(dict.fromkeys(known)), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(value: str, known: Iterable[str], what: str) -> str:
    """'; did you mean 'x'?' for the nearest of *known*, else the list of known *what* (if short)."""
    choices = list(dict.fromkeys(known))  # in the given order (a scale stays in scale order)
    close = nearest(value, choices)
    if close is not None:
        return f"; did you mean {close!r}?"
    if not choices:
        return f"; no {what} are defined"
    if len(choices) <= 12:
        return f" (known {what}: {', '.join(choices)})"
    return ""
