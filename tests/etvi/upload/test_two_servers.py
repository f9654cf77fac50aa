"""Two ``etvi serve`` on two ports, each with its own working folder and nothing shared but one
PostgreSQL, behind a load balancer: a gemeente logs in and checks a file while the balancer sends
her to server A, and confirms it while it sends her to server B (Chromium), also after a reload
that lands on B; the beheerder then downloads the original from B (HTTP).

The balancer is a small forwarding proxy in this test: one address for the browser (so one
origin, as in production), and a switch that says which server gets the next requests.
"""

from __future__ import annotations

import pytest
import requests

from tests.support.app import create_actors, csv_file
from tests.support.live import Balancer

pytestmark = pytest.mark.browser


@pytest.fixture
def two_servers(postgres_ref_db, tmp_path, live_server):
    """Servers A and B (one worker each), each with its own data and cache folder."""
    servers = []
    for name in ("a", "b"):
        folder = tmp_path / f"server-{name}"
        folder.mkdir()
        env = {"ETVI_DATA_DIR": str(folder / "data"), "ETVI_CACHE_DIR": str(folder / "cache")}
        servers.append(live_server(postgres_ref_db, "serve", workers=1, env=env, log=folder / "serve.log"))
    return [server.url for server in servers], create_actors(postgres_ref_db)


def port_of(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def test_check_on_a_confirm_on_b_download_from_b(two_servers, tmp_path, new_page):
    from playwright.sync_api import expect

    (a, b), actors = two_servers
    gemeente, beheerder = actors["gemeente_a"], actors["beheerder"]
    upload = tmp_path / "amsterdam-twee-servers.csv"
    upload.write_bytes(csv_file([("GM0363", "vastgesteld", "via twee servers")]))
    second = tmp_path / "amsterdam-herladen.csv"
    second.write_bytes(csv_file([("GM0363", "vastgesteld", "na herladen")], peildatum="2026-04-01"))
    balancer = Balancer(port_of(a))
    page = new_page()
    try:
        page.goto(f"{balancer.base}/login?next=%2Faanleveren")
        page.get_by_label("Gebruikersnaam").fill(gemeente.username)
        page.get_by_label("Wachtwoord").fill(gemeente.password)
        page.get_by_role("button", name="Inloggen").click()
        expect(page).to_have_url(f"{balancer.base}/aanleveren")
        page.locator("#aanl-upload input[type=file]").set_input_files(str(upload))
        expect(page.locator("#aanl-goedgekeurd")).to_be_visible(timeout=30_000)
        expect(page.locator("#aanl-wijzigingen")).to_contain_text("vastgesteld")
        checks_on_a = [r for r in balancer.seen[port_of(a)] if r.startswith("POST /_dash-update-component")]
        assert checks_on_a, balancer.seen

        balancer.target = port_of(b)  # from now on every request reaches B
        page.locator("#aanl-bevestig").click()
        expect(page.locator("#aanl-opgeslagen")).to_be_visible(timeout=30_000)
        expect(page.locator("#aanl-opgeslagen")).to_contain_text("amsterdam-twee-servers.csv is opgeslagen")
        assert any(r.startswith("POST /_dash-update-component") for r in balancer.seen[port_of(b)]), balancer.seen

        # Checked on A, then a reload that the balancer sends to B: the page on B still offers
        # the confirm of the file checked on A (the token is kept in the tab's sessionStorage).
        balancer.target = port_of(a)
        page.locator("#aanl-upload input[type=file]").set_input_files(str(second))
        expect(page.locator("#aanl-goedgekeurd")).to_contain_text("amsterdam-herladen.csv", timeout=30_000)
        balancer.target = port_of(b)
        before = len(balancer.seen[port_of(b)])
        page.reload()
        expect(page.locator("#aanl-wacht-klaar")).to_contain_text("amsterdam-herladen.csv", timeout=30_000)
        assert any(r.startswith("GET /aanleveren") for r in balancer.seen[port_of(b)][before:]), balancer.seen
        expect(page.locator("#aanl-bevestig")).to_be_enabled()
        page.locator("#aanl-bevestig").click()
        expect(page.locator("#aanl-opgeslagen")).to_contain_text("amsterdam-herladen.csv is opgeslagen", timeout=30_000)
        expect(page.locator("#aanl-geschiedenis")).to_contain_text("amsterdam-twee-servers.csv")
        page.reload()  # nothing waits any more
        expect(page.locator("#aanl-geschiedenis")).to_contain_text("amsterdam-herladen.csv")
        expect(page.locator("#aanl-wacht-klaar")).to_have_count(0)
        expect(page.locator("#aanl-bevestig")).to_be_disabled()
    finally:
        page.context.close()  # before the balancer, which the page's requests go through
        balancer.close()

    # The beheerder downloads the original from B, by the API, over HTTP.
    headers = {"Authorization": f"Bearer {beheerder.token}"}
    listed = requests.get(f"{b}/api/v1/uploads", params={"uitkomst": "geladen"}, headers=headers, timeout=30).json()["uploads"]
    assert [u["bestand"] for u in listed] == ["amsterdam-herladen.csv", "amsterdam-twee-servers.csv"]
    assert all(u["kanaal"] == "web" and u["gebruiker"] == gemeente.username for u in listed)
    for entry, sent in zip(listed, (second, upload)):
        original = requests.get(b + entry["origineel"], headers=headers, timeout=30)
        assert original.status_code == 200, original.text[:300]
        assert original.content == sent.read_bytes()
        assert f'filename={sent.name}' in original.headers["Content-Disposition"]
    # and A answers the same: nothing lives on one server's disk
    assert requests.get(a + listed[1]["origineel"], headers=headers, timeout=30).content == upload.read_bytes()
