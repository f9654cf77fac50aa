"""The same file arriving several times at the same moment loads once: identical API uploads and
repeated confirms of one checked upload on /aanleveren, fired together from threads through the
real entry points (HTTP, the Dash callback endpoint), on SQLite and PostgreSQL.

The write is held open for a moment (``_insert_records`` waits) so that every request is past
the quick look for an earlier identical load before the first one commits: the decision must be
taken inside the write transaction for exactly one to be ``geladen``.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from etl import load as load_module
from models import db
from models.tables import StatusRecord, Upload
from tests.support.app import csv_file, multipart
from tests.support.upload import Dash, data_url, text_of

N = 5
HOLD_SECONDS = 1.0  # long enough for every thread to arrive while the first still loads, also on a busy machine


@pytest.fixture
def slow_write(monkeypatch):
    """Each load waits inside its write transaction after inserting its records."""
    real = load_module._insert_records

    def insert_and_wait(s, upload_id, records):
        real(s, upload_id, records)
        time.sleep(HOLD_SECONDS)

    monkeypatch.setattr(load_module, "_insert_records", insert_and_wait)


def _fire(n: int, call):
    """Run ``call(i)`` in ``n`` threads released together; returns their results in order."""
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait(timeout=30)
        return call(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def _uploads(url):
    with db.session(url) as s:
        return s.exec(select(Upload).order_by(Upload.id)).all()


def _record_count(url):
    with db.session(url) as s:
        return len(s.exec(select(StatusRecord)).all())


def test_identical_api_uploads_at_once_load_once(accounts_app, ref_db, slow_write):
    app, actors, _ = accounts_app
    content = csv_file([("GM0363", "vastgesteld", "tegelijk")])
    headers = {"Authorization": f"Bearer {actors['gemeente_a'].token}"}
    clients = [app.server.test_client() for _ in range(N)]

    def post(i):
        resp = clients[i].post("/api/v1/uploads", data=multipart(content, "tegelijk.csv"), headers=headers)
        return resp.status_code, resp.get_json()

    answers = _fire(N, post)
    statuses = sorted(code for code, _ in answers)
    outcomes = sorted(body["outcome"] for _, body in answers)
    assert outcomes == ["geladen"] + ["ongewijzigd"] * (N - 1), answers
    assert statuses == [200] * (N - 1) + [201]
    logged = _uploads(ref_db)
    assert sorted(u.outcome for u in logged) == outcomes and len({u.sha256 for u in logged}) == 1
    loaded = [u for u in logged if u.outcome == "geladen"]
    assert all(u.stored_path == loaded[0].stored_path for u in logged)  # the losers point at the one copy
    assert _record_count(ref_db) == 1


def test_concurrent_confirms_of_one_check_load_once(accounts_app, ref_db, slow_write):
    app, actors, client_for = accounts_app
    pages = [Dash(app, client_for("gemeente_a")) for _ in range(N)]  # one user, several tabs or workers
    content = csv_file([("GM0363", "vastgesteld", "dubbelklik")])
    out = pages[0].call("aanl-upload", "contents", data_url(content), {"aanl-upload.filename": "klik.csv"})
    waiting = out["aanl-wacht.data"]
    assert waiting and waiting["token"]

    answers = _fire(N, lambda i: pages[i].call("aanl-bevestig", "n_clicks", 1, {"aanl-wacht.data": waiting}))
    texts = [text_of(a["aanl-resultaat.children"]) for a in answers]
    saved = [t for t in texts if "is opgeslagen" in t]
    assert len(saved) == 1, texts
    others = [t for t in texts if t not in saved]
    assert all("al bevestigd" in t or "geen gecontroleerd bestand" in t for t in others), others
    assert any("al bevestigd" in t for t in others), others  # at least one came while the first was loading
    assert [u.outcome for u in _uploads(ref_db)] == ["geladen"]
    assert _record_count(ref_db) == 1
    # the waiting file is gone, claimed or not
    again = pages[1].call("aanl-bevestig", "n_clicks", 2, {"aanl-wacht.data": waiting})
    assert "geen gecontroleerd bestand" in text_of(again["aanl-resultaat.children"])


def test_identical_checks_confirmed_at_once_load_once(accounts_app, ref_db, slow_write):
    """The same file checked in several tabs and confirmed in all at once: one load, the rest
    'al geladen' (ongewijzigd), never a second copy of the records."""
    app, actors, client_for = accounts_app
    pages = [Dash(app, client_for("gemeente_a")) for _ in range(N)]
    content = csv_file([("GM0363", "vastgesteld", "tabs")])
    tokens = []
    for page in pages:
        out = page.call("aanl-upload", "contents", data_url(content), {"aanl-upload.filename": "tabs.csv"})
        tokens.append(out["aanl-wacht.data"])
    answers = _fire(N, lambda i: pages[i].call("aanl-bevestig", "n_clicks", 1, {"aanl-wacht.data": tokens[i]}))
    texts = [text_of(a["aanl-resultaat.children"]) for a in answers]
    assert sum("is opgeslagen" in t for t in texts) == 1, texts
    assert sum("was al geladen" in t for t in texts) == N - 1, texts
    assert sorted(u.outcome for u in _uploads(ref_db)) == ["geladen"] + ["ongewijzigd"] * (N - 1)
    assert _record_count(ref_db) == 1
