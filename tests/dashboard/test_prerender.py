"""The first layout of a page load carries the page (dashboard.prerender), through HTTP.

What the layout request returns for an address must be exactly what Dash's routing callback
returns for it, or a first load would show something else than a later navigation.
"""

from __future__ import annotations

import gzip
import json

import pytest

from tests.support.components import find_in_json
from tests.support.dashcall import post

ADDRESSES = [
    ("/", ""),
    ("/", "?niveau=provincie&onderdeel=verordening&peildatum=2025-06-30&tabel=1"),
    ("/regios", "?regiotype=koploperregio&onderdeel=woonzorgvisie"),
    ("/provincie/PV27", "?sorteer=Woonzorgvisie&volgorde=af"),
    ("/provincie/PV99", ""),
    ("/gemeente/GM0363", "?peildatum=2025-06-30"),
    ("/mijlpalen", ""),
    ("/data", ""),
    ("/bestaat-niet", ""),
    ("/regios/", "?onderdeel=verordening&onderdeel=woonzorgvisie"),
    ("/gemeente/GM%200363", ""),
    ("/gemeente/gm0363", "?peildatum="),
    # pages for logged-in users: anonymous here, so both say the same "log in" / "no access"
    ("/aanleveren", ""),
    ("/aanlevering", "?provincie=PV27"),
    ("/auditlog", "?uitkomst=geweigerd"),
]


def _layout(client, header: str | None):
    headers = {"Accept-Encoding": "gzip"}
    if header is not None:
        headers["X-Etvi-Page"] = header
    r = client.get("/_dash-layout", headers=headers)
    assert r.status_code == 200
    raw = r.get_data()
    if r.headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.loads(raw), r


def _by_id(node, wanted: str):
    return find_in_json(node, lambda n: isinstance(n.get("props"), dict) and n["props"].get("id") == wanted)


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True)


@pytest.mark.parametrize("pathname,search", ADDRESSES)
def test_first_layout_holds_what_the_routing_callback_sends(dash_app, client, pathname, search):
    layout, response = _layout(client, pathname + search)
    location = _by_id(layout, "_pages_location")["props"]
    assert (location["pathname"], location["search"]) == (pathname, search)
    assert "no-store" in response.headers["Cache-Control"] and "X-Etvi-Page" in response.headers["Vary"]

    routed, _ = post(
        client,
        dash_app,
        "_pages_content",
        "children",
        {"_pages_location.pathname": pathname, "_pages_location.search": search},
        ["_pages_location.pathname"],
    )
    content = _by_id(layout, "_pages_content")["props"]["children"]
    assert content is not None
    assert _canonical(content) == _canonical(routed["response"]["_pages_content"]["children"])
    assert _by_id(layout, "_pages_store")["props"]["data"] == routed["response"]["_pages_store"]["data"]


@pytest.mark.parametrize("header", [None, "", "//elders.example/", "https://elders.example/", "regios", "/\\elders", "/" + "x" * 3000])
def test_without_a_usable_page_name_the_layout_is_the_empty_shell(client, header):
    layout, _ = _layout(client, header)
    assert _by_id(layout, "_pages_content")["props"].get("children") is None
    assert _by_id(layout, "_pages_location")["props"].get("pathname") is None


def test_a_failing_page_layout_falls_back_to_the_routing_callback(dash_app, client, monkeypatch):
    from dashboard import prerender

    def broken(*_args, **_kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(prerender, "content_for", broken)
    layout, _ = _layout(client, "/regios")
    assert _by_id(layout, "_pages_content")["props"].get("children") is None
    assert _by_id(layout, "_pages_location")["props"].get("pathname") is None
