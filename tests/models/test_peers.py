"""``models.peers`` ("Zo deden anderen het") on a small synthetic dataset, read from SQLite and
PostgreSQL: the order of preference (same region, then koploperregio, then provincie; by name
within one), the limit of five, done by the status levels and not by a word, the peildatum and
kennis of the as-of rule, only http/https bronnen, never the gemeente itself."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd

from models import db, peers, queries
from models.tables import Gemeente, Provincie, RegionMembership, StatusLevel, StatusRecord

P1, P2 = date(2026, 3, 1), date(2026, 9, 1)
EARLY, LATE = datetime(2026, 3, 2, tzinfo=timezone.utc), datetime(2026, 10, 1, tzinfo=timezone.utc)
ME = "GM0001"
GEMEENTEN = [  # code, name, provincie
    (ME, "Aa", "PV01"),
    ("GM0002", "Zeta", "PV01"),  # same region, done
    ("GM0003", "Beta", "PV01"),  # same region, done
    ("GM0004", "Alfa", "PV02"),  # same koploperregio only, done
    ("GM0005", "Gamma", "PV01"),  # same provincie, done (known only from LATE)
    ("GM0006", "Delta", "PV01"),  # same provincie, done
    ("GM0007", "Epsilon", "PV01"),  # same provincie, done
    ("GM0008", "Bravo", "PV01"),  # same region, not done
    ("GM0009", "Ceta", "PV01"),  # same region, done, but its bron is no web address
    ("GM0010", "Adam", "PV01"),  # same region, done only from P2
    ("GM0011", "Omega", "PV02"),  # nowhere near, done
]
MEMBERS = [("woningmarktregio", "R1", "Regio Een", c) for c in (ME, "GM0002", "GM0003", "GM0008", "GM0009", "GM0010")]
MEMBERS += [("koploperregio", "K1", "Koplopers", c) for c in (ME, "GM0004")]
# statuses of a made-up onderdeel, so nothing can rest on a known word: only "klaar" is done
LEVELS = [("verordening", 0, "nee", False), ("verordening", 1, "bijna", False), ("verordening", 2, "klaar", True),
          ("woonzorgvisie", 0, "geen", False), ("woonzorgvisie", 1, "vastgesteld", True)]  # fmt: skip


def _url(code: str) -> str:
    return f"https://{code.lower()}.example/besluit"


RECORDS = [  # code, onderdeel, status, peildatum, bron, made at
    (ME, "verordening", "bijna", P1, _url(ME), EARLY),
    (ME, "woonzorgvisie", "vastgesteld", P1, _url(ME), EARLY),
    ("GM0002", "verordening", "klaar", P1, _url("GM0002"), EARLY),
    ("GM0002", "woonzorgvisie", "vastgesteld", P1, _url("GM0002"), EARLY),
    ("GM0003", "verordening", "klaar", P1, "HTTPS://gm0003.example/besluit", EARLY),
    ("GM0004", "verordening", "klaar", P1, _url("GM0004"), EARLY),
    ("GM0005", "verordening", "klaar", P1, _url("GM0005"), LATE),
    ("GM0006", "verordening", "klaar", P1, "  " + _url("GM0006") + " ", EARLY),
    ("GM0007", "verordening", "klaar", P1, _url("GM0007"), EARLY),
    ("GM0008", "verordening", "bijna", P1, _url("GM0008"), EARLY),
    ("GM0009", "verordening", "klaar", P1, "ftp://gm0009.example/besluit", EARLY),
    ("GM0010", "verordening", "nee", P1, _url("GM0010"), EARLY),
    ("GM0010", "verordening", "klaar", P2, _url("GM0010"), EARLY),
    ("GM0011", "verordening", "klaar", P1, _url("GM0011"), EARLY),
]


def _load(url: str) -> None:
    with db.session(url) as s:
        s.add_all([Provincie(code="PV01", name="Noord"), Provincie(code="PV02", name="Zuid")])
        s.flush()
        s.add_all([Gemeente(code=c, name=n, provincie_code=p) for c, n, p in GEMEENTEN])
        s.add_all([RegionMembership(region_type=t, region_code=rc, region_name=rn, gemeente_code=c) for t, rc, rn, c in MEMBERS])
        s.add_all([StatusLevel(onderdeel=o, rank=r, status=st, is_done=d, label=st) for o, r, st, d in LEVELS])
        s.commit()
        s.add_all([StatusRecord(gemeente_code=c, onderdeel=o, status=st, peildatum=p, source_url=b, created_at=t) for c, o, st, p, b, t in RECORDS])
        s.commit()


def _names(found: pd.DataFrame, onderdeel: str = "verordening") -> list[tuple[str, str]]:
    rows = found[found["onderdeel"] == onderdeel]
    return list(zip(rows["name"], rows["tier"]))


def test_order_limit_done_and_links_at_the_peildatum(db_url):
    _load(db_url)
    found = peers.at(P1, [ME], ["verordening", "woonzorgvisie"], db_url)[ME]
    # region first (by name), then koploperregio, then provincie; five at most (Gamma, by name last, is cut)
    assert _names(found) == [("Beta", "regio"), ("Zeta", "regio"), ("Alfa", "koploperregio"), ("Delta", "provincie"), ("Epsilon", "provincie")]
    assert list(found.columns) == peers.COLUMNS
    assert set(found["via"]) == {"Regio Een", "Koplopers", "Noord"}
    assert found.loc[found["name"] == "Delta", "source_url"].item() == _url("GM0006")  # trimmed
    # Bravo is not done, Ceta's bron is ftp, Omega is nowhere near, Adam is done only after P1, Aa is itself
    assert not {"Bravo", "Ceta", "Omega", "Adam", "Aa"} & set(found["name"])
    # the gemeente's own woonzorgvisie is done: no examples for it
    assert _names(found, "woonzorgvisie") == []


def test_a_peer_done_after_the_peildatum_appears_from_then_on(db_url):
    _load(db_url)
    found = peers.at(P2, [ME], ["verordening"], db_url)[ME]
    assert _names(found) == [("Adam", "regio"), ("Beta", "regio"), ("Zeta", "regio"), ("Alfa", "koploperregio"), ("Delta", "provincie")]


def test_kennis_leaves_out_what_was_not_known_yet(db_url):
    _load(db_url)
    everything = peers.at(P1, [ME], ["verordening"], db_url)[ME]
    assert "Gamma" not in set(everything["name"])  # cut by the limit, not by kennis
    wider = peers.select(_state(db_url, None), *_reference(db_url), ME, ["verordening"], limit=10)
    assert "Gamma" in set(wider["name"])
    known_early = peers.select(_state(db_url, EARLY), *_reference(db_url), ME, ["verordening"], limit=10)
    assert "Gamma" not in set(known_early["name"]) and "Delta" in set(known_early["name"])


def test_several_gemeenten_at_once_and_the_limit_is_a_parameter(db_url):
    _load(db_url)
    found = peers.at(P1, [ME, "GM0008"], ["verordening"], db_url)
    # Bravo (GM0008) shares region R1 but no koploperregio: Aa is not done, so not among its examples
    assert _names(found["GM0008"])[:3] == [("Beta", "regio"), ("Zeta", "regio"), ("Delta", "provincie")]
    assert len(peers.select(_state(db_url, None), *_reference(db_url), ME, ["verordening"], limit=2)) == 2


def test_nothing_done_nearby_gives_an_empty_frame(db_url):
    _load(db_url)
    found = peers.at(P1, ["GM0011"], ["woonzorgvisie"], db_url)["GM0011"]
    assert found.empty and list(found.columns) == peers.COLUMNS


def _state(url: str, kennis):
    return queries.status_asof(P1, url, kennis)


def _reference(url: str):
    return queries.gemeenten(url), queries.region_memberships(url=url), queries.status_levels(url)
