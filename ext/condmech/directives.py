"""Directives: ``cm:condition``, ``cm:mechanism``, ``cm:link``, ``cm:matrix``, ``cm:summary``,
``cm:key-messages``, and the shared base of every ``cm`` directive (the others are in
:mod:`condmech.clinical`, :mod:`condmech.status` and :mod:`condmech.review`).

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
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.logging import is_suppressed_warning
from sphinx.util.nodes import make_id
from sphinx.util.typing import OptionSpec

from . import citations, dates
from .config import ID_RE, CmConfig, get_config
from .model import BIDI_CONTROLS, CONTROL_CHARACTERS, Finding, Kind, Level
from .nodes import cm_assertion, cm_definition, cm_table_placeholder, cm_unread
from .render import problem_marker
from .warnings import WARNING_TYPE, Subtype, nearest, suggest, warn

VIEWS = ("matrix", "transposed", "list", "overview")


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


class _CmDirective(SphinxDirective):
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
        location = self.option_location("cite")
        if not given and self.cm_config.require_citations:
            self.warn(f"{self.name} has no :cite: keys; every declaration needs a source", "no_citation", location)
        unique = list(dict.fromkeys(given))
        if len(unique) < len(given):
            self.warn(f"{self.name} lists a citation key twice", "duplicate_citation", location)
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
                    location,
                )
            elif key not in known:
                files = ", ".join(path.name for path in bibfiles) or "the bibliography (bibtex_bibfiles is empty)"
                self.warn(
                    f"citation key {key!r} is not in {files}{suggest(key, sorted(known), 'keys')}",
                    "unknown_citation",
                    location,
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


class DefinitionDirective(_CmDirective):
    """Define a condition or mechanism: an index entry, a link target and a description."""

    kind: ClassVar[Kind]
    has_content = True
    optional_arguments = 1
    # An id with spaces is one argument, so it gets condmech.invalid_id, not a docutils error.
    final_argument_whitespace = True
    option_spec: ClassVar[OptionSpec] = AnyOption(
        {
            "name": directives.unchanged,
            "short": directives.unchanged,
            "plain": directives.unchanged,
        }
    )

    def run(self) -> list[nodes.Node]:
        misspelt = self.check_options()
        ident = self.argument_id(self.kind)
        if not ident:
            return [nodes.container("", *self.body(), classes=["cm-definition"])]
        name = self.option("name")
        if not name and "name" not in misspelt:
            warn(
                f"cm:{self.kind} {ident!r} has no :name:; the id is shown instead",
                "missing_option",
                self.get_location(),
            )
        name = name or ident
        short = self.option("short") or name
        limit = self.cm_config.max_name_length
        if len(short) > limit:  # only the table label is shortened; a long :name: with a :short: is fine
            label = ":short: label" if self.option("short") else "name"
            warn(
                f"{label} of {self.kind} {ident!r} is {len(short)} characters long (limit {limit}); "
                "tables shorten it, give a shorter :short: label",
                "name_too_long",
                self.option_location("short" if self.option("short") else "name"),
            )
        anchor = make_id(self.env, self.state.document, f"cm-{self.kind}", ident)
        node = cm_definition(
            "", classes=["cm-definition", f"cm-{self.kind}"], ids=[anchor],
            kind=self.kind, cm_id=ident, name=name, short=short, line=self.lineno,
            plain=self.option("plain") or short,
        )  # fmt: skip
        self.set_source_info(node)
        self.state.document.note_explicit_target(node)
        heading = nodes.paragraph("", classes=["cm-definition-title"])
        heading += nodes.Text(f"{self.kind.capitalize()}: ")
        heading += nodes.strong(name, name)
        node += heading
        node.extend(self.body())
        index_name = name.replace(";", ",")
        index = addnodes.index(
            entries=[
                ("single", f"{index_name} ({self.kind})", anchor, "", None),
                ("single", f"{self.kind}s; {index_name}", anchor, "", None),
            ]
        )
        return [index, node]


class ConditionDirective(DefinitionDirective):
    kind = "condition"


class MechanismDirective(DefinitionDirective):
    kind = "mechanism"


CITE_SPLIT = re.compile(r"[,\s]+")
#: A BibTeX key as sphinxcontrib-bibtex and Sphinx's role parsing read it: no braces (bibtex's
#: ``{pre}key{post}`` syntax, a ValueError there), no ``<>`` (Sphinx's ``title <target>``), no
#: quotes or other characters that end a key in a .bib file, no leading ``!`` or ``~`` (role
#: modifiers; ``!key`` made bibtex fail with a KeyError). Whitespace and commas separate keys.
CITE_KEY = re.compile(r"""[^\s,{}<>"#%'()=\\!~][^\s,{}<>"#%'()=\\]*""")
NOT_KEY = re.compile(r"""[\s,{}<>"#%'()=\\!~]""")


class LinkDirective(_CmDirective):
    """State that a mechanism is proposed for a condition, with evidence and sources."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = AnyOption(
        {
            "condition": directives.unchanged,
            "mechanism": directives.unchanged,
            "level": directives.unchanged,
            "finding": directives.unchanged,
            "cite": directives.unchanged,
            "note": directives.unchanged,
            "anchor": directives.unchanged,
            "measured": directives.unchanged,
        }
    )

    def anchor(self, condition: str, mechanism: str, level: str, keys: list[str]) -> list[str]:
        """The link's ids: its own anchor, then the old serial one for links made before it existed.

        The anchor is ``:anchor:`` or ``cm-link-<condition>-<mechanism>-<level>-<first key>``,
        so it does not move when other links are added or removed. The second id is
        what earlier editions used (``cm-link-<condition>-<mechanism>`` for the first
        link of a pair in the page, ``cm-link-<n>`` after it), so old deep links still land.
        """
        anchor = self.stable_anchor("cm-link", condition, mechanism, level, *keys[:1])
        old = make_id(self.env, self.state.document, "cm-link", f"{condition}-{mechanism}")
        return [anchor, old]

    def run(self) -> list[nodes.Node]:
        misspelt = self.check_options()
        recorded = self.has_required(("condition", "mechanism", "level"), misspelt)
        condition = self.checked_id(self.option("condition"), "condition", "condition")
        mechanism = self.checked_id(self.option("mechanism"), "mechanism", "mechanism")
        level, finding = self.level_and_finding()
        keys = self.citations()
        recorded = recorded and bool(condition and mechanism and level and finding)
        if not recorded or level is None or finding is None:
            return self.unread("cm-assertion")
        measured = self.option("measured")
        if not measured:
            warn(
                "cm:link without :measured: is deprecated: if the cited studies measured the mechanism, "
                "add ':measured: <what they measured>'; if they measured pain, function or disease activity, "
                "write cm:effect with :outcome: instead",
                "deprecated",
                self.get_location(),
            )

        node = cm_assertion(
            "", ids=self.anchor(condition, mechanism, level.id, keys),
            classes=["cm-assertion", f"cm-assertion-{level.id}", f"cm-assertion-{finding.id}"],
            condition=condition, mechanism=mechanism, level=level.id, finding=finding.id,
            citations=keys, note=self.option("note"), docname=self.env.current_document.docname,
            line=self.lineno, recorded=True, measured=measured,
            condition_line=self.option_line("condition"), mechanism_line=self.option_line("mechanism"),
        )  # fmt: skip
        self.set_source_info(node)
        self.state.document.note_explicit_target(node)
        node.extend(self.problem_marker())
        node.extend(self.note())
        if measured:
            node += nodes.paragraph("", f"Measured: {measured}", classes=["cm-measured"])
        node.extend(self.body())
        node.extend(self.sources(keys))
        return [node]


class _TableDirective(_CmDirective):
    def placeholder(self, view: str, condition: str, mechanism: str) -> cm_table_placeholder:
        min_level = self.option("min-level")
        if min_level and self.cm_config.level(min_level) is None:
            warn(
                f"unknown evidence level {min_level!r} in :min-level:; no filter applied"
                + suggest(min_level, [lv.id for lv in self.cm_config.levels], "levels"),
                "unknown_level",
                self.option_location("min-level"),
            )
            min_level = ""
        node = cm_table_placeholder(
            "", ids=[make_id(self.env, self.state.document, "cm-table", view)],
            view=view, min_level=min_level, condition=condition, mechanism=mechanism,
            caption=self.option("caption"), docname=self.env.current_document.docname, line=self.lineno,
        )  # fmt: skip
        self.set_source_info(node)
        self.state.document.note_explicit_target(node)
        return node


class MatrixDirective(_TableDirective):
    """The condition × mechanism table (or its transposed or list view), filled after reading."""

    option_spec: ClassVar[OptionSpec] = AnyOption(
        {
            "view": directives.unchanged,
            "min-level": directives.unchanged,
            "condition": directives.unchanged,
            "mechanism": directives.unchanged,
            "caption": directives.unchanged,
        }
    )

    def run(self) -> list[nodes.Node]:
        self.check_options()
        view = self.option("view") or "matrix"
        if view not in VIEWS:
            warn(
                f"unknown :view: {view!r}{suggest(view, VIEWS, 'views')}; using 'matrix'",
                "invalid_option",
                self.option_location("view"),
            )
            view = "matrix"
        condition = self.checked_id(self.option("condition"), "condition", "condition")
        mechanism = self.checked_id(self.option("mechanism"), "mechanism", "mechanism")
        return [self.placeholder(view, condition, mechanism)]


class SummaryDirective(_TableDirective):
    """A compact list of the mechanisms and evidence declared for one condition."""

    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[OptionSpec] = AnyOption({"min-level": directives.unchanged})
    view: ClassVar[str] = "summary"

    def run(self) -> list[nodes.Node]:
        self.check_options()
        condition = self.argument_id("condition")
        if not condition:
            return []
        return [self.placeholder(self.view, condition, "")]


class KeyMessagesDirective(SummaryDirective):
    """The "Key messages" box of one condition, drawn from all its declarations."""

    option_spec: ClassVar[OptionSpec] = AnyOption()
    view = "key-messages"


def register(app: Sphinx) -> None:
    """Register the directives in the ``cm`` domain."""
    from .approvals import ApprovalDirective, CheckedDirective
    from .clinical import EffectDirective, HarmDirective
    from .review import ReviewedDirective
    from .status import StatusDirective

    for name, directive in (
        ("condition", ConditionDirective),
        ("mechanism", MechanismDirective),
        ("link", LinkDirective),
        ("matrix", MatrixDirective),
        ("summary", SummaryDirective),
        ("effect", EffectDirective),
        ("harm", HarmDirective),
        ("status", StatusDirective),
        ("approval", ApprovalDirective),
        ("checked", CheckedDirective),
        ("reviewed", ReviewedDirective),
        ("key-messages", KeyMessagesDirective),
    ):
        app.add_directive_to_domain("cm", name, directive)
