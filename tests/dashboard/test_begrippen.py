"""Issue 14, item 10, over HTTP against the real app and in Chromium (keyboard only): the glossary /begrippen (open to everyone, an
entry for every term), the short explanations on the pages (each links to an entry that exists),
and the two dates named apart everywhere a visitor reads them: "Stand op" for the date the page
shows, "Gemeld per" for a report's date. The word "peildatum" stays only where it names the
contract: the address (``?peildatum=``), the upload file's column or cell, the API's fields.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from dashboard.pages import PAGES, DashPage
from dashboard.texts import GEMELD_PER, GLOSSARY_PATH, STAND_OP, TERMS
from etvi.accounts import policy
from tests.support.app import make_app, page_content
from tests.support.browser import wait_for_dash

# The terms the issue names, and the two dates: each has an entry on /begrippen.
REQUIRED = {
    "koploper",
    "verdeling-opgave",
    "gemeenten-met-melding",
    "nog-te-gaan",
    "woonzorgvisie",
    "huisvestingsverordening",
    "urgentieregeling",
    "stand-op",
    "gemeld-per",
}
EXAMPLES = {"/gemeente/<code>": "/gemeente/GM0363", "/provincie/<code>": "/provincie/PV27"}
# Addresses that show the tables too (the group table with "Gemeenten met melding").
EXTRA = [("/", "?tabel=1"), ("/", "?tabel=1&niveau=provincie"), ("/regios", "?regiotype=provincie&onderdeel=verordening")]
# Where "peildatum" may still be read: it names the upload file's column or cell (the contract).
# The contract's names a visitor may read: the upload file's column and cell, and the query
# parameter inside an address (the <iframe> code to copy carries one).
CONTRACT = re.compile(r"kolom peildatum|cel peildatum|bestand geen peildatum|[?&;]peildatum=", re.IGNORECASE)
# Properties that are addresses, ids or classes, not text a visitor reads ("h": a link in a
# large table's payload, "stores"/"keys": ids the scripts use).
NOT_TEXT = {"id", "href", "className", "htmlFor", "aria-labelledby", "aria-controls", "aria-describedby", "namespace", "type", "search", "pathname", "keys", "h", "stores"}
# Pages that must explain their terms (the first place a visitor may meet them).
EXPLAINED = {"/": "ov-uitleg", "/provincie/PV27": "pv-uitleg", "/gemeente/GM0363": "gm-uitleg", "/regios": "rg-uitleg", "/mijlpalen": "mp-uitleg"}
# Every download view but the aanleverformaat (its columns are the upload contract).
DOWNLOADS = [
    "overzicht.csv",
    "overzicht.csv?niveau=provincie",
    "regios.csv",
    "provincie-PV27.csv",
    "gemeente-GM0363.csv",
    "mijlpalen.csv",
    "mijlpalen-voortgang.csv",
    "gemeenten.csv",
    "verouderd.csv?dagen=1",
    "nooit-gemeld.csv",
]


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(v for k, v in attrs if k == "id" and v)


def _ids(html: str) -> set[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


def texts(node, key: str | None = None, within: str | None = None):
    """Every string a visitor may read in a Dash response (JSON), with the property it sits in.
    A figure's shapes and annotations carry an internal ``name`` (their ``text`` is read)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in NOT_TEXT and not (k == "name" and within in ("shapes", "annotations")):
                yield from texts(v, k, within)
    elif isinstance(node, list):
        for v in node:
            yield from texts(v, key, key)
    elif isinstance(node, str) and key == "data-table":  # a large table's payload (assets/tables.js)
        yield from texts(json.loads(node), key, within)
    elif isinstance(node, str):
        yield key, node


def addresses() -> list[tuple[str, str]]:
    """Every Dash page of the registry (at an example address) and the extra table views."""
    found = [(EXAMPLES.get(p.path, p.path), "") for p in PAGES if isinstance(p, DashPage)]
    return [a for a in found if "<" not in a[0]] + EXTRA


@pytest.fixture
def beheerder(accounts_app):
    _, _, client_for = accounts_app
    return client_for("beheerder")


def test_the_glossary_explains_every_term_and_is_open_without_a_login(ref_db):
    app = make_app(ref_db, public=False)  # a dashboard that is not public: every data page needs a login
    client = app.server.test_client()
    assert client.get("/").status_code == 302
    resp = client.get(GLOSSARY_PATH)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")
    html = resp.get_data(as_text=True)
    assert "<title>Begrippen · ETVI-monitor</title>" in html
    ids = _ids(html)
    assert REQUIRED <= {t.key for t in TERMS}
    assert {t.key for t in TERMS} <= ids
    for t in TERMS:
        assert t.text in html.replace("&#39;", "'"), t.key
    assert GLOSSARY_PATH in policy.OPEN_PATHS
    assert policy.page_access(None, GLOSSARY_PATH, public=False) is policy.Access.ALLOW


def test_every_explanation_links_to_an_entry_of_the_glossary(beheerder):
    ids = _ids(beheerder.get(GLOSSARY_PATH).get_data(as_text=True))
    seen = set()
    for path, search in addresses():
        content = page_content(beheerder, path, search)
        links = re.findall(r'"href": "' + GLOSSARY_PATH + r'#([a-z-]+)"', content)
        assert set(links) <= ids, (path, set(links) - ids)
        seen.update(links)
        if path in EXPLAINED and not search:
            assert f'"id": "{EXPLAINED[path]}"' in content, path
            assert '"type": "Details"' in content, path
    assert REQUIRED - {"nog-te-gaan"} <= seen  # "nog te gaan" only where a milestone sets a target
    # the footer of every page (Dash's shell and Flask's pages) links to the glossary
    assert f"<a href='{GLOSSARY_PATH}'>" in beheerder.get("/logout").get_data(as_text=True)
    assert f'"href": "{GLOSSARY_PATH}"' in json.dumps(beheerder.get("/_dash-layout").get_json())


def test_the_two_dates_are_named_apart_on_every_page(beheerder):
    for path, search in addresses():
        response = json.loads(page_content(beheerder, path, search))
        said = [(k, t) for k, t in texts(response) if re.search(r"peildatum", t, re.IGNORECASE) and not CONTRACT.search(t)]
        assert said == [], f"{path}{search}: {said[:5]}"
    home = page_content(beheerder, "/", "?tabel=1")
    assert f'"children": "{STAND_OP}"' in home  # the label of the date control
    assert f'"{GEMELD_PER}"' in home  # a column of the gemeente table
    assert f'"children": "{GEMELD_PER}"' in page_content(beheerder, "/gemeente/GM0363")
    upload = page_content(beheerder, "/aanleveren")
    assert f"{GEMELD_PER} (de cel Peildatum in het sjabloon)" in upload


@pytest.mark.parametrize("download", DOWNLOADS)
def test_download_headers_say_stand_op_or_gemeld_per(beheerder, download):
    resp = beheerder.get(f"/download/{download}" + ("&" if "?" in download else "?") + "peildatum=2026-03-31")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    header = next(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert not [h for h in header if "peildatum" in h.lower()], header


def test_the_contract_keeps_its_names(beheerder):
    """The upload format, the address and the API still say peildatum."""
    resp = beheerder.get("/download/aanleverformaat.csv?peildatum=2026-03-31")
    assert "woonzorgvisie peildatum" in resp.get_data(as_text=True).lstrip("\ufeff").splitlines()[0].split(";")
    assert beheerder.get("/api/v1/status?peildatum=2026-03-31").get_json()["peildatum"] == "2026-03-31"
    assert "ov-map-heading" in page_content(beheerder, "/", "?peildatum=2024-03-31")
    assert "31 maart 2024" in page_content(beheerder, "/", "?peildatum=2024-03-31")


# --- in Chromium, by keyboard ---------------------------------------------------------------------

OPEN_JS = "(id) => document.getElementById(id).open"
AT_TARGET_JS = """(key) => {
    const dt = document.getElementById(key), r = dt.getBoundingClientRect();
    return dt.matches(':target') && r.top >= 0 && r.bottom <= window.innerHeight;
}"""


@pytest.mark.browser
@pytest.mark.geodata
@pytest.mark.parametrize("path", list(EXPLAINED))
def test_an_explanation_opens_by_keyboard_and_leads_to_the_glossary(live, page, path):
    details = EXPLAINED[path]
    page.goto(live.url + path)
    wait_for_dash(page, 30)
    for _ in range(150):  # Tab from the top of the page until the explanation's summary has focus
        page.keyboard.press("Tab")
        if page.evaluate("(id) => document.activeElement.matches('#' + id + ' > summary')", details):
            break
    else:
        pytest.fail(f"{path}: de uitleg is met Tab niet te bereiken")
    assert page.evaluate(OPEN_JS, details) is False
    page.keyboard.press("Enter")
    assert page.evaluate(OPEN_JS, details) is True
    page.keyboard.press("Space")
    assert page.evaluate(OPEN_JS, details) is False
    page.keyboard.press("Space")
    assert page.evaluate(OPEN_JS, details) is True
    links = page.locator(f"#{details} a")
    last = links.count()
    assert last >= 1
    for _ in range(last):  # on through every link of the explanation, to the last
        page.keyboard.press("Tab")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href == links.nth(last - 1).get_attribute("href") and href.startswith(GLOSSARY_PATH + "#")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(GLOSSARY_PATH) + "#"))
    key = href.split("#", 1)[1]
    assert page.evaluate(AT_TARGET_JS, key), f"{path}: {key} niet in beeld op {GLOSSARY_PATH}"
    assert page.title() == "Begrippen · ETVI-monitor"
    assert page.errors == []
