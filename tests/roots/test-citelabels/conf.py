"""Test project for the book's citation labels: entries that share an author and a year.

The tests put ``docs/_ext`` on ``sys.path`` for ``bibstyle`` (fixture ``ext_on_path``).
"""

project = "citation labels"
author = "Test"
copyright = "2026, Test"
version = release = "1.0"
extensions = ["myst_parser", "sphinxcontrib.bibtex", "bibstyle"]
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "authoryear"
bibtex_reference_style = "authoryear"
epub_copyright = copyright
