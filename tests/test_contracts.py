"""Contracts: the private or undocumented parts of other packages this project relies on.

Each test names one thing and where we use it, so that an upgrade of Sphinx,
docutils, sphinxcontrib-bibtex, pybtex or sphinx-book-theme fails here, by name,
instead of building a book that quietly misbehaves (tables without sources, stale
pages, EPUBs without metadata, download buttons that vanish).
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import docutils.core
import pytest
import sphinx
import sphinx_book_theme
import sphinx_last_updated_by_git
from docutils import nodes
from docutils.writers import _html_base
from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.plugin import find_plugin, register_plugin
from pybtex.style.formatting import BaseStyle
from sphinx import addnodes
from sphinx.builders import html as html_builder
from sphinx.builders.epub3 import HTML_TAG, Epub3Builder
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.jinja2glue import BuiltinTemplateLoader
from sphinx.util.osutil import relative_uri
from sphinx.writers.latex import LaTeXTranslator
from sphinxcontrib.bibtex import domain as bibtex_domain
from sphinxcontrib.bibtex.bibfile import BibData, BibFile
from sphinxcontrib.bibtex.citation_target import CitationTarget, parse_citation_targets
from sphinxcontrib.bibtex.transforms import node_text_transform

SPHINX_TEMPLATES = Path(sphinx.__file__).parent / "templates"
THEME = Path(sphinx_book_theme.__file__).parent


# -- sphinxcontrib-bibtex (ext/condmech/citations.py, docs/_ext/chapterrefs.py) ----------


@pytest.fixture(scope="module")
def cited(build_root):
    """The ``basic`` test project, built once: its pages cite through bibtex's role."""
    return build_root("basic", "html").app


def test_bibtex_domain_offers_citations_with_the_fields_we_read(cited):
    """citations.known_keys/formatted and chapterrefs read these fields of each Citation."""
    citation = next(c for c in cited.env.get_domain("cite").citations if c.key == "alpha2020")
    assert citation.bibliography_key.docname == "bibliography"
    assert citation.citation_id
    assert citation.formatted_entry.label
    assert citation.formatted_entry.text.render_as("text")
    assert hasattr(citation, "tooltip_entry")


def test_bibtex_domain_offers_bibliographies_by_page(cited):
    """citations.bibliography_pages and chapterrefs (``list_``) read the bibliographies."""
    bibliographies = cited.env.get_domain("cite").bibliographies
    assert {key.docname for key in bibliographies} == {"bibliography"}
    assert {value.list_ for value in bibliographies.values()} == {"citation"}


def test_bibtex_domain_offers_its_bib_files_and_keys(cited):
    """citations.bib_keys: the .bib files and their keys, read while a directive runs."""
    bibdata = cited.env.get_domain("cite").bibdata
    assert isinstance(bibdata, BibData)
    (bibfile,) = bibdata.bibfiles.values()
    assert isinstance(bibfile, BibFile)
    assert {"alpha2020", "gamma2021"} <= set(bibfile.keys)


def test_bibtex_cite_role_and_resolve_xref_keep_their_signatures(cited):
    """citations.cite calls the ``p`` role by hand; citations.resolve calls resolve_xref."""
    domain = cited.env.get_domain("cite")
    assert callable(domain.role("p"))
    parameters = list(inspect.signature(domain.resolve_xref).parameters)
    assert parameters == ["env", "fromdocname", "builder", "typ", "target", "node", "contnode"]


def test_bibtex_lays_out_several_keys_as_texts_around_references_in_its_own_order(cited):
    """citations.Citations puts citations together from single references: bibtex's ``cite:p``
    of several keys must be ``text ref text … ref text``, one separator throughout, the outer
    texts those of a key alone, the references in bibtex's order whatever the order asked.

    If this fails, Citations learns no layout (it checks each) and asks bibtex for every
    citation: still right, slower.
    """
    from condmech import citations

    keys = sorted(citations.known_keys(cited.env))
    assert len(keys) >= 3
    node = addnodes.pending_xref("", nodes.inline("", ""), refdoc="index")

    def cite(*asked: str) -> nodes.Element:
        made = citations.resolve(cited.env, "index", cited.builder, ",".join(asked), node, node[0])
        assert made is not None
        return made

    together = cite(*keys)
    texts, refs = together.children[0::2], together.children[1::2]
    assert len(together.children) == 2 * len(keys) + 1
    assert all(isinstance(t, nodes.Text) for t in texts) and all(isinstance(r, nodes.reference) for r in refs)
    assert len({str(t) for t in texts[1:-1]}) == 1
    by_uri = {ref["refuri"]: ref for ref in refs}
    for key in keys:
        alone = cite(key)
        assert [str(alone[0]), str(alone[-1])] == [str(texts[0]), str(texts[-1])]
        assert alone[1].pformat() == by_uri[alone[1]["refuri"]].pformat()
    assert cite(*reversed(keys)).pformat() == together.pformat()


@pytest.mark.parametrize(
    ("fromdoc", "todoc", "target"), [("index", "conditions", "x"), ("index", "index", "x"), ("index", "conditions", "")]
)
def test_the_domain_makes_references_as_sphinx_make_refnode_does(cited, fromdoc, todoc, target):
    """domain.make_refnode remembers each page-to-page URI: it must give what Sphinx's gives.

    If this fails, sphinx.util.nodes.make_refnode now builds its node differently.
    """
    from sphinx.util.nodes import make_refnode

    domain = cited.env.get_domain("cm")
    for _ in range(2):  # the second time, from the remembered URI
        ours = domain.make_refnode(cited.builder, fromdoc, todoc, target, nodes.inline("", "text"), "Title")
        theirs = make_refnode(cited.builder, fromdoc, todoc, target, nodes.inline("", "text"), "Title")
        assert ours.pformat() == theirs.pformat()
        assert ours.attributes == theirs.attributes


def test_bibtex_env_updated_still_returns_no_pages():
    """domain.outdated_documents returns the bibliography pages because bibtex does not.

    If this fails, bibtex now outdates them itself: the workaround can go.
    """
    source = inspect.getsource(bibtex_domain.BibtexDomain.env_updated)
    assert "return []" in source


def test_bibtex_parses_citation_targets_into_keys():
    """citations.cited_keys: the keys a ``{cite:p}`` target names."""
    assert [target.key for target in parse_citation_targets("alpha2020,gamma2021")] == ["alpha2020", "gamma2021"]


def test_bibtex_citation_targets_keep_pre_and_post_text():
    """citations.UnknownRoleKeys writes a target back as ``{pre}key{post}`` after dropping an unknown key."""
    assert list(parse_citation_targets("{see}alpha2020{p. 3}")) == [CitationTarget("alpha2020", "see", "p. 3")]


def test_bibtex_resolves_cite_roles_in_the_reference_resolver():
    """citations.UnknownRoleKeys (a post-transform at priority 7) must run before bibtex's own key check."""
    assert "could not find bibtex key" in inspect.getsource(bibtex_domain.BibtexDomain.resolve_xref)


def test_bibtex_offers_node_text_transform():
    """chapterrefs formats its entries as bibtex formats the bibliography."""
    assert callable(node_text_transform)


# -- pybtex (docs/_ext/fastcite.py, docs/_ext/bibstyle.py) -----------------------------------


def test_bibtex_still_looks_up_the_plaintext_backend_per_citation():
    """fastcite.py exists because resolve_xref calls find_plugin for every citation.

    If this fails, bibtex looks the backend up once: delete docs/_ext/fastcite.py.
    """
    source = inspect.getsource(bibtex_domain.BibtexDomain.resolve_xref)
    assert 'find_plugin("pybtex.backends", "plaintext")' in source


def test_pybtex_registry_takes_a_forced_plugin_and_finds_it_first():
    register_plugin("pybtex.backends", "plaintext", PlainTextBackend, force=True)
    assert find_plugin("pybtex.backends", "plaintext") is PlainTextBackend
    assert find_plugin("pybtex.backends", "docutils") is not None  # chapterrefs renders entries with it


def test_bibtex_still_formats_every_entry_at_every_build():
    """bibcache.py exists because env_updated formats each bibliography's entries at every build.

    If this fails, bibtex keeps formatted entries itself: delete docs/_ext/bibcache.py.
    """
    source = inspect.getsource(bibtex_domain.BibtexDomain.env_updated)
    assert "self.citations.clear()" in source and "get_formatted_entries" in source
    assert "style.format_entry(" in inspect.getsource(bibtex_domain.BibtexDomain.get_formatted_entries)


def test_pybtex_format_entry_takes_label_entry_and_bib_data():
    """bibcache.CachedFormatting overrides it with the same parameters."""
    assert list(inspect.signature(BaseStyle.format_entry).parameters) == ["self", "label", "entry", "bib_data"]


def test_last_updated_by_git_keeps_commit_times_in_the_environment():
    """sitemap.py reads ``env.git_last_updated[docname]`` (timestamp first; undocumented)."""
    assert "env.git_last_updated[docname] = timestamp, " in inspect.getsource(sphinx_last_updated_by_git)


# -- Sphinx --------------------------------------------------------------------------------


def test_sphinx_template_environment_has_no_bytecode_cache():
    """templatecache.py exists because Sphinx compiles every template at every build.

    If this fails, Sphinx caches compiled templates itself: delete docs/_ext/templatecache.py.
    """
    assert "bytecode_cache" not in inspect.getsource(BuiltinTemplateLoader)
    assert "self.environment = SandboxedEnvironment(" in inspect.getsource(BuiltinTemplateLoader.init)


def test_env_keeps_toctree_includes(cited):
    """queries.document_order walks ``env.toctree_includes`` (undocumented attribute)."""
    assert "toctree_includes" in BuildEnvironment.__annotations__ or hasattr(cited.env, "toctree_includes")
    assert cited.env.toctree_includes["index"] == ["conditions", "clinical", "mechanisms", "table", "bibliography"]


def test_relative_uri_and_target_uris_give_the_links_we_write():
    """export.add_data_links and downloads.py: links relative to the written page."""
    assert relative_uri("a/b.html", "_static/x.json") == "../_static/x.json"
    assert relative_uri("a/b/", "_static/x.json") == "../../_static/x.json"
    assert relative_uri("", "_static/x.json") == "_static/x.json"
    # singlehtml: every document is an anchor of the one page
    assert "'#document-' + docname" in inspect.getsource(SingleFileHTMLBuilder.get_target_uri)


def test_latex_translator_has_hypertarget_to():
    """nodes.visit_anchored_latex (as sphinx.ext.todo does)."""
    assert callable(LaTeXTranslator.hypertarget_to)


def test_latex_translator_opens_each_document_and_classed_container_as_we_style_them():
    """docs/conf.py's LaTeX preamble: every document starts with ``\\sphinxstepscope`` (a new page is added to
    it), and a container with a class is a ``sphinxuseclass`` environment (the key-messages box's
    ``sphinxclasscm-unbreakable``)."""
    assert "\\sphinxstepscope" in inspect.getsource(LaTeXTranslator.visit_start_of_file)
    assert "sphinxuseclass" in inspect.getsource(LaTeXTranslator.visit_container)


def test_html_row_column_counter_is_shared_with_docutils_visit_entry():
    """nodes.visit_header_cell_html advances ``node.parent.column`` as docutils' visit_entry does."""
    assert "node.parent.column += 1" in inspect.getsource(_html_base.HTMLTranslator.visit_entry)


def test_html_builder_gives_page_source_suffix():
    """sourcelinks.py reads ``page_source_suffix`` from the page context."""
    assert "page_source_suffix" in inspect.getsource(html_builder.StandaloneHTMLBuilder.get_doc_context)


# -- Sphinx's EPUB 3 builder (docs/_ext/epub_a11y.py) ---------------------------------------


def test_epub3_builder_has_the_steps_we_extend():
    for method in ("prepare_writing", "handle_page", "build_navigation_doc", "build_content", "build_epub"):
        assert callable(getattr(Epub3Builder, method)), method
    # build_epub zips the files listed in self.files, whose times epub_a11y pins first
    assert "for filename in self.files:" in inspect.getsource(Epub3Builder.build_epub)
    assert HTML_TAG.startswith("<html") and HTML_TAG.endswith(">")


def test_epub3_templates_have_the_text_we_insert_at():
    assert "  </metadata>" in (SPHINX_TEMPLATES / "epub3" / "content.opf.jinja").read_text(encoding="utf-8")
    assert '<nav epub:type="toc">' in (SPHINX_TEMPLATES / "epub3" / "nav.xhtml.jinja").read_text(encoding="utf-8")


# -- docutils' HTML writer (docs/_ext/epub_a11y.py, docs/_ext/citationlist.py) --------------


def test_docutils_writes_the_viewport_tag_epub_a11y_removes():
    sys.path.insert(0, str(Path(__file__).parents[1] / "docs" / "_ext"))
    from epub_a11y import DOCUTILS_VIEWPORT

    parts = docutils.core.publish_parts("text", writer="html5")
    assert DOCUTILS_VIEWPORT in parts["head"]


def test_docutils_and_the_theme_write_the_viewport_tags_our_layout_removes():
    """docs/_templates/layout.html drops docutils' and pydata-sphinx-theme's copies of Sphinx's viewport tag."""
    layout = (Path(__file__).parents[1] / "docs" / "_templates" / "layout.html").read_text(encoding="utf-8")
    pydata = THEME.parent / "pydata_sphinx_theme" / "theme"
    theme_tag = '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
    assert theme_tag in (pydata / "pydata_sphinx_theme" / "layout.html").read_text(encoding="utf-8")
    sys.path.insert(0, str(Path(__file__).parents[1] / "docs" / "_ext"))
    from epub_a11y import DOCUTILS_VIEWPORT

    assert DOCUTILS_VIEWPORT in docutils.core.publish_parts("text", writer="html5")["head"]
    assert theme_tag in layout and DOCUTILS_VIEWPORT.strip() in layout


def test_sphinx_search_parses_queries_where_search_typos_wraps_it():
    """docs/_ext/search_static/search-typos.js replaces words in the sets Search._parseQuery returns."""
    searchtools = Path(sphinx.__file__).parent / "themes" / "basic" / "static" / "searchtools.js"
    source = searchtools.read_text(encoding="utf-8")
    assert "_parseQuery: (query) => {" in source
    assert "return [query, searchTerms, excludedTerms, highlightTerms, objectTerms];" in source


def test_sphinx_search_makes_snippets_where_search_snippets_wraps_it():
    """docs/_ext/search_static/search-snippets.js replaces Search.htmlToText, which reads [role="main"]."""
    searchtools = Path(sphinx.__file__).parent / "themes" / "basic" / "static" / "searchtools.js"
    source = searchtools.read_text(encoding="utf-8")
    assert "htmlToText: (htmlString, anchor) => {" in source
    assert "const text = Search.htmlToText(htmlText, anchor);" in source
    assert """htmlElement.querySelector('[role="main"]')""" in source


def test_docutils_citation_markup_is_what_citationlist_replaces():
    """citationlist.py replaces the opening tags and keeps docutils' closing ones."""
    html = docutils.core.publish_parts(".. [C1] One.\n.. [C2] Two.\n", writer="html5")["body"]
    assert '<div role="list" class="citation-list">' in html
    assert 'role="doc-biblioentry"' in html  # the role citationlist.py works around
    assert html.rstrip().endswith("</div>\n</div>")


# -- sphinx-book-theme (docs/_ext/downloads.py, docs/_ext/sourcelinks.py) ---------------------


@pytest.mark.parametrize(
    ("module", "label"),
    [
        ("header_buttons/__init__.py", "download-buttons"),
        ("header_buttons/__init__.py", "download-pdf-button"),
        ("header_buttons/__init__.py", "download-source-button"),
        ("header_buttons/source.py", "source-issues-button"),
        ("header_buttons/source.py", "source-edit-button"),
    ],
)
def test_theme_header_buttons_keep_the_labels_we_edit(module, label):
    assert f'"label": "{label}"' in (THEME / module).read_text(encoding="utf-8")


def test_theme_fills_header_buttons_before_our_hooks():
    """downloads.py and sourcelinks.py connect at priority 502, after the theme's 501."""
    source = (THEME / "__init__.py").read_text(encoding="utf-8")
    for hook in ("add_header_buttons", "add_source_buttons"):
        assert f'app.connect("html-page-context", {hook}, priority=501)' in source


# -- sphinxext-opengraph (docs/_ext/quietogp.py) ---------------------------------------------


def test_opengraph_still_prints_about_matplotlib_at_import():
    """quietogp.py imports the extension with this line discarded; if this fails, delete quietogp.py."""
    import importlib.util

    source = Path(importlib.util.find_spec("sphinxext.opengraph").origin).read_text(encoding="utf-8")
    assert "print('matplotlib is not installed, social cards will not be generated')" in source


def test_quietogp_sets_up_opengraph_without_the_line(capsys):
    sys.path.insert(0, str(Path(__file__).parents[1] / "docs" / "_ext"))
    sys.modules.pop("sphinxext.opengraph", None)
    sys.modules.pop("quietogp", None)
    import quietogp  # noqa: F401  (its import is what is tested)

    assert "matplotlib" not in capsys.readouterr().out
    assert "sphinxext.opengraph" in sys.modules
