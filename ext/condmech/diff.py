"""Compare two exports of the book's evidence: what is new, removed or different, per condition.

Works on the export's records, not on the extension's model, so that it reads every
schema the extension has written (``condmech/1`` onwards) and needs no Sphinx:

- a *record kind* is a top-level list of the export whose entries name a ``condition``
  (``links``, ``effects``, ``harms``, ``statuses``, and any a later schema adds);
  ``cells`` are derived from the links and left out; page ``reviews`` are matched to the
  condition whose page they date;
- records of a kind are paired by their identity: the condition alone when the kind has
  at most one record per condition (a status, a review date), else the condition, the
  mechanism or outcomes, and the first source; records that share an identity are paired
  by equal content, then by anchor, then in book order;
- fields are compared by name; ids are shown with the label the export gives them.

A kind or field that only one of the two exports has cannot be compared: the comparison
says so in :attr:`Comparison.notes`, and lists the records of a kind the old export
lacked as "now recorded", never as new or changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from . import approvals, dates
from .certainty import join

SCHEMA_RE = re.compile(r"condmech/(\d+)")

#: Record kinds the reader knows by a question of the evidence table, in the order shown.
TOPICS: dict[str, str] = {
    "effects": "Does it help?",
    "harms": "Harms",
    "links": "How might it work?",
    "statuses": "Approved?",
    "approvals": "Approved?",
    "reviews": "Chapter reviewed",
}
#: Record kinds about the whole book, not one condition (listed after the conditions), keyed by ``id``.
BOOK_TOPICS: dict[str, str] = {"checks": "Where we looked for approvals"}
#: The heading of the book-wide changes.
WHOLE_BOOK = "All conditions"
#: Top-level lists that are not declarations of their own (derived, or vocabularies).
NOT_RECORDS = frozenset({"cells", "conditions", "mechanisms", "evidence_levels", "findings", "outcomes"})
#: Fields that say where a record is, not what it says.
LOCATION_FIELDS = frozenset({"condition", "docname", "line", "section", "url", "links"})
#: Reader words for the fields, in the order changes are listed; any other field is shown by its name, last.
FIELD_LABELS: dict[str, str] = {
    "level": "evidence",
    "finding": "finding",
    "certainty": "certainty",
    "rated_by": "certainty rated by",
    "size": "size of the effect",
    "outcomes": "outcomes",
    "mechanism": "mechanism",
    "seen": "what was seen",
    "studied": "who was studied",
    "summary": "status",
    "approved": "approvals",
    "kind": "kind",
    "date": "date",
    "covers": "covers",
    "not_for": "not for",
    "source": "source",
    "extent": "looked for",
    "how": "how",
    "as_of": "checked on",
    "reviewed": "reviewed on",
    "citations": "sources",
    "measured": "what was measured",
    "note": "note",
}
#: Fields that word a record rather than state evidence: in the Markdown for reviewers, not on the reader page.
WORDING_FIELDS = frozenset({"note", "measured"})
#: List fields compared as a whole ("kind full → conditional, time-limited"); other lists by item added or removed.
WHOLE_FIELDS = frozenset({"kind", "outcomes"})
#: Fields holding an ISO date, shown as "1 December 2026".
DATE_FIELDS = frozenset({"as_of", "reviewed"})
#: Field -> the export's list that labels its ids.
VOCABULARIES: dict[str, str] = {
    "level": "evidence_levels",
    "finding": "findings",
    "outcomes": "outcomes",
    "mechanism": "mechanisms",
    "certainty": "certainties",
}

Status = Literal["new", "removed", "changed"]


class SnapshotError(ValueError):
    """An export that cannot be read: not UTF-8 JSON, or not a condmech export."""


@dataclass(frozen=True)
class Export:
    """One export, read: its schema version and its data."""

    version: int
    data: Mapping[str, Any]

    @classmethod
    def parse(cls, text: str) -> Export:
        """The export in *text*; :class:`SnapshotError` says what is wrong with it."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise SnapshotError(f"not valid JSON: {err}") from None
        return cls.from_data(data)

    @classmethod
    def from_data(cls, data: Any) -> Export:
        """The export of *data* (the export's JSON, loaded; see :meth:`parse`)."""
        if not isinstance(data, dict):
            raise SnapshotError("not a condmech export (no JSON object at the top)")
        found = SCHEMA_RE.fullmatch(str(data.get("schema", "")))
        if found is None:
            raise SnapshotError(f"not a condmech export (schema {data.get('schema')!r})")
        for key in ("conditions", *(k for k, v in data.items() if isinstance(v, list))):
            items = data.get(key)
            if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                raise SnapshotError(f"not a condmech export ({key!r} is not a list of objects)")
        if not all(isinstance(c.get("id"), str) and isinstance(c.get("name"), str) for c in data["conditions"]):
            raise SnapshotError("not a condmech export (a condition has no id or name)")
        return cls(int(found.group(1)), data)

    @classmethod
    def load(cls, path: str | Path) -> Export:
        """The export in the file *path* (see :meth:`parse`)."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise SnapshotError(f"cannot be read: {err}") from None
        return cls.parse(text)

    @property
    def schema(self) -> str:
        return f"condmech/{self.version}"

    @cached_property
    def conditions(self) -> dict[str, str]:
        """Condition id -> display name, in book order."""
        return {c["id"]: c["name"] for c in self.data["conditions"]}

    @cached_property
    def kinds(self) -> tuple[str, ...]:
        """The record kinds this export has."""
        return tuple(
            key
            for key, value in self.data.items()
            if isinstance(value, list)
            and key not in NOT_RECORDS
            and (key in TOPICS or key in BOOK_TOPICS or _names_condition(value))
        )

    def records(self, kind: str) -> list[dict[str, Any]]:
        """The records of *kind* that belong to a defined condition (reviews: of a condition's page)."""
        items = self.data.get(kind, [])
        if kind in BOOK_TOPICS:
            return [{**r, "condition": ""} for r in items]
        if kind == "reviews":
            pages = {c["docname"]: c["id"] for c in self.data["conditions"] if "docname" in c}
            return [{**r, "condition": pages[r["docname"]]} for r in items if r.get("docname") in pages]
        return [r for r in items if r.get("condition") in self.conditions]

    def label(self, field: str, value: str) -> str:
        """The reader's label of an id *value* of *field* (the id in words when the export has none)."""
        for entry in self.data.get(VOCABULARIES.get(field, ""), []):
            if entry.get("id") == value:
                return str(entry.get("label") or entry.get("name") or value)
        return value.replace("-", " ")


def _names_condition(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and "condition" in item for item in items)


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between a record and its counterpart.

    ``old`` is None when the old export's schema had no such field; list fields give
    what was ``added`` and ``removed`` instead of the whole list.
    """

    name: str
    old: str | None
    new: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.name, self.name.replace("_", " "))

    def text(self, reader: bool = False) -> str:
        """In words, e.g. "certainty low → moderate"; for a *reader*, sources are counted, not keyed."""
        if reader and self.name == "rated_by":
            return FieldChange(self.name, _rater(self.old), _rater(self.new) or "").text()
        if self.added or self.removed:
            if self.name == "citations" and reader:
                parts = [_count(len(self.added), "new source"), _count(len(self.removed), "source removed")]
                return ", ".join(part for part in parts if part)
            parts = [f"{self.label} added: {'; '.join(self.added)}" if self.added else ""]
            parts.append(f"{self.label} removed: {'; '.join(self.removed)}" if self.removed else "")
            return ", ".join(part for part in parts if part)
        if self.old is None:
            return f"{self.label} now given: {self.new}"
        return f"{self.label} {self.old or '(none)'} → {self.new or '(none)'}"


def _rater(value: str | None) -> str | None:
    """Who rated a certainty, for a reader: the editors, or a cited review (not its key)."""
    if not value:
        return value
    return "the editors" if value == "editors" else "a cited review"


def _count(n: int, what: str) -> str:
    if not n:
        return ""
    return f"{n} {what}" if n == 1 else f"{n} {what.replace('source', 'sources', 1)}"


@dataclass(frozen=True)
class Change:
    """A record that is new, removed or changed."""

    status: Status
    topic: str
    #: What the record says (new or removed), in words.
    summary: str = ""
    fields: tuple[FieldChange, ...] = ()
    #: A new record of a kind the old export did not have: now recorded, not necessarily new.
    first_recorded: bool = False

    def text(self, reader: bool = False) -> str:
        """One line in words, e.g. "Does it help? (pain): certainty low → moderate".

        For a *reader*, changes of wording only (:data:`WORDING_FIELDS`) are left out: '' when
        nothing else changed.
        """
        if self.status == "changed":
            fields = [f.text(reader) for f in self.fields if not (reader and f.name in WORDING_FIELDS)]
            return f"{self.topic}: {'; '.join(fields)}." if fields else ""
        what = {"new": "new", "removed": "no longer listed"}[self.status]
        what = "now recorded" if self.first_recorded else what
        return f"{self.topic}: {what}: {self.summary}." if self.summary else f"{self.topic}: {what}."


@dataclass(frozen=True)
class ConditionChanges:
    """The changes of one condition, in the order of :data:`TOPICS`."""

    id: str
    name: str
    changes: tuple[Change, ...]
    #: "new": not in the old export; "removed": not in the new one; "" in both.
    status: Literal["new", "removed", ""] = ""


@dataclass(frozen=True)
class Comparison:
    """Everything that differs between two exports."""

    old_schema: str
    new_schema: str
    conditions: tuple[ConditionChanges, ...]
    #: What could not be compared: kinds only the new export has (their records are first
    #: recorded), kinds only the old one has, fields only the new records have.
    first_kinds: tuple[str, ...] = ()
    dropped_kinds: tuple[str, ...] = ()
    new_fields: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not any(c.changes or c.status for c in self.conditions)

    def notes(self, old_label: str, reader: bool = False) -> list[str]:
        """What could not be compared, in sentences naming the older export *old_label*.

        For a *reader*, fields of wording (:data:`WORDING_FIELDS`, not listed then) are not mentioned.
        """
        notes = []
        if self.first_kinds:
            kinds = join([KIND_WORDS.get(k, k.replace("_", " ")) for k in self.first_kinds], "or")
            notes.append(f"The {old_label} records did not include {kinds}. These are marked “now recorded”.")
        if self.dropped_kinds:
            kinds = join([KIND_WORDS.get(k, k.replace("_", " ")) for k in self.dropped_kinds], "or")
            notes.append(f"This edition's records no longer include {kinds}, so they are not compared.")
        new_fields = [f for f in self.new_fields if not (reader and f in WORDING_FIELDS)]
        if new_fields:
            fields = join([FIELD_LABELS.get(f, f.replace("_", " ")) for f in new_fields], "or")
            notes.append(f"The {old_label} records did not give {fields}. These are marked “now given”.")
        return notes


def compare(old: Export, new: Export) -> Comparison:
    """What differs from *old* to *new*, per condition (in the new book order, removed ones last)."""
    kinds = sorted(new.kinds, key=lambda kind: _rank(list(TOPICS), kind))
    changes: dict[str, list[Change]] = {}
    new_fields: set[str] = set()
    for kind in kinds:
        for condition, change in _compare_kind(kind, old, new, kind not in old.kinds, new_fields):
            changes.setdefault(condition, []).append(change)
    names = {**old.conditions, **new.conditions}
    ordered = [*new.conditions, *(c for c in old.conditions if c not in new.conditions)]
    result = tuple(
        ConditionChanges(
            ident,
            names[ident],
            tuple(changes.get(ident, ())),
            "new" if ident not in old.conditions else "removed" if ident not in new.conditions else "",
        )
        for ident in ordered
    )
    if changes.get(""):  # book-wide records, after the conditions
        result += (ConditionChanges("", WHOLE_BOOK, tuple(changes[""])),)
    return Comparison(
        old.schema,
        new.schema,
        result,
        first_kinds=tuple(k for k in kinds if k not in old.kinds),
        dropped_kinds=tuple(k for k in old.kinds if k not in new.kinds),
        new_fields=tuple(sorted(new_fields)),
    )


#: Record kinds in words, for the notes.
KIND_WORDS: dict[str, str] = {
    "effects": "effects measured in people",
    "harms": "harms",
    "links": "evidence on how it might work",
    "statuses": "approval status",
    "approvals": "individual approvals",
    "reviews": "chapter review dates",
    "checks": "where we looked for approvals",
}


def _compare_kind(
    kind: str, old: Export, new: Export, first: bool, missing_fields: set[str]
) -> Iterator[tuple[str, Change]]:
    """(condition, change) for each record of *kind* that is new, removed or changed."""
    before, after = old.records(kind), new.records(kind)
    single = all(_at_most_one_each(records) for records in (before, after))
    for old_record, new_record in _pairs(before, after, single):
        record = new_record if new_record is not None else old_record
        assert record is not None
        topic = _topic(kind, record, new if new_record is not None else old)
        if old_record is None:
            yield record["condition"], Change("new", topic, _summary(record, new), first_recorded=first)
        elif new_record is None:
            yield record["condition"], Change("removed", topic, _summary(record, old))
        else:
            fields = tuple(_field_changes(old_record, new_record, old, new, missing_fields))
            if fields:
                yield record["condition"], Change("changed", topic, fields=fields)


def _at_most_one_each(records: list[dict[str, Any]]) -> bool:
    conditions = [r["condition"] for r in records]
    return len(conditions) == len(set(conditions))


#: Fields that name what a record is about, as a reader would (an approval: where, and of what).
NAMING_FIELDS = ("id", "jurisdiction", "product")


def _identity(record: Mapping[str, Any], single: bool) -> tuple[str, ...]:
    if single:
        return (record["condition"],)
    if any(record.get(field) for field in NAMING_FIELDS):
        return (record["condition"], *(str(record.get(field, "")) for field in NAMING_FIELDS))
    qualifier = record.get("mechanism") or " ".join(record.get("outcomes") or ())
    sources = record.get("citations") or [""]
    return record["condition"], str(qualifier), str(sources[0])


def _content(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in LOCATION_FIELDS}


def _anchor(record: Mapping[str, Any]) -> str:
    return str(record.get("url", "")).partition("#")[2]


def _pairs(
    before: list[dict[str, Any]], after: list[dict[str, Any]], single: bool
) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """Each old record with its new counterpart (or None), new ones in book order, removed ones last."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for record in before:
        groups.setdefault(_identity(record, single), []).append(record)
    matched: dict[int, dict[str, Any]] = {}  # id(new record) -> its old record
    for record in after:
        candidates = groups.get(_identity(record, single), [])
        match = next((c for c in candidates if _content(c) == _content(record)), None)
        match = match or next((c for c in candidates if _anchor(c) and _anchor(c) == _anchor(record)), None)
        match = match or next(iter(candidates), None)
        if match is not None:
            candidates.remove(match)
            matched[id(record)] = match
    for record in after:
        yield matched.get(id(record)), record
    for group in groups.values():
        for record in group:
            yield record, None


def _topic(kind: str, record: Mapping[str, Any], export: Export) -> str:
    """The reader's heading of a record: its question, with what it is about (mechanism, outcomes, approval)."""
    topic = {**TOPICS, **BOOK_TOPICS}.get(kind, kind.replace("_", " ").capitalize())
    if record.get("name"):
        return f"{topic} ({record['name']})"
    named = [str(record[field]) for field in NAMING_FIELDS if record.get(field)]
    if named:
        return f"{topic} ({', '.join(named)})"
    if record.get("mechanism"):
        return f"{topic} ({export.label('mechanism', record['mechanism'])})"
    if record.get("outcomes"):
        return f"{topic} ({', '.join(export.label('outcomes', o) for o in record['outcomes'])})"
    return topic


def _words(field: str, value: Any, export: Export) -> str:
    """A field's value in words (ids through the export's labels; lists joined)."""
    if isinstance(value, list):
        return ("; " if field not in WHOLE_FIELDS else ", ").join(_words(field, item, export) for item in value)
    if isinstance(value, dict):
        return ", ".join(_words(k, v, export) for k, v in value.items() if k not in LOCATION_FIELDS and v)
    if field in DATE_FIELDS and (date := dates.parse(str(value))) is not None:
        return dates.display(date)
    if field == "date" and approvals.parse_date(str(value)):  # an approval's, given to the month or year
        return approvals.display_date(str(value))
    if field == "source" and value in approvals.SOURCES:
        return approvals.SOURCES[value]
    if field == "extent" and value in approvals.EXTENT_WORDS:
        return approvals.EXTENT_WORDS[value]
    return export.label(field, str(value)) if field in VOCABULARIES else str(value)


#: Fields shown when a whole record is new or removed (the rest is on the page it links to):
#: the evidence (type, finding, certainty) in one phrase, then what it says.
SUMMARY_EVIDENCE = ("level", "finding", "certainty")
SUMMARY_FIELDS = (
    "size", "seen", "summary", "approved", "kind", "date", "covers", "not_for", "source", "extent", "how", "reviewed",
)  # fmt: skip
#: Of these, the ones shown with their label ("covers: …"); the others speak for themselves.
LABELLED_FIELDS = frozenset({"approved", "covers", "not_for", "source"})


def _summary(record: Mapping[str, Any], export: Export) -> str:
    evidence = [
        f"certainty {words}" if field == "certainty" else words
        for field in SUMMARY_EVIDENCE
        if record.get(field) and (words := _words(field, record[field], export))
    ]
    parts = [", ".join(evidence)]
    for field in SUMMARY_FIELDS:
        if record.get(field):
            words = _words(field, record[field], export)
            words = f"{words} approval" if field == "kind" else words
            parts.append(f"{FIELD_LABELS[field]}: {words}" if field in LABELLED_FIELDS else words)
    return "; ".join(part for part in parts if part)


def _rank(order: list[str], name: str) -> int:
    return order.index(name) if name in order else len(order)


def _field_changes(
    old_record: Mapping[str, Any],
    new_record: Mapping[str, Any],
    old: Export,
    new: Export,
    missing_fields: set[str],
) -> Iterator[FieldChange]:
    """The fields that differ, by name; ids compared as ids, shown as labels."""
    order = list(FIELD_LABELS)
    for name, value in sorted(new_record.items(), key=lambda item: (_rank(order, item[0]), item[0])):
        if name in LOCATION_FIELDS or name in ("mechanism", "name") or name in NAMING_FIELDS:  # what it is about
            continue
        if name not in old_record:
            if value:  # an empty field of the new schema is not news
                missing_fields.add(name)
                yield FieldChange(name, None, _words(name, value, new))
            continue
        before = old_record[name]
        if before == value:
            continue
        if isinstance(value, list) and isinstance(before, list) and name not in WHOLE_FIELDS:
            added = tuple(_words(name, v, new) for v in value if v not in before)
            removed = tuple(_words(name, v, old) for v in before if v not in value)
            if added or removed:
                yield FieldChange(name, _words(name, before, old), _words(name, value, new), added, removed)
        else:
            yield FieldChange(name, _words(name, before, old), _words(name, value, new))


def lines(comparison: Comparison, reader: bool = False) -> Iterator[tuple[ConditionChanges, list[str]]]:
    """Each condition with its changes as sentences (see :meth:`Change.text` for *reader*)."""
    for condition in comparison.conditions:
        sentences = [text for change in condition.changes if (text := change.text(reader))]
        if condition.status == "removed":
            yield condition, ["No longer in the book."]
        elif condition.status == "new":
            yield condition, ["New in this edition.", *sentences]
        else:
            yield condition, sentences or ["No change in the evidence."]


def to_markdown(comparison: Comparison, old_label: str, new_label: str) -> str:
    """The comparison as Markdown: a heading per condition, a bullet per change (sources by key)."""
    out = [f"## What changed in the evidence: {old_label} → {new_label}", ""]
    out += [f"Compared: `{old_label}` ({comparison.old_schema}) with `{new_label}` ({comparison.new_schema}).", ""]
    notes = comparison.notes(old_label)
    out += [f"> {note}" for note in notes]
    if notes:
        out.append("")
    if comparison.is_empty:
        out += ["No change in the evidence.", ""]
        return "\n".join(out)
    for condition, sentences in lines(comparison):
        out += [f"### {_md_escape(condition.name)}", ""]
        out += [f"- {_md_escape(sentence)}" for sentence in sentences]
        out.append("")
    return "\n".join(out)


def _md_escape(text: str) -> str:
    """*text* with Markdown's inline markup characters escaped (a note may hold ``*`` or ``<``)."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)
