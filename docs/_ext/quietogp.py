"""sphinxext-opengraph without its import-time line "matplotlib is not installed, social cards will
not be generated".

sphinxext-opengraph 0.13 ``print``\\s that line when it is imported without matplotlib, whatever
``ogp_social_cards`` says, so it opened every build log. The book has social cards switched off
(``ogp_social_cards = {"enable": False}``: it gives ``ogp_image``, its cover), so matplotlib, which
would only draw them, is not installed. This module imports the extension with that output
discarded, then sets it up; ``docs/conf.py`` lists this module instead of ``sphinxext.opengraph``.
Delete it when the extension stops printing at import (``tests/test_contracts.py`` pins the print).
"""

from __future__ import annotations

import contextlib
import io

from sphinx.application import Sphinx

with contextlib.redirect_stdout(io.StringIO()):
    import sphinxext.opengraph  # noqa: F401  (imported here, silently; set up below)


def setup(app: Sphinx) -> dict[str, object]:
    """Set up sphinxext-opengraph, already imported."""
    app.setup_extension("sphinxext.opengraph")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
