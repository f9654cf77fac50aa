"""Issue 11, item 4 (rest): the status filtered by provincie, region and onderdeel; the share done per
provincie or region with the map's own numbers; and the lists that grow (uploads, history) in ADR
pages with links. Over HTTP against a live app, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import requests

from dashboard.data import DataSource
from etl import referencedata
from models import db, queries
from tests.support.app import create_actors, csv_file
from tests.support.sample_data import synthetic_memberships


def _load(url: str, token: str) -> None:
    rows = [("GM0363", "vastgesteld", ""), ("GM0599", "in voorbereiding", ""), ("GM0344", "vastgesteld", "")]
    resp = requests.post(url + "/api/v1/uploads", files={"file": ("stand.csv", csv_file(rows))}, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert resp.status_code == 201, resp.text


def _problem(resp, name: str) -> dict:
    assert resp.status_code == 400 and resp.headers["Content-Type"].startswith("application/problem+json"), resp.text
    body = resp.json()
    assert [p["name"] for p in body["invalidParams"]] == [name] and name in body["detail"]
    return body


def test_status_filtered_by_provincie_region_and_onderdeel(ref_db, live_server):
    with db.session(ref_db) as s:
        referencedata.load_region_memberships(s, synthetic_memberships(queries.gemeenten(ref_db)))
    server = live_server(ref_db)
    actors = create_actors(ref_db)
    _load(server.url, actors["beheerder"].token)
    api = server.url + "/api/v1/status"
    every = requests.get(api, params={"peildatum": "2026-03-01"}, timeout=60).json()
    assert every["aantal"] == 342
    nh = requests.get(api, params={"peildatum": "2026-03-01", "provincie": "pv27"}, timeout=60).json()
    expected = set(queries.gemeenten(ref_db).query("provincie_code == 'PV27'")["code"])
    assert {r["gemeentecode"] for r in nh["gemeenten"]} == expected and nh["aantal"] == len(expected)
    assert next(r for r in nh["gemeenten"] if r["gemeentecode"] == "GM0363")["verordening"] == "vastgesteld"

    members = queries.region_memberships(url=ref_db)
    kr = members[(members["region_type"] == "koploperregio") & (members["region_code"] == "KR02")]
    region = requests.get(api, params={"regioType": "koploperregio", "regioCode": "KR02"}, timeout=60).json()
    assert {r["gemeentecode"] for r in region["gemeenten"]} == set(kr["gemeente_code"]) and "GM0363" in set(kr["gemeente_code"])
    both = requests.get(api, params={"regioType": "koploperregio", "regioCode": "KR02", "provincie": "PV26"}, timeout=60).json()
    assert {r["gemeentecode"] for r in both["gemeenten"]} == set(kr["gemeente_code"]) & set(queries.gemeenten(ref_db).query("provincie_code == 'PV26'")["code"])

    one = requests.get(api, params={"peildatum": "2026-03-01", "onderdeel": "verordening", "provincie": "PV27"}, timeout=60).json()
    columns = set(one["gemeenten"][0])
    assert {"gemeentecode", "gemeente", "provincie", "verordening", "verordening peildatum"} <= columns
    assert not any(c.startswith("woonzorgvisie") or c == "koploperregio" for c in columns)
    csv = requests.get(api, params={"onderdeel": "verordening", "provincie": "PV27", "format": "csv", "peildatum": "2026-03-01"}, timeout=60)
    header = csv.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:4] == ["gemeentecode", "gemeente", "provincie", "verordening"] and "woonzorgvisie" not in header
    assert len(csv.content.decode("utf-8-sig").splitlines()) == len(expected) + 1

    _problem(requests.get(api, params={"provincie": "PV99"}, timeout=60), "provincie")
    _problem(requests.get(api, params={"regioType": "buurt", "regioCode": "X"}, timeout=60), "regioType")
    _problem(requests.get(api, params={"regioType": "koploperregio", "regioCode": "KR99"}, timeout=60), "regioCode")
    _problem(requests.get(api, params={"regioType": "koploperregio"}, timeout=60), "regioCode")
    _problem(requests.get(api, params={"regioCode": "KR02"}, timeout=60), "regioType")
    body = _problem(requests.get(api, params={"onderdeel": "fietspad"}, timeout=60), "onderdeel")
    assert "verordening" in body["detail"]


def test_share_done_per_provincie_and_region_is_the_maps(ref_db, live_server):
    with db.session(ref_db) as s:
        referencedata.load_region_memberships(s, synthetic_memberships(queries.gemeenten(ref_db)))
    server = live_server(ref_db)
    actors = create_actors(ref_db)
    _load(server.url, actors["beheerder"].token)
    api = server.url + "/api/v1/voortgang"
    data = DataSource(ref_db)  # what the map draws
    for niveau in ("provincie", "koploperregio"):
        resp = requests.get(api, params={"peildatum": "2026-03-31", "niveau": niveau, "onderdeel": "verordening"}, timeout=60)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert body["niveau"] == niveau and body["peildatum"] == "2026-03-31"
        shares = data.group_shares(date(2026, 3, 31), "verordening", niveau)
        assert [(g["code"], g["aantal"], g["gereed"], g["aandeel"]) for g in body["groepen"]] == [
            (str(r.group_code), int(r.n), int(r.n_done), float(r.share)) for r in shares.itertuples()
        ]
    nh = next(g for g in requests.get(api, params={"peildatum": "2026-03-31", "onderdeel": "verordening"}, timeout=60).json()["groepen"] if g["code"] == "PV27")
    assert nh["gereed"] == 1 and nh["gereedVorigJaar"] == 0 and nh["naam"] == "Noord-Holland"
    assert nh["aandeel"] == 1 / nh["aantal"]
    everything = requests.get(api, timeout=60).json()
    assert {g["onderdeel"] for g in everything["groepen"]} == set(data.reference().onderdelen)
    _problem(requests.get(api, params={"niveau": "wijk"}, timeout=60), "niveau")
    _problem(requests.get(api, params={"onderdeel": "fietspad"}, timeout=60), "onderdeel")


def test_uploads_and_history_in_adr_pages_with_links(ref_db, live_server):
    server = live_server(ref_db)
    actors = create_actors(ref_db)
    token = {"Authorization": f"Bearer {actors['beheerder'].token}"}
    for month, status in enumerate(("in voorbereiding", "vastgesteld", "in voorbereiding", "vastgesteld", "vastgesteld"), start=1):
        content = csv_file([("GM0363", status, f"stap {month}")], peildatum=f"2026-0{month}-01")
        resp = requests.post(server.url + "/api/v1/uploads", files={"file": ("stand.csv", content)}, headers=token, timeout=60)
        assert resp.status_code in (200, 201), resp.text
    api = server.url + "/api/v1/uploads"
    first = requests.get(api, params={"pageSize": 2}, headers=token, timeout=60)
    body = first.json()
    assert body["totaal"] == 5 and body["page"] == 1 and body["pageSize"] == 2 and len(body["uploads"]) == 2
    assert first.headers["X-Total-Count"] == "5"
    links = body["_links"]
    assert links["self"]["href"] == "/api/v1/uploads?page=1&pageSize=2"
    assert links["next"]["href"] == "/api/v1/uploads?page=2&pageSize=2" and links["last"]["href"] == "/api/v1/uploads?page=3&pageSize=2"
    assert "prev" not in links
    assert '</api/v1/uploads?page=2&pageSize=2>; rel="next"' in first.headers["Link"]
    seen = []
    href = links["self"]["href"]
    while href:  # follow next to the end: every upload once, newest first
        page = requests.get(server.url + href, headers=token, timeout=60).json()
        seen += [u["id"] for u in page["uploads"]]
        href = (page["_links"].get("next") or {}).get("href")
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)
    last = requests.get(api, params={"page": 3, "pageSize": 2, "uitkomst": "geladen"}, headers=token, timeout=60).json()
    assert last["_links"]["prev"]["href"] == "/api/v1/uploads?uitkomst=geladen&page=2&pageSize=2" and "next" not in last["_links"]
    old = requests.get(api, params={"limit": 2, "offset": 1}, headers=token, timeout=60).json()  # limit/offset still work
    assert [u["id"] for u in old["uploads"]] == seen[1:3] and old["offset"] == 1
    assert old["_links"]["next"]["href"] == "/api/v1/uploads?offset=3&limit=2"
    _problem(requests.get(api, params={"page": 2, "offset": 4}, headers=token, timeout=60), "offset")
    assert requests.get(api, params={"page": 0}, headers=token, timeout=60).status_code == 400

    history = requests.get(server.url + "/api/v1/gemeenten/GM0363/historie", params={"page": 2, "pageSize": 2}, timeout=60)
    hb = history.json()
    assert hb["totaal"] == 5 and [r["toelichting"] for r in hb["records"]] == ["stap 3", "stap 4"]
    assert hb["_links"]["first"]["href"] == "/api/v1/gemeenten/GM0363/historie?page=1&pageSize=2"
    assert hb["_links"]["next"]["href"] == "/api/v1/gemeenten/GM0363/historie?page=3&pageSize=2"
    assert history.headers["X-Total-Count"] == "5"
