"""The layout of tests/ (issue 10, item 6): a test lives under the path of the code it tests, no test
module imports another test module or a conftest (shared helpers are in tests/support/), and live
servers start in one place only (tests/support/live.py, through the ``live_server`` fixture), and
browser contexts open in the two fixtures that close them and fail a test on a page error.

Each check reads the files (no imports), and is run here on the repository and on a small tree
with one violation of each kind, so a check that finds nothing is noticed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import REPO

# Folders of tests/ that mirror no source folder, and why.
OWN_FOLDERS = {
    "packaging": "tests of pyproject.toml, the lock files and the wheel: the build, not a package",
    "support": "helpers and the live server that tests import",
    "fixtures": "input files (spreadsheets, CSV) and the script that writes them",
}
# Servers that tests may start outside tests/support/live.py: none of them runs the app.
OTHER_SERVERS = {
    "tests/geo/test_geo_download.py": "a stand-in for the boundary download site (http.server), not the app",
}
LIVE_MODULE = "tests/support/live.py"
SERVER_CALLS = {"make_server", "run_simple", "serve_forever", "run_server", "Popen"}
# Where browser contexts open: the fixtures ``new_page``/``page`` and ``role_page``.
CONTEXT_MODULES = ("tests/conftest.py", "tests/dashboard/conftest.py")


def python_files(repo: Path) -> list[Path]:
    return sorted(p for p in (repo / "tests").rglob("*.py") if "__pycache__" not in p.parts and ".cache" not in p.parts)


def is_test_module(path: Path) -> bool:
    return path.name.startswith("test_") or path.name == "conftest.py"


def imported_modules(repo: Path, rel: Path) -> list[tuple[int, str]]:
    """Every module the file ``rel`` under ``repo`` imports (also inside functions), as dotted
    names; ``from x import y`` gives ``x`` and ``x.y`` (``y`` may be a module)."""
    tree = ast.parse((repo / rel).read_text(encoding="utf-8"))
    package = list(rel.parent.parts)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def cross_imports(repo: Path) -> list[str]:
    """Imports of a test module or a conftest, by any file under tests/ or benchmarks/."""
    files = python_files(repo) + sorted((repo / "benchmarks").glob("*.py"))
    problems = []
    for path in files:
        rel = path.relative_to(repo)
        for line, name in imported_modules(repo, rel):
            last = name.rsplit(".", 1)[-1]
            if name.startswith("tests.") and (last.startswith("test_") or last == "conftest"):
                problems.append(f"{rel}:{line} importeert {name}")
    return problems


def mirrors_source(repo: Path, parts: tuple[str, ...]) -> bool:
    """tests/a/b mirrors the source package folder a/b or the module a/b.py."""
    source = repo.joinpath(*parts)
    return (source.is_dir() and any(source.glob("*.py"))) or source.with_suffix(".py").is_file()


def misplaced(repo: Path) -> list[str]:
    """Folders of tests/ that mirror no source folder (apart from ``OWN_FOLDERS``), test files in
    the folders that hold no tests, and helper modules outside tests/support/."""
    tests = repo / "tests"
    problems = []
    for folder in sorted(p for p in tests.rglob("*") if p.is_dir() and "__pycache__" not in p.parts and ".cache" not in p.parts):
        parts = folder.relative_to(tests).parts
        if parts[0] in OWN_FOLDERS:
            continue
        if not mirrors_source(repo, parts):
            problems.append(f"tests/{'/'.join(parts)}: geen bronmap {'/'.join(parts)}/ of module {'/'.join(parts)}.py")
    for path in python_files(repo):
        rel = path.relative_to(tests)
        top = rel.parts[0] if len(rel.parts) > 1 else ""
        if top in ("support", "fixtures"):
            if path.name.startswith("test_") or path.name == "conftest.py":
                problems.append(f"tests/{rel}: een test of conftest hoort niet in tests/{top}/")
        elif not is_test_module(path) and path.name != "__init__.py":
            problems.append(f"tests/{rel}: een hulpmodule hoort in tests/support/")
    return problems


def server_starts(repo: Path) -> list[str]:
    """Calls that start a server (werkzeug's ``make_server``/``run_simple``, ``serve_forever``, Dash's
    ``run_server``, ``subprocess.Popen``) outside tests/support/live.py and ``OTHER_SERVERS``."""
    problems = []
    for path in python_files(repo):
        rel = path.relative_to(repo).as_posix()
        if rel in (LIVE_MODULE, *OTHER_SERVERS):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
            if name in SERVER_CALLS:
                problems.append(f"{rel}:{node.lineno} start een server ({name}); gebruik de fixture live_server")
    return problems


def context_opens(repo: Path) -> list[str]:
    """Calls of ``new_context`` outside ``CONTEXT_MODULES``: such a context is not closed when its
    test fails, and its page errors are not judged."""
    problems = []
    for path in python_files(repo):
        rel = path.relative_to(repo).as_posix()
        if rel in CONTEXT_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "new_context":
                problems.append(f"{rel}:{node.lineno} opent een browsercontext; gebruik de fixture new_page")
    return problems


def test_no_test_module_imports_another_test_module_or_a_conftest():
    assert cross_imports(REPO) == []


def test_every_test_folder_mirrors_a_source_folder():
    assert misplaced(REPO) == []


def test_live_servers_start_only_in_the_support_module():
    assert server_starts(REPO) == []


def test_browser_contexts_open_only_in_the_page_fixtures():
    assert context_opens(REPO) == []


def test_the_own_folders_exist():
    """A folder dropped from tests/ is dropped from the list as well."""
    assert all((REPO / "tests" / name).is_dir() for name in OWN_FOLDERS)
    assert all((REPO / path).is_file() for path in (LIVE_MODULE, *OTHER_SERVERS, *CONTEXT_MODULES))


@pytest.fixture
def bad_tree(tmp_path):
    """A repository with one violation of each kind."""
    for rel, text in {
        "etl/load.py": "",
        "dashboard/api.py": "",
        "tests/etl/test_load.py": "from tests.etl.test_other import helper\nfrom .conftest import thing\n",
        "tests/etl/test_other.py": "def helper(): pass\n",
        "tests/etl/helpers.py": "",
        "tests/dashboard/api/test_api.py": "from werkzeug.serving import make_server\nmake_server('127.0.0.1', 0, None)\n",
        "tests/upload/test_flow.py": "import subprocess\nsubprocess.Popen(['etvi', 'serve'])\n",
        "tests/dashboard/test_page.py": "def test_x(browser):\n    browser.new_context()\n",
        "tests/conftest.py": "def new_page(browser):\n    browser.new_context()\n",
        "tests/support/test_misplaced.py": "",
        "tests/support/live.py": "from werkzeug.serving import make_server\nmake_server('127.0.0.1', 0, None)\n",
        "benchmarks/bench.py": "from tests.dashboard import test_callbacks\n",
    }.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_the_checks_find_each_kind_of_violation(bad_tree):
    assert sorted(cross_imports(bad_tree)) == [
        "benchmarks/bench.py:1 importeert tests.dashboard.test_callbacks",
        "tests/etl/test_load.py:1 importeert tests.etl.test_other",
        "tests/etl/test_load.py:2 importeert tests.etl.conftest",
    ]
    assert sorted(misplaced(bad_tree)) == [
        "tests/etl/helpers.py: een hulpmodule hoort in tests/support/",
        "tests/support/test_misplaced.py: een test of conftest hoort niet in tests/support/",
        "tests/upload: geen bronmap upload/ of module upload.py",
    ]
    assert sorted(server_starts(bad_tree)) == [
        "tests/dashboard/api/test_api.py:2 start een server (make_server); gebruik de fixture live_server",
        "tests/upload/test_flow.py:2 start een server (Popen); gebruik de fixture live_server",
    ]
    assert context_opens(bad_tree) == ["tests/dashboard/test_page.py:2 opent een browsercontext; gebruik de fixture new_page"]
