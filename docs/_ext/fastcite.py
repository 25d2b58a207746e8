"""Faster citations: pybtex's plain-text backend registered under its own name.

Works around sphinxcontrib-bibtex 2.7, whose ``BibtexDomain.resolve_xref`` calls
``pybtex.plugin.find_plugin("pybtex.backends", "plaintext")`` for every citation it
resolves; pybtex answers by scanning the entry points of every installed package (several
ms each). A plugin registered at run time is found first, with a dictionary lookup; it is
the same class. On the citation-heavy benchmark corpus this took a fifth off the build
(docs/contributing/benchmarks.md, the ``-fastcite`` variants). Delete this module when
sphinxcontrib-bibtex looks the backend up once. ``tests/test_contracts.py`` pins both the
lookup and the registry.
"""

from __future__ import annotations

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.plugin import register_plugin
from sphinx.application import Sphinx

register_plugin("pybtex.backends", "plaintext", PlainTextBackend, force=True)


def setup(app: Sphinx) -> dict[str, object]:
    """Importing this module registers the backend."""
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
