"""Issue 11, item 5: rate limits per client (token or address) on the public read endpoints and on
uploads, counted in the database so every worker and app server shares them: over HTTP against two
live app servers on one database (SQLite and PostgreSQL), with low limits from ETVI_ variables."""

from __future__ import annotations

import requests
from sqlmodel import func, select

from models import db
from models.tables import RateCount, Upload
from tests.support.app import create_actors, csv_file


def _too_many(resp, limit: int) -> None:
    assert resp.status_code == 429, resp.text
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert 1 <= int(resp.headers["Retry-After"]) <= 600 and resp.headers["RateLimit-Limit"] == str(limit)
    body = resp.json()
    assert body["status"] == 429 and body["title"] == "Te veel verzoeken"
    assert f"{limit} per 600 seconden" in body["detail"] and "Retry-After" in body["detail"]


def test_public_reads_are_limited_per_client_across_servers(ref_db, live_server, monkeypatch):
    monkeypatch.setenv("ETVI_API_RATE_READ", "3")
    monkeypatch.setenv("ETVI_API_RATE_WINDOW_SECONDS", "600")
    one, two = live_server(ref_db), live_server(ref_db)
    actors = create_actors(ref_db)
    assert requests.get(one.url + "/api/v1/provincies", timeout=30).status_code == 200
    assert requests.get(two.url + "/api/v1/gemeenten", timeout=30).status_code == 200
    assert requests.get(one.url + "/api/v1/statussen", timeout=30).status_code == 200
    _too_many(requests.get(two.url + "/api/v1/status", timeout=30), 3)  # the 4th, counted by both servers
    _too_many(requests.get(one.url + "/api/v1/gemeenten/GM0363/historie", timeout=30), 3)
    assert requests.get(one.url + "/api/v1/ik", timeout=30).status_code == 200  # not a public read: not limited
    token = {"Authorization": f"Bearer {actors['provincie'].token}"}  # another client: its own count
    for server in (one, two, one):
        assert requests.get(server.url + "/api/v1/regiotypen", headers=token, timeout=30).status_code == 200
    _too_many(requests.get(two.url + "/api/v1/mijlpalen", headers=token, timeout=30), 3)
    with db.session(ref_db) as s:
        rows = s.exec(select(RateCount)).all()
        assert sorted((r.client[:6], r.bucket, r.hits) for r in rows) == [("ip:127", "lezen", 5), ("token:", "lezen", 4)]
        assert all(actors["provincie"].token not in r.client for r in rows)  # counted under its hash


def test_uploads_are_limited_and_a_refused_flood_leaves_the_log_alone(ref_db, live_server, monkeypatch):
    monkeypatch.setenv("ETVI_API_RATE_UPLOAD", "2")
    monkeypatch.setenv("ETVI_API_RATE_WINDOW_SECONDS", "600")
    one, two = live_server(ref_db), live_server(ref_db)
    actors = create_actors(ref_db)
    token = {"Authorization": f"Bearer {actors['gemeente_a'].token}"}
    content = csv_file([("GM0363", "vastgesteld", "")])
    first = requests.post(one.url + "/api/v1/uploads", files={"file": ("a.csv", content)}, headers=token, timeout=60)
    assert first.status_code == 201, first.text
    dry = requests.post(two.url + "/api/v1/uploads?dryRun=1", files={"file": ("a.csv", content)}, headers=token, timeout=60)
    assert dry.status_code == 200, dry.text
    with db.session(ref_db) as s:
        before = s.exec(select(func.count()).select_from(Upload)).one()
    _too_many(requests.post(one.url + "/api/v1/uploads", files={"file": ("a.csv", content)}, headers=token, timeout=60), 2)
    with db.session(ref_db) as s:
        assert s.exec(select(func.count()).select_from(Upload)).one() == before
    other = {"Authorization": f"Bearer {actors['gemeente_b'].token}"}
    assert requests.post(two.url + "/api/v1/uploads?dryRun=1", files={"file": ("b.csv", csv_file([("GM0599", "vastgesteld", "")]))}, headers=other, timeout=60).status_code == 200
    assert requests.get(one.url + "/api/v1/status", headers=token, timeout=30).status_code == 200  # reads count apart

