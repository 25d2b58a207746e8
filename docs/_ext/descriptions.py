"""A plain-language description of every page, for search engines and shared links.

The descriptions live in one file, ``page_descriptions_file`` (``docs/descriptions.toml``:
``"page/name" = "text"``), read once per build into the ``page_descriptions`` config
value, so editing the file re-reads every page. Each page gets its description as a
docutils ``meta`` node, which the HTML writer puts in the page's head as ``<meta
name="description">`` (the LaTeX and text writers skip meta nodes), and as its
``og:description`` metadata, which sphinxext-opengraph writes instead of its own excerpt
of the page's first paragraph. A page without a description, a key that names no page, and
a file that cannot be read are warnings (type ``book``, subtype ``description``).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)
KEY = re.compile(r'^\s*"?(?P<key>[^"=#]+?)"?\s*=')


def _warn(message: str, location: str | tuple[str, None]) -> None:
    """A warning at ``file:line`` or at a page (``(docname, None)``)."""
    logger.warning(message, location=location, type="book", subtype="description")


def key_lines(text: str) -> dict[str, int]:
    """The line of each key in the text of the descriptions file (for warnings)."""
    return {m["key"].strip(): n for n, line in enumerate(text.splitlines(), 1) if (m := KEY.match(line))}


def load(path: Path) -> dict[str, str]:
    """The descriptions in ``path`` (``{}``, with a warning, if it is missing or not TOML strings)."""
    try:
        text = path.read_text("utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as error:
        # (No file:line location: the TOML error says where; Sphinx would read a bare path as a page.)
        logger.warning(f"cannot read the page descriptions in {path}: {error}", type="book", subtype="description")
        return {}
    descriptions = {}
    for key, value in data.items():
        if isinstance(value, str) and value.strip():
            descriptions[key] = value.strip()
        else:
            _warn(f"the description of {key!r} is not a non-empty string", f"{path}:{key_lines(text).get(key, 0)}")
    return descriptions


def _read_file(app: Sphinx, config: Config) -> None:
    if config.page_descriptions_file:
        config.page_descriptions = load(Path(app.confdir, config.page_descriptions_file))


def _add_description(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if description := app.config.page_descriptions.get(docname):
        doctree.insert(0, nodes.meta(name="description", content=description))
        app.env.metadata[docname]["og:description"] = description


def _check(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: every page has a description, and every description has a page."""
    if not app.config.page_descriptions_file:
        return
    descriptions = app.config.page_descriptions
    for docname in sorted(env.found_docs - set(descriptions)):
        _warn(f"no description for this page in {app.config.page_descriptions_file}", (docname, None))
    unknown = sorted(set(descriptions) - env.found_docs)
    if unknown:  # read the file again only to say where (it was read once, at config-inited)
        path = Path(app.confdir, app.config.page_descriptions_file)
        lines = key_lines(path.read_text("utf-8")) if path.is_file() else {}
        for key in unknown:
            _warn(f"description for {key!r}, which is not a page of the book", f"{path}:{lines.get(key, 0)}")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("page_descriptions_file", "", "env", types=frozenset({str}))
    app.add_config_value("page_descriptions", {}, "env", types=frozenset({dict}))
    app.connect("config-inited", _read_file)
    # After Sphinx's metadata collector has read the page's front matter.
    app.connect("doctree-read", _add_description, priority=600)
    app.connect("env-check-consistency", _check)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
