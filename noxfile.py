"""Build, preview, test and check the book: ``nox -l`` lists the sessions.

Every session installs from ``requirements/constraints.txt`` (exact versions
that were tested), so a fresh machine reproduces the tested stack. Outputs:
``_build/html/``, ``_build/pdf/<book>.pdf``, ``_build/epub/<book>.epub``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import nox

ROOT = Path(__file__).parent
BUILD = ROOT / "_build"
DOCTREES = BUILD / "doctrees"
BOOK = "stem-cell-pain-guide"
PYPROJECT = nox.project.load_toml("pyproject.toml")
CONSTRAINTS = ("-c", "requirements/constraints.txt")
# Zero warnings, every reference checked, all problems reported in one run.
STRICT = ("-W", "--keep-going", "-n")

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["book", "tests", "lint"]


def install(session: nox.Session, *groups: str) -> None:
    """Install dependency groups (and this project, for the extension) at the tested versions."""
    packages = [pkg for group in groups for pkg in nox.project.dependency_groups(PYPROJECT, group)]
    session.install(*CONSTRAINTS, *packages, "-e", ".")


def source_date_epoch() -> str:
    """SOURCE_DATE_EPOCH as set, else the time of the last commit: dates in the book come from it."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], capture_output=True, text=True, check=False, cwd=ROOT)
    return result.stdout.strip() or str(int(time.time()))


def sphinx(session: nox.Session, builder: str, out: Path, *extra: str) -> None:
    session.run(
        "sphinx-build", "-b", builder, *STRICT, "-d", str(DOCTREES / builder), "docs", str(out), *extra,
        env={"SOURCE_DATE_EPOCH": source_date_epoch()},
    )  # fmt: skip


@nox.session
def html(session: nox.Session) -> None:
    """HTML site in _build/html (links the PDF and EPUB if they were built first)."""
    install(session, "docs")
    sphinx(session, "html", BUILD / "html", *session.posargs)


@nox.session
def pdf(session: nox.Session) -> None:
    """PDF via LaTeX and latexmk/XeLaTeX, copied to _build/pdf/."""
    install(session, "docs")
    latex = BUILD / "latex"
    sphinx(session, "latex", latex, *session.posargs)
    session.run(
        "make", "-C", str(latex), "all-pdf", "LATEXMKOPTS=-interaction=nonstopmode -halt-on-error -quiet",
        external=True, env={"SOURCE_DATE_EPOCH": source_date_epoch()},
    )  # fmt: skip
    (BUILD / "pdf").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(latex / f"{BOOK}.pdf", BUILD / "pdf" / f"{BOOK}.pdf")
    session.log(f"PDF: {BUILD / 'pdf' / f'{BOOK}.pdf'}")


@nox.session
def epub(session: nox.Session) -> None:
    """EPUB 3 in _build/epub/ (emptied first and doctrees kept outside, so nothing stray is packed)."""
    install(session, "docs")
    shutil.rmtree(BUILD / "epub", ignore_errors=True)
    sphinx(session, "epub", BUILD / "epub", *session.posargs)


@nox.session
def book(session: nox.Session) -> None:
    """All three formats; HTML last, so that it offers the freshly built PDF and EPUB."""
    pdf(session)
    epub(session)
    html(session)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@nox.session
def serve(session: nox.Session) -> None:
    """Live preview at http://127.0.0.1:8000 that rebuilds on every save (sphinx-autobuild).

    Stop it with Ctrl+C, or ``kill <pid of nox>``: SIGTERM is turned into the same interrupt,
    so nox stops sphinx-autobuild too (by default it would leave it serving the port).
    """
    install(session, "serve")
    signal.signal(signal.SIGTERM, _interrupt)
    session.run(
        "sphinx-autobuild", "-n", "--keep-going", "-d", str(DOCTREES / "serve"),
        "--watch", "ext", "--watch", "references.bib", "--port", "8000",
        "docs", str(BUILD / "serve"), *session.posargs,
    )  # fmt: skip


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite: the extension on small test projects, and the real book in all formats."""
    install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """Long run of the property-based incremental test (before a release): ``-- -x`` etc. go to pytest.

    ``CM_FUZZ_RUNS`` (default 20 seeds, each serial and -j 2) and ``CM_FUZZ_STEPS`` (default 12
    edits) set its size; ``CM_FUZZ_SEED=N`` replays one seed. ``nox -s tests`` runs a short profile.
    """
    install(session, "test")
    env = {"CM_FUZZ_RUNS": os.environ.get("CM_FUZZ_RUNS", "20"), "CM_FUZZ_STEPS": os.environ.get("CM_FUZZ_STEPS", "12")}
    session.run("pytest", "tests/test_ext_fuzz.py", *session.posargs, env=env)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint and format check on the Python code."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def precommit(session: nox.Session) -> None:
    """The pre-commit checks on every file: spelling, ruff, whitespace, config schemas, references."""
    session.install(*CONSTRAINTS, "pre-commit")
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """Reader-grade checks on the book in _build/ (run ``nox -s book`` first); ``-- NAME ...`` picks some.

    The reproducibility check makes two builds of its own. The checks' own tests are
    part of ``nox -s tests``.
    """
    install(session, "check")
    session.run("python", "-m", "checks", "--build", str(BUILD), *session.posargs)


@nox.session
def readability(session: nox.Session) -> None:
    """Reading level of the reader pages (Flesch-Kincaid, textstat): builds the HTML, fails above the ceilings.

    The table goes to _build/readability/report.md; ``nox -s check`` runs the same check.
    """
    install(session, "docs", "readability")
    sphinx(session, "html", BUILD / "html")
    session.run("python", "-m", "checks.readability", "--build", str(BUILD))


@nox.session
def bench(session: nox.Session) -> None:
    """Build-time benchmarks; report in benchmarks/results/ (options: nox -s bench -- --help)."""
    install(session, "bench")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check external links (needs the network; not part of CI)."""
    install(session, "docs")
    session.run("sphinx-build", "-b", "linkcheck", "-d", str(DOCTREES / "linkcheck"), "docs", str(BUILD / "linkcheck"))


@nox.session
def lock(session: nox.Session) -> None:
    """Refresh requirements/constraints.txt from pyproject.toml (then run the tests)."""
    session.install("uv")
    groups = [arg for group in PYPROJECT["dependency-groups"] for arg in ("--group", f"pyproject.toml:{group}")]
    session.run(
        "uv", "pip", "compile", *groups, "--python-version", "3.11",
        "--no-header", "--no-annotate", "-o", "requirements/constraints.txt",
    )  # fmt: skip
