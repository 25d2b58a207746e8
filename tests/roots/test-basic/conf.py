"""Test project: every directive and role from MyST (both fences) and reStructuredText."""

project = "condmech basic"
author = "Test"
copyright = "2026, Test"
version = release = "1.0"
extensions = ["myst_parser", "condmech"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
epub_copyright = copyright
nitpicky = True
