"""EPUB: EPUBCheck finds nothing, and the package declares its accessibility."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from checks import Book, verdict

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


def package_metadata(epub: Path) -> list[tuple[str, str]]:
    """The ``<meta property>`` entries of the package document, in order."""
    with zipfile.ZipFile(epub) as book:
        container = ET.fromstring(book.read("META-INF/container.xml"))
        rootfile = container.find(f".//{CONTAINER_NS}rootfile")
        if rootfile is None:
            raise ValueError("META-INF/container.xml names no package document")
        opf = ET.fromstring(book.read(rootfile.attrib["full-path"]))
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


def check(book: Book) -> bool:
    """EPUBCheck: 0 fatal errors, 0 errors, 0 warnings; accessibility metadata declared."""
    found = epubcheck(book.epub)
    metadata = package_metadata(book.epub)
    declared = sorted({prop for prop, _ in metadata if prop.startswith("schema:")})
    figures = (
        f"EPUBCheck {len(found.get('FATAL', []))} fatal, {len(found.get('ERROR', []))} errors, "
        f"{len(found.get('WARNING', []))} warnings; accessibility metadata: {len(declared)} of "
        f"{len(REQUIRED)} schema.org properties"
    )
    problems = [*found.get("FATAL", []), *found.get("ERROR", []), *found.get("WARNING", [])]
    return verdict("epub", figures, problems + accessibility_problems(metadata))
