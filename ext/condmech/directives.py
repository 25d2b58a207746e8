"""Directives: ``cm:condition``, ``cm:mechanism``, ``cm:link``, ``cm:matrix``, ``cm:summary``.

Options are accepted permissively and checked in ``run()``, so MyST and
reStructuredText report the same typed warning (MyST drops an option its
converter rejects; rST would refuse the whole directive). Directives only build
annotated nodes; :meth:`condmech.domain.CondMechDomain.process_doc` records them.
"""

from __future__ import annotations

import re
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_id
from sphinx.util.typing import OptionSpec

from .config import ID_RE, CmConfig, get_config
from .model import Finding, Kind, Level
from .nodes import cm_assertion, cm_definition, cm_table_placeholder
from .warnings import warn

VIEWS = ("matrix", "transposed", "list", "overview")
CITE_SPLIT = re.compile(r"[,\s]+")


class _CmDirective(SphinxDirective):
    @property
    def cm_config(self) -> CmConfig:
        return get_config(self.config)

    def option(self, name: str) -> str:
        """An option's value, stripped ('' when absent)."""
        return (self.options.get(name) or "").strip()

    def checked_id(self, value: str, what: str) -> str:
        """*value* if it is a well-formed id, else '' after a warning."""
        if value and not ID_RE.match(value):
            warn(
                f"invalid {what} id {value!r}: use lower-case letters, digits and hyphens",
                "invalid_id",
                self.get_location(),
            )
            return ""
        return value

    def body(self) -> list[nodes.Node]:
        return self.parse_content_to_nodes(allow_section_headings=False) if self.content else []

    def citations(self) -> list[str]:
        """The ``:cite:`` keys, de-duplicated (a warning if none or repeated)."""
        keys = [key for key in CITE_SPLIT.split(self.option("cite")) if key]
        if not keys and self.cm_config.require_citations:
            warn(f"{self.name} has no :cite: keys; every declaration needs a source", "no_citation", self.get_location())
        unique = list(dict.fromkeys(keys))
        if len(unique) < len(keys):
            warn(f"{self.name} lists a citation key twice", "duplicate_citation", self.get_location())
        return unique

    def level_and_finding(self, *, with_finding: bool = True) -> tuple[Level | None, Finding | None]:
        """The ``:level:`` and ``:finding:`` (the default finding when omitted); None after a warning."""
        cfg = self.cm_config
        level = cfg.level(self.option("level"))
        if self.option("level") and level is None:
            known = ", ".join(lv.id for lv in cfg.levels)
            warn(
                f"unknown evidence level {self.option('level')!r} (known: {known})",
                "unknown_level",
                self.get_location(),
            )
        if not with_finding:
            return level, None
        finding = cfg.finding(self.option("finding") or cfg.default_finding)
        if finding is None:
            known = ", ".join(f.id for f in cfg.findings)
            warn(f"unknown finding {self.option('finding')!r} (known: {known})", "unknown_finding", self.get_location())
        return level, finding

    def sources(self, keys: list[str]) -> list[nodes.Node]:
        """'Sources: <citations>' as sphinxcontrib-bibtex's ``cite:p``, plus its messages."""
        if not keys:
            return []
        role = self.env.get_domain("cite").role("p")
        assert role is not None
        cited, messages = role(
            "cite:p", f"{{cite:p}}`{','.join(keys)}`", ",".join(keys), self.lineno, self.state.inliner
        )
        return [nodes.paragraph("", "Sources: ", *cited, classes=["cm-sources"]), *messages]

    def note(self) -> list[nodes.Node]:
        """The ``:note:`` as an italic line (nothing when absent)."""
        text = self.option("note")
        return [nodes.paragraph("", "", nodes.emphasis(text, text), classes=["cm-note"])] if text else []


class DefinitionDirective(_CmDirective):
    """Define a condition or mechanism: an index entry, a link target and a description."""

    kind: ClassVar[Kind]
    has_content = True
    optional_arguments = 1
    # An id with spaces is one argument, so it gets condmech.invalid_id, not a docutils error.
    final_argument_whitespace = True
    option_spec: ClassVar[OptionSpec] = {
        "name": directives.unchanged,
        "short": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        ident = self.checked_id(self.arguments[0].strip() if self.arguments else "", self.kind)
        if not self.arguments:
            warn(f"cm:{self.kind} needs an id argument", "missing_option", self.get_location())
        if not ident:
            return [nodes.container("", *self.body(), classes=["cm-definition"])]
        name = self.option("name")
        if not name:
            warn(
                f"cm:{self.kind} {ident!r} has no :name:; the id is shown instead",
                "missing_option",
                self.get_location(),
            )
            name = ident
        short = self.option("short") or name
        limit = self.cm_config.max_name_length
        if len(short) > limit:  # only the table label is shortened; a long :name: with a :short: is fine
            label = ":short: label" if self.option("short") else "name"
            warn(
                f"{label} of {self.kind} {ident!r} is {len(short)} characters long (limit {limit}); "
                "tables shorten it, give a shorter :short: label",
                "name_too_long",
                self.get_location(),
            )
        anchor = make_id(self.env, self.state.document, f"cm-{self.kind}", ident)
        node = cm_definition(
            "", classes=["cm-definition", f"cm-{self.kind}"], ids=[anchor],
            kind=self.kind, cm_id=ident, name=name, short=short, line=self.lineno,
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


class LinkDirective(_CmDirective):
    """State that a mechanism is proposed for a condition, with evidence and sources."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = {
        "condition": directives.unchanged,
        "mechanism": directives.unchanged,
        "level": directives.unchanged,
        "finding": directives.unchanged,
        "cite": directives.unchanged,
        "note": directives.unchanged,
        "measured": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        recorded = True
        for name in ("condition", "mechanism", "level"):
            if not self.option(name):
                warn(f"cm:link needs :{name}:", "missing_option", self.get_location())
                recorded = False
        condition = self.checked_id(self.option("condition"), "condition")
        mechanism = self.checked_id(self.option("mechanism"), "mechanism")
        level, finding = self.level_and_finding()
        keys = self.citations()
        recorded = recorded and bool(condition and mechanism and level and finding)
        if not recorded or level is None or finding is None:
            return [nodes.container("", *self.body(), classes=["cm-assertion"])]
        measured = self.option("measured")
        if not measured:
            warn(
                "cm:link without :measured: is deprecated: if the cited studies measured the mechanism, "
                "add ':measured: <what they measured>'; if they measured pain, function or disease activity, "
                "write cm:effect with :outcome: instead",
                "deprecated",
                self.get_location(),
            )

        anchor = make_id(self.env, self.state.document, "cm-link", f"{condition}-{mechanism}")
        node = cm_assertion(
            "", ids=[anchor],
            classes=["cm-assertion", f"cm-assertion-{level.id}", f"cm-assertion-{finding.id}"],
            condition=condition, mechanism=mechanism, level=level.id, finding=finding.id,
            citations=keys, note=self.option("note"), docname=self.env.current_document.docname,
            line=self.lineno, recorded=True, measured=measured,
        )  # fmt: skip
        self.set_source_info(node)
        self.state.document.note_explicit_target(node)
        node.extend(self.note())
        if measured:
            node += nodes.paragraph("", f"Measured: {measured}", classes=["cm-measured"])
        node.extend(self.body())
        node.extend(self.sources(keys))
        return [node]


class _TableDirective(_CmDirective):
    def placeholder(self, view: str, condition: str, mechanism: str) -> cm_table_placeholder:
        min_level = self.option("min-level")
        if min_level and self.cm_config.level(min_level) is None:
            warn(
                f"unknown evidence level {min_level!r} in :min-level:; no filter applied",
                "unknown_level",
                self.get_location(),
            )
            min_level = ""
        node = cm_table_placeholder(
            "", view=view, min_level=min_level, condition=condition, mechanism=mechanism,
            caption=self.option("caption"), docname=self.env.current_document.docname, line=self.lineno,
        )  # fmt: skip
        self.set_source_info(node)
        return node


class MatrixDirective(_TableDirective):
    """The condition × mechanism table (or its transposed or list view), filled after reading."""

    option_spec: ClassVar[OptionSpec] = {
        "view": directives.unchanged,
        "min-level": directives.unchanged,
        "condition": directives.unchanged,
        "mechanism": directives.unchanged,
        "caption": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        view = self.option("view") or "matrix"
        if view not in VIEWS:
            warn(
                f"unknown :view: {view!r} (known: {', '.join(VIEWS)}); using 'matrix'",
                "invalid_option",
                self.get_location(),
            )
            view = "matrix"
        condition = self.checked_id(self.option("condition"), "condition")
        mechanism = self.checked_id(self.option("mechanism"), "mechanism")
        return [self.placeholder(view, condition, mechanism)]


class SummaryDirective(_TableDirective):
    """A compact list of the mechanisms and evidence declared for one condition."""

    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[OptionSpec] = {"min-level": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        condition = self.checked_id(self.arguments[0].strip() if self.arguments else "", "condition")
        if not self.arguments:
            warn("cm:summary needs a condition id argument", "missing_option", self.get_location())
        if not condition:
            return []
        return [self.placeholder("summary", condition, "")]


class KeyMessagesDirective(SummaryDirective):
    """The "Key messages" box of one condition, drawn from all its declarations."""

    option_spec: ClassVar[OptionSpec] = {}

    def run(self) -> list[nodes.Node]:
        condition = self.checked_id(self.arguments[0].strip() if self.arguments else "", "condition")
        if not self.arguments:
            warn("cm:key-messages needs a condition id argument", "missing_option", self.get_location())
        if not condition:
            return []
        return [self.placeholder("key-messages", condition, "")]


def register(app: Sphinx) -> None:
    """Register the directives in the ``cm`` domain."""
    from .clinical import EffectDirective, HarmDirective
    from .review import ReviewedDirective
    from .status import StatusDirective

    for name, directive in (
        ("condition", ConditionDirective),
        ("mechanism", MechanismDirective),
        ("link", LinkDirective),
        ("matrix", MatrixDirective),
        ("summary", SummaryDirective),
        ("effect", EffectDirective),
        ("harm", HarmDirective),
        ("status", StatusDirective),
        ("reviewed", ReviewedDirective),
        ("key-messages", KeyMessagesDirective),
    ):
        app.add_directive_to_domain("cm", name, directive)
