"""Issue 11, item 4: the audit log of management and logins over the API (``GET /api/v1/audit``,
beheerder only): newest first, in pages like every list (page/pageSize, _links, Link), filtered on
gebruiker, actie and a period given as date-times with a time zone. Over HTTP on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

import requests

from models import db
from models.tables import AuditEvent
from tests.support.app import create_actors


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_the_audit_log_in_pages_newest_first_with_filters(ref_db, live_server):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)  # 5 accounts made and 5 tokens, by "test"
    beheer = _bearer(actors["beheerder"].token)
    with db.session(ref_db) as s:  # an event of last winter, at a known moment
        s.add(AuditEvent(created_at=datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc), username="cli:beheer", action="referentie_geladen"))
        s.commit()
    assert requests.patch(api + "/gebruikers/rotterdam", json={"actief": False}, headers=beheer, timeout=30).status_code == 200
    assert requests.delete(api + "/gebruikers/amsterdam/sessies", headers=beheer, timeout=30).status_code == 200

    everything = requests.get(api + "/audit", headers=beheer, timeout=30)
    assert everything.status_code == 200, everything.text
    body = everything.json()
    events = body["gebeurtenissen"]
    assert body["totaal"] == len(events) == 13 and everything.headers["X-Total-Count"] == "13"
    assert [e["actie"] for e in events[:2]] == ["sessies_beeindigd", "gebruiker_uitgeschakeld"]  # newest first
    assert events[0]["door"] == "api:vng" and events[0]["gebruiker"] == "amsterdam" and events[0]["details"]["aantal"] == 0
    assert events[-1]["actie"] == "referentie_geladen" and events[-1]["tijdstip"] == "2026-01-15T10:00:00+00:00"
    moments = [datetime.fromisoformat(e["tijdstip"]) for e in events]
    assert all(m.tzinfo is not None for m in moments) and moments == sorted(moments, reverse=True)
    assert not any(a.token and a.token in everything.text for a in actors.values())

    page = requests.get(api + "/audit", params={"pageSize": 5, "page": 2}, headers=beheer, timeout=30)
    assert page.status_code == 200 and page.json()["page"] == 2 and page.json()["totaal"] == 13
    assert [e["id"] for e in page.json()["gebeurtenissen"]] == [e["id"] for e in events[5:10]]
    links = page.json()["_links"]
    assert links["next"]["href"] == "/api/v1/audit?page=3&pageSize=5" and links["prev"]["href"] == "/api/v1/audit?page=1&pageSize=5"
    assert '</api/v1/audit?page=3&pageSize=5>; rel="last"' in page.headers["Link"]

    rotterdam = requests.get(api + "/audit", params={"gebruiker": "Rotterdam"}, headers=beheer, timeout=30).json()
    assert [e["actie"] for e in rotterdam["gebeurtenissen"]] == ["gebruiker_uitgeschakeld", "token_aangemaakt", "gebruiker_aangemaakt"]
    vng = requests.get(api + "/audit", params={"gebruiker": "vng"}, headers=beheer, timeout=30).json()
    assert {e["door"] for e in vng["gebeurtenissen"]} == {"api:vng", "test"} and vng["totaal"] == 4
    assert requests.get(api + "/audit", params={"gebruiker": "%"}, headers=beheer, timeout=30).json()["totaal"] == 0
    actie = requests.get(api + "/audit", params={"actie": "token_aangemaakt"}, headers=beheer, timeout=30).json()
    assert actie["totaal"] == 5 and {e["actie"] for e in actie["gebeurtenissen"]} == {"token_aangemaakt"}

    # 11:00 in Amsterdam is 10:00 UTC: vanaf is inclusive, tot exclusive.
    winter = {"vanaf": "2026-01-15T11:00:00+01:00", "tot": "2026-01-16T00:00:00Z"}
    found = requests.get(api + "/audit", params=winter, headers=beheer, timeout=30).json()
    assert [e["actie"] for e in found["gebeurtenissen"]] == ["referentie_geladen"]
    before = requests.get(api + "/audit", params={"tot": "2026-01-15T11:00:00+01:00"}, headers=beheer, timeout=30).json()
    assert before["totaal"] == 0
    # the link to the next page keeps the filters
    assert "vanaf=2026-01-15T11%3A00%3A00%2B01%3A00" in requests.get(api + "/audit", params={**winter, "pageSize": 1}, headers=beheer, timeout=30).json()["_links"]["self"]["href"]


def test_bad_periods_and_callers_are_refused_in_dutch(ref_db, live_server):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    beheer = _bearer(actors["beheerder"].token)
    cases = [
        ({"vanaf": "2026-01-15T10:00:00"}, "vanaf", "tijdzone"),  # no time zone
        ({"vanaf": "2026-01-15"}, "vanaf", "datum, tijd en tijdzone"),
        ({"tot": "1700000000"}, "tot", "tijdzone"),  # not seconds since 1970
        ({"vanaf": "2026-01-15T10:00:00 01:00"}, "vanaf", "%2B"),  # a + that became a space
        ({"vanaf": "0001-01-01T00:00:00+14:00"}, "vanaf", "buiten het bereik"),
        ({"vanaf": "2026-02-01T00:00:00Z", "tot": "2026-01-01T00:00:00Z"}, "tot", "na vanaf"),
        ({"pageSize": "0"}, "pageSize", "minstens 1"),
    ]
    for params, name, fragment in cases:
        resp = requests.get(api + "/audit", params=params, headers=beheer, timeout=30)
        assert resp.status_code == 400 and resp.headers["Content-Type"].startswith("application/problem+json"), (params, resp.text)
        body = resp.json()
        assert [p["name"] for p in body["invalidParams"]] == [name] and fragment in body["detail"], (params, body)
    assert requests.get(api + "/audit", timeout=30).status_code == 401
    for key in ("gemeente_a", "provincie"):
        refused = requests.get(api + "/audit", headers=_bearer(actors[key].token), timeout=30)
        assert refused.status_code == 403 and "beheerder" in refused.json()["detail"], key
