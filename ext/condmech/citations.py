"""The bridge to sphinxcontrib-bibtex: the only module that imports or calls it.

Read this file on every sphinxcontrib-bibtex upgrade; ``tests/test_contracts.py``
pins each attribute and method used here. The per-document cited keys stay in the
``cm`` domain's data (purge and merge); only the knowledge of bibtex's API is here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from pybtex.backends.plaintext import Backend as PlainText
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.bibtex.citation_target import CitationTarget, parse_citation_targets

from .warnings import suggest, warn

if TYPE_CHECKING:
    from sphinx.util.docutils import SphinxDirective
    from sphinxcontrib.bibtex.domain import BibtexDomain


def setup(app: Sphinx) -> None:
    """Load sphinxcontrib-bibtex, whose ``cite`` domain formats every source, and check its roles' keys."""
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_post_transform(UnknownRoleKeys)


class UnknownRoleKeys(SphinxPostTransform):
    """A ``{cite:p}`` or ``{cite:t}`` key that is not in the .bib files: ``condmech.unknown_citation``
    with "did you mean", at the role's line, as for a ``:cite:`` option.

    The key is then taken out of the role, so that sphinxcontrib-bibtex does not report it a
    second time (``bibtex.key_not_found``, without a suggestion); a role left with no key shows
    its text as written. Runs before the reference resolver (10), where bibtex resolves roles.
    """

    default_priority = 7

    def run(self, **kwargs: Any) -> None:
        bibfiles, known = bib_keys(self.env)
        files = ", ".join(path.name for path in bibfiles) or "the bibliography (bibtex_bibfiles is empty)"
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("refdomain") != "cite":
                continue
            targets = list(parse_citation_targets(node["reftarget"]))
            kept = [target for target in targets if target.key in known]
            for target in targets:
                if target.key not in known:
                    hint = suggest(target.key, sorted(known), "keys")
                    message = f"citation key {target.key!r} in {{cite:{node['reftype']}}} is not in {files}{hint}"
                    warn(message, "unknown_citation", node)
            if not kept:
                node.replace_self(node.children or [nodes.Text(node["reftarget"])])
            elif len(kept) < len(targets):
                node["reftarget"] = ",".join(_target_text(target) for target in kept)


def _target_text(target: CitationTarget) -> str:
    """*target* as bibtex's role syntax writes it: ``{pre}key{post}``."""
    pre, post = (f"{{{text}}}" if text else "" for text in (target.pre, target.post))
    return f"{pre}{target.key}{post}"


def _cite(env: BuildEnvironment) -> BibtexDomain:
    return cast("BibtexDomain", env.get_domain("cite"))


def bib_keys(env: BuildEnvironment) -> tuple[list[Path], set[str]]:
    """The configured ``.bib`` files and every key in them."""
    bibfiles = _cite(env).bibdata.bibfiles
    return list(bibfiles), {key for bibfile in bibfiles.values() for key in bibfile.keys}


def cite(directive: SphinxDirective, keys: list[str]) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """*keys* cited through bibtex's ``cite:p`` role, so bibtex records the citation.

    Called by hand, not through ``parse_inline``: under MyST that would parse Markdown.
    """
    role = _cite(directive.env).role("p")
    assert role is not None
    joined = ",".join(keys)
    return role("cite:p", f"{{cite:p}}`{joined}`", joined, directive.lineno, directive.state.inliner)


def cited_keys(node: nodes.Node) -> set[str]:
    """The keys a ``cite`` domain ``pending_xref`` names (none for other nodes)."""
    if not isinstance(node, addnodes.pending_xref) or node.get("refdomain") != "cite":
        return set()
    return {target.key for target in parse_citation_targets(node["reftarget"])}


def known_keys(env: BuildEnvironment) -> set[str]:
    """The keys bibtex has a formatted citation for (cited somewhere through its roles)."""
    return {citation.key for citation in _cite(env).citations}


#: Rendering with a backend object, not ``render_as("text")``: pybtex looks a backend name up by
#: scanning every installed package's entry points (milliseconds per call, twice per key per build).
_PLAIN_TEXT = PlainText()


def formatted(env: BuildEnvironment) -> dict[str, tuple[str, ...]]:
    """key -> what bibtex made of it: id, bibliography page, label, text and tooltip.

    Compared between builds: a changed ``.bib`` changes these without any page being re-read.
    """
    return {
        citation.key: (
            citation.citation_id,
            citation.bibliography_key.docname,
            citation.formatted_entry.label,
            citation.formatted_entry.text.render(_PLAIN_TEXT),
            citation.tooltip_entry.text.render(_PLAIN_TEXT) if citation.tooltip_entry else "",
        )
        for citation in _cite(env).citations
    }


def resolve(
    env: BuildEnvironment,
    fromdocname: str,
    builder: Builder,
    key: str,
    node: addnodes.pending_xref,
    contnode: nodes.Element,
) -> nodes.Element | None:
    """*key* as bibtex's ``cite:p`` resolves it on *fromdocname* (it reads *node* only for warnings)."""
    resolved: Any = _cite(env).resolve_xref(env, fromdocname, builder, "p", key, node, contnode)
    return cast("nodes.Element | None", resolved)


def resolve_all(
    env: BuildEnvironment, fromdocname: str, builder: Builder, keys: list[str], node: addnodes.pending_xref
) -> dict[str, nodes.Element | None]:
    """Each of *keys* as :func:`resolve` gives it alone, from one bibtex call for all of them.

    bibtex looks a pybtex backend up on every call it resolves (milliseconds each, unless a
    project registers it, as the book's ``fastcite`` does), and a table cites a hundred keys.
    Its ``cite:p`` output for several keys is ``[`` ref ``, `` ref ``]``: cut into one ``[`` ref
    ``]`` per key, that is the single-key output. Any other shape (another style) falls back
    to one call per key.
    """
    together = resolve(env, fromdocname, builder, ",".join(keys), node, node[0])
    split = _split(together, {c.citation_id: c.key for c in _cite(env).citations}) if together is not None else None
    if split is None or set(split) != set(keys):
        return {key: resolve(env, fromdocname, builder, key, node, node[0]) for key in keys}
    return split


def _split(together: nodes.Element, keys_by_id: dict[str, str]) -> dict[str, nodes.Element] | None:
    """*together* (``[`` ref ``, `` ref … ``]``) as one element per cited key; None for another shape."""
    parts = together.children
    refs, texts = parts[1::2], parts[0::2]
    if len(parts) < 3 or not all(isinstance(r, nodes.reference) for r in refs):
        return None
    if not all(isinstance(t, nodes.Text) for t in texts) or len({str(t) for t in texts[1:-1]}) > 1:
        return None
    split = {}
    for ref in refs:
        key = keys_by_id.get(ref.get("refid") or ref.get("refuri", "").rpartition("#")[2])
        if key is None or key in split:
            return None
        single = together.copy()  # its attributes (classes), without children
        single += [nodes.Text(str(texts[0])), ref.deepcopy(), nodes.Text(str(texts[-1]))]
        split[key] = single
    return split


def bibliography_pages(env: BuildEnvironment) -> set[str]:
    """The documents holding a ``bibliography`` directive.

    Returned from ``env-updated`` when cited keys change: bibtex's own
    ``env_updated`` returns none, so those pages would otherwise go stale.
    """
    return {key.docname for key in _cite(env).bibliographies}
