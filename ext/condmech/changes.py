"""``cm:changes``: what changed in the evidence since an earlier edition, as a list per condition.

The directive names a committed snapshot of the earlier edition's export (a JSON file),
read once when the page is read and kept in its doctree; the page depends on the file, so
a new snapshot re-reads the page. The list is drawn when the page is written, from this
build's export data (:func:`condmech.export.data`, which reads the domain), compared with
:mod:`condmech.diff`; the domain marks the page outdated when the facts it shows change
(``data["changes"]``).
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from . import export
from .base import AnyOption, CmDirective
from .diff import Comparison, Export, SnapshotError, compare, lines
from .domain import get_domain
from .nodes import cm_changes


class ChangesDirective(CmDirective):
    """The changes since the edition whose export is the argument (a path, as for ``include``)."""

    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = AnyOption()

    def run(self) -> list[nodes.Node]:
        self.check_options()
        if not self.arguments:
            message = "cm:changes needs the path of an earlier edition's export (a JSON snapshot)"
            self.warn(message, "missing_option", self.get_location())
            return self.problem_marker()
        snapshot, path = self.env.relfn2path(self.arguments[0].strip())
        self.env.note_dependency(path)  # a missing file re-reads the page, so the warning stays until fixed
        try:
            old = Export.load(path)
        except SnapshotError as err:
            self.warn(f"snapshot {snapshot!r}: {err}", "invalid_snapshot", self.get_location())
            return self.problem_marker()
        # its data (plain JSON values) stays with the page until the file changes and the page is read again
        node = cm_changes("", snapshot=snapshot, label=Path(snapshot).stem, line=self.lineno, export=old.data)
        self.set_source_info(node)
        return [node]


def render(comparison: Comparison, old_label: str) -> nodes.container:
    """The notes, then a heading and a list per condition (the headings appear in no contents list)."""
    result = nodes.container(classes=["cm-changes"])
    for note in comparison.notes(old_label, reader=True):
        result += nodes.paragraph(note, note, classes=["cm-changes-note"])
    for condition, sentences in lines(comparison, reader=True):
        items = nodes.bullet_list()
        for sentence in sentences:
            items += nodes.list_item("", nodes.paragraph(sentence, sentence))
        result.extend((nodes.rubric(condition.name, condition.name, **{"heading-level": 2}), items))
    return result


def fill_changes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: each :class:`cm_changes` becomes its list.

    Here, where the builder is public, because the export's data is built for a builder.
    """
    if not get_domain(app.env).data["changes"]:  # no page lists changes: no walk through this one
        return
    found = list(doctree.findall(cm_changes))
    if not found:
        return
    current = Export.from_data(export.data(app.builder))
    for node in found:
        node.replace_self(render(compare(Export.from_data(node["export"]), current), node["label"]))
