"""What a table, a Key-messages box or a declaration's header links to, as nodes.

:class:`Links` makes each link a ``pending_xref`` into the ``cm`` domain, which Sphinx's
resolver turns into a builder-correct reference later. The post-transforms make them with
:class:`condmech.transforms.ResolvedLinks` instead, which resolves them for the current
builder at once: a table makes thousands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docutils import nodes
from sphinx import addnodes


class Links:
    """The links made on page *docname*, left for Sphinx's resolver."""

    def __init__(self, docname: str) -> None:
        self.docname = docname

    def definition(self, role: str, target: str, text: str, *, explicit: bool = True) -> nodes.Element:
        """To the condition (*role* ``cond``) or mechanism (``mech``) *target*; not *explicit*: its name."""
        content = nodes.inline(text, text, classes=["xref", "cm", f"cm-{role}"])
        return self.pending(content, role, target, refexplicit=explicit)

    def declaration(self, docname: str, anchor: str, content: nodes.Element) -> nodes.Element:
        """To the declaration at *anchor* on page *docname*, showing *content*."""
        return self.pending(content, "assertion", anchor, cm_todoc=docname, refexplicit=True)

    def cites(self, keys: Sequence[str]) -> list[nodes.Element]:
        """The citation of each of *keys*, as sphinxcontrib-bibtex's ``cite:p`` shows it alone."""
        return [self.cite(key) for key in keys]

    def cite(self, key: str) -> addnodes.pending_xref:
        """A pending citation of *key*."""
        return self.pending(nodes.inline(key, key), "cite", key, refexplicit=False)

    def pending(self, content: nodes.Element, reftype: str, target: str, **attributes: Any) -> addnodes.pending_xref:
        """A generated reference (silent when unresolved: the declarations were checked when read)."""
        return addnodes.pending_xref(
            "", content, refdomain="cm", reftype=reftype, reftarget=target, refdoc=self.docname,
            refwarn=False, cm_generated=True, **attributes,
        )  # fmt: skip
