"""The upload service as the one home of uploads: only it writes Upload rows, the API and the pages
do not import each other, a long problem list made on one app server is read on another, and
migration 0007 (``problemlist``) goes up and down. On SQLite and PostgreSQL."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path

from alembic import command
from sqlalchemy import inspect
from sqlmodel import select

from etl import load
from etvi.upload import service
from models import db
from models.tables import ProblemList, Upload
from tests.support.app import create_actors, csv_file, login, make_app
from tests.support.cli import run_cli
from tests.support.paths import REPO
from tests.support.upload import Dash, data_url, text_of

PRODUCT = ("etl", "etvi", "dashboard", "models", "geo")
SERVICE = Path("etvi/upload/service.py")
API_FILES = sorted(path.relative_to(REPO) for path in (REPO / "dashboard/api").glob("*.py"))  # the package dashboard.api
OWN_FILES = [SERVICE, Path("etvi/upload/pending.py"), Path("etvi/upload/originals.py"), Path("etvi/upload/problem_lists.py"),
             *API_FILES, Path("dashboard/pages/upload.py"), Path("dashboard/pages/common.py"),
             Path("etvi/cli/etl_commands.py"), Path("etl/load.py")]  # fmt: skip


def _sources():
    for package in PRODUCT:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(REPO), ast.parse(path.read_text(encoding="utf-8"))


def _upload_names(tree: ast.Module) -> set[str]:
    """The names ``models.tables.Upload`` is bound to in a module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "models.tables":
            names |= {a.asname or a.name for a in node.names if a.name == "Upload"}
    return names


def _imports(tree: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_only_the_service_constructs_upload_rows():
    makers = []
    for rel, tree in _sources():
        bound = _upload_names(tree)
        tables = {a.asname or "tables" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "models"
                  for a in n.names if a.name == "tables"}  # fmt: skip
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if (isinstance(f, ast.Name) and f.id in bound) or (
                isinstance(f, ast.Attribute) and f.attr == "Upload" and isinstance(f.value, ast.Name) and f.value.id in tables
            ):
                makers.append(f"{rel}:{node.lineno}")
    assert makers and all(m.startswith(f"{SERVICE}:") for m in makers), makers


def test_api_and_pages_do_not_import_each_other_and_no_import_in_a_function():
    trees = dict(_sources())
    assert API_FILES
    for rel in API_FILES:
        api = _imports(trees[rel])
        assert not any(name.startswith("dashboard.pages") for name in api), (rel, api)
    for rel, tree in trees.items():
        if rel.parts[:2] == ("dashboard", "pages"):
            assert not any(name == "dashboard.api" or name.startswith("dashboard.api.") for name in _imports(tree)), rel
            assert not any(
                isinstance(n, ast.ImportFrom) and n.module == "dashboard" and any(a.name == "api" for a in n.names) for n in ast.walk(tree)
            ), rel
    for rel in OWN_FILES:
        tree = trees[rel]
        inner = [
            f"{rel}:{n.lineno}"
            for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
            for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))
        ]  # fmt: skip
        assert inner == [], inner


def test_load_no_longer_writes_the_upload_log():
    """``etl.load`` reads earlier uploads (to spot a repeat) but has no way to write one."""
    tree = ast.parse((REPO / "etl/load.py").read_text(encoding="utf-8"))
    assert not any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "Upload" for n in ast.walk(tree))
    assert not hasattr(load, "load_file")


def _page(app, actor) -> Dash:
    client = app.server.test_client()
    client.get("/")
    login(client, actor.username, actor.password)
    return Dash(app, client)


def _find_type(node, type_: str):
    if isinstance(node, dict):
        props = node.get("props") or {}
        if isinstance(props.get("id"), dict) and props["id"].get("type") == type_:
            return node
        children = props.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for value in children:
        found = _find_type(value, type_)
        if found is not None:
            return found
    return None


def test_long_problem_list_made_on_app_a_is_paged_and_downloaded_on_app_b(ref_db):
    """Two app servers (two apps, no shared folder: each its own cache dir) on one database."""
    app_a, app_b = make_app(ref_db), make_app(ref_db)
    actors = create_actors(ref_db)
    amsterdam = actors["gemeente_a"]
    on_a, on_b = _page(app_a, amsterdam), _page(app_b, amsterdam)
    rows = [("GM0363", f"fout{i}", "") for i in range(300)]
    out = on_a.call("aanl-upload", "contents", data_url(csv_file(rows)), {"aanl-upload.filename": "lang.csv"})
    store = _find_type(out["aanl-rapport.children"], "aanl-meldingen")["props"]["data"]
    assert store["total"] == 300 and store["start"] == 0
    with db.session(ref_db) as s:
        kept = s.exec(select(ProblemList)).all()
        assert [k.username for k in kept] == ["amsterdam"] and store["token"] not in kept[0].token_hash  # only its hash

    key = {"type": "aanl-meldingen-volgende", "lijst": "aanl-fouten"}
    nxt = on_b.call_match(key, "n_clicks", 1, {"aanl-meldingen.data": store})
    assert nxt["aanl-meldingen-positie.children"] == "Meldingen 101–200 van 300"
    shown = text_of(nxt["aanl-meldingen-tabel.children"])
    assert "fout100" in shown and "fout199" in shown and "fout99'" not in shown
    csv_out = on_b.call_match({"type": "aanl-meldingen-csv", "lijst": "aanl-fouten"}, "n_clicks", 1, {"aanl-meldingen.data": store})
    download = csv_out["aanl-meldingen-download.data"]
    assert download["filename"] == "meldingen-fouten.csv" and download["base64"]
    # Another account gets nothing, on either server.
    rotterdam = _page(app_b, actors["gemeente_b"])
    gone = rotterdam.call_match(key, "n_clicks", 1, {"aanl-meldingen.data": store})
    assert "niet meer beschikbaar" in gone["aanl-meldingen-positie.children"]


def test_cli_api_and_page_loads_are_logged_by_the_service(ref_db, tmp_path):
    """One row per attempt through each entry point, with its channel; a dry run writes none."""
    path = tmp_path / "cli.csv"
    path.write_bytes(csv_file([("GM0363", "vastgesteld", "cli")]))
    assert run_cli("load", "--dry-run", str(path), url=ref_db, tmp_path=tmp_path).returncode == 0
    loaded = run_cli("load", str(path), url=ref_db, tmp_path=tmp_path)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    app = make_app(ref_db)
    actors = create_actors(ref_db)
    headers = {"Authorization": f"Bearer {actors['gemeente_b'].token}"}
    body = csv_file([("GM0599", "vastgesteld", "api")])
    client = app.server.test_client()
    assert client.post("/api/v1/uploads?dryRun=1", data={"file": (io.BytesIO(body), "api.csv")}, headers=headers).status_code == 200
    assert client.post("/api/v1/uploads", data={"file": (io.BytesIO(body), "api.csv")}, headers=headers).status_code == 201
    page = _page(app, actors["gemeente_a"])
    out = page.call("aanl-upload", "contents", data_url(csv_file([("GM0363", "vastgesteld", "web")])), {"aanl-upload.filename": "web.csv"})
    waiting = out["aanl-wacht.data"]
    assert waiting and waiting["token"], text_of(out)[:1500]
    done = page.call("aanl-bevestig", "n_clicks", 1, {"aanl-wacht.data": waiting})
    assert "is opgeslagen" in text_of(done)
    with db.session(ref_db) as s:
        rows = [(u.channel, u.file_name, u.outcome) for u in s.exec(select(Upload).order_by(Upload.id)).all()]
    assert rows == [("cli", "cli.csv", "geladen"), ("api", "api.csv", "geladen"), ("web", "web.csv", "geladen")]


def test_migration_0007_up_and_down(db_url):
    def tables() -> set[str]:
        db.dispose_all()
        return set(inspect(db.engine(db_url)).get_table_names())

    assert "problemlist" in tables() and db.current_revision(db_url) >= "0007"  # later migrations may follow
    command.downgrade(db.alembic_config(db_url), "0006")
    assert "problemlist" not in tables() and "pendingupload" in tables()
    command.upgrade(db.alembic_config(db_url), "0007")
    assert "problemlist" in tables()
    with db.session(db_url) as s:
        s.add(ProblemList(token_hash="a" * 64, username="x", items=json.dumps([{"text": "é"}], ensure_ascii=False)))
    with db.session(db_url) as s:
        assert json.loads(s.get(ProblemList, "a" * 64).items) == [{"text": "é"}]


def test_the_preview_of_a_dry_run_is_what_the_load_changes(ref_db, tmp_path):
    """One computation decides what changes: the dry run shows exactly what the load then reports."""
    path = tmp_path / "twee.csv"
    path.write_bytes(csv_file([("GM0363", "vastgesteld", "a"), ("GM0599", "in voorbereiding", "b")]))
    trial = service.load_file(path, dry_run=True, url=ref_db)
    loaded = service.load_file(path, url=ref_db)
    assert trial.outcome == "proef" and loaded.outcome == "geladen"
    assert len(trial.changes) == 2 and trial.changes.to_dict("records") == loaded.changes.to_dict("records")
    assert service.load_file(path, dry_run=True, url=ref_db).changes.empty  # now known: nothing would change
