"""The upload and audit-log pages through HTTP: Dash callbacks posted to /_dash-update-component
exactly as the browser does, with the role and scope checked on the server in each."""

from __future__ import annotations

import base64
import io

import openpyxl
import pytest
from sqlmodel import select

from models import db
from models.tables import AuditEvent, StatusRecord, Upload
from tests.support.app import csv_file, multipart
from tests.support.components import find_in_json
from tests.support.tables import payload, payload_rows
from tests.support.upload import Dash, add_row_warnings, data_url, text_of


@pytest.fixture
def env(accounts_app):
    """``app, actors, browser``: ``browser(actor)`` calls the page callbacks as that actor."""
    app, actors, client_for = accounts_app
    return app, actors, lambda actor_key: Dash(app, client_for(actor_key))


def api_upload(app, actor, rows, name: str, **fields):
    """``POST /api/v1/uploads`` with the actor's token: a CSV of ``rows`` (see ``csv_file``)."""
    headers = {"Authorization": f"Bearer {actor.token}"}
    return app.server.test_client().post("/api/v1/uploads", data=multipart(csv_file(rows), name, **fields), headers=headers)


def _uploads(url):
    with db.session(url) as s:
        return s.exec(select(Upload).order_by(Upload.id)).all()


def _records(url):
    with db.session(url) as s:
        return s.exec(select(StatusRecord)).all()


def test_wrong_word_then_fix_then_confirm(env, ref_db):
    app, actors, browser = env
    page = browser("gemeente_a")
    bad = csv_file([("GM0363", "vastgesteldd", "typfout")])
    out = page.call("aanl-upload", "contents", data_url(bad), {"aanl-upload.filename": "amsterdam.csv"})
    report = text_of(out["aanl-rapport.children"])
    assert "geweigerd" in report and "rij 2" in report and "vastgesteldd" in report and "Toegestaan" in report
    assert out["aanl-wacht.data"] is None and out["aanl-bevestig.disabled"] is True
    # The refused attempt is in the upload log, channel web.
    rows = _uploads(ref_db)
    assert [(u.outcome, u.channel, u.username) for u in rows] == [("geweigerd", "web", "amsterdam")]
    assert "vastgesteldd" in rows[0].error_report

    good = csv_file([("GM0363", "vastgesteld", "verbeterd")])
    out = page.call("aanl-upload", "contents", data_url(good), {"aanl-upload.filename": "amsterdam.csv"})
    report = text_of(out["aanl-rapport.children"])
    assert "goedgekeurd" in report and "nog niets bekend" in report and "vastgesteld" in report
    waiting = out["aanl-wacht.data"]
    assert waiting and waiting["token"] and out["aanl-bevestig.disabled"] is False
    assert len(_uploads(ref_db)) == 1 and _records(ref_db) == []  # a check writes nothing

    # Another gemeente cannot confirm this pending file, even with the token.
    other = browser("gemeente_b")
    out_b = other.call("aanl-bevestig", "n_clicks", 1, {"aanl-wacht.data": waiting})
    assert "geen gecontroleerd bestand" in text_of(out_b["aanl-resultaat.children"])
    assert _records(ref_db) == []

    out = page.call("aanl-bevestig", "n_clicks", 1, {"aanl-wacht.data": waiting})
    result = text_of(out["aanl-resultaat.children"])
    assert "is opgeslagen" in result and "/gemeente/GM0363" in result
    assert "amsterdam.csv" in text_of(out["aanl-geschiedenis.children"])
    records = _records(ref_db)
    assert [(r.gemeente_code, r.onderdeel, r.status) for r in records] == [("GM0363", "verordening", "vastgesteld")]
    assert [(u.outcome, u.channel) for u in _uploads(ref_db)] == [("geweigerd", "web"), ("geladen", "web")]
    # Confirming twice does nothing more.
    out = page.call("aanl-bevestig", "n_clicks", 2, {"aanl-wacht.data": waiting})
    assert "geen gecontroleerd bestand" in text_of(out["aanl-resultaat.children"])
    assert len(_records(ref_db)) == 1
    # The dashboard's data sees it at once (cache keyed on the data version).
    resp = page.client.get("/api/v1/status?peildatum=2026-03-01")
    assert {r["gemeentecode"]: r for r in resp.get_json()["gemeenten"]}["GM0363"]["verordening"] == "vastgesteld"


def test_other_gemeente_row_refuses_whole_file_in_browser(env, ref_db):
    app, actors, browser = env
    page = browser("gemeente_a")
    mixed = csv_file([("GM0363", "vastgesteld", ""), ("GM0599", "vastgesteld", "")])
    out = page.call("aanl-upload", "contents", data_url(mixed), {"aanl-upload.filename": "gemengd.csv"})
    report = text_of(out["aanl-rapport.children"])
    assert "u mag alleen gegevens aanleveren voor Amsterdam" in report and "rij 3" in report
    assert out["aanl-wacht.data"] is None
    assert _records(ref_db) == []
    assert [(u.outcome, u.file_name) for u in _uploads(ref_db)] == [("geweigerd", "gemengd.csv")]


@pytest.mark.parametrize("actor", ["provincie", None, "uitgeschakeld"])
def test_callbacks_refuse_without_upload_rights(env, ref_db, actor):
    app, actors, browser = env
    page = browser(actor)
    if actor == "uitgeschakeld":
        from etvi.accounts import users

        with db.session(ref_db) as s:
            users.disable_user(s, actors[actor].username)
    good = csv_file([("GM0363", "vastgesteld", "")])
    out = page.call("aanl-upload", "contents", data_url(good), {"aanl-upload.filename": "x.csv"})
    message = text_of(out["aanl-rapport.children"])
    assert "geen gegevens aanleveren" in message or "niet (meer) ingelogd" in message
    out = page.call("aanl-bevestig", "n_clicks", 1, {"aanl-wacht.data": {"token": "abc"}})
    assert "niet (meer) ingelogd" in text_of(out) or "geen gegevens aanleveren" in text_of(out)
    out = page.call("aanl-sjabloon-knop", "n_clicks", 1)
    assert out.get("aanl-sjabloon.data") is None
    assert _records(ref_db) == []
    # The refused attempt is logged: in the upload log when the account is known, else as an event.
    uploads = _uploads(ref_db)
    with db.session(ref_db) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "upload_geweigerd")).all()
    if actor == "provincie":
        assert [(u.username, u.channel, u.outcome, u.file_name) for u in uploads] == [("noord-holland", "web", "geweigerd", "x.csv")]
        assert events == []
    else:
        assert uploads == []
        expected = "anoniem" if actor is None else "oud-amsterdam (uitgeschakeld of sessie verlopen)"
        assert [e.username for e in events] == [expected]


def test_template_prefilled_for_own_gemeenten(env, ref_db):
    app, actors, browser = env
    page = browser("gemeente_a")
    out = page.call("aanl-sjabloon-knop", "n_clicks", 1, {"aanl-sjabloon-peildatum.value": "2026-04-01"})
    data = out["aanl-sjabloon.data"]
    assert data["filename"] == "etvi-sjabloon-GM0363.xlsx" and data["base64"]
    wb = openpyxl.load_workbook(io.BytesIO(base64.b64decode(data["content"])))
    values = [c for row in wb.worksheets[1].iter_rows(values_only=True) for c in row if isinstance(c, str) and c.startswith("GM")]
    assert values == ["GM0363"]


def test_audit_log_callbacks_check_role(env, ref_db):
    app, actors, browser = env
    api_upload(app, actors["gemeente_a"], [("GM0363", "vastgesteld", "")], "a.csv")
    admin = browser("beheerder")
    out = admin.call("audit-uitkomst", "value", "geladen")
    table = text_of(out["audit-uploads-wrap.children"])
    assert "a.csv" in table and "/api/v1/uploads/1/bestand" in table and "amsterdam" in table
    out = admin.call("audit-provincie", "value", "PV27")
    assert "Amsterdam (GM0363)" in text_of(out["audit-levering-wrap.children"])
    for actor in ("gemeente_a", "provincie", None):
        other = browser(actor)
        out = other.call("audit-uitkomst", "value", "geladen")
        assert "a.csv" not in text_of(out) and ("beheerder" in text_of(out) or "ingelogd" in text_of(out))
    # The audit log is the beheerder's: a provincie has its delivery status on /aanlevering.
    prov = browser("provincie")
    for provincie in ("PV27", "PV28"):
        out = text_of(prov.call("audit-provincie", "value", provincie))
        assert "Amsterdam" not in out and "Rotterdam" not in out and "beheerder" in out


# --- UX review: numbers, one form of the errors, dates, aria-disabled, delivery status -----------


def test_report_counts_are_singular_and_errors_listed_once(env, ref_db):
    app, actors, browser = env
    page = browser("gemeente_a")
    out = page.call("aanl-upload", "contents", data_url(csv_file([("GM0363", "vastgesteld", "")])), {"aanl-upload.filename": "een.csv"})
    report = text_of(out["aanl-rapport.children"])
    assert "1 rij gelezen, 1 status." in report and "1 rijen" not in report
    two = csv_file([("GM0363", "vastgesteld", ""), ("GM0363", "geen", "")])
    out = page.call("aanl-upload", "contents", data_url(two), {"aanl-upload.filename": "twee.csv"})
    report = text_of(out["aanl-rapport.children"])
    assert "geweigerd" in report or "2 rijen gelezen" in report
    bad = csv_file([("GM0363", "klaar", "")])
    out = page.call("aanl-upload", "contents", data_url(bad), {"aanl-upload.filename": "fout.csv"})
    report = text_of(out["aanl-rapport.children"])
    assert "problem-list" not in report  # not a list and a table with the same messages
    assert report.count("is geen geldige status") == 1
    assert "1 fout, in rij 2." in report and "geweigerd: 1 fout." in report


@pytest.mark.parametrize(
    "text, expected",
    [
        ("01-03-2026", "2026-03-01"),
        ("1-3-2026", "2026-03-01"),
        ("01/03/2026", "2026-03-01"),
        ("01.03.2026", "2026-03-01"),
        ("2026-03-01", "2026-03-01"),
        (" 12-11-2026 ", "2026-11-12"),
        ("31-02-2026", None),
        ("03/31/2026", None),
        ("morgen", None),
        ("", None),
        (None, None),
    ],
)
def test_form_dates_are_day_first(text, expected):
    from dashboard.pages.upload import date_problem, parse_form_date

    got = parse_form_date(text)
    assert (got.isoformat() if got else None) == expected
    problem = date_problem(text, "Peildatum")
    if expected or not (text or "").strip():
        assert problem is None
    else:
        assert "is geen geldige datum" in problem and "dag-maand-jaar" in problem


def test_bad_dates_give_a_clear_message(env, ref_db):
    app, actors, browser = env
    page = browser("gemeente_a")
    out = page.call("aanl-peildatum", "value", "31-02-2026")
    assert "‘31-02-2026’ is geen geldige datum" in text_of(out["aanl-peildatum-fout.children"])
    assert out["aanl-peildatum.className"] == "date-input invalid"
    out = page.call("aanl-peildatum", "value", "28-02-2026")
    assert out["aanl-peildatum-fout.children"] == "" and out["aanl-peildatum.className"] == "date-input"
    # The template refuses a bad date with the message; a Dutch date works.
    out = page.call("aanl-sjabloon-knop", "n_clicks", 1, {"aanl-sjabloon-peildatum.value": "13-13-2026"})
    assert out.get("aanl-sjabloon.data") is None and "geen geldige datum" in text_of(out["aanl-sjabloon-melding.children"])
    out = page.call("aanl-sjabloon-knop", "n_clicks", 1, {"aanl-sjabloon-peildatum.value": "01-04-2026"})
    assert out["aanl-sjabloon.data"]["filename"] == "etvi-sjabloon-GM0363.xlsx"
    # An upload with a bad date is not checked, says why, and is logged as an attempt.
    good = csv_file([("GM0363", "vastgesteld", "")])
    out = page.call("aanl-upload", "contents", data_url(good), {"aanl-upload.filename": "x.csv", "aanl-peildatum.value": "2026-31-01"})
    assert "geen geldige datum" in text_of(out["aanl-rapport.children"]) and out["aanl-wacht.data"] is None
    assert [(u.outcome, u.file_name) for u in _uploads(ref_db)] == [("geweigerd", "x.csv")]
    assert _records(ref_db) == []


def test_buttons_start_disabled_with_aria_disabled(env):
    app, actors, browser = env
    page = browser("gemeente_a")
    layout = text_of(page.client.get("/_dash-dependencies").get_json())
    assert "aanl-bevestig.aria-disabled" in layout and "aanl-annuleer.aria-disabled" in layout
    rendered = _pages_content(app, page.client, "/aanleveren")
    assert rendered.count('"aria-disabled": "true"') == 2


def _pages_content(app, client, pathname):
    return text_of(Dash(app, client).page(pathname))


def test_delivery_status_page_per_role(env, ref_db):
    app, actors, browser = env
    api_upload(app, actors["gemeente_a"], [("GM0363", "vastgesteld", "")], "amsterdam.csv")
    # Provincie: its own gemeenten, who delivered and who never did; another provincie in the address is ignored.
    prov = browser("provincie")
    assert prov.client.get("/aanlevering").status_code == 200
    content = _pages_content(app, prov.client, "/aanlevering")
    assert "Amsterdam (GM0363)" in content and "amsterdam.csv" in content and "verordening" in content
    assert "nog nooit aangeleverd" in content and "Rotterdam" not in content
    assert "1 van de " in content and "gemeenten in Noord-Holland hebben aangeleverd" in content
    # The callback checks the scope on the server: a provincie may not ask for another provincie or all.
    out = text_of(prov.call("levering-provincie", "value", "PV28"))
    assert "geen rechten" in out and "Rotterdam" not in out
    out = text_of(prov.call("levering-provincie", "value", None))
    assert "geen rechten" in out
    assert "Amsterdam" in text_of(prov.call("levering-provincie", "value", "PV27"))
    # Beheerder: any provincie, or all.
    admin = browser("beheerder")
    assert admin.client.get("/aanlevering").status_code == 200
    assert "Rotterdam (GM0599)" in text_of(admin.call("levering-provincie", "value", "PV28"))
    everything = text_of(admin.call("levering-provincie", "value", None))
    assert "van de 342 gemeenten in Nederland" in everything
    # Gemeente: no access (403, page in the shell), and the callback refuses too; anonymous: to the login.
    gem = browser("gemeente_a")
    assert gem.client.get("/aanlevering").status_code == 403
    assert "Geen toegang" in _pages_content(app, gem.client, "/aanlevering")
    assert "geen rechten" in text_of(gem.call("levering-provincie", "value", "PV27"))
    anon = browser(None)
    resp = anon.client.get("/aanlevering")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    assert "niet (meer) ingelogd" in text_of(anon.call("levering-provincie", "value", "PV27"))


# --- refused attempts on the delivery status, and its state in the address -----------------------


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return _strings(node.get("props", {}).get("children")) if "props" in node else []
    if isinstance(node, list):
        return [t for child in node for t in _strings(child)]
    return []


def _find_id(node, id_):
    return find_in_json(node, lambda n: n.get("props", {}).get("id") == id_)


def delivery_rows(component) -> dict[str, dict[str, str]]:
    """The delivery table (#levering-tabel) as {gemeente cell: {column header: cell text}}."""
    table = _find_id(component, "levering-tabel")
    assert table is not None, "no #levering-tabel"
    if payload(table) is not None:
        header, body = payload_rows(table)
        return {r[0]: dict(zip(header, r)) for r in body}
    rows = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Tr":
                rows.append(["".join(_strings(cell["props"].get("children"))) for cell in node["props"]["children"]])
            else:
                walk(node.get("props", {}).get("children"))
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(table)
    header, body = rows[0], rows[1:]
    return {r[0]: dict(zip(header, r)) for r in body}


def _today_nl() -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y")


def test_delivery_status_shows_refused_attempts(env, ref_db):
    """A provincie sees "tried but refused": per gemeente the latest attempt with its date and
    outcome in Dutch, refused ones included, in a table with headers and in words."""
    app, actors, browser = env
    prov = browser("provincie")
    gem = browser("gemeente_a")

    # 1. Amsterdam tries in the browser with a wrong status word: refused, nothing stored.
    out = gem.call("aanl-upload", "contents", data_url(csv_file([("GM0363", "klaar", "")])), {"aanl-upload.filename": "fout.csv"})
    assert "geweigerd" in text_of(out["aanl-rapport.children"])
    page = prov.page("/aanlevering")
    rows = delivery_rows(page)
    amsterdam = rows["Amsterdam (GM0363)"]
    assert amsterdam["Aangeleverd?"] == "nog nooit aangeleverd; wel geprobeerd, geweigerd"
    assert amsterdam["Laatste poging"].startswith(_today_nl())
    assert amsterdam["Uitkomst laatste poging"] == "geweigerd (bestand fout.csv, door amsterdam)"
    assert amsterdam["Laatst gemeld per"] == "—"
    assert rows["Haarlem (GM0392)"]["Aangeleverd?"] == "nog nooit aangeleverd"
    assert rows["Haarlem (GM0392)"]["Laatste poging"] == "—"
    refused = "".join(_strings(_find_id(page, "levering-geweigerd")))
    assert "Bij 1 gemeente is de laatste poging om aan te leveren geweigerd: Amsterdam." in refused

    # 2. Then it delivers through the API: delivered, the latest attempt is that delivery.
    resp = api_upload(app, actors["gemeente_a"], [("GM0363", "vastgesteld", "")], "goed.csv")
    assert resp.status_code == 201
    rows = delivery_rows(prov.page("/aanlevering"))
    amsterdam = rows["Amsterdam (GM0363)"]
    assert amsterdam["Aangeleverd?"] == "aangeleverd" and amsterdam["Uitkomst laatste poging"] == "geladen"
    assert amsterdam["Bestand"] == "goed.csv" and amsterdam["Laatst gemeld per"] == "01-03-2026"
    assert _find_id(prov.page("/aanlevering"), "levering-geweigerd") is None

    # 3. A later attempt refused before the file is read (a bad peildatum): counted for the
    #    account's own gemeente; the earlier delivery stays.
    resp = api_upload(app, actors["gemeente_a"], [("GM0363", "geen", "")], "later.csv", peildatum="2026-13-01")
    assert resp.status_code == 400
    rows = delivery_rows(prov.page("/aanlevering"))
    amsterdam = rows["Amsterdam (GM0363)"]
    assert amsterdam["Aangeleverd?"] == "aangeleverd; laatste poging geweigerd"
    assert amsterdam["Uitkomst laatste poging"] == "geweigerd (bestand later.csv, door amsterdam)"
    assert amsterdam["Bestand"] == "goed.csv"

    # The same in the API, for scripts.
    data = {r["gemeente_code"]: r for r in prov.client.get("/api/v1/aanlevering").get_json()["gemeenten"]}
    assert data["GM0363"]["laatste_poging_uitkomst"] == "geweigerd" and data["GM0363"]["geweigerd_sinds_levering"] == 1
    assert data["GM0392"]["laatste_poging"] is None


def test_refused_attempt_counts_for_the_gemeenten_it_was_for(env, ref_db):
    """Amsterdam's file with a Rotterdam row is Amsterdam's attempt, not Rotterdam's; the
    beheerder's refused file counts for the gemeenten in it."""
    app, actors, browser = env
    gem = browser("gemeente_a")
    mixed = csv_file([("GM0363", "vastgesteld", ""), ("GM0599", "vastgesteld", "")])
    gem.call("aanl-upload", "contents", data_url(mixed), {"aanl-upload.filename": "gemengd.csv"})
    admin = browser("beheerder")
    out = admin.call("levering-provincie", "value", "PV28")
    assert delivery_rows(out["levering-wrap.children"])["Rotterdam (GM0599)"]["Aangeleverd?"] == "nog nooit aangeleverd"
    out = admin.call("levering-provincie", "value", "PV27")
    assert delivery_rows(out["levering-wrap.children"])["Amsterdam (GM0363)"]["Uitkomst laatste poging"].startswith("geweigerd")

    for name in ("r1.csv", "r2.csv"):
        assert api_upload(app, actors["beheerder"], [("GM0599", "klaar", name)], name).status_code == 422
    out = admin.call("levering-provincie", "value", "PV28")
    rotterdam = delivery_rows(out["levering-wrap.children"])["Rotterdam (GM0599)"]
    assert rotterdam["Aangeleverd?"] == "nog nooit aangeleverd; wel geprobeerd, geweigerd"
    assert rotterdam["Uitkomst laatste poging"] == "geweigerd (bestand r2.csv, door vng); 2 geweigerde pogingen in totaal"
    # The audit log's delivery section shows the same view.
    out = admin.call("audit-provincie", "value", "PV28")
    assert "wel geprobeerd, geweigerd" in text_of(out["audit-levering-wrap.children"])


def test_delivery_status_provincie_comes_from_the_address(env, ref_db):
    """/aanlevering?provincie=PV28 shows Zuid-Holland to the beheerder (a copied link reproduces
    the view); an unknown code falls back to all; a provincie account always sees its own."""
    app, actors, browser = env
    admin = browser("beheerder")
    page = admin.page("/aanlevering", "?provincie=PV28")
    dropdown = _find_id(page, "levering-provincie")
    assert dropdown["props"]["value"] == "PV28"
    rows = delivery_rows(page)
    assert "Rotterdam (GM0599)" in rows and "Amsterdam (GM0363)" not in rows
    assert "in Zuid-Holland" in text_of(_find_id(page, "levering-samenvatting"))
    # The sync to the address is registered for the dropdown (the browser test checks it runs).
    deps = admin.client.get("/_dash-dependencies").get_json()
    sync = [d for d in deps if "levering-copy.data" in d["output"]]
    assert sync and [i["id"] for i in sync[0]["inputs"]] == ["levering-provincie"]
    spec = _find_id(page, "levering-url-spec")
    assert spec["props"]["data"]["keys"] == ["provincie"]
    # Lower case works; an unknown provincie shows all.
    assert _find_id(admin.page("/aanlevering", "?provincie=pv28"), "levering-provincie")["props"]["value"] == "PV28"
    page = admin.page("/aanlevering", "?provincie=PV99")
    assert _find_id(page, "levering-provincie")["props"]["value"] is None and len(delivery_rows(page)) == 342
    # A provincie account: its own provincie whatever the address says.
    prov = browser("provincie")
    rows = delivery_rows(prov.page("/aanlevering", "?provincie=PV28"))
    assert "Amsterdam (GM0363)" in rows and "Rotterdam (GM0599)" not in rows


def test_audit_log_filters_come_from_the_address(env, ref_db):
    app, actors, browser = env
    api_upload(app, actors["gemeente_a"], [("GM0363", "vastgesteld", "")], "goed.csv")
    api_upload(app, actors["gemeente_a"], [("GM0363", "klaar", "")], "fout.csv")
    admin = browser("beheerder")
    page = admin.page("/auditlog", "?uitkomst=geweigerd&provincie=PV28&gebruiker=amsterdam")
    assert _find_id(page, "audit-uitkomst")["props"]["value"] == "geweigerd"
    assert _find_id(page, "audit-gebruiker")["props"]["value"] == "amsterdam"
    assert _find_id(page, "audit-provincie")["props"]["value"] == "PV28"
    uploads = text_of(_find_id(page, "audit-uploads-wrap"))
    assert "fout.csv" in uploads and "goed.csv" not in uploads
    assert "Rotterdam (GM0599)" in text_of(_find_id(page, "audit-levering-wrap"))
    assert _find_id(page, "audit-url-spec")["props"]["data"]["keys"] == ["gebruiker", "uitkomst", "provincie"]
    # Unknown values fall back to no filter.
    page = admin.page("/auditlog", "?uitkomst=misschien&gebruiker=niemand")
    assert _find_id(page, "audit-uitkomst")["props"]["value"] is None and "goed.csv" in text_of(page)


MB = 1024 * 1024


def test_file_over_the_limit_is_refused_in_dutch_by_the_callback(env, ref_db, monkeypatch):
    """A file between the limit and what the callback request may carry reaches the callback,
    which names its size; nothing is checked or kept, the attempt is in the upload log."""
    monkeypatch.setenv("ETVI_MAX_FILE_MB", "1")
    app, actors, browser = env
    page = browser("gemeente_a")
    good = csv_file([("GM0363", "vastgesteld", "eerst goed")])
    out = page.call("aanl-upload", "contents", data_url(good), {"aanl-upload.filename": "goed.csv"})
    assert out["aanl-wacht.data"]  # a checked file waits for confirmation
    big = good + b"x" * (3 * MB // 2)
    out = page.call("aanl-upload", "contents", data_url(big), {"aanl-upload.filename": "groot.csv"}, {"aanl-wacht.data": out["aanl-wacht.data"]})
    report = text_of(out["aanl-rapport.children"])
    assert "Het bestand is te groot (1,5 MB); het maximum is 1 MB." in report
    assert "groot.csv" in report
    assert out["aanl-wacht.data"] is None and out["aanl-bevestig.disabled"] is True
    assert [(u.outcome, u.file_name) for u in _uploads(ref_db)] == [("geweigerd", "groot.csv")]
    assert "te groot" in _uploads(ref_db)[0].error_report
    assert _records(ref_db) == []


def test_callback_request_over_its_limit_gets_a_dutch_413(env, ref_db, monkeypatch):
    """Beyond twice the file limit the request is refused before it is read: 413 with a Dutch
    message in JSON (the page's script shows it), for a logged-in and an anonymous client alike."""
    monkeypatch.setenv("ETVI_MAX_FILE_MB", "1")
    app, actors, browser = env
    from dashboard import security

    with app.server.test_request_context():
        limit = security.dash_request_limit()
    assert 2 * MB * 4 // 3 < limit < 3 * MB * 4 // 3
    for who in ("gemeente_a", None):
        page = browser(who)
        resp = page.post("aanl-upload", "contents", data_url(b"x" * (3 * MB)), {"aanl-upload.filename": "enorm.csv"})
        assert resp.status_code == 413
        body = resp.get_json()
        assert body["status"] == 413 and "te groot" in body["fout"] and "het maximum is 1 MB" in body["fout"]
        assert "Request Entity" not in resp.get_data(as_text=True)
    assert _records(ref_db) == []


def test_long_report_is_folded_and_paged(env, ref_db):
    """1,500 wrong rows: the errors (capped by the validation at 1,000 plus a line for the rest)
    come as a count per kind, the first 100 and pages of 100; the whole list as CSV."""
    app, actors, browser = env
    page = browser("gemeente_a")
    rows = [("GM0363", f"fout{i}", "") for i in range(1500)]
    out = page.call("aanl-upload", "contents", data_url(csv_file(rows)), {"aanl-upload.filename": "lang.csv"})
    report = out["aanl-rapport.children"]
    text = text_of(report)
    assert "1.001 fouten" in text and "Meldingen 1–100 van 1.001" in text
    assert "'…' is geen geldige status" in text  # the count per kind, values folded
    assert "fout0" in text and "fout99" in text and "fout100'" not in text
    assert len(text) < 100_000
    store = _find_type(report, "aanl-meldingen")["props"]["data"]
    assert store["total"] == 1001 and store["start"] == 0
    key = {"type": "aanl-meldingen-volgende", "lijst": "aanl-fouten"}
    nxt = page.call_match(key, "n_clicks", 1, {"aanl-meldingen.data": store})
    shown = text_of(nxt["aanl-meldingen-tabel.children"])
    assert "fout100" in shown and "fout199" in shown and "fout99'" not in shown
    assert nxt["aanl-meldingen-positie.children"] == "Meldingen 101–200 van 1.001"
    assert nxt["aanl-meldingen-vorige.disabled"] is False and nxt["aanl-meldingen-volgende.disabled"] is False
    # To the last page and not beyond.
    state = {**store, "start": 1000}
    last = page.call_match(key, "n_clicks", 2, {"aanl-meldingen.data": state})
    assert last["aanl-meldingen-positie.children"] == "Meldingen 1.001–1.001 van 1.001"
    assert last["aanl-meldingen-volgende.disabled"] is True
    assert "nog 500 fouten" in text_of(last["aanl-meldingen-tabel.children"])
    # The whole list as CSV, as Dutch Excel opens it.
    csv_out = page.call_match({"type": "aanl-meldingen-csv", "lijst": "aanl-fouten"}, "n_clicks", 1, {"aanl-meldingen.data": store})
    download = csv_out["aanl-meldingen-download.data"]
    content = base64.b64decode(download["content"]).decode("utf-8-sig") if download.get("base64") else download["content"]
    lines = content.strip().splitlines()
    assert lines[0] == "Blad;Rij;Kolom;Waarde;Melding" and len(lines) == 1 + 1001
    assert download["filename"] == "meldingen-fouten.csv"
    # Another account cannot read the list, even with its token.
    other = browser("gemeente_b")
    gone = other.call_match(key, "n_clicks", 1, {"aanl-meldingen.data": store})
    assert "niet meer beschikbaar" in gone["aanl-meldingen-positie.children"]
    assert "aanl-meldingen-tabel.children" not in gone or "fout" not in text_of(gone.get("aanl-meldingen-tabel.children"))


def test_report_with_100000_warnings_stays_small(env, ref_db, monkeypatch):
    """100,000 distinct row warnings: the answer carries a count, the kinds and one page."""
    import time

    add_row_warnings(monkeypatch, 100_000)
    app, actors, browser = env
    page = browser("gemeente_a")
    started = time.perf_counter()
    resp = page.post("aanl-upload", "contents", data_url(csv_file([("GM0363", "vastgesteld", "")])), {"aanl-upload.filename": "veel.csv"})
    seconds = time.perf_counter() - started
    assert resp.status_code == 200
    assert len(resp.get_data()) < 100_000, len(resp.get_data())
    text = text_of(resp.get_json())
    assert "100.000 waarschuwingen" in text and "Meldingen 1–100 van 100.000" in text and "goedgekeurd" in text
    assert "testmelding …: waarde '…' wijkt af" in text
    assert seconds < 30, seconds


def _find_type(node, type_: str):
    """The first component in a rendered tree whose (dict) id has this type."""
    return find_in_json(node, lambda n: isinstance((n.get("props") or {}).get("id"), dict) and n["props"]["id"].get("type") == type_)
