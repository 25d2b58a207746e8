"""An author-year bibliography style for sphinxcontrib-bibtex (pybtex plugins).

Entries are sorted by author, year and title and labelled "Murphy et al. 2003",
so the reference list reads the same way as the author-year citations in the text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from docutils import nodes
from pybtex.database import Entry
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator


def _surname(entry: Entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    if not people:
        return entry.fields.get("organization") or entry.fields.get("title", "Anon").split(":")[0]
    first = " ".join(people[0].prelast_names + people[0].last_names)
    if len(people) == 1:
        return first
    if len(people) == 2:
        second = " ".join(people[1].prelast_names + people[1].last_names)
        return f"{first} & {second}"
    return f"{first} et al."


class AuthorYearLabelStyle(BaseLabelStyle):
    """'Surname YEAR', 'Surname & Surname YEAR' or 'Surname et al. YEAR', with a/b on clashes."""

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        entries = list(sorted_entries)
        labels = [f"{_surname(e)} {e.fields.get('year', 'n.d.')}".replace("{", "").replace("}", "") for e in entries]
        counts = Counter(labels)
        seen: Counter[str] = Counter()
        for label in labels:
            if counts[label] > 1:
                seen[label] += 1
                yield f"{label}{chr(ord('a') + seen[label] - 1)}"
            else:
                yield label


class AuthorYearStyle(PlainStyle):
    default_label_style = "authoryear"
    default_sorting_style = "author_year_title"


register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabelStyle)
register_plugin("pybtex.style.sorting", "author_year_title", SortingStyle, force=True)
register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


def visit_citation_html(self: HTML5Translator, node: nodes.citation) -> None:
    """Docutils' HTML writer, but each entry of the ``role="list"`` is a ``listitem``.

    Docutils gives entries ``role="doc-biblioentry"``, which ARIA does not allow
    as a child of a list (axe-core: critical). The closing tags stay docutils'.
    """
    if not isinstance(node.previous_sibling(), nodes.citation):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def setup(app: Sphinx) -> dict[str, object]:
    """Importing this module registers the pybtex plugins; Sphinx gets the citation markup."""
    app.add_node(nodes.citation, override=True, html=(visit_citation_html, None))
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
