"""What one document declares, read from its doctree: the records the ``cm`` domain stores.

:func:`collect` walks the doctree once, after all transforms (``process_doc``), and turns
each annotated node the directives left into a plain record of :mod:`condmech.model`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docutils import nodes
from sphinx import addnodes

from . import citations
from .model import Approval, Assertion, Check, Definition, Effect, Kind, Problem, Review, Status, TableRequest
from .nodes import (
    cm_approval,
    cm_assertion,
    cm_changes,
    cm_checked,
    cm_definition,
    cm_effect,
    cm_review,
    cm_status,
    cm_table_placeholder,
    cm_unread,
)  # fmt: skip

#: The domain's name, as cross-references give it.
DOMAIN = "cm"
#: Role name -> the kind of definition it refers to.
ROLE_KINDS: dict[str, Kind] = {"cond": "condition", "mech": "mechanism"}


def collect(document: nodes.document, docname: str) -> dict[str, Any]:
    """Part of the domain's ``data`` -> the records *docname* holds (parts it holds none of are left out)."""
    definitions: list[Definition] = []
    assertions: list[Assertion] = []
    effects: list[Effect] = []
    statuses: list[Status] = []
    problems: list[Problem] = []
    approvals: list[Approval] = []
    checks: list[Check] = []
    reviews: list[Review] = []
    tables: list[TableRequest] = []
    changes: list[str] = []
    refs: set[tuple[str, str]] = set()
    cites: set[str] = set()
    for node in document.findall(_collected):
        if isinstance(node, cm_definition):
            definitions.append(_definition(node, docname))
        elif isinstance(node, cm_assertion):
            if node["recorded"]:
                assertions.append(_assertion(node, docname))
                # its header, drawn when the page is written, shows both names
                refs.update((("condition", node["condition"]), ("mechanism", node["mechanism"])))
        elif isinstance(node, cm_effect):
            if node["recorded"]:
                effects.append(_effect(node, docname))
                refs.add(("condition", node["condition"]))
        elif isinstance(node, cm_status):
            if node["recorded"]:
                statuses.append(_status(node, docname))
        elif isinstance(node, cm_approval):
            approvals.append(_approval(node, docname))
            refs.add(("condition", node["condition"]))
        elif isinstance(node, cm_checked):
            checks.append(_check(node, docname))
        elif isinstance(node, cm_unread):
            if node.get("kind"):
                problems.append(
                    Problem(node["kind"], node["condition"], docname, node["ids"][0], node["line"], _only(node))
                )
        elif isinstance(node, cm_review):
            reviews.append(Review(docname, node["date"], node["line"]))
        elif isinstance(node, cm_table_placeholder):
            tables.append(TableRequest.from_node(node, docname))
        elif isinstance(node, cm_changes):
            changes.append(node["snapshot"])
        elif node.get("refdomain") == DOMAIN and node.get("reftype") in ROLE_KINDS:
            refs.add((ROLE_KINDS[node["reftype"]], node["reftarget"]))
        else:
            cites.update(citations.cited_keys(node))
    found: dict[str, Any] = {
        "definitions": definitions,
        "assertions": assertions,
        "effects": effects,
        "statuses": statuses,
        "problems": problems,
        "approvals": approvals,
        "checks": checks,
        "reviews": reviews,
        "tables": tables,
        "changes": changes,
        "refs": refs,
        "cites": frozenset(cites),
    }
    return {part: items for part, items in found.items() if items}


#: The nodes :func:`collect` reads.
COLLECTED = (
    cm_definition, cm_assertion, cm_effect, cm_status, cm_review, cm_unread, cm_table_placeholder, cm_changes,
    cm_approval, cm_checked, addnodes.pending_xref,
)  # fmt: skip


def _collected(node: nodes.Node) -> bool:
    """The nodes :func:`collect` reads."""
    return isinstance(node, COLLECTED)


def _only(node: nodes.Element) -> tuple[str, ...]:
    """Expressions of the ``only`` directives around *node*, innermost first."""
    return tuple(parent["expr"] for parent in _ancestors(node) if isinstance(parent, addnodes.only))


def _ancestors(node: nodes.Element) -> Iterator[nodes.Element]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _definition(node: cm_definition, docname: str) -> Definition:
    return Definition(
        node["kind"],
        node["cm_id"],
        node["name"],
        node["short"],
        docname,
        node["ids"][0],
        node["line"],
        _only(node),
        node["plain"],
    )


def _assertion(node: cm_assertion, docname: str) -> Assertion:
    return Assertion(
        node["condition"], node["mechanism"], node["level"], node["finding"], tuple(node["citations"]),
        node["note"], docname, node["ids"][0], node["line"], _section_title(node), _only(node),
        node["condition_line"], node["mechanism_line"], node["measured"],
    )  # fmt: skip


def _effect(node: cm_effect, docname: str) -> Effect:
    return Effect(
        node["kind"], node["condition"], tuple(node["outcomes"]), node["level"], node["finding"],
        tuple(node["citations"]), node["note"], docname, node["ids"][0], node["line"], _section_title(node),
        _only(node), node["condition_line"],
        node["certainty"], node["rated_by"], node["size"], node["seen"], node["studied"],
    )  # fmt: skip


def _status(node: cm_status, docname: str) -> Status:
    return Status(
        node["condition"], node["as_of"], node["summary"], tuple(node["approvals"]), tuple(node["citations"]),
        docname, node["ids"][0], node["line"], _only(node),
    )  # fmt: skip


def _approval(node: cm_approval, docname: str) -> Approval:
    return Approval(
        node["condition"], node["jurisdiction"], node["product"], node["date"], node["covers"], node["not_for"],
        tuple(node["kinds"]), node["source"], node["note"], tuple(node["citations"]), docname, node["ids"][0],
        node["line"], _only(node),
    )  # fmt: skip


def _check(node: cm_checked, docname: str) -> Check:
    return Check(
        node["cm_id"], node["name"], node["extent"], node["how"], node["as_of"], tuple(node["citations"]), docname,
        node["line"], _only(node),
    )  # fmt: skip


def _section_title(node: nodes.Element) -> str:
    """Title of the innermost section around *node* (empty at document level)."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    if parent is None:
        return ""
    title = next(iter(parent.findall(nodes.title)), None)
    return title.astext() if title is not None else ""
