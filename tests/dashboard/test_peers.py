""""Zo deden anderen het" (``dashboard/peers.py``, ``models/peers.py``) on the real app, on SQLite
and PostgreSQL: on /gemeente/<code> under an onderdeel not done, the nearby gemeenten that are
done as links to their bron (same region first, then the provincie; as of the page's peildatum);
on the round page for a gemeente account, per gemeente, with the OKEC ETVI link; no heading when
there is nothing to show. In Chromium the block's links work and axe-core finds nothing."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard.texts import onderdeel_title
from etl import referencedata
from etvi.upload import service
from models import db
from tests.support import uitvraag as scene_
from tests.support.app import make_app, page_content
from tests.support.axe import run_axe
from tests.support.browser import log_in, wait_for_dash

LATER = date(2026, 6, 1)
HEADING = "Zo deden anderen het"
OKEC = "https://www.volkshuisvestingnederland.nl/onderwerpen/online-kennis-en-expertisecentrum"
VERORDENING = "gm-peers-1"  # onderdelen in the programme's order: woonzorgvisie, verordening, ...
ROWS = [  # code, verordening, vastgesteld op, woonzorgvisie, toelichting, bron (at scene_.BASE)
    ("GM0344", "in voorbereiding", "", "geen", "", ""),  # Utrecht: the gemeente looked at
    ("GM0363", "vastgesteld", "2025-06-01", "in concept", "", "https://amsterdam.example/verordening"),  # shares a region
    ("GM0307", "vastgesteld", "2025-05-01", "geen", "", "https://amersfoort.example/verordening"),  # provincie Utrecht
    ("GM0310", "vastgesteld", "2025-04-01", "geen", "", "https://debilt.example/verordening"),  # provincie Utrecht
    ("GM0308", "in voorbereiding", "", "geen", "", "https://baarn.example/concept"),  # not done
    ("GM0312", "vastgesteld", "2025-03-01", "geen", "", ""),  # done, but no bron
]
LATER_ROWS = [("GM0321", "vastgesteld", "2026-05-01", "geen", "", "https://houten.example/verordening")]  # done from LATER


def _load(url: str, tmp_path) -> None:
    for name, rows, peildatum in (("basis", ROWS, scene_.BASE), ("later", LATER_ROWS, LATER)):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(scene_.status_csv(rows, peildatum))
        result = service.load_file(path, url=url)
        assert result.outcome == "geladen", result.problems
    region = [("woningmarktregio", "WR-MIDDEN", "Regio Midden", code, "test") for code in ("GM0344", "GM0363")]
    with db.session(url) as s:
        referencedata.load_region_memberships(s, pd.DataFrame(region, columns=["region_type", "region_code", "region_name", "gemeente_code", "source"]))
        s.commit()


def _find(node, id_: str):
    """The component with ``id_`` in a rendered tree (JSON), or None."""
    if isinstance(node, list):
        return next((hit for n in node if (hit := _find(n, id_)) is not None), None)
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == id_:
            return node
        return _find(list(node.values()), id_)
    return None


def _links(node) -> list[dict]:
    """The props of every link (html.A) under ``node``, in order."""
    if isinstance(node, list):
        return [link for n in node for link in _links(n)]
    if isinstance(node, dict):
        props = node.get("props", {})
        own = [props] if node.get("type") == "A" else []
        return own + _links(props.get("children"))
    return []


def _block(text: str, id_: str) -> dict | None:
    return _find(json.loads(text), id_)


def test_gemeente_page_shows_the_done_neighbours_with_their_bron(ref_db, tmp_path):
    _load(ref_db, tmp_path)
    client = make_app(ref_db).server.test_client()
    text = page_content(client, "/gemeente/GM0344", f"?peildatum={scene_.BASE.isoformat()}")
    block = _block(text, VERORDENING)
    assert block is not None and HEADING in json.dumps(block, ensure_ascii=False)
    links = _links(block)
    # the region first (Amsterdam, in another provincie), then the provincie by name; not Baarn
    # (not done), Bunnik (no bron), Houten (done only later), Utrecht itself
    assert [(a["children"], a["href"]) for a in links] == [
        ("Amsterdam: bron", "https://amsterdam.example/verordening"),
        ("Amersfoort: bron", "https://amersfoort.example/verordening"),
        ("De Bilt: bron", "https://debilt.example/verordening"),
    ]
    assert all("noopener" in a["rel"].split() and a["target"] == "_blank" for a in links)
    assert all(a["aria-label"].startswith(a["children"]) for a in links)  # the visible name is in the accessible one
    assert "zelfde regio: Regio Midden" in json.dumps(block, ensure_ascii=False)
    # woonzorgvisie: nobody near has one done, so no block (and no empty heading)
    assert _block(text, "gm-peers-0") is None
    # at a later peildatum Houten is done too
    later = _links(_block(page_content(client, "/gemeente/GM0344", f"?peildatum={LATER.isoformat()}"), VERORDENING))
    assert [a["children"] for a in later] == ["Amsterdam: bron", "Amersfoort: bron", "De Bilt: bron", "Houten: bron"]
    # as known before anything was uploaded (?kennis=), nobody is done: no block
    assert _block(page_content(client, "/gemeente/GM0344", f"?peildatum={LATER.isoformat()}&kennis=2020-01-01"), VERORDENING) is None
    # a gemeente that is done itself gets no examples for that onderdeel
    assert _block(page_content(client, "/gemeente/GM0363", f"?peildatum={scene_.BASE.isoformat()}"), VERORDENING) is None


def _open_round(url: str, tmp_path) -> int:
    """The accounts of ``tests.support.uitvraag``, the data above and an open round at its peildatum."""
    scene_.make_accounts(url)
    _load(url, tmp_path)
    return scene_.new_round(url)


def test_round_page_shows_examples_per_gemeente_with_the_okec_link(ref_db, tmp_path, fast_hashing):
    round_id = _open_round(ref_db, tmp_path)
    app = make_app(ref_db)
    utr = scene_.client_as(app, "utr")
    block = _block(page_content(utr, f"/uitvraag/{round_id}"), "uitvraag-peers-GM0344")
    assert block is not None and HEADING in json.dumps(block, ensure_ascii=False)
    links = _links(block)
    # at the round's peildatum (after LATER) Houten is done as well
    assert [a["children"] for a in links] == ["Amsterdam: bron", "Amersfoort: bron", "De Bilt: bron", "Houten: bron", "OKEC ETVI"]
    assert links[-1]["href"] == OKEC and all("noopener" in a["rel"].split() for a in links)
    assert f"{onderdeel_title('verordening')}: gemeenten in de buurt die dit al gereed hebben" in json.dumps(block, ensure_ascii=False)
    # Amsterdam's verordening is done and nobody near has a woonzorgvisie done: no block at all
    ams = scene_.client_as(app, "ams")
    text = page_content(ams, f"/uitvraag/{round_id}")
    assert _block(text, "uitvraag-peers-GM0363") is None and HEADING not in text


@pytest.mark.browser
def test_gemeente_page_block_in_chromium(ref_db, tmp_path, live_server, page):
    _load(ref_db, tmp_path)
    base = live_server(ref_db).url
    page.goto(f"{base}/gemeente/GM0344?peildatum={scene_.BASE.isoformat()}")
    wait_for_dash(page)
    block = page.locator(f"#{VERORDENING}")
    expect(block.get_by_role("heading", name=HEADING)).to_be_visible()
    links = block.get_by_role("link")
    expect(links).to_have_text(["Amsterdam: bron", "Amersfoort: bron", "De Bilt: bron"])
    expect(links.first).to_have_attribute("href", "https://amsterdam.example/verordening")
    expect(links.first).to_have_attribute("rel", "noopener noreferrer")
    expect(page.locator("#gm-peers-0")).to_have_count(0)
    assert run_axe(page) == []


@pytest.mark.browser
def test_round_page_block_in_chromium(ref_db, tmp_path, live_server, fast_hashing, page):
    round_id = _open_round(ref_db, tmp_path)
    base = live_server(ref_db).url
    log_in(page, base, "utr", scene_.PASSWORD, f"/uitvraag/{round_id}")
    block = page.locator("#uitvraag-peers-GM0344")
    expect(block.get_by_role("heading", name=HEADING, level=4)).to_be_visible()
    expect(block.get_by_role("link")).to_have_text(["Amsterdam: bron", "Amersfoort: bron", "De Bilt: bron", "Houten: bron", "OKEC ETVI"])
    expect(block.get_by_role("link", name=f"Houten: bron over {onderdeel_title('verordening').lower()} (opent in nieuw tabblad)", exact=True)).to_have_attribute("href", "https://houten.example/verordening")
    assert run_axe(page) == []
