"""``cm:status``: what is approved where for one condition, as of a date, with sources."""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.nodes import make_id
from sphinx.util.typing import OptionSpec

from . import dates
from .base import AnyOption, CmDirective
from .nodes import cm_status
from .warnings import warn


def as_of_text(as_of: str) -> str:
    """'as of 1 December 2026' for an ISO date recorded by the directive."""
    date = dates.parse(as_of)
    assert date is not None  # the directive records only valid dates
    return f"as of {dates.display(date)}"


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
