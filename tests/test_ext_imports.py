"""The extension's modules import one another without a circle.

Every ``import`` statement counts, wherever it stands: at module level, inside a
function (a deferred import is the usual way to hide a circle, not to remove it)
and under ``if TYPE_CHECKING:``. The graph is read from the source with :mod:`ast`,
so the test needs no import of the package and fails on a circle that Python's
import order happens to tolerate.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "ext" / "condmech"


def module_name(path: Path) -> str:
    return "condmech" if path.stem == "__init__" else f"condmech.{path.stem}"


def imports(path: Path) -> set[str]:
    """The package's modules that *path* imports (``from . import x`` names module ``x``)."""
    modules = {module_name(p) for p in PACKAGE.glob("*.py")}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level > 1:
                continue  # nothing outside the package is of interest
            base = "condmech" if node.level else node.module or ""
            if node.level and node.module:
                base = f"condmech.{node.module}"
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import x`: module x
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return (found & modules) - {module_name(path)}


def graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports. The package itself (``__init__``, whose ``setup()`` registers
    everything) is left out as a target: importing any module runs it first, but it imports nothing at module level."""
    return {module_name(p): imports(p) - {"condmech"} for p in sorted(PACKAGE.glob("*.py"))}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected component of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                component.append(item)
                if item == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read_from_the_source():
    edges = graph()
    assert "condmech.model" in edges["condmech.domain"]
    assert "condmech.approvals" in edges["condmech.diff"]  # `from . import approvals, dates`


def test_a_circle_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_imports_without_a_circle():
    assert cycles(graph()) == []


def test_the_package_imports_nothing_at_module_level():
    """``condmech/__init__.py`` imports its modules inside ``setup()``, so importing any one module
    (``python -m condmech``, the tests) does not import every other one."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    top = [node for node in tree.body if isinstance(node, ast.ImportFrom) and node.level]
    assert top == []


def test_only_setup_imports_a_directive_module():
    """The directive modules (those built on ``condmech.base``) are reached from ``setup()`` alone, and import
    no other one but the base: what runs after reading works from the nodes and records they leave."""
    edges = graph()
    declare = {module for module, targets in edges.items() if "condmech.base" in targets}
    assert {"condmech.directives", "condmech.clinical", "condmech.status"} <= declare
    found = {
        module: sorted(targets & (declare | {"condmech.base"}))
        for module, targets in edges.items()
        if module not in {"condmech", "condmech.base", *declare} and targets & (declare | {"condmech.base"})
    }
    assert found == {}
    assert all(edges[module] & declare == set() for module in declare)
