"""The bridge to sphinxcontrib-bibtex: the only module that imports or calls it.

Read this file on every sphinxcontrib-bibtex upgrade; ``tests/test_contracts.py``
pins each attribute and method used here. The per-document cited keys stay in the
``cm`` domain's data (purge and merge); only the knowledge of bibtex's API is here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
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


def sources_cited(declaration: nodes.Element) -> Iterator[tuple[addnodes.pending_xref, list[str]]]:
    """The ``cite:p`` of a declaration's ``Sources:`` line (see ``CmDirective.sources``), with its keys."""
    for paragraph in declaration.children:
        if isinstance(paragraph, nodes.paragraph) and "cm-sources" in paragraph["classes"]:
            for node in paragraph.children:
                is_cite_p = isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite"
                if is_cite_p and node["reftype"] == "p":
                    targets = list(parse_citation_targets(node["reftarget"]))
                    if not any(target.pre or target.post for target in targets):
                        yield node, [target.key for target in targets]


def known_keys(env: BuildEnvironment) -> set[str]:
    """The keys bibtex has a formatted citation for (cited somewhere through its roles)."""
    return {citation.key for citation in _cite(env).citations}


def citable_keys(env: BuildEnvironment) -> set[str]:
    """The keys bibtex's ``cite`` roles resolve: those in a bibliography that lists citations
    (not ``:list: bullet``, for example)."""
    domain = _cite(env)
    return {c.key for c in domain.citations if domain.bibliographies[c.bibliography_key].list_ == "citation"}


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


class Citations:
    """bibtex's ``cite:p`` citations, made from as few bibtex calls as possible, one page at a time.

    Each bibtex call costs milliseconds (pybtex looks a backend up by scanning every installed
    package's entry points, unless a project registers it, as the book's ``fastcite`` does).
    So the keys a page's declarations and tables cite are asked for in one call (:meth:`prefetch`)
    and cut into one reference per key; a citation of one or several of them is then put
    together from those references, in bibtex's order, laid out as bibtex's own output for
    as many keys was (learned from the first such call). Whatever does not fit goes to bibtex:
    a builder whose citations are not text and references (LaTeX's are raw nodes), a key
    bibtex cannot cite.
    """

    def __init__(self, env: BuildEnvironment) -> None:
        self.env = env
        #: (builder, page) the references and citations below were made on.
        self._page = ("", "")
        #: key -> its reference on that page, and (call, place) in the bibtex call that gave it.
        self._refs: dict[str, tuple[nodes.reference, tuple[int, int]]] = {}
        #: key -> its citation alone on that page, as :meth:`one` gave it (None: bibtex could not).
        self._ones: dict[str, nodes.Element | None] = {}
        self._calls = 0
        #: (builder, number of keys) -> bibtex's layout: its element and the texts around the
        #: references; None when it is not one this class can follow.
        self._layouts: dict[tuple[str, int], tuple[nodes.Element, tuple[str, ...]] | None] = {}
        #: Builders whose citations are not text and references: nothing to put together.
        self._unfit: set[str] = set()

    @cached_property
    def _citable(self) -> set[str]:
        """The keys bibtex can cite. Asked once: bibtex's citations are settled when reading ends,
        before any post-transform asks, and the domain makes a new instance after a page is read."""
        return citable_keys(self.env)

    @cached_property
    def _keys_by_id(self) -> dict[str, str]:
        return {c.citation_id: c.key for c in _cite(self.env).citations}

    def _on(self, builder: Builder, fromdocname: str) -> None:
        if self._page != (builder.name, fromdocname):
            self._page, self._refs, self._ones = (builder.name, fromdocname), {}, {}

    def prefetch(self, builder: Builder, fromdocname: str, keys: Iterable[str], node: addnodes.pending_xref) -> None:
        """Ask bibtex in one call for those of *keys* it can cite and that are not yet made on
        *fromdocname*."""
        self._on(builder, fromdocname)
        missing = [
            key
            for key in dict.fromkeys(keys)
            if key in self._citable and key not in self._refs and key not in self._ones
        ]
        if len(missing) > 1 and builder.name not in self._unfit:
            self._learn(builder, missing, resolve(self.env, fromdocname, builder, ",".join(missing), node, node[0]))

    def one(self, builder: Builder, fromdocname: str, key: str, node: addnodes.pending_xref) -> nodes.Element | None:
        """*key* alone, as :meth:`cite` gives it, made once per page (a table cites a key in many cells)."""
        self._on(builder, fromdocname)
        if key not in self._ones:
            made = self.cite(builder, fromdocname, [key], node)
            self._ones[key] = made.deepcopy() if made is not None else None
            return made
        made = self._ones[key]
        return made.deepcopy() if made is not None else None

    def cite(
        self, builder: Builder, fromdocname: str, keys: Sequence[str], node: addnodes.pending_xref
    ) -> nodes.Element | None:
        """*keys* as bibtex's ``cite:p`` shows them on *fromdocname* (None if bibtex cannot);
        bibtex reads *node* only for its warnings."""
        self._on(builder, fromdocname)
        layout = self._layouts.get((builder.name, len(keys)))
        made = [self._refs[key] for key in keys if key in self._refs]
        if layout is not None and len(made) == len(keys) and len({call for _, (call, _) in made}) == 1:
            element, texts = layout
            together = element.copy()
            together.rawsource = ",".join(keys)
            for text, (ref, _) in zip(texts, sorted(made, key=lambda ref_place: ref_place[1]), strict=False):
                together += [nodes.Text(text), ref.deepcopy()]
            together += nodes.Text(texts[-1])
            return together
        together = resolve(self.env, fromdocname, builder, ",".join(keys), node, node[0])
        if builder.name not in self._unfit:
            self._learn(builder, keys, together.deepcopy() if together is not None else None)  # the page may change it
        return together

    def _learn(self, builder: Builder, keys: Sequence[str], together: nodes.Element | None) -> None:
        """Keep the references of bibtex's citation *together* of *keys* and, the first time all
        of them are there, its layout for as many keys: ``text ref text … ref text`` (``[`` ref
        ``, `` ref ``]``). A single key's layout is that of the outer texts."""
        if together is None or not together.children:
            return
        parts = together.children
        texts, refs = parts[0::2], parts[1::2]
        if not (
            all(isinstance(text, nodes.Text) for text in texts)
            and all(isinstance(ref, nodes.reference) for ref in refs)
        ):
            self._unfit.add(builder.name)
            return
        order = [self._keys_by_id.get(ref.get("refid") or ref.get("refuri", "").rpartition("#")[2]) for ref in refs]
        if len(parts) % 2 == 0 or not set(order) <= set(keys) or len(set(order)) < len(order):
            self._layouts.setdefault((builder.name, len(keys)), None)  # a shape this class cannot follow
            return
        self._calls += 1
        for place, (key, ref) in enumerate(zip(order, refs, strict=True)):
            self._refs.setdefault(str(key), (cast("nodes.reference", ref), (self._calls, place)))
        if len(order) < len(keys):
            return  # bibtex could not cite some of them: no layout to learn from this
        shell = together.copy()
        self._layouts.setdefault((builder.name, len(keys)), (shell, tuple(str(text) for text in texts)))
        if len({str(text) for text in texts[1:-1]}) <= 1:  # one separator throughout: a key alone has the outer texts
            self._layouts.setdefault((builder.name, 1), (shell, (str(texts[0]), str(texts[-1]))))


def bibliography_pages(env: BuildEnvironment) -> set[str]:
    """The documents holding a ``bibliography`` directive.

    Returned from ``env-updated`` when cited keys change: bibtex's own
    ``env_updated`` returns none, so those pages would otherwise go stale.
    """
    return {key.docname for key in _cite(env).bibliographies}
