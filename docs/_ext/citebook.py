"""``{cite-this-book}``: how to cite the book, generated from CITATION.cff, in every format.

The directive reads ``citation_file`` (relative to the source folder; the repository's
CITATION.cff) and writes its ``preferred-citation`` as a reference (authors, year, title,
edition, licence, address) followed by the same as a BibTeX entry for reference
managers. Plain docutils nodes: HTML, PDF and EPUB show the same text. The file is a
dependency of the page, so editing it rebuilds the page. A file that cannot be read
replaces the block with a warning; an edition other than the book's ``release`` is a
warning too (type ``book``, subtype ``citation``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)
#: CITATION.cff licence identifiers as a reader knows them.
LICENCES = {"CC-BY-4.0": "CC BY 4.0"}


def authors(entry: dict[str, Any]) -> list[str]:
    """The authors' names: an organisation's ``name``, or a person's given and family names."""
    return [a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names"))))
            for a in entry.get("authors", [])]  # fmt: skip


def bibtex(entry: dict[str, Any], key: str) -> str:
    """The citation as a BibTeX ``@book`` entry (organisations braced, so they stay whole)."""
    names = [
        f"{{{a['name']}}}" if a.get("name") else name for a, name in zip(entry["authors"], authors(entry), strict=True)
    ]
    licence = entry.get("license")
    fields = {
        "title": entry["title"],
        "author": " and ".join(names),
        "edition": entry.get("edition"),
        "year": entry.get("year"),
        "url": entry.get("url"),
        "note": f"Licence: {LICENCES.get(licence, licence)}" if licence else None,
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@book{{{key},\n{body}\n}}"


class CiteThisBook(SphinxDirective):
    """The book's preferred citation, from CITATION.cff."""

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir, self.config.citation_file)
        self.env.note_dependency(str(path))
        try:
            entry = yaml.safe_load(path.read_text("utf-8"))["preferred-citation"]
            title, names = entry["title"], authors(entry)
        except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
            self._warn(f"cannot read the book's citation from {path}: {error!r}")
            return []
        edition = str(entry.get("edition", ""))
        if edition != self.config.release:
            self._warn(f"CITATION.cff gives edition {edition!r}, the book is edition {self.config.release!r}")
        reference = nodes.paragraph("", f"{', '.join(names)} ({entry.get('year', 'n.d.')}). ")
        reference += nodes.emphasis("", title)
        reference += nodes.Text(f", edition {edition}." if edition else ".")
        if licence := entry.get("license"):
            reference += nodes.Text(f" Licence {LICENCES.get(licence, licence)}.")
        if url := entry.get("url"):
            reference += [nodes.Text(" "), nodes.reference(url, url, refuri=url)]
        key = "".join(c for word in title.lower().split()[:3] for c in word if c.isalnum()) + str(entry.get("year", ""))
        intro = nodes.paragraph("", "As a BibTeX entry, for reference managers:")
        return [reference, intro, nodes.literal_block("", bibtex(entry, key), language="bibtex")]

    def _warn(self, message: str) -> None:
        logger.warning(message, location=self.get_location(), type="book", subtype="citation")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("citation_file", "../CITATION.cff", "env", types=frozenset({str}))
    app.add_directive("cite-this-book", CiteThisBook)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
