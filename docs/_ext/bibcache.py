"""Formatted bibliography entries kept from one build to the next.

Works around sphinxcontrib-bibtex 2.7, whose ``BibtexDomain.env_updated`` formats every
entry of every bibliography at the end of every build (pybtex's templates and LaTeX
decoding, twice per entry with tooltips), even when no page and no ``.bib`` entry
changed: about a third of a second of the book's one-second rebuild after a prose edit.

A formatting style that mixes in :class:`CachedFormatting` (the book's ``authoryear``
style does) formats an entry only when what the result depends on is new: the style's
code and settings, the label, and the entry's type, fields and people. Results are kept
in ``bibtex-formatted.pickle`` in the doctree folder, so the output is the same as
without the cache (``tests/test_book_ext.py`` compares). Entries with a ``crossref``
depend on other entries and are always formatted. Delete this module when
sphinxcontrib-bibtex formats only the entries that changed.
"""

from __future__ import annotations

import hashlib
import inspect
import pickle
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pybtex.database import Entry
from pybtex.style import FormattedEntry
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

CACHE_FILE = "bibtex-formatted.pickle"

#: Formatted entries by fingerprint: those of the last build, then those formatted or used in this one.
_cache: dict[str, FormattedEntry] = {}
_used: set[str] = set()
_loaded: set[str] = set()
_code: dict[type, bytes] = {}


def _code_of(style: type) -> bytes:
    """The versions and source files the formatting of *style* depends on."""
    if style not in _code:
        digest = hashlib.sha256(f"{version('pybtex')} {version('sphinxcontrib-bibtex')}".encode())
        for cls in style.__mro__[:-1]:
            digest.update(Path(inspect.getfile(cls)).read_bytes())
        _code[style] = digest.digest()
    return _code[style]


def _setting(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else type(value).__qualname__


def fingerprint(style: object, label: str, entry: Entry) -> str:
    """What formatting *entry* with *label* in *style* depends on, as a digest."""
    people = [
        (role, [(p.first_names, p.middle_names, p.prelast_names, p.last_names, p.lineage_names) for p in persons])
        for role, persons in entry.persons.items()
    ]
    settings = sorted((name, _setting(value)) for name, value in vars(style).items())
    data = (_code_of(type(style)), settings, label, entry.type, list(entry.fields.items()), people)
    return hashlib.sha256(pickle.dumps(data, protocol=4)).hexdigest()


class CachedFormatting:
    """Mix into a pybtex formatting style (before it) to reuse entries formatted in earlier builds."""

    def format_entry(self, label: str, entry: Entry, bib_data: Any = None) -> FormattedEntry:
        if "crossref" in entry.fields:
            return super().format_entry(label, entry, bib_data)  # type: ignore[misc]
        key = fingerprint(self, label, entry)
        if key not in _cache:
            _cache[key] = super().format_entry(label, entry, bib_data)  # type: ignore[misc]
        _used.add(key)
        return _cache[key]


def _path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / CACHE_FILE


def load(app: Sphinx) -> None:
    """Start from the entries of the last build (none if the file is missing or unreadable)."""
    _cache.clear()
    _used.clear()
    _loaded.clear()
    try:
        with _path(app).open("rb") as file:
            _cache.update(pickle.load(file))
        _loaded.update(_cache)
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
        logger.info("bibcache: starting afresh (%s)", error)


def save(app: Sphinx, exception: Exception | None) -> None:
    """Keep the entries this build used, unless they are what the file already holds."""
    if exception is not None or _used == _loaded:
        return
    _path(app).parent.mkdir(parents=True, exist_ok=True)
    with _path(app).open("wb") as file:
        pickle.dump({key: _cache[key] for key in _used}, file, protocol=pickle.HIGHEST_PROTOCOL)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", load)
    app.connect("build-finished", save)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
