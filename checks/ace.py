"""EPUB accessibility: Ace by DAISY finds no violation in the EPUB.

Ace runs axe-core and the EPUB-specific rules of the DAISY Knowledge Base on every
content document, in Debian's Chromium through puppeteer (``ace-puppeteer``: the
package's default ``ace`` command needs Electron, whose binary is not downloaded).
``nox -s check`` installs Ace from ``checks/package-lock.json`` into
``checks/node_modules`` with browser downloads and install scripts turned off. Ace
1.4.6 asks for Node.js 20 (npm warns about it on Debian 12, whose Node.js is 18.20) but
ran on Debian 12's Node.js 18.20.4 with the same result as on Node.js 20.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from checks import Book, verdict
from checks.browser import CHROMIUM

ACE = Path(__file__).parent / "node_modules" / ".bin" / "ace-puppeteer"


def run_ace(epub: Path) -> dict[str, Any]:
    """Ace's JSON report on *epub*."""
    if not ACE.exists():
        raise FileNotFoundError(f"{ACE} is missing: run `npm ci --prefix checks` (nox -s check does)")
    with tempfile.TemporaryDirectory(prefix="ace-") as tmp:
        result = subprocess.run(
            [str(ACE), "--silent", "--force", "--outdir", str(Path(tmp, "report")), "--tempdir", str(Path(tmp, "work")),
             str(epub)],
            env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM}, capture_output=True, text=True, check=False,
        )  # fmt: skip
        report = Path(tmp, "report", "report.json")
        if not report.exists():
            raise RuntimeError(f"Ace wrote no report (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
        return json.loads(report.read_text(encoding="utf-8"))


def violations(report: dict[str, Any]) -> list[tuple[str, str]]:
    """Every failed assertion of an Ace report: (impact, "file: rule: what Ace says")."""
    found = []
    for document in report["assertions"]:
        where = document["earl:testSubject"]["url"]
        for assertion in document["assertions"]:
            test, result = assertion["earl:test"], assertion["earl:result"]
            if result["earl:outcome"] == "fail":
                found.append((test["earl:impact"], f"{where}: {test['dct:title']}: {result['dct:description']}"))
    return found


def check(book: Book) -> bool:
    """0 violations of any impact."""
    report = run_ace(book.epub)
    found = violations(report)
    impacts = Counter(impact for impact, _ in found)
    metadata = report["a11y-metadata"]
    figures = (
        f"Ace by DAISY {report['earl:assertedBy']['doap:release']['doap:revision']}: {len(report['assertions'])} "
        f"documents, {len(found)} violations{f' {dict(impacts)}' if found else ''}; accessibility metadata present: "
        f"{', '.join(metadata['present'])}"
    )
    problems = [f"{text} ({impact})" for impact, text in found]
    return verdict("ace", figures, problems, [f"metadata not declared: {', '.join(metadata['missing'])}"])
