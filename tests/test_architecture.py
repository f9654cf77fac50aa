"""The layering rules of issue 10, read from the source with ``ast`` (nothing is imported).

No import cycle between the project's modules, no import statement inside a function or method
(an import hidden there is how a cycle is dodged), ``geo`` never imports ``etl``, and the HTTP
API and the pages stay apart: neither imports the other, and no page imports another page.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dashboard", "etl", "etvi", "models", "geo")


@dataclass
class ImportGraph:
    """Edges between project modules (dotted names) and the imports found inside functions."""

    modules: dict[str, Path] = field(default_factory=dict)
    edges: dict[str, set[str]] = field(default_factory=dict)
    lines: dict[tuple[str, str], tuple[Path, int]] = field(default_factory=dict)
    function_imports: list[tuple[Path, int, str]] = field(default_factory=list)


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: dict[str, Path]) -> set[str]:
    """Project modules that ``node`` (found in ``module``) imports; relative imports resolved."""

    def nearest(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            anchor = module.split(".")
            if not is_package:
                anchor = anchor[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
            base = ".".join([*anchor, base] if base else anchor)
        targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
    return {found for target in targets if (found := nearest(target))}


def build_graph(root: Path, packages: tuple[str, ...] = PACKAGES) -> ImportGraph:
    """Parse every module of ``packages`` under ``root`` and collect its imports of project modules."""
    graph = ImportGraph()
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            graph.modules[module_name(root, path)] = path
    for module, path in graph.modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph.edges[module] = set()
        is_package = path.name == "__init__.py"

        def visit(node: ast.AST, in_function: bool) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    if in_function:
                        graph.function_imports.append((path, child.lineno, ast.unparse(child)))
                    for target in _imported(child, module, is_package, graph.modules) - {module}:
                        graph.edges[module].add(target)
                        graph.lines.setdefault((module, target), (path, child.lineno))
                visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

        visit(tree, False)
    return graph


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return sorted(components, key=len, reverse=True)


def cycle_in(component: list[str], edges: dict[str, set[str]]) -> list[str]:
    """One shortest cycle through the first module of ``component`` (breadth-first), closed: [a, …, a]."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(edges.get(node, set()) & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    return component


def cycles(graph: ImportGraph) -> list[str]:
    """Every import cycle as 'a -> b -> a (a.py:3, b.py:7)'."""
    found = []
    for component in strongly_connected(graph.edges):
        if len(component) < 2:
            continue
        cycle = cycle_in(component, graph.edges)
        where = ", ".join(f"{graph.lines[(a, b)][0].name}:{graph.lines[(a, b)][1]}" for a, b in zip(cycle, cycle[1:]))
        found.append(f"{' -> '.join(cycle)} ({where}); in the same knot: {', '.join(component)}")
    return found


def forbidden(graph: ImportGraph, source, target) -> list[str]:
    """Imports from a module matching ``source`` to one matching ``target`` (predicates on dotted names)."""
    return sorted(
        f"{shown(graph.lines[(a, b)][0])}:{graph.lines[(a, b)][1]}: {a} imports {b}"
        for a, targets in graph.edges.items()
        for b in targets
        if source(a) and target(b)
    )


def shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def is_page(module: str) -> bool:
    """A page module; ``dashboard.pages.common`` is the shared UI that pages may import."""
    return module.startswith("dashboard.pages.") and module != "dashboard.pages.common"


def _in(package: str):
    return lambda module: module == package or module.startswith(package + ".")


@pytest.fixture(scope="module")
def project() -> ImportGraph:
    return build_graph(ROOT)


def test_the_graph_covers_the_project(project):
    assert {"dashboard.app", "etl.load", "geo.membership", "models.queries", "etvi.codes"} <= set(project.modules)
    assert "models.tables" in project.edges["models.queries"]


def test_no_import_cycles(project):
    found = cycles(project)
    assert not found, "Import cycles:\n" + "\n".join(found)


def test_no_imports_inside_functions(project):
    found = [f"{shown(path)}:{line}: {text}" for path, line, text in project.function_imports]
    assert not found, f"{len(found)} imports inside functions:\n" + "\n".join(found)


def test_geo_does_not_import_etl(project):
    found = forbidden(project, _in("geo"), _in("etl"))
    assert not found, "\n".join(found)


def test_api_and_pages_stay_apart(project):
    found = (
        forbidden(project, _in("dashboard.api"), is_page)
        + forbidden(project, is_page, _in("dashboard.api"))
        + forbidden(project, is_page, lambda target: is_page(target))
    )
    assert not found, "\n".join(found)


# The checks above must be able to fail: the same functions on a small made-up package.


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_cycle_through_a_relative_import_is_found(tmp_path):
    _write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/orders.py": "from .billing import invoice\n",
            "shop/billing/__init__.py": "",
            "shop/billing/invoice.py": "from ..stock import level\n",
            "shop/stock.py": "import shop.orders\nimport os\n",
            "shop/alone.py": "from shop import stock\n",
        },
    )
    graph = build_graph(tmp_path, ("shop",))
    assert graph.edges["shop.orders"] == {"shop.billing.invoice"}
    assert graph.edges["shop.billing.invoice"] == {"shop.stock"}
    found = cycles(graph)
    assert len(found) == 1
    assert found[0].startswith("shop.billing.invoice -> shop.stock -> shop.orders -> shop.billing.invoice")
    assert "shop.alone" not in found[0]


def test_an_import_inside_a_function_is_found_and_still_counts_as_an_edge(tmp_path):
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/a.py": "import app.b\n",
            "app/b.py": "class B:\n    def run(self):\n        from app import a\n        return a\n",
        },
    )
    graph = build_graph(tmp_path, ("app",))
    assert [(path.name, line, text) for path, line, text in graph.function_imports] == [("b.py", 3, "from app import a")]
    assert cycles(graph) and cycles(graph)[0].startswith("app.a -> app.b -> app.a")


def test_forbidden_directions_are_found(tmp_path):
    _write(
        tmp_path,
        {
            "dashboard/__init__.py": "",
            "dashboard/api.py": "",
            "dashboard/pages/__init__.py": "",
            "dashboard/pages/one.py": "from dashboard.pages import two\n",
            "dashboard/pages/two.py": "from dashboard import api\n",
            "geo/__init__.py": "import etl.read\n",
            "etl/__init__.py": "",
            "etl/read.py": "",
        },
    )
    graph = build_graph(tmp_path, ("dashboard", "geo", "etl"))
    assert graph.edges["geo"] == {"etl.read"}
    assert forbidden(graph, is_page, is_page) == [
        f"{tmp_path / 'dashboard/pages/one.py'}:1: dashboard.pages.one imports dashboard.pages.two"
    ]
    assert len(forbidden(graph, is_page, _in("dashboard.api"))) == 1
    assert len(forbidden(graph, _in("geo"), _in("etl"))) == 1
    assert not cycles(graph)
