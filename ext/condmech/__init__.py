"""condmech: declare condition–mechanism evidence links in the chapters of a Sphinx
book and get an evidence-graded, back-linked cross-reference table in every format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util.fileutil import copy_asset_file

__version__ = "1.0.0"

STATIC_DIR = Path(__file__).parent / "static"


def _add_static(app: Sphinx) -> None:
    """``builder-inited``: put the stylesheet into ``_static`` of HTML-format builders.

    Copied directly rather than appended to ``html_static_path``, so the user's
    configuration is never changed; EPUB packs it like any other static file.
    """
    if app.builder.format == "html":
        copy_asset_file(STATIC_DIR / "condmech.css", Path(app.builder.outdir, "_static"), force=True)


def setup(app: Sphinx) -> dict[str, Any]:
    from . import config, directives, domain, export, nodes, transforms

    app.setup_extension("sphinxcontrib.bibtex")
    config.register(app)
    nodes.register(app)
    app.add_domain(domain.CondMechDomain)
    directives.register(app)
    app.add_post_transform(transforms.BuildTables)
    app.add_css_file("condmech.css")
    app.connect("builder-inited", _add_static)
    app.connect("env-before-read-docs", domain.note_read_docs)
    app.connect("env-updated", domain.outdated_documents)
    app.connect("warn-missing-reference", domain.warn_unknown_reference)
    app.connect("build-finished", export.write_export)
    return {
        "version": __version__,
        "env_version": domain.CondMechDomain.data_version,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
