"""Build, preview, test and check the book: ``nox -l`` lists the sessions.

Every session installs from ``requirements/constraints.txt`` (exact versions
that were tested), so a fresh machine reproduces the tested stack. Outputs:
``_build/html/``, ``_build/pdf/<book>.pdf``, ``_build/epub/<book>.epub``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent))  # nox's own interpreter does not put this folder on the path
from tools.recipe import FORMATS, LENIENT, Recipe

ROOT = Path(__file__).parent
BUILD = ROOT / "_build"
PYPROJECT = nox.project.load_toml("pyproject.toml")
CONSTRAINTS = ("-c", "requirements/constraints.txt")

#: The evidence export of the HTML build, and the folder of each edition's copy of it (the snapshot that
#: the next edition's "What changed in this edition" page, ``docs/back/changes.md``, compares with).
EXPORT = Path("html", "_static", "condition-mechanism.json")
SNAPSHOTS = ROOT / "docs" / "_data" / "exports"
#: The newest Python the extension is tested on (with the newest Sphinx 9.x: ``nox -s tests-latest``).
LATEST_PYTHON = "3.13"
#: The extension's tests, and the contracts that pin the other packages' internals it and docs/_ext rely on.
EXTENSION_TESTS = [
    *sorted(f"tests/{p.name}" for p in (ROOT / "tests").glob("test_ext_*.py")),
    "tests/test_matrix.py",
    "tests/test_contracts.py",
]

# Install packages with their bytecode compiled. Where PYTHONDONTWRITEBYTECODE is set (as on this project's
# own machines), Python would otherwise compile Sphinx and every extension again at each build (about 0.9 s).
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["book", "tests", "lint"]


def install(session: nox.Session, *groups: str) -> None:
    """Install dependency groups (and this project, for the extension) at the tested versions."""
    packages = [pkg for group in groups for pkg in nox.project.dependency_groups(PYPROJECT, group)]
    session.install(*CONSTRAINTS, *packages, "-e", ".")


def build(session: nox.Session, formats: tuple[str, ...], *options: str) -> None:
    """Build formats in order with the book's recipe (tools/recipe.py), in the session's environment."""
    install(session, "docs")
    recipe = Recipe(python="python")
    env = recipe.env()

    def run(fmt: str, step: int, command: list[str]) -> None:
        try:
            session.run(*command, external=True, env=env)
        except nox.command.CommandFailed:
            forget_environment(command)
            raise

    recipe.run(formats, run, *options)
    for fmt in formats:
        session.log(f"{fmt}: {recipe.out / fmt}")


def forget_environment(command: list[str]) -> None:
    """After a failed Sphinx run (with -W, any warning), delete the environment it pickled.

    Sphinx saves it even then, and the next build reads only changed pages: the warnings of
    a page left unchanged would not come back, and that build would pass with the fault still
    there. Without the pickle the next build reads every page (about 20 s for the HTML).
    """
    if "-d" in command:
        (Path(command[command.index("-d") + 1]) / "environment.pickle").unlink(missing_ok=True)


@nox.session
def html(session: nox.Session) -> None:
    """HTML site in _build/html (links the PDF and EPUB if they were built first)."""
    build(session, ("html",), *session.posargs)


@nox.session
def pdf(session: nox.Session) -> None:
    """PDF via LaTeX and latexmk/XeLaTeX, copied to _build/pdf/."""
    build(session, ("pdf",), *session.posargs)


@nox.session
def epub(session: nox.Session) -> None:
    """EPUB 3 in _build/epub/ (emptied first and doctrees kept outside, so nothing stray is packed)."""
    build(session, ("epub",), *session.posargs)


@nox.session
def book(session: nox.Session) -> None:
    """All three formats; HTML last, so that it offers the freshly built PDF and EPUB."""
    build(session, FORMATS, *session.posargs)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@nox.session
def snapshot(session: nox.Session) -> None:
    """Keep this checkout's evidence export as an edition's snapshot: ``-- EDITION`` (default: conf.py's release).

    Run on the release commit; writes ``docs/_data/exports/<edition>.json`` (see CONTRIBUTING.md).
    """
    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    edition = session.posargs[0] if session.posargs else re.search(r'release = "([^"]+)"', conf)[1]
    target = SNAPSHOTS / f"{edition}.json"
    if target.exists():  # a later commit's data would rewrite what the edition said
        session.error(f"{target.relative_to(ROOT)} exists: an edition's snapshot is taken once, at its release")
    build(session, ("html",))
    shutil.copyfile(BUILD / EXPORT, target)
    session.log(f"snapshot of edition {edition}: {target.relative_to(ROOT)}")


@nox.session
def changes(session: nox.Session) -> None:
    """What changed in the evidence since another commit, as Markdown: ``-- REV`` (default: main).

    Builds the export of this checkout, and that of REV in a scratch git worktree with REV's own
    noxfile and extension, then compares them (``python -m condmech diff``). Prints the result and
    keeps it in ``_build/changes/changes.md``; the pull-request workflow posts it.
    """
    rev = session.posargs[0] if session.posargs else "main"
    build(session, ("html",))
    work = BUILD / "changes"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copyfile(BUILD / EXPORT, work / "new.json")
    base = work / "base"
    session.run("git", "worktree", "add", "--detach", str(base), rev, external=True)
    try:
        session.run(sys.executable, "-m", "nox", "-f", str(base / "noxfile.py"), "-s", "html", external=True)
        shutil.copyfile(base / "_build" / EXPORT, work / "old.json")
    finally:
        session.run("git", "worktree", "remove", "--force", str(base), external=True)
    markdown = session.run(
        "python", "-m", "condmech", "diff", str(work / "old.json"), str(work / "new.json"),
        "--old-label", rev, "--new-label", "this change", silent=True,
    )  # fmt: skip
    (work / "changes.md").write_text(markdown, encoding="utf-8")
    print(markdown)


@nox.session
def serve(session: nox.Session) -> None:
    """Live preview at http://127.0.0.1:8000 that rebuilds on every save (sphinx-autobuild).

    Stop it with Ctrl+C, or ``kill <pid of nox>``: SIGTERM is turned into the same interrupt,
    so nox stops sphinx-autobuild too (by default it would leave it serving the port).
    """
    install(session, "serve")
    signal.signal(signal.SIGTERM, _interrupt)
    session.run(
        "sphinx-autobuild", *LENIENT, "-d", str(Recipe().doctrees("serve")),
        "--watch", "ext", "--watch", "references.bib", "--port", "8000",
        "docs", str(BUILD / "serve"), *session.posargs,
    )  # fmt: skip


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite: the extension on small test projects, and the real book in all formats.

    Two pytest-xdist workers per core (``-- -n 0`` runs it in one process): much of the suite waits on
    sphinx-build, LaTeX and Chromium processes, so a second worker keeps each core busy (on 2 cores,
    December 2026: 151 s with 2 workers, 142 s with 3, 139 s with 4). Each test file runs in one
    worker, so that a file's shared builds (the whole book in tests/test_book.py, built once per
    session) and browser are made once; the 15 slowest tests are listed at the end. (``--dist
    loadgroup`` would group finer, but pytest-xdist 3.8 sets a node id that pytest 9.2 no longer
    reads: the book was built twice.)
    """
    install(session, "test")
    workers = str(min(2 * (os.cpu_count() or 1), 8))
    session.run("pytest", "-n", workers, "--dist", "loadfile", "--durations=15", *session.posargs)


@nox.session(python=LATEST_PYTHON, name="tests-latest")
def tests_latest(session: nox.Session) -> None:
    """The extension's tests on the newest supported Python with the newest Sphinx 9.x and extensions (unpinned).

    The pinned stack (``tests``) is what the book is built with; this one shows the extension works on the
    newest releases, since it touches Sphinx internals. Without a Python LATEST_PYTHON interpreter on PATH,
    nox skips it (and fails where ``CI`` is set); ``./book test`` runs it only when ``python3.13`` works, and
    says so otherwise. ``.ci/run`` makes pyenv's 3.13 visible; GitHub runs it as a job of its own.
    """
    packages = nox.project.dependency_groups(PYPROJECT, "test-extension")
    session.install("--upgrade", *packages, "-e", ".")
    session.run("python", "-c", "import sphinx, myst_parser, sphinxcontrib.bibtex as b; "
                "print('Sphinx', sphinx.__version__, '| myst-parser', myst_parser.__version__)")  # fmt: skip
    session.run("pytest", *EXTENSION_TESTS, *session.posargs)


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
    # Ace by DAISY (the ace check), as locked in checks/package-lock.json; it drives
    # Debian's Chromium, so neither Electron nor puppeteer may download a browser.
    session.run(
        "npm", "ci", "--prefix", "checks", "--ignore-scripts", "--no-audit", "--no-fund", external=True,
        env={"ELECTRON_SKIP_BINARY_DOWNLOAD": "1", "PUPPETEER_SKIP_DOWNLOAD": "1"},
    )  # fmt: skip
    session.run("python", "-m", "checks", "--build", str(BUILD), *session.posargs)


@nox.session
def quick(session: nox.Session) -> None:
    """The fast lane for a change to the text or a declaration (under a minute warm): spelling, the
    reference check, the HTML with -W (the extension's warnings, unknown citation keys), the reading level.

    ``./book quick``. For other changes, see CONTRIBUTING.md ("Which checks for which change").
    """
    session.install(*CONSTRAINTS, "pre-commit")
    install(session, "readability")
    steps = {
        "spelling": lambda: session.run("pre-commit", "run", "codespell", "--all-files"),
        "references": lambda: session.run("pre-commit", "run", "check-references", "--all-files"),
        "html": lambda: build(session, ("html",)),  # -W --keep-going: the pages are written all the same
        "readability": lambda: session.run("python", "-m", "checks.readability", "--build", str(BUILD)),
    }
    failed = []
    for name, step in steps.items():  # every step runs, so one pass shows every problem
        try:
            step()
        except nox.command.CommandFailed:
            failed.append(name)
    if failed:
        session.error(f"failed: {', '.join(failed)}")


@nox.session
def readability(session: nox.Session) -> None:
    """Reading level of the reader pages (Flesch-Kincaid and SMOG, textstat): builds the HTML, fails above the ceilings.

    The table goes to _build/readability/report.md; ``nox -s check`` runs the same check.
    """
    build(session, ("html",))
    install(session, "readability")
    session.run("python", "-m", "checks.readability", "--build", str(BUILD), *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Build-time benchmarks; report in benchmarks/results/ (options: nox -s bench -- --help)."""
    install(session, "bench")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check external links (needs the network; not part of CI)."""
    install(session, "docs")
    session.run(*Recipe(python="python", strict=False).sphinx("linkcheck"), external=True)


@nox.session
def lock(session: nox.Session) -> None:
    """Refresh requirements/constraints.txt from pyproject.toml (then run the tests)."""
    session.install("uv")
    groups = [arg for group in PYPROJECT["dependency-groups"] for arg in ("--group", f"pyproject.toml:{group}")]
    session.run(
        "uv", "pip", "compile", *groups, "--python-version", "3.11",
        "--no-header", "--no-annotate", "-o", "requirements/constraints.txt",
    )  # fmt: skip
