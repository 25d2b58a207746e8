"""The shared base of every ``cm`` directive, and how a ``:cite:`` option is split and checked.

Options are accepted permissively and checked in ``run()``, so MyST and
reStructuredText report the same typed warning (MyST drops an option its
converter rejects; rST would refuse the whole directive). Directives only build
annotated nodes; :meth:`condmech.domain.CondMechDomain.process_doc` records them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.logging import is_suppressed_warning
from sphinx.util.nodes import make_id
from sphinx.util.typing import OptionSpec

from . import citations, dates
from .config import ID_RE, CmConfig, get_config
from .model import BIDI_CONTROLS, CONTROL_CHARACTERS, Finding, Level
from .nodes import cm_unread
from .render import problem_marker
from .warnings import WARNING_TYPE, Subtype, nearest, suggest, warn

CITE_SPLIT = re.compile(r"[,\s]+")
#: A BibTeX key as sphinxcontrib-bibtex and Sphinx's role parsing read it: no braces (bibtex's
#: ``{pre}key{post}`` syntax, a ValueError there), no ``<>`` (Sphinx's ``title <target>``), no
#: quotes or other characters that end a key in a .bib file, no leading ``!`` or ``~`` (role
#: modifiers; ``!key`` made bibtex fail with a KeyError). Whitespace and commas separate keys.
CITE_KEY = re.compile(r"""[^\s,{}<>"#%'()=\\!~][^\s,{}<>"#%'()=\\]*""")
NOT_KEY = re.compile(r"""[\s,{}<>"#%'()=\\!~]""")


class AnyOption(dict[str, Callable[[str], Any]]):
    """An option spec that also accepts unknown names, so that ``run()`` reports a misspelt option.

    Without it, MyST drops an unknown option with its own untyped warning (and the
    directive then warns again about the option it lacks), and rST rejects the whole
    directive with a docutils error, so that a link silently vanished from the tables.
    """

    def __missing__(self, key: str) -> Callable[[str], Any]:
        return directives.unchanged

    def __bool__(self) -> bool:
        """True even when empty: both parsers read options only if the spec is truthy (else the
        option line is a parser error in MyST, and in rST it joins the argument)."""
        return True


class CmDirective(SphinxDirective):
    option_spec: ClassVar[OptionSpec] = AnyOption()

    @property
    def cm_config(self) -> CmConfig:
        return get_config(self.config)

    def option_line(self, name: str) -> int:
        """The line of option *name*, else of the directive.

        Both parsers keep the directive's full text, from its first line (``lineno``),
        in ``block_text``. Options in a MyST YAML block (``---``) are not found.
        """
        for offset, text in enumerate(self.block_text.splitlines()):
            if re.match(rf"\s*:{re.escape(name)}:", text):
                return self.lineno + offset
        return self.lineno

    def option_location(self, name: str) -> str:
        """``source:line`` of option *name* (see :meth:`option_line`), for a warning."""
        source, line = self.state_machine.get_source_and_line(self.option_line(name))
        return f"{source}:{line}"

    def has_required(self, names: tuple[str, ...], misspelt: set[str]) -> bool:
        """Whether every option in *names* is given; warns about each missing one that is not misspelt."""
        present = True
        for name in names:
            if not self.option(name):
                if name not in misspelt:
                    self.warn(f"cm:{self.name.split(':')[-1]} needs :{name}:", "missing_option", self.get_location())
                present = False
        return present

    def check_options(self) -> set[str]:
        """Warn about (and drop) unknown options and remove direction controls from values.

        Returns the known options that the unknown ones resemble (misspellings), whose
        absence is then not reported a second time.
        """
        for name, value in self.options.items():
            for pattern, what in (
                (BIDI_CONTROLS, "invisible text-direction characters (such as U+202E)"),
                (CONTROL_CHARACTERS, "control characters (such as BEL or ESC)"),
            ):
                if isinstance(value, str) and pattern.search(value):
                    self.warn(
                        f":{name}: contains {what}; they are removed", "invalid_character", self.option_location(name)
                    )
                    self.options[name] = value = pattern.sub("", value)
        resembled: set[str] = set()
        for name in [name for name in self.options if name not in self.option_spec]:
            hint = suggest(name, self.option_spec, "options")
            message = f"cm:{self.name.split(':')[-1]} has no option :{name}:{hint}"
            self.warn(message, "unknown_option", self.option_location(name))
            resembled.add(nearest(name, self.option_spec) or "")
            del self.options[name]
        return resembled

    def option(self, name: str) -> str:
        """An option's value, stripped ('' when absent)."""
        return (self.options.get(name) or "").strip()

    def valid_date(self, name: str) -> bool:
        """Whether the date option *name* is absent or a YYYY-MM-DD date; warns at its line if not."""
        value = self.option(name)
        if value and dates.parse(value) is None:
            self.warn(f"invalid :{name}: date {value!r}: write YYYY-MM-DD", "invalid_date", self.option_location(name))
            return False
        return True

    def warn(self, message: str, subtype: Subtype, location: str) -> None:
        """Warn, and remember the problem for :meth:`problem_marker` unless it is suppressed."""
        warn(message, subtype, location)
        if not is_suppressed_warning(WARNING_TYPE, subtype, self.config.suppress_warnings):
            self.problems.append(message)

    @property
    def problems(self) -> list[str]:
        """Problems reported by this directive so far."""
        return self.__dict__.setdefault("_problems", [])

    def problem_marker(self) -> list[nodes.Element]:
        """A visible note in the page if this directive reported problems."""
        return [problem_marker(self.problems)] if self.problems else []

    def unread(self, box: str, condition: str = "") -> list[nodes.Node]:
        """A declaration that could not be recorded: its problem note and body, kept where it stands.

        Its kind and condition (*condition*, else ``:condition:`` as written) go to the domain,
        so that Key messages and the table show a problem instead of "nothing studied".
        """
        node = cm_unread("", *self.problem_marker(), *self.body(), classes=[box])
        if self.problems:  # a suppressed warning leaves no note here, so none in the tables either
            node["ids"] = [make_id(self.env, self.state.document, "cm-problem")]
            node["kind"], node["line"] = self.name.split(":")[-1], self.lineno
            node["condition"] = condition or self.option("condition")
            self.set_source_info(node)
            self.state.document.note_explicit_target(node)
        return [node]

    def checked_id(self, value: str, what: str, option: str = "") -> str:
        """*value* if it is a well-formed id, else '' after a warning (at *option*'s line if given)."""
        if value and not ID_RE.match(value):
            self.warn(
                f"invalid {what} id {value!r}: use lower-case letters, digits and hyphens",
                "invalid_id",
                self.option_location(option) if option else self.get_location(),
            )
            return ""
        return value

    def argument_id(self, what: str) -> str:
        """The *what* id given as the directive's argument, checked; '' after a warning when there is none."""
        if not self.arguments:
            self.warn(f"{self.name} needs a {what} id argument", "missing_option", self.get_location())
            return ""
        return self.checked_id(self.arguments[0].strip(), what)

    def stable_anchor(self, prefix: str, *parts: str) -> str:
        """``:anchor:``, else *prefix* and *parts* joined: an id that does not move when other
        declarations are added above. If the page already has it, a ``duplicate_anchor`` warning
        and a serial id (``<prefix>-<n>``)."""
        explicit = self.checked_id(self.option("anchor"), "anchor", "anchor")
        anchor = explicit or nodes.make_id("-".join([prefix, *parts]))
        if anchor in self.state.document.ids:
            what = self.name.split(":")[-1]
            message = f"another element of this page has the anchor {anchor!r}; give this {what} its own :anchor:"
            self.warn(message, "duplicate_anchor", self.option_location("anchor"))
            anchor = make_id(self.env, self.state.document, prefix)
        return anchor

    def body(self) -> list[nodes.Node]:
        return self.parse_content_to_nodes(allow_section_headings=False) if self.content else []

    def citations(self) -> list[str]:
        """The keys of ``:cite:`` that are well formed and in the bibliography; a warning for each other one.

        Only these reach sphinxcontrib-bibtex, so no key can crash it or be reported twice.
        The page depends on the .bib files: adding a missing entry re-reads it.
        """
        given = [key for key in CITE_SPLIT.split(self.option("cite")) if key]
        if not given and self.cm_config.require_citations:
            self.warn(
                f"{self.name} has no :cite: keys; every declaration needs a source",
                "no_citation",
                self.option_location("cite"),
            )
        unique = list(dict.fromkeys(given))
        if len(unique) < len(given):
            self.warn(f"{self.name} lists a citation key twice", "duplicate_citation", self.option_location("cite"))
        bibfiles, known = citations.bib_keys(self.env)
        for path in bibfiles if given else ():
            self.env.note_dependency(str(path))
        keys = []
        for key in unique:
            if not CITE_KEY.fullmatch(key):
                self.warn(
                    f"malformed citation key {key!r}: give bare keys separated by commas, without braces, "
                    f"quotes or role syntax{suggest(NOT_KEY.sub('', key), sorted(known), 'keys')}",
                    "invalid_citation",
                    self.option_location("cite"),
                )
            elif key not in known:
                files = ", ".join(path.name for path in bibfiles) or "the bibliography (bibtex_bibfiles is empty)"
                self.warn(
                    f"citation key {key!r} is not in {files}{suggest(key, sorted(known), 'keys')}",
                    "unknown_citation",
                    self.option_location("cite"),
                )
            else:
                keys.append(key)
        return keys

    def level_and_finding(self, *, with_finding: bool = True) -> tuple[Level | None, Finding | None]:
        """The ``:level:`` and ``:finding:`` (the default finding when omitted); None after a warning."""
        cfg = self.cm_config
        level = cfg.level(self.option("level"))
        if self.option("level") and level is None:
            hint = suggest(self.option("level"), [lv.id for lv in cfg.levels], "levels")
            message = f"unknown evidence level {self.option('level')!r}{hint}"
            self.warn(message, "unknown_level", self.option_location("level"))
        if not with_finding:
            return level, None
        finding = cfg.finding(self.option("finding") or cfg.default_finding)
        if finding is None:
            hint = suggest(self.option("finding"), [f.id for f in cfg.findings], "findings")
            message = f"unknown finding {self.option('finding')!r}{hint}"
            self.warn(message, "unknown_finding", self.option_location("finding"))
        return level, finding

    def sources(self, keys: list[str]) -> list[nodes.Node]:
        """'Sources: <citations>' as sphinxcontrib-bibtex's ``cite:p``, plus its messages."""
        if not keys:
            return []
        cited, messages = citations.cite(self, keys)
        return [nodes.paragraph("", "Sources: ", *cited, classes=["cm-sources"]), *messages]

    def note(self) -> list[nodes.Node]:
        """The ``:note:`` as an italic line (nothing when absent)."""
        text = self.option("note")
        return [nodes.paragraph("", "", nodes.emphasis(text, text), classes=["cm-note"])] if text else []
