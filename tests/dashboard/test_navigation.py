"""Navigation, login landing, "Geen toegang", demo banner and 404 status, through HTTP (Flask test
client) and in the browser: the menu is built on the server per request and user."""

from __future__ import annotations

import json

import pytest

from models import db
from models.tables import Meta
from tests.support.app import create_actors, page_content
from tests.support.components import find_in_json


def _text(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _set_demo(url: str, on: bool = True) -> None:
    with db.session(url) as s:
        row = s.get(Meta, "demo_data")
        if row is None:
            s.add(Meta(key="demo_data", value="ja" if on else "nee"))
        else:
            row.value = "ja" if on else "nee"
        s.commit()


@pytest.fixture
def env(accounts_app):
    """``app, actors, client_for``: the shared login fixture of tests/conftest.py."""
    return accounts_app


def _menu(client) -> str:
    layout = client.get("/_dash-layout").get_json()
    header = find_in_json(layout, lambda n: n.get("type") == "Nav")
    return _text(header)





@pytest.mark.parametrize(
    "actor, present, absent",
    [
        (None, ["Inloggen", "/login?next="], ["Uitloggen", "Ingelogd als", "/aanleveren", "/auditlog", "/aanlevering"]),
        ("gemeente_a", ["Ingelogd als", "amsterdam", "Uitloggen", "/aanleveren"], ["Inloggen", "/auditlog", "/aanlevering"]),
        ("provincie", ["Ingelogd als", "noord-holland", "Uitloggen", "/aanlevering", "Aanleverstatus"], ["Inloggen", "/auditlog", "/aanleveren\""]),
        ("beheerder", ["Ingelogd als", "vng", "Uitloggen", "/aanleveren", "/auditlog", "/aanlevering"], ["Inloggen"]),
    ],
)
def test_menu_per_user(env, actor, present, absent):
    app, actors, client_for = env
    menu = _menu(client_for(actor))
    for word in present:
        assert word in menu, (actor, word)
    for word in absent:
        assert word not in menu, (actor, word)
    # The main entries keep ids nav-0 … nav-3: markNav (assets/etvi.js) marks them by index.
    for i in range(4):
        assert f'"nav-{i}"' in menu


def test_menu_marking_callbacks_registered(env):
    app, actors, client_for = env
    deps = client_for(None).get("/_dash-dependencies").get_json()
    outputs = [d["output"] for d in deps]
    assert any("nav-0.className" in o and "nav-3.className" in o for o in outputs)
    assert any('"type":"nav-konto"' in o.replace(" ", "") and "className" in o for o in outputs)
    assert any('"type":"nav-inloggen"' in o.replace(" ", "") and "href" in o for o in outputs)


def test_disabled_user_menu_is_anonymous(env, ref_db):
    from etvi.accounts import users

    app, actors, client_for = env
    c = client_for("gemeente_a")
    assert "Uitloggen" in _menu(c)
    with db.session(ref_db) as s:
        users.disable_user(s, actors["gemeente_a"].username, actor="test")
    menu = _menu(c)
    assert "Inloggen" in menu and "Uitloggen" not in menu


@pytest.mark.parametrize(
    "actor, requested, expected",
    [
        ("provincie", "/aanleveren", "/aanlevering"),
        ("provincie", None, "/aanlevering"),
        ("provincie", "/regios", "/regios"),
        ("gemeente_a", None, "/aanleveren"),
        ("gemeente_a", "/auditlog", "/aanleveren"),
        ("gemeente_a", "/mijlpalen", "/mijlpalen"),
        ("beheerder", "/auditlog", "/auditlog"),
        ("beheerder", None, "/aanleveren"),
    ],
)
def test_login_lands_on_a_page_the_role_may_open(env, actor, requested, expected):
    app, actors, client_for = env
    c = app.server.test_client()
    c.get("/login")
    a = actors[actor]
    data = {"gebruikersnaam": a.username, "wachtwoord": a.password, "csrf_token": c.get_cookie("_csrf_token").value}
    if requested:
        data["next"] = requested
    resp = c.post("/login", data=data)
    assert resp.status_code == 302 and resp.headers["Location"] == expected
    assert c.get(expected).status_code == 200


def test_geen_toegang_inside_the_shell(env):
    app, actors, client_for = env
    c = client_for("provincie")
    resp = c.get("/aanleveren")
    assert resp.status_code == 403
    html = resp.get_data(as_text=True)
    assert 'lang="nl"' in html and "_dash-renderer" in html or "dash-renderer" in html  # the Dash index, not a bare page
    # The shell (menu with the account entries) and the page's own explanation and links.
    assert "Uitloggen" in _menu(c)
    content = page_content(c, "/aanleveren")
    assert "Geen toegang" in content and "provincieaccount" in content
    assert "/aanlevering" in content and "Landelijk overzicht" in content
    # The same for a gemeente on the audit log.
    g = client_for("gemeente_a")
    assert g.get("/auditlog").status_code == 403
    content = page_content(g, "/auditlog")
    assert "Geen toegang" in content and "gemeenteaccount" in content and "/aanleveren" in content


def test_demo_banner_on_login_and_error_pages(env, ref_db):
    app, actors, client_for = env
    c = app.server.test_client()
    assert "demo-banner" not in c.get("/login").get_data(as_text=True)
    _set_demo(ref_db)
    login_page = c.get("/login").get_data(as_text=True)
    assert "demo-banner" in login_page and "Demonstratiegegevens" in login_page
    assert "Hoofdmenu" in login_page and "Landelijk overzicht" in login_page  # the site's menu
    # A refused CSRF check renders an error page in the same frame.
    resp = c.post("/login", data={"gebruikersnaam": "x", "wachtwoord": "y"}, headers={"Accept": "text/html"})
    assert resp.status_code == 403 and "demo-banner" in resp.get_data(as_text=True)
    # The Dash shell (every Dash page, the 403 and 404 pages included) has it too.
    p = client_for("provincie")
    assert p.get("/aanleveren").status_code == 403
    assert "demo-banner" in _text(p.get("/_dash-layout").get_json())


@pytest.mark.parametrize(
    "path, status",
    [
        ("/", 200),
        ("/regios", 200),
        ("/mijlpalen", 200),
        ("/data", 200),
        ("/gemeente/GM0363", 200),
        ("/gemeente/gm0363", 200),
        ("/provincie/PV27", 200),
        ("/bestaatniet", 404),
        ("/gemeente/GM9999", 404),
        ("/provincie/PV99", 404),
        ("/gemeente/", 404),
        ("/404", 404),
        ("/login", 200),
    ],
)
def test_unknown_addresses_answer_404(env, path, status):
    app, actors, client_for = env
    resp = client_for(None).get(path)
    assert resp.status_code == status, path
    if status == 404:
        assert 'lang="nl"' in resp.get_data(as_text=True)  # still the Dutch page in the shell


def test_404_page_content(env):
    app, actors, client_for = env
    assert "Pagina niet gevonden" in page_content(client_for(None), "/bestaatniet")
    assert "Gemeente niet gevonden" in page_content(client_for(None), "/gemeente/GM9999")


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture
def live(ref_db, live_server):
    actors = create_actors(ref_db)
    _set_demo(ref_db)
    return live_server(ref_db).url, actors


@pytest.mark.browser
def test_provincie_login_via_aanleveren_menu_and_marking(live, new_page):
    from playwright.sync_api import expect

    base, actors = live
    a = actors["provincie"]
    page = new_page(locale="en-US")
    page.goto(f"{base}/mijlpalen")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    login_link = nav.get_by_role("link", name="Inloggen")
    expect(login_link).to_have_attribute("href", "/login?next=%2Fmijlpalen")
    expect(nav.get_by_role("link", name="Mijlpalen")).to_have_class("nav-link active")

    # The login page carries the menu and the demo banner.
    page.goto(f"{base}/aanleveren")
    expect(page).to_have_url(f"{base}/login?next=%2Faanleveren")
    expect(page.locator("#demo-banner")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    page.get_by_label("Gebruikersnaam").fill(a.username)
    page.get_by_label("Wachtwoord").fill(a.password)
    page.get_by_role("button", name="Inloggen").click()

    # A provincie cannot upload: it lands on the delivery status of its gemeenten.
    expect(page).to_have_url(f"{base}/aanlevering")
    expect(page.locator("main h1")).to_have_text("Aanleverstatus per gemeente")
    expect(page.locator("#levering-samenvatting")).to_contain_text("Noord-Holland")
    expect(page.locator("#levering-tabel")).to_contain_text("Amsterdam (GM0363)")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav).to_contain_text("Ingelogd als noord-holland")
    status_link = nav.get_by_role("link", name="Aanleverstatus")
    expect(status_link).to_have_class("nav-link active")
    expect(nav.get_by_role("link", name="Uitloggen")).to_be_visible()
    expect(nav.get_by_role("link", name="Aanleveren")).to_have_count(0)
    expect(page.locator("#demo-banner")).to_be_visible()

    # Keyboard: Tab reaches the account entries; Enter follows them; marking moves along.
    page.locator("body").focus()
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement && document.activeElement.textContent"))
        if reached[-1] == "Regio's vergelijken":
            break
    assert "Regio's vergelijken" in reached
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/regios")
    expect(nav.get_by_role("link", name="Regio's vergelijken")).to_have_class("nav-link active")
    expect(status_link).to_have_class("nav-link")

    # "Geen toegang" on /aanleveren is a page in the shell, with links onward.
    resp = page.goto(f"{base}/aanleveren")
    assert resp.status == 403
    expect(page.locator("#geen-toegang")).to_contain_text("geen toegang")
    expect(page.locator("#demo-banner")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_contain_text("Uitloggen")
    page.locator("#geen-toegang-links").get_by_role("link", name="Aanleverstatus van de gemeenten").click()
    expect(page).to_have_url(f"{base}/aanlevering")

    # 404 in the shell.
    resp = page.goto(f"{base}/gemeente/GM9999")
    assert resp.status == 404
    expect(page.locator("main h1")).to_have_text("Gemeente niet gevonden")
    expect(page.locator("#demo-banner")).to_be_visible()
