"""condmech.transforms.ResolvedLinks: the links the post-transforms make for the builder at once
give what Sphinx's resolver would give for the pending ones (condmech.links.Links), and stay
pending where the domain cannot make them."""

from __future__ import annotations

import pytest
from condmech import citations
from condmech.links import Links
from condmech.transforms import ResolvedLinks
from docutils import nodes
from sphinx import addnodes


@pytest.fixture(scope="module")
def app(build_root):
    return build_root("basic", "html").app


@pytest.fixture
def domain(app):
    domain = app.env.get_domain("cm")
    domain.builder = app.builder
    return domain


#: bibtex's own answer, not counted by :func:`bibtex_calls`.
RESOLVE = citations.resolve


class Calls(list):
    """The targets bibtex is asked for through ``citations.resolve``, in order."""

    def cleared(self) -> Calls:
        """These calls, forgotten: count from here."""
        self.clear()
        return self


@pytest.fixture
def bibtex_calls(monkeypatch) -> Calls:
    calls = Calls()

    def counted(*args):
        calls.append(args[3])
        return RESOLVE(*args)

    monkeypatch.setattr(citations, "resolve", counted)
    return calls


def resolved(domain, pending: nodes.Element) -> nodes.Element | None:
    """*pending* as Sphinx's resolver would have the domain resolve it."""
    assert isinstance(pending, addnodes.pending_xref)
    return domain.resolve_xref(
        domain.env, pending["refdoc"], domain.builder, pending["reftype"], pending["reftarget"], pending, pending[0]
    )


def test_definitions_and_declarations_are_what_the_resolver_gives(domain):
    made, pending = ResolvedLinks("table", domain), Links("table")
    for explicit in (True, False):
        ours = made.definition("cond", "knee-oa", "knee-oa", explicit=explicit)
        theirs = resolved(domain, pending.definition("cond", "knee-oa", "knee-oa", explicit=explicit))
        assert isinstance(ours, nodes.reference)
        assert theirs is not None and ours.pformat() == theirs.pformat()
    content = nodes.inline("See", "See", classes=["cm-backlink"])
    ours = made.declaration("conditions", "cm-some-anchor", content.deepcopy())
    theirs = resolved(domain, pending.declaration("conditions", "cm-some-anchor", content.deepcopy()))
    assert theirs is not None and ours.pformat() == theirs.pformat()


def test_an_unknown_definition_stays_pending_for_sphinx(domain):
    link = ResolvedLinks("table", domain).definition("cond", "no-such-condition", "no-such-condition", explicit=False)
    assert isinstance(link, addnodes.pending_xref)
    assert (link["reftype"], link["reftarget"], link["refwarn"]) == ("cond", "no-such-condition", False)


def test_citations_are_what_the_resolver_gives_from_one_bibtex_call(app, domain, bibtex_calls):
    keys = sorted(citations.known_keys(app.env))
    assert len(keys) >= 2
    expected = [resolved(domain, node).pformat() for node in Links("index").cites(keys)]
    domain._reset()  # forget those: the table below asks bibtex itself
    calls = bibtex_calls.cleared()
    made = ResolvedLinks("index", domain).cites(keys)
    assert calls == [",".join(keys)]
    assert [node.pformat() for node in made] == expected
    again = ResolvedLinks("index", domain).cites(keys[:1])  # the same page again: from the domain's copy
    assert calls == [",".join(keys)] and again[0].pformat() == expected[0]


def test_a_citation_bibtex_cannot_make_stays_pending(domain, monkeypatch):
    def none_for_beta(builder, fromdocname, keys, node):
        return None if keys == ["beta"] else nodes.inline(keys[0], keys[0])

    monkeypatch.setattr(domain.cited, "prefetch", lambda *args: None)
    monkeypatch.setattr(domain.cited, "cite", none_for_beta)
    alpha, beta, gamma = ResolvedLinks("index", domain).cites(["alpha", "beta", "gamma"])
    assert isinstance(beta, addnodes.pending_xref) and beta["reftarget"] == "beta"
    assert [alpha.astext(), gamma.astext()] == ["alpha", "gamma"]


def test_citations_of_several_keys_are_bibtex_s_own_from_one_call_per_page_and_layout(app, bibtex_calls):
    """A page's declarations cite their keys in one bibtex call; each ``Sources:`` citation is
    then put together as bibtex lays out as many keys (learned from its first such call)."""
    keys = sorted(citations.known_keys(app.env))
    assert len(keys) >= 3
    node = addnodes.pending_xref("", nodes.inline("", ""), refdoc="index")
    asked = [keys[:1], keys[1::-1], keys[::-1], keys[:0:-1], keys[1:], [keys[2], keys[0]]]
    expected = [citations.resolve(app.env, "index", app.builder, ",".join(k), node, node[0]) for k in asked]
    calls = bibtex_calls.cleared()
    cited = citations.Citations(app.env)
    cited.prefetch(app.builder, "index", keys, node)
    made = [cited.cite(app.builder, "index", k, node) for k in asked]
    assert [m.pformat() for m in made] == [e.pformat() for e in expected]
    assert calls == [",".join(keys), ",".join(asked[1])]  # the page's keys; the first of two keys, to learn its layout
    cited.cite(app.builder, "other", keys[:1], node)  # another page: its references are its own
    assert calls[-1] == keys[0]


def test_a_page_s_sources_lines_come_from_one_bibtex_call(app, domain, bibtex_calls):
    """AssertionHeaders asks bibtex once for the keys of a page's ``Sources:`` lines; each line
    is then what bibtex itself makes of its keys. Here a line of two keys is the first of its
    length, so bibtex is asked for it too, and its layout learned."""
    domain._reset()  # a new Citations: nothing learned yet
    calls = bibtex_calls.cleared()
    doctree = app.env.get_and_resolve_doctree("conditions", app.builder, tags=app.builder.tags)
    assert calls == ["alpha2020,gamma2021,delta2022", "gamma2021,alpha2020"]
    lines = [p for p in doctree.findall(nodes.paragraph) if "cm-sources" in p["classes"]]
    # bibtex's order, not the order of :cite: (gamma2021, alpha2020)
    assert [line.astext() for line in lines] == ["Sources: [AB20]", "Sources: [AB20, Gam21]", "Sources: [Del22]"]
    node = addnodes.pending_xref("", nodes.inline("", ""), refdoc="conditions")
    for line, keys in zip(lines, (["alpha2020"], ["gamma2021", "alpha2020"], ["delta2022"]), strict=True):
        (made,) = [child for child in line.children if isinstance(child, nodes.inline)]
        theirs = RESOLVE(app.env, "conditions", app.builder, ",".join(keys), node, node[0])
        assert made["classes"] == theirs["classes"]  # its ids are the role's, as Sphinx's resolver keeps them
        assert [child.pformat() for child in made.children] == [child.pformat() for child in theirs.children]


def test_a_builder_whose_citations_do_not_fit_asks_bibtex_once_per_page_and_key(build_root, bibtex_calls):
    """LaTeX's citations are raw nodes around the text, which cannot be cut into references:
    after the first call shows it, there is no prefetch, and each key alone is asked once a page."""
    app = build_root("basic", "latex").app
    keys = sorted(citations.known_keys(app.env))
    node = addnodes.pending_xref("", nodes.inline("", ""), refdoc="index")
    calls = bibtex_calls.cleared()
    cited = citations.Citations(app.env)
    for _ in range(2):
        cited.prefetch(app.builder, "index", keys, node)
        made = [cited.one(app.builder, "index", key, node) for key in keys]
    assert calls == [",".join(keys), *keys]  # one prefetch, then each key once
    theirs = [RESOLVE(app.env, "index", app.builder, key, node, node[0]) for key in keys]
    assert [m.pformat() for m in made] == [t.pformat() for t in theirs]


def test_a_key_bibtex_cannot_cite_warns_where_it_is_cited(copy_root, build):
    """A key in the .bib but only in a bullet-list bibliography: bibtex cannot cite it. Each
    Sources line citing it gets bibtex's warning at its own line, as before the page's keys
    went to bibtex in one call; the one call does not ask for it."""
    srcdir = copy_root("basic")
    bibliography = srcdir / "bibliography.md"
    bibliography.write_text(
        bibliography.read_text(encoding="utf-8").replace(
            "```{bibliography}\n```",
            '```{bibliography}\n:filter: key != "delta2022"\n```\n\n'
            '```{bibliography}\n:list: bullet\n:filter: key == "delta2022"\n```',
        ),
        encoding="utf-8",
    )
    warnings = [w for w in build(srcdir).warnings if 'could not find bibtex key "delta2022"' in w]
    located = sorted(w.split(": WARNING")[0].rsplit("/", 1)[-1] for w in warnings if ".md:" in w)
    assert located == ["clinical.md:39", "clinical.md:45", "clinical.md:58", "clinical.md:66", "conditions.md:46"]
    assert len(warnings) - len(located) <= 1  # the table's cell, asked once for its page
