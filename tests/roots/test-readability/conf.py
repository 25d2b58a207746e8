"""Test project for the reading-level check: one page with every kind of element it strips or keeps."""

extensions = ["myst_parser", "condmech"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
html_theme = "sphinx_book_theme"
