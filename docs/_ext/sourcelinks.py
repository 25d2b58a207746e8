"""Make the theme's "Suggest edit" and "Open issue" buttons point where a contributor needs them.

- "Open issue" opens the content-correction issue form
  (``.github/ISSUE_TEMPLATE/content-correction.yml``) with the title and the ``page``
  field (the page's source file) filled in, instead of a blank issue.
- A page whose text lives in another file (``docs/contributing/workflow.md`` only
  includes ``CONTRIBUTING.md``) names that file in its front matter, as
  ``edit_path: CONTRIBUTING.md`` (relative to the repository root); both buttons then
  use it.

The repository, branch and docs folder come from ``html_theme_options``.

Works around sphinx-book-theme (1.4), whose issue and edit buttons take no issue form
and no per-page path: the buttons are found in the theme's ``header_buttons`` by their
labels (pinned in ``tests/test_contracts.py``) after the theme adds them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sphinx.application import Sphinx

FORM = "content-correction.yml"


def issue_url(repository: str, title: str, source: str) -> str:
    """The new-issue URL for the correction form, prefilled for one page."""
    query = urlencode({"template": FORM, "title": f"[Correction]: {title}", "page": source})
    return f"{repository.rstrip('/')}/issues/new?{query}"


def _buttons(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    options = app.config.html_theme_options
    suffix = context.get("page_source_suffix")
    repository = options.get("repository_url", "").rstrip("/")
    if not suffix or not repository:
        return
    edit_path = app.env.metadata.get(pagename, {}).get("edit_path")
    source = edit_path or "/".join(filter(None, (options.get("path_to_docs", "").strip("/"), pagename + suffix)))
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else pagename
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", [group]):
            if button.get("label") == "source-issues-button":
                button["url"] = issue_url(repository, title, source)
                button["tooltip"] = "Report a mistake on this page"
            elif button.get("label") == "source-edit-button" and edit_path:
                button["url"] = f"{repository}/edit/{options.get('repository_branch', 'main')}/{edit_path}"


def setup(app: Sphinx) -> dict[str, Any]:
    # After sphinx-book-theme adds its buttons (priority 501).
    app.connect("html-page-context", _buttons, priority=502)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
