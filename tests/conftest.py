"""Shared pytest set-up: Sphinx's test fixtures, the test roots, and small build helpers.

Test projects live in ``tests/roots/test-<name>/`` (use ``@pytest.mark.sphinx(testroot=...)``),
or are written into ``tmp_path`` from a dict of files with the ``write_project`` fixture.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp
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


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where ``@pytest.mark.sphinx(testroot="x")`` finds ``test-x``."""
    return ROOTS


@dataclass
class Element:
    """A parsed HTML element (just enough DOM for assertions)."""

    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def iter(self, tag: str | None = None, cls: str | None = None) -> Iterator[Element]:
        """This element and its descendants, optionally by tag and by one CSS class."""
        if (tag is None or self.tag == tag) and (cls is None or cls in self.classes):
            yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter(tag, cls)

    def first(self, tag: str | None = None, cls: str | None = None) -> Element:
        return next(self.iter(tag, cls))

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)


class _TreeBuilder(HTMLParser):
    VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    """A tolerant parse of an HTML page into :class:`Element` nodes."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


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
        """The output file *relpath*, parsed."""
        return parse_html(self.read(relpath))


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
