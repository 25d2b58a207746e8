"""condmech: declare in the chapters of a Sphinx book what studies measured (clinical
effects, harms, mechanism evidence), each condition's approval status and each page's
review date, and get key-message boxes and an evidence-graded, back-linked table in
every format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

__version__ = "1.0.0"

STATIC_DIR = Path(__file__).parent / "static"


def _add_static(app: Sphinx) -> None:
    """``builder-inited``: ship the stylesheet with HTML-format builders.

    This appends to ``html_static_path``, as Sphinx's own graphviz and sphinx-design
    do: Sphinx 9.0 has no other way to add a static folder (``add_static_dir`` is 9.1+),
    and copying into the output folder early collides with Sphinx's own static copy.
    """
    if app.builder.format == "html" and str(STATIC_DIR) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC_DIR))


def setup(app: Sphinx) -> dict[str, Any]:
    from . import (
        changes,
        citations,
        clinical,
        config,
        directives,
        domain,
        export,
        nodes,
        review,
        status,
        transforms,
    )

    citations.setup(app)
    config.register(app)
    nodes.register(app)
    app.add_domain(domain.CondMechDomain)
    for name, directive in (
        ("condition", directives.ConditionDirective),
        ("mechanism", directives.MechanismDirective),
        ("link", directives.LinkDirective),
        ("matrix", directives.MatrixDirective),
        ("summary", directives.SummaryDirective),
        ("key-messages", directives.KeyMessagesDirective),
        ("effect", clinical.EffectDirective),
        ("harm", clinical.HarmDirective),
        ("status", status.StatusDirective),
        ("approval", status.ApprovalDirective),
        ("checked", status.CheckedDirective),
        ("reviewed", review.ReviewedDirective),
        ("changes", changes.ChangesDirective),
    ):
        app.add_directive_to_domain("cm", name, directive)
    app.connect("doctree-resolved", changes.fill_changes)
    app.add_post_transform(transforms.BuildTables)
    app.add_post_transform(transforms.AssertionHeaders)
    app.add_css_file("condmech.css")
    app.connect("builder-inited", _add_static)
    app.connect("builder-inited", domain.note_builder)
    app.connect("env-get-outdated", domain.dated_documents)
    app.connect("env-before-read-docs", domain.note_read_docs)
    app.connect("env-updated", domain.outdated_documents)
    app.connect("warn-missing-reference", domain.warn_unknown_reference)
    app.connect("doctree-resolved", export.add_data_links)
    app.connect("build-finished", export.write_export)
    return {
        "version": __version__,
        "env_version": domain.CondMechDomain.data_version,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
