"""``cm:effect`` (a clinical effect measured in people) and ``cm:harm`` (a safety finding).

Both are per condition, with no mechanism: what the studies measured was pain,
function, disease activity or adverse effects, not how the cells work. A harm
has a level but no finding, so it is never counted as evidence about benefit.
"""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.typing import OptionSpec

from .directives import CITE_SPLIT, AnyOption, _CmDirective
from .nodes import cm_effect
from .warnings import suggest


class HarmDirective(_CmDirective):
    """A safety finding for a condition: adverse effects seen, with the level of the evidence."""

    kind = "harm"
    has_content = True
    required: ClassVar[tuple[str, ...]] = ("condition", "level")
    option_spec: ClassVar[OptionSpec] = AnyOption(
        {
            "condition": directives.unchanged,
            "level": directives.unchanged,
            "cite": directives.unchanged,
            "note": directives.unchanged,
            "anchor": directives.unchanged,
        }
    )

    def outcomes(self) -> tuple[str, ...] | None:
        """The outcomes measured (none for a harm); None after a warning."""
        return ()

    def run(self) -> list[nodes.Node]:
        misspelt = self.check_options()
        recorded = self.has_required(self.required, misspelt)
        condition = self.checked_id(self.option("condition"), "condition", "condition")
        level, finding = self.level_and_finding(with_finding=self.kind == "effect")
        outcomes = self.outcomes()
        keys = self.citations()
        if not (recorded and condition and level and outcomes is not None) or (self.kind == "effect" and not finding):
            return self.unread("cm-effect")
        anchor = self.stable_anchor(f"cm-{self.kind}", condition, level.id, *keys[:1])
        node = cm_effect(
            "", ids=[anchor], classes=["cm-effect", f"cm-{self.kind}"],
            kind=self.kind, condition=condition, outcomes=list(outcomes), level=level.id,
            finding=finding.id if finding else "", citations=keys, note=self.option("note"),
            docname=self.env.current_document.docname, line=self.lineno, recorded=True,
            condition_line=self.option_line("condition"),
        )  # fmt: skip
        self.set_source_info(node)
        self.state.document.note_explicit_target(node)
        node.extend(self.problem_marker())
        node.extend(self.note())
        node.extend(self.body())
        node.extend(self.sources(keys))
        return [node]


class EffectDirective(HarmDirective):
    """A clinical effect measured in people: the outcomes, the level of the evidence and its finding."""

    kind = "effect"
    required = ("condition", "outcome", "level")
    option_spec: ClassVar[OptionSpec] = AnyOption(
        {
            **HarmDirective.option_spec,
            "outcome": directives.unchanged,
            "finding": directives.unchanged,
        }
    )

    def outcomes(self) -> tuple[str, ...] | None:
        known = self.cm_config.outcomes
        given = tuple(dict.fromkeys(item for item in CITE_SPLIT.split(self.option("outcome")) if item))
        unknown = [item for item in given if item not in known]
        if unknown:
            self.warn(
                f"unknown outcome {unknown[0]!r} in :outcome:{suggest(unknown[0], known, 'outcomes')}",
                "unknown_outcome",
                self.option_location("outcome"),
            )
            return None
        return given
