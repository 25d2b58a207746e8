"""Shared pytest set-up: Sphinx's test fixtures, the test roots, and small build helpers.

Test projects live in ``tests/roots/test-<name>/`` (use ``@pytest.mark.sphinx(testroot=...)``),
or are written into ``tmp_path`` from a dict of files with the ``write_project`` fixture.
HTML output is read with ``sphinx.testing.util.etree_parse`` (``Built.html``) and queried with
ElementTree's XPath subset (``select``, ``first``).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from sphinx.testing.util import SphinxTestApp, etree_parse
from sphinx.util.console import strip_colors

pytest_plugins = ("sphinx.testing.fixtures",)
collect_ignore = ["roots"]

ROOTS = Path(__file__).parent / "roots"

#: The conf.py of a project written by ``write_project`` (extra lines are appended).
BASE_CONF = """\
project = "test project"
author = "Test"
copyright = "2026, Test"
version = release = "1.0"
extensions = ["myst_parser", "condmech"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
epub_copyright = copyright
"""

#: Invented entries for test projects only (not book references).
BASE_BIB = """\
@article{alpha2020,
  author = {Alpha, Ann},
  title = {An invented test study},
  journal = {Journal of Test Entries},
  year = {2020},
}

@article{gamma2021,
  author = {Gamma, Gail},
  title = {A second invented test study},
  journal = {Journal of Test Entries},
  year = {2021},
}
"""

BASE_BIBLIOGRAPHY = "# References\n\n```{bibliography}\n```\n"

#: The condition and mechanism that the inline test pages link to (a page's lines 3-9 when it starts with them).
DEFINITIONS = """\
:::{cm:condition} knee
:name: Knee pain
:::

:::{cm:mechanism} paracrine
:name: Paracrine signalling
:::
"""


def index_page(*docnames: str) -> str:
    """The ``index.md`` of an inline test project: a toctree of *docnames*."""
    return "# Index\n\n```{toctree}\n" + "".join(f"{name}\n" for name in docnames) + "```\n"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where ``@pytest.mark.sphinx(testroot="x")`` finds ``test-x``."""
    return ROOTS


def select(element: Element, path: str = ".//*", cls: str | None = None) -> list[Element]:
    """``element.findall(path)`` (ElementTree's XPath subset), keeping those with the CSS class *cls*.

    XPath's ``[@class='x']`` needs the whole attribute; *cls* matches one class among several.
    """
    return [el for el in element.findall(path) if cls is None or cls in classes(el)]


def first(element: Element, path: str, cls: str | None = None) -> Element:
    """The first match of :func:`select`; fails the test if there is none."""
    found = select(element, path, cls)
    assert found, f"nothing matches {path!r} with class {cls!r}"
    return found[0]


def classes(element: Element) -> list[str]:
    return element.get("class", "").split()


def text(element: Element) -> str:
    """All text inside *element*, as a browser's ``textContent``."""
    return "".join(element.itertext())


@dataclass
class Built:
    """A finished build: the app, its warnings as plain lines, and file access."""

    app: SphinxTestApp

    @property
    def outdir(self) -> Path:
        return Path(self.app.outdir)

    @property
    def warnings(self) -> list[str]:
        """Warning lines without colours (continuation lines of a message are dropped)."""
        text = strip_colors(self.app.warning.getvalue())
        return [line for line in text.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)]

    @property
    def status(self) -> str:
        return strip_colors(self.app.status.getvalue())

    def read(self, relpath: str) -> str:
        return (self.outdir / relpath).read_text(encoding="utf-8")

    def html(self, relpath: str) -> Element:
        """The root element of the output file *relpath*, parsed as Sphinx's own tests do."""
        return etree_parse(self.outdir / relpath).getroot()


#: The build date of the extension tests (2026-12-01 00:00 UTC): review and status dates are checked against it.
BUILD_EPOCH = "1796083200"


@pytest.fixture(autouse=True)
def build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fix ``SOURCE_DATE_EPOCH`` so that date checks do not depend on the day the tests run."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)


@pytest.fixture
def write_project(tmp_path: Path) -> Callable[..., Path]:
    """Write a small Sphinx project into ``tmp_path/<name>`` and return its source folder.

    ``files`` maps relative paths to text; ``conf.py`` gets ``BASE_CONF`` plus ``conf``,
    and ``refs.bib`` and ``bibliography.md`` are added unless ``files`` gives them.
    """

    def write(files: dict[str, str], *, conf: str = "", name: str = "src") -> Path:
        srcdir = tmp_path / name
        if srcdir.exists():
            shutil.rmtree(srcdir)
        contents = {"refs.bib": BASE_BIB, "bibliography.md": BASE_BIBLIOGRAPHY, **files}
        contents["conf.py"] = BASE_CONF + conf
        for relpath, text in contents.items():
            path = srcdir / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return srcdir

    return write


@pytest.fixture
def copy_root(tmp_path: Path) -> Callable[..., Path]:
    """Copy ``tests/roots/test-<root>`` to ``tmp_path/<name>`` (for tests that edit sources)."""

    def copy(root: str, name: str = "src") -> Path:
        target = tmp_path / name
        shutil.copytree(ROOTS / f"test-{root}", target, dirs_exist_ok=True)
        return target

    return copy


@pytest.fixture
def build(make_app: Callable[..., SphinxTestApp]) -> Callable[..., Built]:
    """Build the project in ``srcdir`` (fresh environment unless ``freshenv=False``).

    Docutils' global registries are reset after each build, so one test can build
    several projects (or the same one again) without cross-talk.
    """

    def run(srcdir: Path, buildername: str = "html", **kwargs: Any) -> Built:
        kwargs.setdefault("freshenv", True)
        app = make_app(buildername, srcdir=srcdir, **kwargs)
        try:
            app.build()
        finally:
            app.cleanup()
        return Built(app)

    return run


@pytest.fixture(scope="session")
def build_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Built]]:
    """Build a copy of ``tests/roots/test-<root>`` once per session, builder and overrides.

    The result is shared between tests, so they must only read it.
    """
    cache: dict[str, Built] = {}

    def run(root: str, buildername: str = "html", **confoverrides: Any) -> Built:
        key = repr((root, buildername, sorted(confoverrides.items())))
        if key not in cache:
            srcdir = tmp_path_factory.mktemp(f"{root}-{buildername}")
            shutil.copytree(ROOTS / f"test-{root}", srcdir, dirs_exist_ok=True)
            app = SphinxTestApp(
                buildername, srcdir=srcdir, freshenv=True, confoverrides=confoverrides,
                status=StringIO(), warning=StringIO(),
            )  # fmt: skip
            try:
                app.build()
            finally:
                app.cleanup()
            cache[key] = Built(app)
        return cache[key]

    yield run
