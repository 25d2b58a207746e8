"""Test project for the reading-level check: one page with every kind of element it strips or keeps."""

project = "readability"
author = "Test"
copyright = "2026, Test"
version = release = "1.0"
extensions = ["myst_parser", "condmech"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
html_theme = "sphinx_book_theme"
