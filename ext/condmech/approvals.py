"""Approvals in words: one approval with its limits, the answer to "Is it approved?", and where
the book looked (the records of ``cm:approval`` and ``cm:checked``, :mod:`condmech.status`).

An approval says exactly what it covers and what it does not, what kind it is
(full, conditional, time-limited) and what kind of source reports it (a
regulator, the maker, a news report), so that the table and the Key messages can
shorten it without dropping a limit. Where the book looked for approvals is data
too, shown once per table rather than in every answer. Pure functions, no Sphinx:
for the directives, the table, the Key messages, the list of changes and the tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import dates
from .certainty import join
from .model import Approval, Check

#: ``:kind:`` values, in the order they are written (and said: 'a conditional, time-limited approval').
KINDS = ("full", "conditional", "time-limited")
#: ``:source:`` values and how the answer names them.
SOURCES = {"regulator": "the regulator's record", "maker": "the maker's statement", "news": "a news report"}
#: ``:extent:`` values of ``cm:checked``, and what the book looked for at each.
EXTENTS = ("all", "named", "none")
EXTENT_WORDS = {"all": "any approval", "named": "only the products this book names", "none": "not checked"}
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def parse_date(value: str) -> str | None:
    """*value* if it is ``YYYY``, ``YYYY-MM`` or a real ``YYYY-MM-DD`` date, else None."""
    parts = value.split("-")
    if len(parts) == 3:
        return value if dates.parse(value) else None
    if not (parts[0].isdigit() and len(parts[0]) == 4):
        return None
    if len(parts) == 2 and not (parts[1].isdigit() and 1 <= int(parts[1]) <= 12 and len(parts[1]) == 2):
        return None
    return value if len(parts) <= 2 else None


def display_date(value: str) -> str:
    """'January 2012' for ``2012-01`` (the day is left out: approvals are shown by month)."""
    parts = value.split("-")
    return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}" if len(parts) > 1 else parts[0]


def kind_words(approval: Approval) -> str:
    """'a conditional, time-limited approval', or 'an approval' (a full one)."""
    limited = [k for k in approval.kinds if k != "full"]
    return f"a {', '.join(limited)} approval" if limited else "an approval"


def approval_text(approval: Approval, *, short: bool = False) -> str:
    """The approval in short sentences, never without its limits.

    'South Korea, January 2012: an approval of Cartistem (donor cord-blood cells) for the most
    severe knee cartilage defects. Not for knee pain in general. Source: the maker's statement.
    <note>.' *short* (a table cell) names the product without its description, puts the kind
    of source in brackets and leaves the note to the details; what it covers and does not
    cover, and the kind of approval, are always there.
    """
    when = f", {display_date(approval.date)}" if approval.date else ""
    source = SOURCES[approval.source]
    if short:
        product = approval.product.split(" (")[0].split(",")[0]
        text = f"{approval.jurisdiction}{when} ({source}): {kind_words(approval)} of {product} "
    else:
        text = f"{approval.jurisdiction}{when}: {kind_words(approval)} of {approval.product} "
    text += f"for {approval.covers.rstrip('.')}."
    if approval.not_for:
        text += f" Not for {approval.not_for.rstrip('.')}."
    if short:
        return text
    text += f" Source: {source}."
    if approval.note:
        text += f" {approval.note[:1].upper()}{approval.note[1:].rstrip('.')}."
    return text


def headline(approvals: Sequence[Approval], checks: Sequence[Check], when: str = "") -> str:
    """The answer to "Is it approved?", the reader's question first.

    'The sources we checked show no approval for this in the US (as of 5 December 2026); one
    narrow approval elsewhere, in Japan'. A jurisdiction is named as "not approved" only when
    the book looked there for any approval (``:extent: all``) and found none for this
    condition. *when* (the status's date) dates that finding only: each approval elsewhere
    is as current as its own source, which its line gives.
    """
    approved_in = {a.jurisdiction for a in approvals}
    looked = [c.name for c in checks if c.extent == "all" and c.name not in approved_in]
    parts = [f"The sources we checked show no approval for this in {join(looked)}{when}"] if looked else []
    places = list(dict.fromkeys(a.jurisdiction for a in approvals))
    if approvals:
        narrow = "narrow " if all(a.not_for for a in approvals) else ""
        count = f"one {narrow}approval" if len(approvals) == 1 else f"{len(approvals)} {narrow}approvals"
        parts.append(f"{count} elsewhere, in {join(places)}" if looked else f"{count}, in {join(places)}")
    if not parts:
        return f"No approval found in the sources this book checked{when}"
    if not looked:
        parts[-1] += when
    return "; ".join(parts)


def not_checked(checks: Sequence[Check]) -> str:
    """'We could not check approvals in the EU or the UK.' ('' when every jurisdiction was checked)."""
    names = [c.name for c in checks if c.extent == "none"]
    if not names:
        return ""
    return f"We could not check approvals in {join(names, 'or')}."


def where_checked(checks: Sequence[Check]) -> str:
    """Where the book looked for approvals, and how far, in one run of sentences."""
    return " ".join(checked_sentences(checks))


def checked_sentences(checks: Sequence[Check]) -> list[str]:
    """One sentence per jurisdiction: where the book looked for approvals, and how far."""
    sentences = []
    for check in checks:
        if check.extent == "none":
            sentences.append(f"{check.name[:1].upper()}{check.name[1:]}: not checked ({check.how.rstrip('.')}).")
        else:
            scope = EXTENT_WORDS[check.extent]
            sentences.append(f"{check.name[:1].upper()}{check.name[1:]}: {scope}; {check.how.rstrip('.')}.")
    return sentences
