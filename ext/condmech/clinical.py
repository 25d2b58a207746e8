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

from . import certainty
from .base import CITE_SPLIT, AnyOption, CmDirective
from .model import Finding, Level
from .nodes import cm_effect
from .warnings import suggest, warn


class HarmDirective(CmDirective):
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
            "seen": directives.unchanged,
            "studied": directives.unchanged,
            "certainty": directives.unchanged,
            "rated-by": directives.unchanged,
        }
    )

    def outcomes(self) -> tuple[str, ...] | None:
        """The outcomes measured (none for a harm); None after a warning."""
        return ()

    def gap(self) -> bool:
        """Whether this declares an outcome that was not measured or not reported (effects only)."""
        return False

    def deprecated(self) -> str:
        """What the old syntax lacks, as a warning message ('' when the declaration is in the new form)."""
        if self.option("seen"):
            return ""
        return (
            "cm:harm without :seen: is deprecated: say what was seen in plain words, with how often where "
            "the source says (':seen: knee pain in about 1 in 4 people'), and add :certainty: and :rated-by:"
        )

    def rating(self, keys: list[str]) -> tuple[str, str]:
        """The ``:certainty:`` and ``:rated-by:`` (('', '') when the certainty is unknown, after a warning).

        A rating is attributed only to a source that this declaration cites, or to the
        editors; a certainty other than ``not-rated`` needs to say who rated it.
        """
        given, rater = self.option("certainty"), self.option("rated-by")
        if not given:
            if not self.deprecated():
                message = f"cm:{self.kind} needs :certainty: (high, moderate, low, very-low, or not-rated)"
                self.warn(message, "missing_option", self.get_location())
            return "", ""
        if given not in certainty.BY_ID:
            hint = suggest(given, list(certainty.BY_ID), "certainties")
            self.warn(f"unknown certainty {given!r}{hint}", "invalid_option", self.option_location("certainty"))
            return "", ""
        if given == "not-rated":
            if rater:
                message = ":rated-by: given with ':certainty: not-rated'; remove it, or give the rating"
                self.warn(message, "invalid_option", self.option_location("rated-by"))
            return given, ""
        if not rater:
            self.warn(
                f"cm:{self.kind} has :certainty: {given} but no :rated-by:; name the cited review that "
                f"reported the rating, or '{certainty.EDITORS}' for the editors' own judgement",
                "missing_option",
                self.option_location("certainty"),
            )
            return "", ""
        if rater != certainty.EDITORS and rater not in keys:
            hint = suggest(rater, [*keys, certainty.EDITORS], "choices")
            self.warn(
                f":rated-by: {rater!r} is not one of this declaration's :cite: keys{hint}; a rating is "
                "attributed only to a source cited here that reported it",
                "invalid_option",
                self.option_location("rated-by"),
            )
            return "", ""
        return given, rater

    def run(self) -> list[nodes.Node]:
        misspelt = self.check_options()
        recorded = self.has_required(self.required, misspelt)
        condition = self.checked_id(self.option("condition"), "condition", "condition")
        level, finding = self.level_and_finding(with_finding=self.kind == "effect")
        outcomes = self.outcomes()
        keys = self.citations()
        if not (recorded and condition and level and outcomes is not None) or (
            self.kind == "effect" and not finding and not self.gap()
        ):
            return self.unread("cm-effect")
        rated, rater = ("", "") if self.gap() else self.rating(keys)
        old = self.deprecated()
        if old:
            warn(old, "deprecated", self.get_location())
        # an outcome not reported says so in its anchor: it sits beside the effect it qualifies
        gap = [self.option("finding")] if self.gap() else []
        anchor = self.stable_anchor(f"cm-{self.kind}", condition, level.id, *gap, *keys[:1])
        node = cm_effect(
            "", ids=[anchor], classes=["cm-effect", f"cm-{self.kind}"],
            kind=self.kind, condition=condition, outcomes=list(outcomes), level=level.id,
            finding=finding.id if finding else self.option("finding"), citations=keys, note=self.option("note"),
            docname=self.env.current_document.docname, line=self.lineno, recorded=True,
            condition_line=self.option_line("condition"),
            certainty=rated, rated_by=rater, size=self.option("size"), seen=self.option("seen"),
            studied=" ".join(self.option("studied").split()),
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
            **{k: v for k, v in HarmDirective.option_spec.items() if k != "seen"},
            "outcome": directives.unchanged,
            "finding": directives.unchanged,
            "size": directives.unchanged,
        }
    )

    def gap(self) -> bool:
        return self.option("finding") in certainty.GAPS

    def level_and_finding(self, *, with_finding: bool = True) -> tuple[Level | None, Finding | None]:
        if self.gap():  # not a direction: no finding to look up on the scale
            return super().level_and_finding(with_finding=False)
        return super().level_and_finding(with_finding=with_finding)

    def deprecated(self) -> str:
        if self.gap() or self.option("certainty"):
            return ""
        return (
            "cm:effect without :certainty: is deprecated: add ':certainty: high, moderate, low, very-low or "
            "not-rated' and, for a rating, ':rated-by: <the cited review that reported it>' or "
            f"':rated-by: {certainty.EDITORS}' for the editors' own judgement"
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
