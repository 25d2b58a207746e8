"""EPUB: EPUBCheck finds nothing, the package declares its accessibility, and every page fits
a small e-reader's screen (rendered at 400 CSS px in Debian's Chromium, as a reflowable EPUB
reader lays it out: nothing wider than the screen, which a paginated reader would cut off)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from checks import Book, verdict
from checks.browser import chromium

OPF_NS = "{http://www.idpf.org/2007/opf}"
CONTAINER_NS = "{urn:oasis:names:tc:opendocument:xmlns:container}"
#: schema.org accessibility properties that every EPUB must declare, with the values
#: allowed for the closed vocabularies (None: free text or open list).
REQUIRED: dict[str, set[str] | None] = {
    "schema:accessMode": {"auditory", "chartOnVisual", "chemOnVisual", "colorDependent", "diagramOnTactile",
                          "diagramOnVisual", "mathOnVisual", "musicOnVisual", "tactile", "textOnVisual",
                          "textual", "visual"},
    "schema:accessModeSufficient": None,
    "schema:accessibilityFeature": None,
    "schema:accessibilityHazard": {"flashing", "noFlashingHazard", "motionSimulation", "noMotionSimulationHazard",
                                   "sound", "noSoundHazard", "unknown", "none"},
    "schema:accessibilitySummary": None,
}  # fmt: skip
#: Width in CSS px of a small e-reader or a phone's reading app; no page may be wider.
SCREEN_WIDTH = 400


def epubcheck_jar() -> Path:
    """Debian's ``epubcheck`` command is the jar itself (run through binfmt, which containers lack)."""
    command = shutil.which("epubcheck")
    if command is None:
        raise FileNotFoundError("epubcheck is not installed (Debian package epubcheck)")
    return Path(command).resolve()


def epubcheck(epub: Path) -> dict[str, list[str]]:
    """Run EPUBCheck; its messages by severity (FATAL, ERROR, WARNING, USAGE, INFO)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp, "report.json")
        subprocess.run(
            ["java", "-jar", str(epubcheck_jar()), str(epub), "--json", str(report)],
            capture_output=True, check=False,
        )  # fmt: skip
        if not report.exists():
            raise RuntimeError(f"EPUBCheck wrote no report for {epub}")
        messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    found: dict[str, list[str]] = {}
    for message in messages:
        where = ", ".join(f"{loc['path']}:{loc['line']}" for loc in message["locations"][:3])
        found.setdefault(message["severity"], []).append(f"{message['ID']} {message['message']} ({where})")
    return found


def package_document(book: zipfile.ZipFile) -> str:
    """Where the package document (the OPF) is in the EPUB, as ``META-INF/container.xml`` names it."""
    container = ET.fromstring(book.read("META-INF/container.xml"))
    rootfile = container.find(f".//{CONTAINER_NS}rootfile")
    if rootfile is None:
        raise ValueError("META-INF/container.xml names no package document")
    return rootfile.attrib["full-path"]


def package_metadata(epub: Path) -> list[tuple[str, str]]:
    """The ``<meta property>`` entries of the package document, in order."""
    with zipfile.ZipFile(epub) as book:
        opf = ET.fromstring(book.read(package_document(book)))
    return [(meta.attrib["property"], (meta.text or "").strip()) for meta in opf.iter(f"{OPF_NS}meta")
            if "property" in meta.attrib]  # fmt: skip


def accessibility_problems(metadata: list[tuple[str, str]]) -> list[str]:
    """What is missing or not in the vocabulary among the accessibility metadata."""
    problems = []
    for name, allowed in REQUIRED.items():
        values = [value for prop, value in metadata if prop == name]
        if not values or not all(values):
            problems.append(f"{name} is missing or empty")
        problems += [f"{name}: {value!r} is not a schema.org value" for value in values
                     if allowed is not None and value not in allowed]  # fmt: skip
    return problems


def content_documents(opf: ET.Element) -> list[str]:
    """The package's XHTML pages (manifest items), relative to the package document."""
    return [item.attrib["href"] for item in opf.iter(f"{OPF_NS}item")
            if item.attrib.get("media-type") == "application/xhtml+xml"]  # fmt: skip


#: Footnote references that show their brackets twice: docutils writes them as text
#: (``span.fn-bracket``) and a style sheet adds them again before and after ("[[#1]]").
DOUBLE_BRACKETS = """[...document.querySelectorAll("a.footnote-reference")].filter(a =>
    a.querySelector(".fn-bracket") && !["none", "normal", '""'].includes(getComputedStyle(a, "::before").content)
).length"""


def lay_out(epub: Path, width: int = SCREEN_WIDTH) -> dict[str, tuple[int, int]]:
    """Each XHTML page laid out on a screen *width* px wide: its width in CSS px (its scroll
    width) and how many of its footnote references show their brackets twice."""
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(epub) as book:
        book.extractall(tmp)
        package = Path(tmp, package_document(book))
        pages = content_documents(ET.fromstring(package.read_bytes()))
        found = {}
        with chromium() as browser:
            tab = browser.new_page(viewport={"width": width, "height": 800})
            for page in pages:
                tab.goto((package.parent / page).as_uri(), wait_until="load")
                found[page] = (tab.evaluate("document.documentElement.scrollWidth"), tab.evaluate(DOUBLE_BRACKETS))
    return found


def check(book: Book) -> bool:
    """EPUBCheck: 0 fatal errors, 0 errors, 0 warnings; accessibility metadata declared; no page too wide."""
    found = epubcheck(book.epub)
    metadata = package_metadata(book.epub)
    declared = sorted({prop for prop, _ in metadata if prop.startswith("schema:")})
    figures = (
        f"EPUBCheck {len(found.get('FATAL', []))} fatal, {len(found.get('ERROR', []))} errors, "
        f"{len(found.get('WARNING', []))} warnings; accessibility metadata: {len(declared)} of "
        f"{len(REQUIRED)} schema.org properties"
    )
    pages = lay_out(book.epub)
    figures += f"; {len(pages)} pages at {SCREEN_WIDTH} px, widest {max((w for w, _ in pages.values()), default=0)} px"
    problems = [*found.get("FATAL", []), *found.get("ERROR", []), *found.get("WARNING", [])]
    problems += [f"{page} is {wide} px wide on a {SCREEN_WIDTH} px screen"
                 for page, (wide, _) in pages.items() if wide > SCREEN_WIDTH]  # fmt: skip
    problems += [f"{page}: {doubled} footnote references show their brackets twice ('[[#1]]')"
                 for page, (_, doubled) in pages.items() if doubled]  # fmt: skip
    return verdict("epub", figures, problems + accessibility_problems(metadata))
