"""PDF: fonts embedded, outline and metadata present, internal links resolve, no overfull
box wider than 1pt and no character missing from its font in the LaTeX log, every page
renders; no heading left at the foot of a page and no key-messages box split across two."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from checks import Book, verdict
from checks.structure import bookmarks, normalise

#: Document information entries (and the catalogue's /Lang) a reader's PDF must carry.
METADATA = ("/Title", "/Author", "/Subject")
#: Widest overfull box tolerated, in TeX points.
OVERFULL_LIMIT = 1.0
#: Lines of text a heading needs below it on its page (else it is stranded at the foot).
MIN_LINES_AFTER_HEADING = 2
#: A key-messages box: its title line, and the line that closes it (condmech's link to the table).
BOX_TITLE, BOX_END = "Key messages", "See this condition in the evidence table"
#: XeLaTeX's note for a character that the font has no glyph for (it prints nothing in its place).
MISSING_CHARACTER = re.compile(r"^Missing character: There is no (?P<char>.+?) in font (?P<font>[^/!]+)", re.MULTILINE)
OVERFULL = re.compile(r"^Overfull \\[hv]box \((?P<size>[\d.]+)pt too (?:wide|high)\) (?P<where>.*)$", re.MULTILINE)


def unembedded_fonts(pdffonts_output: str) -> tuple[int, list[str]]:
    """From ``pdffonts`` output: (number of fonts, names of those not embedded)."""
    rows = pdffonts_output.splitlines()[2:]  # after the header and its rule
    # A long name pushes the other columns right, so read them from the end: emb sub uni object ID.
    return len(rows), [row.split()[0] for row in rows if row.split()[-5] != "yes"]


def overfull_boxes(log: str, limit: float = OVERFULL_LIMIT) -> list[str]:
    """Overfull boxes in a LaTeX log wider (or higher) than ``limit`` points."""
    return [f"Overfull box {m['size']}pt {m['where']}" for m in OVERFULL.finditer(log) if float(m["size"]) > limit]


def missing_metadata(reader: PdfReader) -> list[str]:
    """Document information entries and the document language that are missing or empty."""
    info = reader.metadata or {}
    missing = [f"no {key} in the document information" for key in METADATA if not str(info.get(key, "")).strip()]
    if not reader.trailer["/Root"].get("/Lang"):
        missing.append("no /Lang (document language) in the catalogue")
    return missing


def outline_entries(reader: PdfReader) -> int:
    """How many bookmarks the outline has, at every level."""
    return len(bookmarks(reader))


def link_problems(reader: PdfReader) -> tuple[int, list[str]]:
    """Check every internal link annotation: (links checked, those whose destination is missing)."""
    names = reader.named_destinations
    pages = {page.indirect_reference for page in reader.pages}
    checked, problems = 0, []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            action = action.get_object() if action is not None else DictionaryObject()
            if action.get("/S") in ("/URI", "/Launch"):
                continue
            checked += 1
            if action.get("/S") not in (None, "/GoTo"):
                problems.append(f"page {number}: link of type {action.get('/S')} leaves the document")
                continue
            dest = annotation.get("/Dest", action.get("/D"))
            dest = dest.get_object() if dest is not None else None
            if isinstance(dest, ArrayObject):
                if not dest or dest[0] not in pages:
                    problems.append(f"page {number}: link to a page that is not in the document")
            elif dest is None or str(dest) not in names:
                problems.append(f"page {number}: link to missing destination {dest!r}")
    return checked, problems


def page_texts(pdf: Path) -> list[list[str]]:
    """Each page's non-empty lines, top to bottom (``pdftotext -layout``), without the last one (the foot line)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")]
    return [lines[:-1] for lines in pages]


def stranded_headings(reader: PdfReader, pages: list[list[str]]) -> list[str]:
    """Bookmarked headings with fewer than MIN_LINES_AFTER_HEADING lines of text below them on their page."""
    problems = []
    for _, item in bookmarks(reader):
        number = reader.get_destination_page_number(item)
        lines, title = pages[number], normalise(item.title)[:40]
        at = next((i for i, line in enumerate(lines) if title in normalise(line)), None)
        if at is not None and len(lines) - at - 1 < MIN_LINES_AFTER_HEADING:
            problems.append(f"page {number + 1}: heading {item.title!r} stranded at the foot of the page")
    return problems


def split_boxes(pages: list[list[str]]) -> list[str]:
    """Pages where a key-messages box opens but does not close (it runs on to the next page)."""
    return [
        f"page {number}: the key-messages box is split across pages"
        for number, lines in enumerate(pages, start=1)
        if BOX_TITLE in lines and not any(line.startswith(BOX_END) for line in lines[lines.index(BOX_TITLE) :])
    ]


def missing_characters(log: str) -> list[str]:
    """Characters a LaTeX log says no font could print (blank in the PDF), each with its font, once."""
    found = (f"missing character {m['char']} in {m['font'].strip()}" for m in MISSING_CHARACTER.finditer(log))
    return list(dict.fromkeys(found))


def render_problems(pdf: Path, pages: int) -> tuple[int, list[str]]:
    """Render every page at low resolution with pdftoppm: (pages rendered, poppler's errors and missing pages)."""
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), f"{tmp}/page"],
                                capture_output=True, text=True, check=False)  # fmt: skip
        rendered = len(list(Path(tmp).glob("page-*.png")))
    problems = [f"pdftoppm: {line}" for line in result.stderr.splitlines() if line.strip()]
    if result.returncode != 0 or rendered != pages:
        problems.append(f"pdftoppm rendered {rendered} of {pages} pages (exit {result.returncode})")
    return rendered, problems


def check(book: Book) -> bool:
    """Fonts, outline, metadata, internal links, overfull boxes, rendering."""
    fonts_output = subprocess.run(["pdffonts", str(book.pdf)], capture_output=True, text=True, check=True).stdout
    fonts, unembedded = unembedded_fonts(fonts_output)
    reader = PdfReader(book.pdf)
    pages = len(reader.pages)
    outline = outline_entries(reader)
    links, broken = link_problems(reader)
    log = book.latex_log.read_text(encoding="utf-8", errors="replace")
    overfull = overfull_boxes(log)
    missing = missing_characters(log)
    rendered, render_errors = render_problems(book.pdf, pages)
    texts = page_texts(book.pdf)
    layout = [*stranded_headings(reader, texts), *split_boxes(texts)]
    problems = [
        *(f"font not embedded: {name}" for name in unembedded),
        *(["no outline (bookmarks)"] if not outline else []),
        *missing_metadata(reader),
        *broken,
        *overfull,
        *missing,
        *render_errors,
        *layout,
    ]
    figures = (
        f"{rendered} of {pages} pages rendered, {fonts} fonts ({len(unembedded)} not embedded), "
        f"{outline} outline entries, {links} internal links ({len(broken)} broken), "
        f"{len(overfull)} overfull boxes > {OVERFULL_LIMIT:g}pt, {len(missing)} characters missing from fonts, "
        f"{len(layout)} stranded headings or split boxes"
    )
    return verdict("pdf", figures, problems)
