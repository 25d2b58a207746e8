"""Test project for incremental and parallel builds (enough documents for -j 2 to split the work)."""

project = "condmech incremental"
author = "Test"
copyright = "2026, Test"
version = release = "1.0"
extensions = ["myst_parser", "condmech"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
epub_copyright = copyright


def setup(app):
    """Record, for the tests, which documents each worker merged and which were written."""
    events = app.cm_test_events = {"merged": [], "written": []}
    app.connect("env-merge-info", lambda app, env, docnames, other: events["merged"].append(sorted(docnames)))
    app.connect("doctree-resolved", lambda app, doctree, docname: events["written"].append(docname))
