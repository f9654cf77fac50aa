"""Issue 12, item 3: a download of figures with a round behind them says so in its name —
``-voorlopig`` while the round is open, ``-definitief`` after closing, nothing before its
peildatum — over HTTP on a live server, on SQLite and PostgreSQL."""

from __future__ import annotations

import requests

from etvi.uitvraag import rounds
from models import db
from tests.support import uitvraag as scene_


def _name(base: str, peildatum: str) -> str:
    got = requests.get(f"{base}/download/overzicht.csv?peildatum={peildatum}&onderdeel=verordening&niveau=gemeente", timeout=60)
    assert got.status_code == 200, got.text
    return got.headers["Content-Disposition"]


def test_download_name_says_voorlopig_then_definitief(ref_db, tmp_path, live_server, fast_hashing):
    scene = scene_.build(ref_db, tmp_path)  # open round at 2026-11-30
    base = live_server(ref_db).url
    assert _name(base, "2026-11-29").endswith('etvi-overzicht-2026-11-29.csv"')
    assert _name(base, "2026-12-01").endswith('etvi-overzicht-2026-12-01-voorlopig.csv"')
    with db.session(ref_db) as s:
        rounds.close_round(s, scene.round_id, actor="vng")
    assert _name(base, "2026-12-01").endswith('etvi-overzicht-2026-12-01-definitief.csv"')
