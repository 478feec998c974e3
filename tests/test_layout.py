"""The package's layout holds: no import cycle, a small top level, formats apart.

These read the source (Python's own `ast`), so they hold for every module, imported by a test or not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "publish"
#: The formats: each one's code lives under its own name in `publish/exporters/`.
FORMATS = ("html", "pdf", "epub", "docx", "wechat", "zhihu", "juejin", "csdn", "devto", "xiaohongshu", "longimage")


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path): path for path in PACKAGE.rglob("*.py") if "styles" not in path.parts}


def _run_time_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import a module can run: at the top and inside functions (a lazy import still
    closes a cycle once it runs), but not under `if TYPE_CHECKING:`."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            stack.extend(node.orelse)
        else:
            stack.extend(ast.iter_child_nodes(node))


def _imported(name: str) -> set[str]:
    """The `publish` modules that importing `name` runs: it and every package above it."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & MODULES.keys()


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        edges: set[str] = set()
        for node in _run_time_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES
                           else node.module for alias in node.names]
            else:
                targets = []
            for target in targets:
                edges |= _imported(target)
        # A module's own packages are being imported already when it runs: not an edge.
        graph[name] = edges - _imported(name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_at_run_time() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_the_top_level_holds_only_the_entry_points_and_the_core() -> None:
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_format_imports_no_other_format(fmt: str) -> None:
    """What formats share lives in a shared package (`snippet`, `platforms`, `pictures`),
    never in another format's code."""
    graph = _graph()
    own = f"publish.exporters.{fmt}"
    others = {f"publish.exporters.{other}" for other in FORMATS if other != fmt}
    for name in (m for m in MODULES if m == own or m.startswith(own + ".")):
        assert not {t for t in graph[name] if any(t == o or t.startswith(o + ".") for o in others)}, name


def test_shared_parts_import_no_format() -> None:
    shared = ("publish.exporters.snippet", "publish.exporters.platforms", "publish.exporters.pictures",
              "publish.engines", "publish.render", "publish.verify")
    formats = {f"publish.exporters.{fmt}" for fmt in FORMATS}
    graph = _graph()
    for name in MODULES:
        if name.startswith(shared):
            assert not {t for t in graph[name] if any(t == f or t.startswith(f + ".") for f in formats)}, name
