"""Directives: ``cm:condition``, ``cm:mechanism``, ``cm:link``, ``cm:matrix``, ``cm:summary``
and ``cm:key-messages`` (the others are in :mod:`condmech.clinical`, :mod:`condmech.status`,
:mod:`condmech.review` and :mod:`condmech.changes`; their shared base is
:class:`condmech.base.CmDirective`).
"""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.nodes import make_id
from sphinx.util.typing import OptionSpec

from .base import AnyOption, CmDirective
from .model import Kind
from .nodes import cm_assertion, cm_definition, cm_table_placeholder
from .warnings import suggest, warn

VIEWS = ("matrix", "transposed", "list", "overview")


class DefinitionDirective(CmDirective):
    """Define a condition or mechanism: an index entry, a link target and a description."""

    kind: ClassVar[Kind]
    has_content = True
    optional_arguments = 1
    # An id with spaces is one argument, so it gets condmech.invalid_id, not a docutils error.
    final_argument_whitespace = True
    option_spec: ClassVar[OptionSpec] = AnyOption(
        {
            "name": directives.unchanged,
            "short": directives.unchanged,
            "plain": directives.unchanged,
        }
    )

    def run(self) -> list[nodes.Node]:
        misspelt = self.check_options()
        ident = self.argument_id(self.kind)
        if not ident:
            return [nodes.container("", *self.body(), classes=["cm-definition"])]
        name = self.option("name")
        if not name and "name" not in misspelt:
            warn(
                f"cm:{self.kind} {ident!r} has no :name:; the id is shown instead",
                "missing_option",
                self.get_location(),
            )
        name = name or ident
        short = self.option("short") or name
        limit = self.cm_config.max_name_length
        if len(short) > limit:  # only the table label is shortened; a long :name: with a :short: is fine
            label = ":short: label" if self.option("short") else "name"
            warn(
                f"{label} of {self.kind} {ident!r} is {len(short)} characters long (limit {limit}); "
                "tables shorten it, give a shorter :short: label",
                "name_too_long",
                self.option_location("short" if self.option("short") else "name"),
            )
        anchor = make_id(self.env, self.state.document, f"cm-{self.kind}", ident)
        node = cm_definition(
            "", classes=["cm-definition", f"cm-{self.kind}"], ids=[anchor],
            kind=self.kind, cm_id=ident, name=name, short=short, line=self.lineno,
            plain=self.option("plain") or short,
        )  # fmt: skip
        self.set_source_info(node)
        self.state.document.note_explicit_target(node)
        heading = nodes.paragraph("", classes=["cm-definition-title"])
        heading += nodes.Text(f"{self.kind.capitalize()}: ")
        heading += nodes.strong(name, name)
        node += heading
        node.extend(self.body())
        index_name = name.replace(";", ",")
        index = addnodes.index(
            entries=[
                ("single", f"{index_name} ({self.kind})", anchor, "", None),
                ("single", f"{self.kind}s; {index_name}", anchor, "", None),
            ]
        )
        return [index, node]


class ConditionDirective(DefinitionDirective):
    kind = "condition"


class MechanismDirective(DefinitionDirective):
    kind = "mechanism"


class LinkDirective(CmDirective):
    """State that a mechanism is proposed for a condition, with evidence and sources."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = AnyOption(
        {
            "condition": directives.unchanged,
            "mechanism": directives.unchanged,
            "level": directives.unchanged,
            "finding": directives.unchanged,
            "cite": directives.unchanged,
            "note": directives.unchanged,
            "anchor": directives.unchanged,
            "measured": directives.unchanged,
        }
    )

    def anchor(self, condition: str, mechanism: str, level: str, keys: list[str]) -> list[str]:
        """The link's ids: its own anchor, then the old serial one for links made before it existed.

        The anchor is ``:anchor:`` or ``cm-link-<condition>-<mechanism>-<level>-<first key>``,
        so it does not move when other links are added or removed. The second id is
        what earlier editions used (``cm-link-<condition>-<mechanism>`` for the first
        link of a pair in the page, ``cm-link-<n>`` after it), so old deep links still land.
        """
        anchor = self.stable_anchor("cm-link", condition, mechanism, level, *keys[:1])
        old = make_id(self.env, self.state.document, "cm-link", f"{condition}-{mechanism}")
        return [anchor, old]

    def run(self) -> list[nodes.Node]:
        misspelt = self.check_options()
        recorded = self.has_required(("condition", "mechanism", "level"), misspelt)
        condition = self.checked_id(self.option("condition"), "condition", "condition")
        mechanism = self.checked_id(self.option("mechanism"), "mechanism", "mechanism")
        level, finding = self.level_and_finding()
        keys = self.citations()
        recorded = recorded and bool(condition and mechanism and level and finding)
        if not recorded or level is None or finding is None:
            return self.unread("cm-assertion")
        measured = self.option("measured")
        if not measured:
            warn(
                "cm:link without :measured: is deprecated: if the cited studies measured the mechanism, "
                "add ':measured: <what they measured>'; if they measured pain, function or disease activity, "
                "write cm:effect with :outcome: instead",
                "deprecated",
                self.get_location(),
            )

        node = cm_assertion(
            "", ids=self.anchor(condition, mechanism, level.id, keys),
            classes=["cm-assertion", f"cm-assertion-{level.id}", f"cm-assertion-{finding.id}"],
            condition=condition, mechanism=mechanism, level=level.id, finding=finding.id,
            citations=keys, note=self.option("note"), docname=self.env.current_document.docname,
            line=self.lineno, recorded=True, measured=measured,
            condition_line=self.option_line("condition"), mechanism_line=self.option_line("mechanism"),
        )  # fmt: skip
        self.set_source_info(node)
        self.state.document.note_explicit_target(node)
        node.extend(self.problem_marker())
        node.extend(self.note())
        if measured:
            node += nodes.paragraph("", f"Measured: {measured}", classes=["cm-measured"])
        node.extend(self.body())
        node.extend(self.sources(keys))
        return [node]


class _TableDirective(CmDirective):
    def placeholder(self, view: str, condition: str, mechanism: str) -> cm_table_placeholder:
        min_level = self.option("min-level")
        if min_level and self.cm_config.level(min_level) is None:
            warn(
                f"unknown evidence level {min_level!r} in :min-level:; no filter applied"
                + suggest(min_level, [lv.id for lv in self.cm_config.levels], "levels"),
                "unknown_level",
                self.option_location("min-level"),
            )
            min_level = ""
        node = cm_table_placeholder(
            "", ids=[make_id(self.env, self.state.document, "cm-table", view)],
            view=view, min_level=min_level, condition=condition, mechanism=mechanism,
            caption=self.option("caption"), docname=self.env.current_document.docname, line=self.lineno,
        )  # fmt: skip
        self.set_source_info(node)
        self.state.document.note_explicit_target(node)
        return node


class MatrixDirective(_TableDirective):
    """The condition × mechanism table (or its transposed or list view), filled after reading."""

    option_spec: ClassVar[OptionSpec] = AnyOption(
        {
            "view": directives.unchanged,
            "min-level": directives.unchanged,
            "condition": directives.unchanged,
            "mechanism": directives.unchanged,
            "caption": directives.unchanged,
        }
    )

    def run(self) -> list[nodes.Node]:
        self.check_options()
        view = self.option("view") or "matrix"
        if view not in VIEWS:
            warn(
                f"unknown :view: {view!r}{suggest(view, VIEWS, 'views')}; using 'matrix'",
                "invalid_option",
                self.option_location("view"),
            )
            view = "matrix"
        condition = self.checked_id(self.option("condition"), "condition", "condition")
        mechanism = self.checked_id(self.option("mechanism"), "mechanism", "mechanism")
        return [self.placeholder(view, condition, mechanism)]


class SummaryDirective(_TableDirective):
    """A compact list of the mechanisms and evidence declared for one condition."""

    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[OptionSpec] = AnyOption({"min-level": directives.unchanged})
    view: ClassVar[str] = "summary"

    def run(self) -> list[nodes.Node]:
        self.check_options()
        condition = self.argument_id("condition")
        if not condition:
            return []
        return [self.placeholder(self.view, condition, "")]


class KeyMessagesDirective(SummaryDirective):
    """The "Key messages" box of one condition, drawn from all its declarations."""

    option_spec: ClassVar[OptionSpec] = AnyOption()
    view = "key-messages"
