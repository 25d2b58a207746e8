"""An author-year bibliography style for sphinxcontrib-bibtex (pybtex plugins).

Entries are sorted by author, year and title and labelled "Murphy et al. 2003",
so the reference list reads the same way as the author-year citations in the text.
Where two entries would share a label, the year gets a letter ("Versus Arthritis n.d.a",
"n.d.b"). The ``authoryear`` referencing style gives citations the label's names and letter
("Murphy et al., 2003", not "Murphy and others"), so each citation names one entry as the
list does; a page whose citations' labels changed is written again, also in an incremental
build. Registering plugins is sphinxcontrib-bibtex's documented way to add a style; the two
workarounds that sat here are in ``fastcite.py`` and ``citationlist.py``.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from string import ascii_lowercase
from typing import Any

from bibcache import CachedFormatting
from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.database import Entry
from pybtex.plugin import register_plugin
from pybtex.richtext import BaseText, Text
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import Node, join, node, optional, optional_field, sentence
from pybtex.style.template import field as entry_field
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinxcontrib.bibtex import plugin as bibtex_plugin
from sphinxcontrib.bibtex.domain import BibtexDomain
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle as BibtexAuthorYear


def _surname(entry: Entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    if people and str(people[-1]) == "others":  # "A and others": always "et al."
        return " ".join(people[0].prelast_names + people[0].last_names) + " et al."
    if not people:
        return entry.fields.get("organization") or entry.fields.get("title", "Anon").split(":")[0]
    first = " ".join(people[0].prelast_names + people[0].last_names)
    if len(people) == 1:
        return first
    if len(people) == 2:
        second = " ".join(people[1].prelast_names + people[1].last_names)
        return f"{first} & {second}"
    return f"{first} et al."


_PLAIN = PlainTextBackend()


class AuthorYearLabelStyle(BaseLabelStyle):
    """'Surname YEAR', 'Surname & Surname YEAR' or 'Surname et al. YEAR', with a/b on clashes."""

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        entries = list(sorted_entries)
        # render(backend), not render_as("text"): pybtex looks a backend name up by scanning the entry
        # points of every installed package, which cost about 0.9 s per build for the book's 53 labels.
        labels = [Text.from_latex(f"{_surname(e)} {e.fields.get('year', 'n.d.')}").render(_PLAIN) for e in entries]
        counts = Counter(labels)
        seen: Counter[str] = Counter()
        for label in labels:
            if counts[label] > 1:
                seen[label] += 1
                yield f"{label}{chr(ord('a') + seen[label] - 1)}"
            else:
                yield label


def _suffix(label: str, year: str) -> str:
    """The letter :class:`AuthorYearLabelStyle` added to *label* after *year* ("a" in "X n.d.a"), or ""."""
    return label[-1] if label[-1] in ascii_lowercase and label[:-1].endswith(f" {year}") else ""


@node
def _label_year(children: list[Node], data: dict[str, Any]) -> BaseText:
    """*children* formatted with the entry's year as its label has it: "2020a", "n.d.a"."""
    entry: Entry = data["entry"]
    year = entry.fields.get("year", "n.d.")
    if suffix := _suffix(data["formatted_entry"].label, year):
        data = {**data, "entry": Entry(entry.type, {**entry.fields, "year": year + suffix}, entry.persons)}
    return join[children].format_data(data)


@node
def _label_names(children: list[Node], data: dict[str, Any]) -> BaseText:
    """The entry's authors as its bibliography label names them: "Murphy et al.", "Aggarwal & Pittenger"."""
    assert not children
    return Text.from_latex(_surname(data["entry"]))


@dataclass
class LabelPersonStyle(PersonStyle):
    """Authors as the bibliography labels name them; the full lists of ``:cite:ps:`` and the like as before."""

    def author_or_editor_or_title(self, full: bool) -> Node:
        return super().author_or_editor_or_title(full) if full else _label_names


@dataclass
class AuthorYearReferenceStyle(BibtexAuthorYear):
    """sphinxcontrib-bibtex's author-year citations, named and lettered as the entry's bibliography label."""

    person: PersonStyle = field(default_factory=LabelPersonStyle)

    def inner(self, role_name: str) -> Node:
        return _label_year[super().inner(role_name)]


def _fold(text: str) -> str:
    """*text* without braces and accents, lower-case, so "Álvaro" sorts with "Alvaro"."""
    text = unicodedata.normalize("NFKD", text.replace("{", "").replace("}", ""))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


class AuthorYearSortingStyle(BaseSortingStyle):
    """First author's surname, then one author, two, or more ("et al."), then year and title.

    The order of an author-year reference list; accents and braces do not count.
    """

    def sorting_key(self, entry: Entry) -> tuple[str, ...]:
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        first = " ".join(people[0].prelast_names + people[0].last_names) if people else entry.fields.get("title", "")
        group = "3" if people and str(people[-1]) == "others" else str(min(len(people), 3))
        return (_fold(first), group, entry.fields.get("year", "9999"), _fold(entry.fields.get("title", "")))


class AuthorYearStyle(CachedFormatting, PlainStyle):
    """pybtex's plain style with author-year labels and order; entries kept between builds (bibcache.py)."""

    default_label_style = "authoryear"
    default_sorting_style = "author_year_title_folded"

    def get_misc_template(self, e: Entry) -> Node:
        """pybtex's, without the month and year where ``howpublished`` already gives the date.

        "News item, 7 June 2021" then does not go on ", June 2021"; an entry whose
        ``howpublished`` does not name its year keeps the date after it.
        """
        year = e.fields.get("year", "")
        if not (year and year in e.fields.get("howpublished", "")):
            return super().get_misc_template(e)
        return toplevel[
            optional[sentence[self.format_names("author")]],
            optional[self.format_title(e, "title")],
            sentence[entry_field("howpublished")],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]


register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabelStyle)
register_plugin("pybtex.style.sorting", "author_year_title_folded", AuthorYearSortingStyle)
register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
bibtex_plugin.register_plugin("sphinxcontrib.bibtex.style.referencing", "authoryear", AuthorYearReferenceStyle)


def relabelled(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the pages citing an entry whose label or target changed since the last build.

    A citation shows its entry's label, which another page's new source can change ("n.d." becomes
    "n.d.a"); sphinxcontrib-bibtex works out the labels after reading but writes only the pages it read.
    """
    domain: BibtexDomain = env.get_domain("cite")  # type: ignore[assignment]
    before: dict[str, tuple[str, str, str]] = getattr(env, "bibstyle_labels", {})
    now = {c.key: (c.formatted_entry.label, c.bibliography_key.docname, c.citation_id) for c in domain.citations}
    env.bibstyle_labels = now  # type: ignore[attr-defined]
    changed = {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}
    return sorted({ref.docname for ref in domain.citation_refs if any(t.key in changed for t in ref.targets)})


def setup(app: Sphinx) -> dict[str, object]:
    """Importing this module registers the plugins; bibcache keeps the formatted entries."""
    app.setup_extension("bibcache")
    app.connect("env-updated", relabelled, priority=600)  # after sphinxcontrib-bibtex's labels (500)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
