"""Sphinx configuration: Stem Cell Therapy for Pain Management, an evidence-based guide."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "_ext"))

# -- Project -------------------------------------------------------------------
project = "Stem Cell Therapy for Pain Management"
subtitle = "An Evidence-Based Guide"
author = "The Stem Cell Pain Guide contributors"
copyright = f"2026, {author}. Text CC BY 4.0; code MIT"
version = release = "2026.11"
language = "en"
root_doc = "index"
basename = "stem-cell-pain-guide"
repository = "https://github.com/stem-cell-pain-guide/stem-cell-pain-guide"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxcontrib.bibtex",
    "condmech",
    "bibstyle",
    "fastcite",
    "citationlist",
    "downloads",
    "sphinx_last_updated_by_git",
    "sourcelinks",
    "cmreference",
    "epub_a11y",
    "chapterrefs",
    "previews",
    "searchscope",
    "descriptions",
    "citebook",
    "quietogp",  # sphinxext.opengraph, without its line about matplotlib (docs/_ext/quietogp.py)
    "sitemap",
    "templatecache",
    "notfound.extension",
    "sphinx_reredirects",
]

exclude_patterns = ["_build", "_ext", "_cover", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
nitpicky = True
numfig = True
today_fmt = "%d %B %Y"
suppress_warnings: list[str] = []

# -- MyST ----------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "smartquotes"]
myst_heading_anchors = 3

# -- Bibliography ----------------------------------------------------------------
bibtex_bibfiles = ["../references.bib"]
bibtex_default_style = "authoryear"
bibtex_reference_style = "authoryear"  # author_year, with "n.d.a" as in the bibliography (_ext/bibstyle.py)
# No full reference in each citation's title attribute: on the site the preview script shows the
# entry instead (and removes the title), and the titles were a fifth of the longest page's HTML
# (compressed).
bibtex_tooltips = False

# -- Condition-mechanism extension -------------------------------------------------
cm_matrix_caption = "Proposed mechanisms by condition, with the strongest evidence declared in this book"
# Reader chapters must say when they were last reviewed (cm:reviewed below the title);
# a status or review older than cm_review_interval_months (12, the default) warns.
cm_review_required = [
    "preface",
    "foundations/*",
    "mechanisms/*",
    "conditions/*",
    "safety-and-regulation",
    "outlook",
    "back/condition-mechanism-table",
    "back/glossary",
]

# -- HTML ----------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["book.css"]
# The contributor guide stays out of the reader's search results (docs/_ext/searchscope.py).
search_exclude_patterns = ["contributing/*"]
html_favicon = "_static/favicon.svg"  # a cell (browsers asked for a missing favicon.ico)
# The visible sidebar buttons do nothing with these theme versions: see the file.
html_js_files = ["sidebar-toggle.js"]
html_last_updated_fmt = "%d %B %Y"
# "Last updated" on each page: the date of the last commit that touched the page or
# a file it includes (sphinx-last-updated-by-git), in UTC so every machine agrees.
# Outside a git clone (a copied or unpacked source tree) or in a shallow one, pages
# show no date instead of failing the -W build.
git_last_updated_timezone = "UTC"
suppress_warnings += ["git.subprocess_error", "git.command_not_found", "git.too_shallow"]
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "repository_url": repository,
    "repository_branch": "main",
    "path_to_docs": "docs",
    "use_repository_button": True,
    "use_edit_page_button": True,
    "use_issues_button": True,
    "use_download_button": True,
    # No full-screen button: it means little to a patient, and phones have no room for it.
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    # The book's title heads the sidebar and links to the landing page; listed again as the
    # sidebar's first entry, a desktop reader saw it three times on the landing page.
    "home_page_in_toc": False,
    # The whole contents tree in the sidebar of every page, each chapter with its own toggle,
    # so a reader can open chapter 4's condition chapters from any page (issue 18). For this
    # book's 25 pages the cost is not measurable; at hundreds of pages it would be (the
    # benchmarks page): set True again if the book ever grows that large.
    "collapse_navbar": False,
    # Results under the search box while the reader types (pydata-sphinx-theme).
    "search_as_you_type": True,
    # One search box: the sidebar's (and the toolbar's button on phones). pydata-sphinx-theme
    # would add another in a header bar, which is otherwise empty (an empty strip on phones).
    "navbar_persistent": [],
}
# -- Findability: link previews, sitemap, 404 page, redirects -----------------------
# The published address, from CITATION.cff: canonical links, Open Graph URLs, sitemap.
html_baseurl = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))["url"]
# A plain-language description of each page (docs/_ext/descriptions.py).
page_descriptions_file = "descriptions.toml"
ogp_site_url = html_baseurl
ogp_image = "_static/cover.png"
ogp_image_alt = f"Cover of {project}"
ogp_social_cards = {"enable": False}  # would draw a card per page with matplotlib
# sitemap.xml (docs/_ext/sitemap.py): every page at html_baseurl, dated by its last commit.
# The 404 page loads its styles and links from the site's path: GitHub Pages serves
# it at any missing URL under /stem-cell-pain-guide/, Read the Docs under its version.
notfound_urls_prefix = urlsplit(os.environ.get("READTHEDOCS_CANONICAL_URL", html_baseurl)).path
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1><p>There is no page at this address. It may have moved when the "
        f'book was revised.</p><p>Go to the <a href="{notfound_urls_prefix}index.html">start of the book</a>, '
        f'or <a href="{notfound_urls_prefix}search.html">search the book</a>.</p>'
    ),
}
# sphinx-reredirects: when a page moves or is renamed, map its old name to the new page
# here ("old/name": "new/name.html", relative to the old page), so old links still work.
redirects: dict[str, str] = {}

# The PDF and EPUB, when this run (``nox -s book``) has built them first.
# BOOK_BUILD_DIR lets the tests build the whole book into a temporary folder.
_build_dir = Path(os.environ.get("BOOK_BUILD_DIR", ROOT / "_build"))
book_downloads = [
    [label, os.path.relpath(path, HERE)]
    for label, path in (
        ("Book (PDF)", _build_dir / "pdf" / f"{basename}.pdf"),
        ("Book (EPUB)", _build_dir / "epub" / f"{basename}.epub"),
    )
    if path.exists()
]

# -- Link check (nox -s linkcheck; weekly in .github/workflows/linkcheck.yml) --------
# Regulators' and publishers' sites can be slow: wait, and try again, before calling a link broken.
linkcheck_timeout = 30
linkcheck_retries = 2

# -- LaTeX / PDF -----------------------------------------------------------------
latex_engine = "xelatex"
latex_documents = [(root_doc, f"{basename}.tex", f"{project}: {subtitle}", author, "manual", False)]
latex_show_urls = "footnote"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    "preamble": r"""
\usepackage{xurl}
\setlength{\emergencystretch}{3em}
% Sphinx moves every citation to one bibliography at the end of the book; the
% book's own "Bibliography" chapter is the last one, so let the list follow it
% there instead of opening a second, unnumbered chapter.
\makeatletter
\renewenvironment{sphinxthebibliography}[1]%
  {\list{}{\setlength{\labelwidth}{0pt}\setlength{\leftmargin}{1.5em}%
     \setlength{\itemindent}{-1.5em}\setlength{\labelsep}{0.4em}%
     \setlength{\itemsep}{0.25\baselineskip}}%
   \sloppy\clubpenalty4000\widowpenalty4000}%
  {\endlist}
% Narrow tabulary columns: never narrower than a long word.
\setlength{\tymin}{72pt}
% Table cells ragged right, not justified: justified lines a few words wide open wide gaps
% between the words. Sphinx sets each cell in a varwidth box, whose minipage resets the
% paragraph shape and then runs this hook (\relax otherwise, and used by nothing else).
\def\@@vwid@minipagerestore{\raggedright}
% Sphinx numbers tables by the arabic chapter number, so the appendix's table read
% "Table 1.1"; in the appendix use the chapter's own number (A.1).
\g@addto@macro\appendix{\renewcommand{\thetable}{\thechapter.\arabic{table}}%
  \renewcommand{\thefigure}{\thechapter.\arabic{figure}}}
% Every page of the book opens a new PDF page, also the condition chapters (sections of
% chapter 4): Sphinx starts each included document with \sphinxstepscope.
\g@addto@macro\sphinxstepscope{\clearpage}
% A heading keeps a few lines of its text below it: none is stranded at a page foot
% (Sphinx's boxes and tables after a heading would let it). Not right after another
% heading (\if@nobreak): LaTeX keeps the two together, and room for both was asked first.
\newcommand{\bookheadingspace}[1]{\if@nobreak\else\needspace{#1\baselineskip}\fi}
\AtBeginDocument{\pretocmd{\section}{\bookheadingspace{8}}{}{}%
  \pretocmd{\subsection}{\bookheadingspace{7}}{}{}%
  \pretocmd{\subsubsection}{\bookheadingspace{4}}{}{}}
% h3 (subsubsection) in black, so that it does not look like an h2 (subsection) in blue.
\titleformat{\subsubsection}{\normalsize\py@HeaderFamily}{\thesubsubsection}{0.5em}{}
% A box that must not split across pages (the condition chapters' key messages).
\newenvironment{sphinxclasscm-unbreakable}%
  {\par\noindent\begin{minipage}{\linewidth}}{\end{minipage}\par\medskip}
% Table A.1 reaches 24pt into each side margin: its wider columns keep it to two pages.
\newenvironment{sphinxclasscm-overview-wide}%
  {\advance\linewidth 48pt\advance\@totalleftmargin -24pt}{}
\makeatother
""",
    "hyperref": r"""
\usepackage{hyperref}
\hypersetup{pdftitle={Stem Cell Therapy for Pain Management: An Evidence-Based Guide},
  pdfauthor={The Stem Cell Pain Guide contributors}, pdflang={en},
  pdfsubject={Evidence on stem cell therapy for pain},
  pdfkeywords={stem cells, pain, mesenchymal stromal cells, evidence}}
\usepackage{hypcap}
""",
    "sphinxsetup": (
        "TitleColor={rgb}{0.10,0.30,0.45}, InnerLinkColor={rgb}{0.10,0.30,0.55}, OuterLinkColor={rgb}{0.45,0.10,0.35}"
    ),
    # Sphinx names the contents page after the first toctree's caption ("Front matter").
    "tableofcontents": r"\renewcommand{\contentsname}{Contents}\sphinxtableofcontents",
    "printindex": r"\printindex",
}
latex_use_xindy = True

# -- EPUB ------------------------------------------------------------------------
epub_basename = basename
epub_title = project
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_language = language
# Sphinx writes epub_uid (an XML name) into the NCX and epub_identifier into the
# OPF; EPUBCheck wants them equal, so one value that is both unique and a name.
epub_identifier = epub_uid = "scpg-6f1b2a52-7c0e-4f57-9a43-3b2d7f9e4c11"
epub_scheme = "uuid"
epub_theme = "epub"
epub_cover = ("_static/cover.png", "")
epub_show_urls = "footnote"
# The website's stylesheet and icon are no part of the e-book (its pages link book-epub.css).
epub_exclude_files = ["search.html", "_static/condmech.css.map", "_static/book.css", "_static/favicon.svg"]
# Not "epub.css": that is the epub theme's own stylesheet, which a file of the same name
# would replace (tables without borders, plain box titles) and link twice.
epub_css_files = ["book-epub.css"]
epub_description = "An evidence-checked guide to what is and is not known about stem cell therapy for pain."
epub_use_index = True
# Accessibility metadata (schema.org terms, as EPUB Accessibility 1.1 asks) for
# content.opf. No conformsTo claim: the HTML edition passes automated WCAG 2.2 A/AA
# rules (axe-core) and the EPUB Ace by DAISY (both in ``nox -s check``), but nobody
# has audited the book by hand, and automated rules cover only part of WCAG.
epub_accessibility = [
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "index"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
    (
        "schema:accessibilitySummary",
        "Reflowable text with headings, a navigable table of contents, an index and tables "
        "with header cells. The only image is the cover. Evidence levels are given as "
        "text, never by colour alone. The HTML edition passes automated checks against WCAG 2.2 "
        "level A and AA rules, and this EPUB passes those of Ace by DAISY; no manual accessibility "
        "audit has been made.",
    ),
]
