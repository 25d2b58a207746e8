"""``cm:reviewed``: when a page was last reviewed, and when its next review is due."""

from __future__ import annotations

from docutils import nodes

from . import dates
from .base import AnyOption, CmDirective
from .nodes import cm_review


def review_text(reviewed: str, months: int) -> str:
    """'Page last reviewed: D · Next review due: D + months' (the NHS pattern)."""
    date = dates.parse(reviewed)
    assert date is not None  # the directive records only valid dates
    due = dates.add_months(date, months)
    return f"Page last reviewed: {dates.display(date)} \u00b7 Next review due: {dates.display(due)}"


class ReviewedDirective(CmDirective):
    """The date (``YYYY-MM-DD``) this page was last reviewed; shown with the next due date."""

    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = AnyOption()

    def run(self) -> list[nodes.Node]:
        self.check_options()
        value = self.arguments[0].strip() if self.arguments else ""
        first = self.env.current_document.get("cm:reviewed")
        if first is not None:  # one date per page: a second one would contradict the first
            message = f"second cm:reviewed on this page; the first, at line {first}, is used"
            self.warn(message, "duplicate_status", self.get_location())
            return self.problem_marker()
        if not value:
            self.warn("cm:reviewed needs a date argument (YYYY-MM-DD)", "missing_option", self.get_location())
            return self.problem_marker()
        if dates.parse(value) is None:
            self.warn(f"invalid review date {value!r}: write YYYY-MM-DD", "invalid_date", self.get_location())
            return self.problem_marker()
        self.env.current_document["cm:reviewed"] = self.lineno
        text = review_text(value, self.cm_config.review_interval_months)
        node = cm_review("", nodes.paragraph(text, text), classes=["cm-review-dates"], date=value, line=self.lineno)
        self.set_source_info(node)
        return [node]
