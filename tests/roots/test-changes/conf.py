"""Test project for cm:changes: a list of changes since a snapshot of an earlier export (_data/)."""

project = "condmech changes"
author = "Test"
copyright = "2026, Test"
version = release = "1.0"
extensions = ["myst_parser", "condmech"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
epub_copyright = copyright


def setup(app):
    """Record, for the tests, which documents were written."""
    written = app.cm_test_written = []
    app.connect("doctree-resolved", lambda app, doctree, docname: written.append(docname))
