"""Synthetic MyST books for the benchmarks: the same text in several markups.

A corpus has *pages* chapters of about 1,000 words (the book's chapters are 900 to 1,500)
in parts of 25, each with *links* condition–mechanism statements, citations from the
book's bibliography, cross-references to other chapters and references to the defined
conditions and mechanisms. Only the markup of the declarations differs between variants:

- ``condmech``: ``cm:condition``/``cm:mechanism``/``cm:link``, ``cm:cond``/``cm:mech`` roles, one ``cm:matrix``;
- ``plain``: each declaration an ``admonition`` with the same text (labels and ``{ref}`` for the roles);
- ``todo``: as ``plain``, but each link a ``todo`` and one ``todolist``;
- ``needs``: as ``plain``, but each link a sphinx-needs ``req`` need and one ``needtable``.

Every variant cites through ``{cite:p}``, so sphinxcontrib-bibtex does the same work in all.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from condmech.config import CmConfig

ROOT = Path(__file__).parent.parent
BIB = ROOT / "references.bib"
MARKUPS = ("condmech", "plain", "todo", "needs")
PART_SIZE = 25

CONDITIONS = (
    "Knee osteoarthritis", "Hip osteoarthritis", "Disc degeneration", "Tendinopathy", "Ligament injury",
    "Diabetic neuropathy", "Post-herpetic neuralgia", "Spinal cord injury pain", "Rheumatoid arthritis",
    "Systemic lupus", "Fibromyalgia", "Complex regional pain syndrome",
)  # fmt: skip
MECHANISMS = (
    "Tissue regeneration", "Immunomodulation", "Paracrine signalling", "Nerve repair", "Cytokine release",
    "Angiogenesis", "Glial modulation", "Exosome signalling", "Matrix remodelling", "Analgesic mediators",
)  # fmt: skip
#: The extension's default scale, which every variant's corpus uses.
LEVELS = tuple(level.id for level in CmConfig().levels)
LEVEL_LABELS = tuple(level.label for level in CmConfig().levels)
FINDINGS = tuple(finding.id for finding in CmConfig().findings)
FINDING_LABELS = tuple(finding.label for finding in CmConfig().findings)
WORDS = (
    "cells stromal mesenchymal marrow adipose injection joint cartilage pain trial patients dose months "
    "inflammation signalling tissue repair nerve spinal disc tendon ligament response outcome follow-up "
    "randomised controlled placebo safety adverse effect evidence study studies review analysis small "
    "larger group groups reported measured scores function improvement change baseline week year "
    "laboratory animal model human donor autologous allogeneic culture growth factor immune regulatory "
    "the a of in to and with for that was were is are by as on from at which this these than not but "
    "after before during between within most some many few often rarely usually"
).split()  # fmt: skip

#: What each link measured (condmech's ``:measured:``; the other variants write it as a line).
MEASURED = "the mechanism"


def slug(name: str) -> str:
    """An id in the extension's form: lower-case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class Definition:
    kind: str  # "condition" or "mechanism"
    id: str
    name: str
    page: int


@dataclass(frozen=True)
class Link:
    number: int
    condition: Definition
    mechanism: Definition
    level: int
    finding: int
    cites: tuple[str, ...]
    body: str


@dataclass
class Corpus:
    """What a generated corpus holds (the same for every markup of one size)."""

    pages: int
    links_per_page: int
    definitions: list[Definition] = field(default_factory=list)
    links: int = 0
    words: int = 0


def bib_keys() -> list[str]:
    """Citation keys of the book's bibliography, in file order."""
    return re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.MULTILINE)


def docname(page: int) -> str:
    return f"part-{page // PART_SIZE + 1:02d}/chapter-{page + 1:04d}"


def label(page: int) -> str:
    return f"chapter-{page + 1:04d}"


class Writer:
    """Text of one page in one markup; the prose comes from a per-page random generator."""

    def __init__(self, markup: str, corpus: Corpus, keys: list[str], seed: int) -> None:
        self.markup = markup
        self.corpus = corpus
        self.keys = keys
        self.seed = seed

    def sentence(self, rng: random.Random, words: int) -> str:
        text = " ".join(rng.choice(WORDS) for _ in range(words))
        return text[0].upper() + text[1:] + "."

    def paragraph(self, rng: random.Random, extra: str = "") -> str:
        sentences = [self.sentence(rng, rng.randint(10, 20)) for _ in range(rng.randint(4, 6))]
        if rng.random() < 0.4:
            sentences[-1] = sentences[-1][:-1] + f" {{cite:p}}`{rng.choice(self.keys)}`."
        if rng.random() < 0.2:
            sentences[0] = f"*{sentences[0]}*"
        return " ".join(sentences) + extra

    def ref(self, definition: Definition) -> str:
        """A reference to a condition or mechanism (a role, or a ``{ref}`` to its label)."""
        if self.markup == "condmech":
            return f"{{cm:{definition.kind[:4]}}}`{definition.id}`"
        return f"{{ref}}`{definition.name} <cm-{definition.kind}-{definition.id}>`"

    def definition(self, d: Definition, rng: random.Random) -> str:
        body = self.paragraph(rng)
        if self.markup == "condmech":
            return f":::{{cm:{d.kind}}} {d.id}\n:name: {d.name}\n\n{body}\n:::\n"
        heading = f"{d.kind.capitalize()}: {d.name}"
        return f"(cm-{d.kind}-{d.id})=\n:::{{admonition}} {heading}\n:class: cm-definition\n\n{body}\n:::\n"

    def link(self, link: Link) -> str:
        cites = ", ".join(link.cites)
        if self.markup == "condmech":
            return (
                f":::{{cm:link}}\n:condition: {link.condition.id}\n:mechanism: {link.mechanism.id}\n"
                f":measured: {MEASURED}\n"
                f":level: {LEVELS[link.level]}\n:finding: {FINDINGS[link.finding]}\n:cite: {cites}\n\n"
                f"{link.body}\n:::\n"
            )
        title = f"Evidence link: {link.condition.name} → {link.mechanism.name}"
        status = f"{LEVEL_LABELS[link.level]}, {FINDING_LABELS[link.finding]}"
        # what condmech shows of :measured: and :cite:, written out by hand: the same text to a reader
        sources = f"Measured: {MEASURED}.\n\nSources: {{cite:p}}`{','.join(link.cites)}`"
        if self.markup == "todo":
            return f":::{{todo}}\n{title}. {status}.\n\n{link.body}\n\n{sources}\n:::\n"
        if self.markup == "needs":
            return (
                f":::{{req}} {title}\n:id: LINK_{link.number:05d}\n:status: {LEVELS[link.level]}\n"
                f":tags: {FINDINGS[link.finding]}\n\n{link.body}\n\n{sources}\n:::\n"
            )
        return f":::{{admonition}} {title}. {status}\n:class: cm-assertion\n\n{link.body}\n\n{sources}\n:::\n"

    def page(self, page: int) -> str:
        rng = random.Random(f"{self.seed}-{page}")
        corpus = self.corpus
        conditions = [d for d in corpus.definitions if d.kind == "condition"]
        mechanisms = [d for d in corpus.definitions if d.kind == "mechanism"]
        out = [f"({label(page)})=\n# Chapter {page + 1}: {self.sentence(rng, 4)[:-1]}\n"]
        out += [self.definition(d, rng) for d in corpus.definitions if d.page == page]
        others = [rng.randrange(corpus.pages) for _ in range(2)]
        crossrefs = [f" See {{ref}}`{label(other)}`." for other in others]
        roles = [f" It concerns {self.ref(rng.choice(conditions))} and {self.ref(rng.choice(mechanisms))}."]
        extras = [*crossrefs, *roles]
        for section in range(4):
            out.append(f"## {self.sentence(rng, rng.randint(3, 6))[:-1]}\n")
            for index in range(3):
                extra = extras.pop() if extras and index == 1 else ""
                out.append(self.paragraph(rng, extra) + "\n")
            if section == 1:
                out.append("\n".join(f"- {self.sentence(rng, rng.randint(5, 9))}" for _ in range(4)) + "\n")
            if section == 2:
                out.append(f"### {self.sentence(rng, 4)[:-1]}\n")
                for k in range(corpus.links_per_page):
                    number = page * corpus.links_per_page + k
                    body = " ".join(self.sentence(rng, rng.randint(12, 18)) for _ in range(2))
                    cites = tuple(dict.fromkeys(rng.sample(self.keys, 2)))
                    link = Link(
                        number, conditions[number % len(conditions)], mechanisms[(number * 7 + page) % len(mechanisms)],
                        rng.randrange(len(LEVELS)), rng.randrange(len(FINDINGS)), cites, body,
                    )  # fmt: skip
                    out.append(self.link(link))
        return "\n".join(out)


TABLE_MARKUP = {
    "condmech": ":::{cm:matrix}\n:::\n",
    "plain": "",
    "todo": ":::{todolist}\n:::\n",
    "needs": ":::{needtable}\n:::\n",
}
EXTENSIONS = {
    "condmech": ["myst_parser", "condmech"],
    "plain": ["myst_parser", "sphinxcontrib.bibtex"],
    "todo": ["myst_parser", "sphinxcontrib.bibtex", "sphinx.ext.todo"],
    "needs": ["myst_parser", "sphinxcontrib.bibtex", "sphinx_needs"],
}


#: What the book's docs/_ext/fastcite.py does: pybtex's plain-text backend found without scanning entry points.
FAST_CITATIONS = """\
from pybtex.backends.plaintext import Backend
from pybtex.plugin import register_plugin

register_plugin("pybtex.backends", "plaintext", Backend, force=True)
"""


#: Makes Sphinx import the extension from another folder (an earlier revision's ``ext/``), and fails
#: the build if it still finds the installed one.
EXTENSION_FROM = """\
import sys

sys.path.insert(0, {folder!r})
import condmech

assert condmech.__file__.startswith({folder!r}), f"condmech imported from {{condmech.__file__}}"
"""


def conf(
    markup: str, theme: str, full_navigation: bool, fast_citations: bool = False, extension: Path | None = None
) -> str:
    """conf.py of one variant (*fast_citations*: with the book's faster citation lookup; *extension*:
    the folder holding the ``condmech`` package to build with, instead of the installed one)."""
    lines = [
        '"""Synthetic benchmark corpus (generated by benchmarks/corpus.py)."""',
        *([EXTENSION_FROM.format(folder=str(extension))] if extension else []),
        'project = "Benchmark corpus"',
        'author = "Benchmarks"',
        'copyright = "2026, Benchmarks"',
        f"extensions = {EXTENSIONS[markup]!r}",
        'exclude_patterns = ["_build"]',
        'myst_enable_extensions = ["colon_fence"]',
        'bibtex_bibfiles = ["references.bib"]',
        'bibtex_reference_style = "author_year"',
        f"html_theme = {theme!r}",
    ]
    if theme == "sphinx_book_theme":
        lines.append(f"html_theme_options = {{'collapse_navbar': {not full_navigation}}}")
    if markup == "todo":
        lines.append("todo_include_todos = True")
    return "\n".join(lines) + "\n" + (FAST_CITATIONS if fast_citations else "")


def plan(pages: int, links_per_page: int) -> Corpus:
    """The definitions of a corpus: each on its own chapter, cycling when there are few chapters."""
    corpus = Corpus(pages, links_per_page)
    named = [("condition", name) for name in CONDITIONS] + [("mechanism", name) for name in MECHANISMS]
    corpus.definitions = [Definition(kind, slug(name), name, i % pages) for i, (kind, name) in enumerate(named)]
    corpus.links = pages * links_per_page
    return corpus


def generate(
    dest: Path,
    pages: int,
    markup: str,
    *,
    links_per_page: int = 3,
    theme: str = "alabaster",
    full_navigation: bool = False,
    fast_citations: bool = False,
    extension: Path | None = None,
    seed: int = 1,
) -> Corpus:
    """Write a corpus of *pages* chapters in *markup* into *dest* (replaced if it exists).

    *extension*: a folder holding another ``condmech`` package (see :func:`extension_at`),
    which the corpus's ``conf.py`` puts first on ``sys.path``.
    """
    if markup not in MARKUPS:
        raise ValueError(f"unknown markup {markup!r} (known: {', '.join(MARKUPS)})")
    if pages < 1:
        raise ValueError("a corpus needs at least one page")
    if dest.exists():
        shutil.rmtree(dest)
    corpus = plan(pages, links_per_page)
    writer = Writer(markup, corpus, bib_keys(), seed)
    files: dict[str, str] = {"conf.py": conf(markup, theme, full_navigation, fast_citations, extension)}
    parts = range((pages - 1) // PART_SIZE + 1)
    for part in parts:
        chapters = range(part * PART_SIZE, min(pages, (part + 1) * PART_SIZE))
        entries = "\n".join(docname(page).split("/")[1] for page in chapters)
        files[f"part-{part + 1:02d}/index.md"] = (
            f"# Part {part + 1}\n\n```{{toctree}}\n:maxdepth: 1\n\n{entries}\n```\n"
        )
        for page in chapters:
            files[f"{docname(page)}.md"] = text = writer.page(page)
            corpus.words += len(text.split())
    intro = writer.paragraph(random.Random(f"{seed}-table"))
    files["table.md"] = f"# Condition–mechanism table\n\n{intro}\n\n{TABLE_MARKUP[markup]}"
    files["bibliography.md"] = "# Bibliography\n\n```{bibliography}\n```\n"
    toc = "\n".join([*(f"part-{part + 1:02d}/index" for part in parts), "table", "bibliography"])
    files["index.md"] = f"# Benchmark corpus\n\n```{{toctree}}\n:maxdepth: 2\n\n{toc}\n```\n"
    for relpath, text in files.items():
        path = dest / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copyfile(BIB, dest / "references.bib")
    return corpus


def extension_at(revision: str, dest: Path) -> Path:
    """The extension as it was at git *revision*: its ``ext/`` folder written into *dest* (replaced).

    Returns the folder (absolute) to put first on ``sys.path``; a corpus built with it
    (``generate(..., extension=...)``) measures that revision against the working tree's.
    """
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "ext/"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest.resolve() / "ext"


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks.corpus DEST --pages N --markup condmech``: write one corpus."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--links", type=int, default=3, help="condition–mechanism links per page")
    parser.add_argument("--markup", choices=MARKUPS, default="condmech")
    parser.add_argument("--theme", default="alabaster")
    parser.add_argument("--full-navigation", action="store_true", help="sphinx-book-theme without collapse_navbar")
    parser.add_argument("--fast-citations", action="store_true", help="the book's faster citation lookup")
    args = parser.parse_args(argv)
    corpus = generate(
        args.dest, args.pages, args.markup, links_per_page=args.links, theme=args.theme,
        full_navigation=args.full_navigation, fast_citations=args.fast_citations,
    )  # fmt: skip
    print(f"{args.dest}: {corpus.pages} chapters, {corpus.links} links, {corpus.words} words")


if __name__ == "__main__":
    main()
