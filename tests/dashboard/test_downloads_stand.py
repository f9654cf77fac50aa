"""Issue 12, item 3: voorlopig/definitief as content, not only in the file name. While the round
behind the figures is open, the CSV and xlsx downloads of ``/`` and ``/provincie`` carry a last
column ``stand`` = voorlopig on every row, and the cards of ``/`` and the comparison of
``/provincie`` say "Voorlopig"; after
``etvi uitvraag sluit`` both say definitief; figures before the round's peildatum have no column.
Over HTTP on a live server (downloads) and the real app (the cards), SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import openpyxl
import requests

from etvi.uitvraag import rounds
from tests.support import uitvraag as scene_
from tests.support.app import make_app, page_content
from tests.support.cli import run_cli

OVERZICHT = "overzicht.{fmt}?peildatum={day}&onderdeel=verordening&niveau=gemeente"
PROVINCIE = "provincie-PV27.{fmt}?peildatum={day}"


def _csv(base: str, view: str, day: str) -> list[dict]:
    got = requests.get(f"{base}/download/{view.format(fmt='csv', day=day)}", timeout=60)
    assert got.status_code == 200, got.text
    return list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig")), delimiter=";"))


def _xlsx(base: str, view: str, day: str) -> list[tuple]:
    got = requests.get(f"{base}/download/{view.format(fmt='xlsx', day=day)}", timeout=60)
    assert got.status_code == 200, got.text
    return list(openpyxl.load_workbook(io.BytesIO(got.content), read_only=True).active.iter_rows(values_only=True))


def _stand_everywhere(base: str, day: str) -> set[str]:
    """The values of ``stand`` in both views, CSV and xlsx (the column is the last one)."""
    found = set()
    for view, n in ((OVERZICHT, 342), (PROVINCIE, None)):
        rows = _csv(base, view, day)
        assert list(rows[0])[-1] == "stand" and (n is None or len(rows) == n)
        found |= {r["stand"] for r in rows}
        sheet = _xlsx(base, view, day)
        assert sheet[0][-1] == "stand" and len(sheet) == len(rows) + 1
        found |= {r[-1] for r in sheet[1:]}
    return found


def _cards(url: str, day: str, path: str = "/") -> str:
    client = make_app(url).server.test_client()
    client.get("/")
    return page_content(client, path, f"?peildatum={day}")


def test_downloads_and_cards_say_voorlopig_then_definitief_after_sluit(ref_db, tmp_path, live_server, fast_hashing):
    scene = scene_.build(ref_db, tmp_path)  # an open round at 2026-11-30
    base = live_server(ref_db).url
    before = _csv(base, OVERZICHT, "2026-11-29")
    assert "stand" not in before[0] and "stand" not in _xlsx(base, PROVINCIE, "2026-11-29")[0]
    assert "card-stand" not in _cards(ref_db, "2026-11-29")

    assert _stand_everywhere(base, "2026-12-01") == {"voorlopig"}
    cards = _cards(ref_db, "2026-12-01")
    assert cards.count('"Voorlopig"') == len(rounds.all_onderdelen(ref_db))  # every card
    assert '"Voorlopig"' in _cards(ref_db, "2026-12-01", "/provincie/PV27")  # above the comparison of /provincie

    closed = run_cli("uitvraag", "sluit", str(scene.round_id), url=ref_db, tmp_path=tmp_path)
    assert closed.returncode == 0, closed.stderr
    assert _stand_everywhere(base, "2026-12-01") == {"definitief"}
    cards = _cards(ref_db, "2026-12-01")
    assert '"Definitief"' in cards and '"Voorlopig"' not in cards
    assert '"Definitief"' in _cards(ref_db, "2026-12-01", "/provincie/PV27")
