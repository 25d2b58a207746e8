"""What is approved where: ``cm:status`` (one condition's status, as of a date, with sources),
``cm:approval`` (one approval as a record, with its limits) and ``cm:checked`` (where the book
looked for approvals, and how far). Their words are in :mod:`condmech.approvals`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.nodes import make_id
from sphinx.util.typing import OptionSpec

from .approvals import EXTENTS, KINDS, SOURCES, approval_text, parse_date, where_checked
from .base import CITE_SPLIT, AnyOption, CmDirective
from .dates import as_of_text
from .model import Approval, Check
from .nodes import cm_approval, cm_checked, cm_status
from .warnings import suggest, warn


class StatusDirective(CmDirective):
    """The regulatory status of the condition named by the argument."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[OptionSpec] = AnyOption(
        {
            "as-of": directives.unchanged,
            "summary": directives.unchanged,
            "approved": directives.unchanged,
            "cite": directives.unchanged,
        }
    )

    def run(self) -> list[nodes.Node]:
        misspelt = self.check_options()
        condition = self.argument_id("condition")
        recorded = self.has_required(("as-of", "summary"), misspelt) and bool(condition)
        as_of = self.option("as-of")
        recorded = self.valid_date("as-of") and recorded
        keys = self.citations()
        if not recorded:
            return self.unread("cm-status", condition)
        summary = self.option("summary")
        approvals = [item.strip() for item in self.option("approved").split(";") if item.strip()]
        if approvals:
            warn(
                "cm:status :approved: is deprecated: write each approval as a cm:approval with :condition:, "
                ":jurisdiction:, :product:, :date:, :covers:, :not-for:, :kind: and :source:, so that its limits "
                "reach the table and the Key messages",
                "deprecated",
                self.option_location("approved"),
            )
        anchor = make_id(self.env, self.state.document, "cm-status", condition)
        node = cm_status(
            "", ids=[anchor], classes=["cm-status"], condition=condition, as_of=as_of, summary=summary,
            approvals=approvals, citations=keys, line=self.lineno, recorded=True,
        )  # fmt: skip
        self.set_source_info(node)
        self.state.document.note_explicit_target(node)
        node.extend(self.problem_marker())
        heading = nodes.paragraph("", "", classes=["cm-status-title"])
        heading += nodes.strong("", f"Approval status, {as_of_text(as_of)}: ")
        heading += nodes.Text(summary)
        node += heading
        if approvals:
            node += nodes.bullet_list("", *(nodes.list_item("", nodes.paragraph(a, a)) for a in approvals))
        node.extend(self.body())
        node.extend(self.sources(keys))
        return [node]


class ApprovalDirective(CmDirective):
    """One approval of one product for the condition named by ``:condition:``."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = AnyOption(
        {
            name: directives.unchanged
            for name in (
                "condition", "jurisdiction", "product", "date", "covers", "not-for", "kind", "source", "note", "cite",
                "anchor",
            )
        }
    )  # fmt: skip
    required = ("condition", "jurisdiction", "product", "covers", "kind", "source")

    def choice(self, name: str, known: Sequence[str]) -> bool:
        """Whether each comma-separated value of option *name* is one of *known* (a warning if not)."""
        for value in [v for v in CITE_SPLIT.split(self.option(name)) if v]:
            if value not in known:
                message = f"unknown :{name}: {value!r}{suggest(value, known, 'values')}"
                self.warn(message, "invalid_option", self.option_location(name))
                return False
        return True

    def run(self) -> list[nodes.Node]:
        misspelt = self.check_options()
        recorded = self.has_required(self.required, misspelt)
        condition = self.checked_id(self.option("condition"), "condition", "condition")
        date = self.option("date")
        if date and parse_date(date) is None:
            message = f"invalid :date: {date!r}: write YYYY, YYYY-MM or YYYY-MM-DD"
            self.warn(message, "invalid_date", self.option_location("date"))
            recorded = False
        recorded = self.choice("kind", KINDS) and recorded
        recorded = self.choice("source", list(SOURCES)) and recorded
        keys = self.citations()
        if not (recorded and condition):
            return self.unread("cm-approval", condition)
        kinds = tuple(k for k in KINDS if k in CITE_SPLIT.split(self.option("kind")))
        approval = Approval(
            condition, self.option("jurisdiction"), self.option("product"), date, self.option("covers"),
            self.option("not-for"), kinds, self.option("source"), self.option("note"), tuple(keys),
            "", "", self.lineno,
        )  # fmt: skip
        anchor = self.stable_anchor("cm-approval", condition, approval.jurisdiction, approval.product)
        node = cm_approval(
            "", ids=[anchor], classes=["cm-approval-record"], condition=condition, line=self.lineno, recorded=True,
            jurisdiction=approval.jurisdiction, product=approval.product, date=date, covers=approval.covers,
            not_for=approval.not_for, kinds=list(kinds), source=approval.source, note=approval.note, citations=keys,
        )  # fmt: skip
        self.set_source_info(node)
        self.state.document.note_explicit_target(node)
        node.extend(self.problem_marker())
        text = approval_text(approval)
        node += nodes.paragraph("", "", nodes.strong("Approval: ", "Approval: "), nodes.Text(text))
        node.extend(self.body())
        node.extend(self.sources(keys))
        return [node]


class CheckedDirective(CmDirective):
    """Where the book looked for approvals (the argument: a jurisdiction id), how far, and as of when."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[OptionSpec] = AnyOption(
        {name: directives.unchanged for name in ("name", "extent", "how", "as-of", "cite")}
    )

    def run(self) -> list[nodes.Node]:
        misspelt = self.check_options()
        ident = self.argument_id("jurisdiction")
        recorded = self.has_required(("name", "extent", "how", "as-of"), misspelt) and bool(ident)
        extent = self.option("extent")
        if extent and extent not in EXTENTS:
            message = f"unknown :extent: {extent!r}{suggest(extent, EXTENTS, 'values')}"
            self.warn(message, "invalid_option", self.option_location("extent"))
            recorded = False
        as_of = self.option("as-of")
        recorded = self.valid_date("as-of") and recorded
        keys = self.citations()
        if not recorded:
            return self.unread("cm-checked")
        check = Check(ident, self.option("name"), extent, self.option("how"), as_of, tuple(keys), "", self.lineno)
        node = cm_checked(
            "", classes=["cm-checked"], cm_id=ident, name=check.name, extent=extent, how=check.how, as_of=as_of,
            citations=keys, line=self.lineno, recorded=True,
        )  # fmt: skip
        self.set_source_info(node)
        node.extend(self.problem_marker())
        node += nodes.paragraph("", where_checked([check]))
        node.extend(self.body())
        node.extend(self.sources(keys))
        return [node]
