"""One page frame and one page registry (dashboard/frame.py, dashboard/pages/__init__.py,
dashboard/routing.py), through HTTP with the Flask test client and in Chromium:

* the pages Flask renders (login, logout, the 403 and 500 answers) and the Dash shell (a page,
  its 403 and its 404) carry the same skip link, header with menu, demo banner and footer;
* the registry names every page once, and the server has each registered once;
* the page found for an address (public Dash API only) is the page Dash's own router shows,
  for many addresses: a Dash release that changes its routing fails here.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import random
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import dash
import pytest
from dash import _pages  # Dash's own router, to compare with (never used by the app itself)

from dashboard import frame, pages, routing
from models import db
from models.tables import Meta
from tests.support.app import create_actors, make_app
from tests.support.axe import run_axe

CSRF_FAILURE = {"gebruikersnaam": "x", "wachtwoord": "y"}  # no csrf_token: refused with 403


def _set_demo(url: str) -> None:
    with db.session(url) as s:
        row = s.get(Meta, "demo_data")
        if row is None:
            s.add(Meta(key="demo_data", value="ja"))
        else:
            row.value = "ja"
        s.commit()


# --- the frame of a page, as comparable data -------------------------------------------------

ATTRS = ("id", "class", "href", "role", "aria-label", "tabindex")
DASH_TAGS = {"Link": "a"}  # dcc.Link renders an <a>; html.X renders <x>


def _normal(tag: str, attrs: dict, children: list) -> tuple:
    """Tag, the attributes that make up the frame and the children, with the per-page state left
    out: which entry is marked current, and the address the login link returns to."""
    kept = {}
    for name in ATTRS:
        value = attrs.get(name)
        if value is None:
            continue
        value = str(value)
        if name == "class":
            value = " ".join(c for c in value.split() if c != "active")
        if name == "href" and value.startswith("/login?next="):
            value = "/login?next=…"
        kept[name] = value
    return tag, tuple(sorted(kept.items())), tuple(children)


class _Tree(HTMLParser):
    VOID = {"meta", "link", "input", "br", "img"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = ("root", {}, [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = (tag, dict(attrs), [])
        self.stack[-1][2].append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        while len(self.stack) > 1:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip():
            self.stack[-1][2].append(data)


def _html_normal(node) -> tuple | str:
    if isinstance(node, str):
        return node
    tag, attrs, children = node
    return _normal(tag, attrs, [_html_normal(c) for c in children])


def _find_html(node, tag: str, cls: str):
    if isinstance(node, str):
        return None
    if node[0] == tag and cls in (node[1].get("class") or "").split():
        return node
    for child in node[2]:
        hit = _find_html(child, tag, cls)
        if hit is not None:
            return hit
    return None


def html_frame(body: str) -> list:
    """The frame of a page Flask rendered: every part of ``div.page`` except ``main``."""
    parser = _Tree()
    parser.feed(body)
    page = _find_html(parser.root, "div", "page")
    assert page is not None, body[:500]
    return [_html_normal(c) for c in page[2] if not isinstance(c, str) and c[0] != "main"]


def _dom_id(value):
    if isinstance(value, dict):  # as Dash's renderer writes a dict id into the page
        return json.dumps(dict(sorted(value.items())), separators=(",", ":"))
    return value


def _dash_normal(node):
    if isinstance(node, str):
        return node
    if isinstance(node, (int, float)):
        return str(node)
    props = node["props"]
    tag = DASH_TAGS.get(node["type"], node["type"].lower())
    attrs = {
        "id": _dom_id(props.get("id")),
        "class": props.get("className"),
        "href": props.get("href"),
        "role": props.get("role"),
        "aria-label": props.get("aria-label"),
        "tabindex": props.get("tabIndex"),
    }
    children = props.get("children")
    children = children if isinstance(children, list) else [children]
    return _normal(tag, attrs, [_dash_normal(c) for c in children if c is not None and c != ""])


def dash_frame(layout: dict) -> list:
    """The frame of the Dash shell (``/_dash-layout``): every part except ``main`` and the Location."""
    assert layout["props"].get("className") == "page"
    return [_dash_normal(c) for c in layout["props"]["children"] if c is not None and c["type"] not in ("Main", "Location")]


def dash_layout(client, path: str) -> dict:
    resp = client.get("/_dash-layout", headers={"X-Etvi-Page": path})
    assert resp.status_code == 200
    return resp.get_json()


# --- over HTTP ------------------------------------------------------------------------------


@pytest.fixture
def world(ref_db):
    """The real app with demo data and the standard accounts, plus a route that fails (500)."""
    app = make_app(ref_db)
    actors = create_actors(ref_db)
    _set_demo(ref_db)

    def broken():
        raise RuntimeError("een fout om de 500-pagina te zien")

    app.server.add_url_rule("/test-fout", "test_fout", broken)
    return app, actors


def _client(app, actors, actor: str | None):
    client = app.server.test_client()
    client.get("/")
    if actor:
        a = actors[actor]
        client.get("/login")
        data = {"gebruikersnaam": a.username, "wachtwoord": a.password, "csrf_token": client.get_cookie("_csrf_token").value}
        assert client.post("/login", data=data).status_code == 302
    return client


def test_anonymous_pages_share_the_frame(world):
    app, actors = world
    c = _client(app, actors, None)
    answers = {
        "login": c.get("/login"),
        "403": c.post("/login", data=CSRF_FAILURE, headers={"Accept": "text/html"}),
        "500": c.get("/test-fout", headers={"Accept": "text/html"}),
    }
    assert [answers[k].status_code for k in ("login", "403", "500")] == [200, 403, 500]
    assert "Kenmerk van dit verzoek" in answers["500"].get_data(as_text=True)
    assert c.get("/bestaatniet").status_code == 404
    shell = dash_frame(dash_layout(c, "/mijlpalen"))
    assert dash_frame(dash_layout(c, "/bestaatniet")) == shell  # the 404 page
    text = json.dumps(shell, ensure_ascii=False)
    for part in ("Naar de inhoud", "Hoofdmenu", "Inloggen", "Demonstratiegegevens", "Over de gegevens en downloads"):
        assert part in text
    for name, resp in answers.items():
        assert html_frame(resp.get_data(as_text=True)) == shell, name


def test_logged_in_pages_share_the_frame(world):
    app, actors = world
    c = _client(app, actors, "gemeente_a")
    answers = {
        "logout": c.get("/logout"),
        "403": c.post("/logout", data={}, headers={"Accept": "text/html", "Origin": "http://localhost"}),
        "500": c.get("/test-fout", headers={"Accept": "text/html"}),
    }
    assert [answers[k].status_code for k in ("logout", "403", "500")] == [200, 403, 500]
    body = answers["403"].get_data(as_text=True)
    assert "Beveiligingscontrole mislukt" in body and "gemeenteaccount" in body  # the account's rights
    assert c.get("/auditlog").status_code == 403  # "Geen toegang" inside the Dash shell
    shell = dash_frame(dash_layout(c, "/"))
    assert dash_frame(dash_layout(c, "/auditlog")) == shell
    text = json.dumps(shell, ensure_ascii=False)
    for part in ("Ingelogd als ", "amsterdam", "Aanleveren", "Uitloggen"):
        assert part in text
    for name in ("logout", "403"):
        assert html_frame(answers[name].get_data(as_text=True)) == shell, name
    # A 500 (or 503) page asks the database nothing more: the frame with the anonymous menu.
    anonymous = dash_frame(dash_layout(_client(app, actors, None), "/"))
    assert html_frame(answers["500"].get_data(as_text=True)) == anonymous != shell


def test_error_answers_one_shape(world):
    """Every error of the site, from the security hooks or from faults, is the same JSON for
    JSON clients, and the same template (``error.html``) for a browser."""
    app, actors = world
    c = _client(app, actors, None)
    refused = c.post("/login", data=CSRF_FAILURE, headers={"Accept": "application/json"})
    failed = c.get("/test-fout", headers={"Accept": "application/json"})
    asset = c.get("/_dash-component-suites/dash/bestaat-niet.js")
    for resp, status in ((refused, 403), (failed, 500), (asset, 404)):
        assert resp.status_code == status and set(resp.get_json()) == {"fout", "status"}
        assert resp.get_json()["status"] == status
    assert re.search(r"Kenmerk van dit verzoek: [0-9a-f]{16}\.$", failed.get_json()["fout"])
    for resp in (c.post("/login", data=CSRF_FAILURE, headers={"Accept": "text/html"}), c.get("/test-fout", headers={"Accept": "text/html"})):
        body = resp.get_data(as_text=True)
        assert "<p role='alert'>" in body and "Naar het landelijk overzicht" in body and "lang='nl'" in body


def test_registry_lists_every_page_once(world):
    app, actors = world
    server = app.server
    paths = [p.path for p in pages.PAGES]
    assert len(paths) == len(set(paths))
    registered = [p.module.__name__ for p in pages.PAGES if isinstance(p, pages.DashPage)]
    assert len(registered) == len(set(registered))
    # Every page module of dashboard/pages is in the registry (shared code is no page).
    modules = []
    for info in pkgutil.iter_modules(pages.__path__):
        module = importlib.import_module(f"dashboard.pages.{info.name}")
        if hasattr(module, "PAGE"):
            modules.append(module.__name__)
    assert sorted(modules) == sorted(registered)
    # Dash knows exactly these pages, the account pages and the 404 among them.
    ours = {m: p for m, p in dash.page_registry.items() if m.startswith("dashboard.pages.")}
    assert sorted(ours) == sorted(registered)
    for path in ("/aanleveren", "/aanlevering", "/auditlog", "/404", "/gemeente/<code>"):
        assert path in paths
    # /login and /logout: one rule each, the registry's views.
    for page in (p for p in pages.PAGES if isinstance(p, pages.ServerPage)):
        rules = [r for r in server.url_map.iter_rules() if r.rule == page.path]
        assert len(rules) == 1 and server.view_functions[rules[0].endpoint] is page.view
    assert {"/login", "/logout"} <= set(paths)


# --- routing: ours against Dash's ------------------------------------------------------------

FIXED_PATHS = [
    "/", "//", "/regios", "/regios/", "/Regios", "/regiosx", "/mijlpalen", "/data", "/data/x",
    "/gemeente/GM0363", "/gemeente/gm0363", "/gemeente/", "/gemeente", "/gemeente/a/b", "/gemeente/%20",
    "/gemeente/a\nb", "/provincie/PV27", "/provincie/", "/provincie/PV27/extra", "/404", "/404/",
    "/aanleveren", "/aanlevering", "/auditlog", "/auditlog/", "/login", "/bestaatniet", "/gemeente/none",
    "/provincie/none", "/Gemeente/GM0363", "/PROVINCIE/PV27", "/regios/gemeente/GM0363", "/.", "/gemeente/.*", "/gemeente/[x]", "/gemeente/?a=b",
]
SEGMENTS = ["", "gemeente", "provincie", "regios", "data", "GM0363", "PV27", "404", "x", "aanleveren", "none", "ä", "*"]
SEARCHES = ["", "?", "?a=1", "?a=1&a=2", "?a=&b", "?peildatum=2024-01-01&onderdeel=wonen", "x=1", "?a=%20b&c=d%26e"]


def _dash_route(app, path):
    page, variables = _pages._path_to_page(app.strip_relative_path(path))
    return page.get("module"), variables or {}


def test_routing_matches_dashs_router(world):
    app, actors = world
    rng = random.Random(10)
    generated = ["/" + "/".join(rng.choice(SEGMENTS) for _ in range(rng.randint(1, 4))) for _ in range(400)]
    for path in FIXED_PATHS + generated:
        page, variables = routing.page_for(app, path)
        assert (page.get("module"), variables) == _dash_route(app, path), repr(path)
    for search in SEARCHES:
        assert routing.query_arguments(search) == _pages._parse_query_string(search), search
    dash_404 = next(p for m, p in _pages.PAGE_REGISTRY.items() if m.split(".")[-1] == "not_found_404")
    assert routing.not_found_page() is dash_404
    # The path variables reach the page as Dash passes them (a gemeente code as typed).
    assert routing.page_for(app, "/gemeente/gm0363") == (dash.page_registry["dashboard.pages.gemeente"], {"code": "gm0363"})


def test_no_private_dash_api_in_the_app():
    """Only this test reads Dash's private router; the app uses dashboard.routing."""
    root = Path(pages.__file__).resolve().parent.parent
    for source in [*root.glob("*.py"), *root.glob("pages/*.py")]:
        text = source.read_text(encoding="utf-8")
        assert "dash._" not in text and "from dash import _" not in text, source.name


# --- in Chromium ------------------------------------------------------------------------------


@pytest.fixture
def live(ref_db, live_server):
    app = make_app(ref_db)
    _set_demo(ref_db)
    return live_server(ref_db, app=app).url


FRAME_JS = """() => {
    const norm = (el) => el ? {
        tag: el.tagName.toLowerCase(), id: el.id || null,
        cls: (el.getAttribute('class') || '').split(/\\s+/).filter(c => c && c !== 'active').join(' '),
        href: el.getAttribute('href'), text: el.textContent.trim(),
    } : null;
    const items = [...document.querySelectorAll("nav[aria-label='Hoofdmenu'] > ul > li")].map(li => ({
        li: norm(li), a: norm(li.querySelector('a')),
    }));
    return {
        skip: norm(document.querySelector('a.skip-link')),
        brand: norm(document.querySelector('.brand-block')),
        menu: items,
        banner: norm(document.querySelector('#demo-banner')),
        footer: document.querySelector('footer.site-footer').innerHTML.replace(/\\s+/g, ' ').trim(),
        main: document.querySelector('main').id,
    };
}"""


@pytest.mark.browser
def test_login_and_home_show_the_same_frame(live, page):
    page.goto(f"{live}/login")
    on_login = page.evaluate(FRAME_JS)
    violations = run_axe(page)
    page.goto(f"{live}/")
    page.locator("#nav-0.active").wait_for()
    on_home = page.evaluate(FRAME_JS)
    assert on_login == on_home
    assert [m["a"]["text"] for m in on_home["menu"]][:4] == [link.label for link in frame.MENU]
    assert urlsplit(on_home["menu"][4]["a"]["href"]).path == "/login"
    assert on_home["banner"] is not None and on_home["main"] == frame.CONTENT_ID
    assert violations == [], violations
