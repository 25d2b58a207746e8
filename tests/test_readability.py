"""The reading-level check (checks/readability.py): what it strips, how it counts, when it fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from checks import Book, readability

KEPT = (
    "The cat sat on the mat. The dog ran. A box keeps its text. Lead-in to a list. First item. "
    "Second item, with left out. A definition is kept. A definition body is kept. A mechanism body is kept. "
    "A link body is kept."
)


@pytest.fixture(scope="module", autouse=True)
def cmu(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The CMU dictionary for textstat, as the check sets it up (NLTK's own download is not used)."""
    readability.use_cmudict(tmp_path_factory.mktemp("nltk_data"))


@pytest.fixture(scope="module")
def site(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test root built to HTML with the book's theme."""
    src = tmp_path_factory.mktemp("readability") / "src"
    shutil.copytree(rootdir / "test-readability", src)
    app = SphinxTestApp("html", srcdir=src)
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir)


def test_only_reader_prose_is_kept(site: Path) -> None:
    text, boxes = readability.read_page(site / "index.html")
    assert text == KEPT
    assert boxes == ["The dog ran."]


def test_stripped_text_never_reaches_the_count(site: Path) -> None:
    html = (site / "index.html").read_text()
    made = ("bibtex-citation", "cm-assertion-header", "cm-note", "cm-sources", "cm-summary", "cm-key-messages")
    assert all(f'class="{name}' in html or f" {name}" in html for name in made)  # the page has them all
    text, _ = readability.read_page(site / "index.html")
    stripped = ("heading", "Alpha", "2020", "Table words", "code_stays_out", "inline code", "Term left out", "Note")
    stripped += ("Knee pain", "Evidence link", "A note left out", "Sources", "Randomised", "supports", "●")
    for word in stripped:
        assert word not in text


def test_change_lists_are_left_out_and_their_note_kept() -> None:
    html = (
        '<article><div class="cm-changes"><p class="cm-changes-note">A note is kept.</p>'
        "<ul><li>Approved?: now recorded: No US approval found; EU and UK lists not checked</li></ul></div></article>"
    )
    article = readability.strip(readability.BeautifulSoup(html, "html.parser").article)
    assert readability.prose(article) == "A note is kept."


def test_sentence_end() -> None:
    assert readability.sentence_end("Questions like these:") == "Questions like these."
    assert readability.sentence_end("A heading-like item") == "A heading-like item."
    assert readability.sentence_end('He said "stop."') == 'He said "stop."'
    assert readability.sentence_end("Really?") == "Really?"


def test_score_counts_words_sentences_and_the_longest() -> None:
    long = " ".join(["word"] * 26) + "."
    text = f"A short one here. {long} Another short one."
    s = readability.score("x", text)
    assert (s.words, s.sentences, s.longest_words, s.long_sentences) == (33, 3, 26, 1)
    assert s.grade == pytest.approx(readability.textstat.flesch_kincaid_grade(text))
    assert s.smog == pytest.approx(readability.textstat.smog_index(text))


def test_smog_ceiling_is_read_from_pyproject(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        "[tool.readability]\npage = 9.0\nbook = 8.5\nkey-messages = 7.0\npage-smog = 10.5\nexclude = []\n"
    )
    assert readability.Ceilings.load(pyproject).page_smog == 10.5


def test_cmu_dictionary_is_used_offline(tmp_path: Path) -> None:
    readability.use_cmudict(tmp_path / "nltk_data")
    assert (tmp_path / "nltk_data" / "corpora" / "cmudict" / "cmudict").stat().st_size > 1_000_000
    # "every" has three syllables in the CMU dictionary (EH1 V ER0 IY0); pyphen alone gives two.
    assert readability.textstat.syllable_count("every") == 3


def test_ceilings_and_excluded_pages(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[tool.readability]\npage = 9.0\nbook = 8.5\nkey-messages = 7.0\nexclude = ["contributing/*", "search"]\n'
    )
    ceilings = readability.Ceilings.load(pyproject)
    assert ceilings.measured("preface.html") and ceilings.measured("conditions/osteoarthritis.html")
    assert not ceilings.measured("contributing/style-guide.html") and not ceilings.measured("search.html")
    page = readability.Score("hard", 9.1, 100, 5, "x", 0)
    book = readability.Score("whole book", 8.6, 100, 5, "x", 0)
    box = readability.Score("box", 7.2, 10, 2, "x", 0)
    assert readability.over([page], book, [box], ceilings) == [
        "hard: grade 9.1 > 9.0",
        "whole book: grade 8.6 > 8.5",
        "box: grade 7.2 > 7.0",
    ]
    wordy = readability.Ceilings(9.0, 8.5, 7.0, ceilings.exclude, page_smog=11.0)
    long_words = readability.Score("long words", 8.0, 100, 5, "x", 0, smog=11.4)
    assert readability.over([long_words], book, [], wordy) == [
        "long words: SMOG grade 11.4 > 11.0",
        "whole book: grade 8.6 > 8.5",
    ]
    at_ceiling = readability.Score("at the ceiling", 9.0, 100, 5, "x", 0)
    book_at_ceiling = readability.Score("whole book", 8.5, 100, 5, "x", 0)
    assert readability.over([at_ceiling], book_at_ceiling, [], ceilings) == []


def test_check_writes_the_table_and_fails_above_a_ceiling(site: Path, tmp_path: Path, capsys) -> None:
    book = Book(tmp_path / "_build")
    shutil.copytree(site, book.html)
    strict = readability.Ceilings(page=0.0, book=99, key_messages=99, exclude=("search", "genindex", "references"))
    lenient = readability.Ceilings(page=99, book=99, key_messages=99, exclude=strict.exclude)
    assert not readability.check(book, strict)
    assert readability.check(book, lenient)
    report = (book.root / "readability" / "report.md").read_text()
    assert "SMOG grade" in report and "SMOG page" in report
    assert "| index |" in report and "| whole book |" in report and "| index (key messages 1) |" in report
    assert "[FAIL] readability" in capsys.readouterr().out
