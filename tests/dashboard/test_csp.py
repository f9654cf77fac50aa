"""Item 17 of issue 9: a Content-Security-Policy on every response, and every page works under it.

* In Chromium, every page (the public ones, /login, and /aanleveren logged in) loads with no CSP
  violation (``securitypolicyviolation`` events and console messages), and the maps draw.
* Over HTTP, every kind of response (page, asset, component bundle, API JSON, download, error,
  redirect, callback) carries the policy, ``X-Frame-Options: DENY``, ``nosniff`` and a
  ``Referrer-Policy``, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from tests.support.app import create_actors
from tests.support.browser import wait_for_dash

PAGES = ["/", "/regios", "/provincie/PV27", "/gemeente/GM0363", "/mijlpalen", "/data", "/login"]
MAPS = {"/": "ov-map", "/provincie/PV27": "pv-map"}

# Collects violations from the first moment of every document (Playwright injects this through
# the DevTools protocol, which the page's policy does not govern).
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.fixture(scope="module")
def live_actors(live):
    return create_actors(live.db_url)


@pytest.fixture
def csp_page(new_page):
    pg = new_page()
    pg.add_init_script(LISTEN)
    pg.console_csp = []
    pg.on("console", lambda m: pg.console_csp.append(m.text) if "Content Security Policy" in m.text else None)
    return pg


def _check(page, path: str) -> None:
    wait_for_dash(page)
    if path in MAPS:
        page.wait_for_selector(f"#{MAPS[path]} .choroplethlayer path", timeout=20_000)
    policy = page.evaluate("window.__cspViolations")
    assert policy == [] and page.console_csp == [], (path, policy, page.console_csp)


@pytest.mark.browser
@pytest.mark.geodata
@pytest.mark.parametrize("path", PAGES)
def test_every_page_works_under_the_policy(live, csp_page, path):
    response = csp_page.goto(live.url + path)
    assert response.status == 200
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    if path == "/login":  # a page Flask renders itself: no Dash on it
        csp_page.wait_for_selector("#gebruikersnaam")
        assert csp_page.evaluate("window.__cspViolations") == [] and csp_page.console_csp == []
        return
    _check(csp_page, path)


@pytest.mark.browser
@pytest.mark.geodata
def test_the_upload_page_works_under_the_policy_when_logged_in(live, live_actors, csp_page):
    actor = live_actors["gemeente_a"]
    csp_page.goto(live.url + "/login?next=/aanleveren")
    csp_page.fill("#gebruikersnaam", actor.username)
    csp_page.fill("#wachtwoord", actor.password)
    csp_page.click("button[type=submit]")
    csp_page.wait_for_url(re.compile(r".*/aanleveren$"))
    _check(csp_page, "/aanleveren")
    assert csp_page.locator("input[type=file]").count() >= 1


# --- every response carries the headers (Flask test client, SQLite and PostgreSQL) -------------------


def _assert_headers(resp, what: str) -> None:
    policy = resp.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, (what, policy)
    assert "'unsafe-eval'" not in policy and "script-src 'self' 'sha256-" in policy, (what, policy)
    assert resp.headers.get("X-Frame-Options") == "DENY", what
    assert resp.headers.get("X-Content-Type-Options") == "nosniff", what
    assert resp.headers.get("Referrer-Policy"), what


def test_every_kind_of_response_carries_the_policy(accounts_app):
    app, actors, client_for = accounts_app
    anon = client_for(None)
    index = anon.get("/")
    html = index.get_data(as_text=True)
    bundle = re.search(r'src="(/_dash-component-suites/[^"]+)"', html).group(1)
    asset = re.search(r'href="(/assets/[^"]+\.css[^"]*)"', html).group(1)
    responses = {
        "pagina": index,
        "component-bundle": anon.get(bundle),
        "asset": anon.get(asset),
        "layout": anon.get("/_dash-layout"),
        "api-json": anon.get("/api/v1/ik"),
        "api-fout": anon.get("/api/v1/bestaat-niet"),
        "download": anon.get("/download/gemeenten.csv?peildatum=2024-12-31"),
        "login": anon.get("/login"),
        "doorverwijzing": anon.get("/aanleveren"),
        "onbekende bundle": anon.get("/_dash-component-suites/bestaat_niet/x.js"),
        "404-pagina": anon.get("/gemeente/GM9999"),
        # an anonymous callback is checked by its origin (it needs no token): a foreign one is refused
        "csrf-fout": anon.post("/_dash-update-component", json={}, headers={"Origin": "https://evil.example"}),
    }
    assert responses["doorverwijzing"].status_code == 302 and responses["csrf-fout"].status_code == 403
    for what, resp in responses.items():
        _assert_headers(resp, what)
    # the hashes are those of the inline scripts the page really carries
    policy = index.headers["Content-Security-Policy"]
    inline = re.findall(r"<script(?: id=\"_dash-renderer\" type=\"application/javascript\")?>(.*?)</script>", html, re.S)
    assert inline
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy, script[:200]
