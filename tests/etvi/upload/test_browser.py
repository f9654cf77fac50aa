"""The browser flow: log in as a gemeente, upload a LibreOffice-written file with one wrong status
word, see the error with its row, upload the corrected file, confirm, see the new status on the map."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.app import create_actors
from tests.support.browser import dropdown_option
from tests.support.upload import add_row_warnings

pytestmark = pytest.mark.browser

GEO_DIR = Path(__file__).resolve().parents[4] / "shared" / "geo" / "cartomap-nl" / "wgs84"


def libreoffice_ods(tmp_path: Path, name: str, verordening: str) -> Path:
    """Write a CSV and let LibreOffice convert it to .ods, so the file is really LibreOffice's."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is niet geïnstalleerd; make test installeert libreoffice-calc-nogui")
    src = tmp_path / f"{name}.csv"
    src.write_text(
        "gemeentecode,gemeente,peildatum,verordening,toelichting\n"
        f"GM0363,Amsterdam,2026-03-01,{verordening},via de browser\n",
        encoding="utf-8",
    )
    out = tmp_path / "ods"
    out.mkdir(exist_ok=True)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "ods", "--outdir", str(out), str(src)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    path = out / f"{name}.ods"
    assert path.is_file(), "LibreOffice wrote no file"
    return path


def log_in(page, actor) -> None:
    """Fill in and send the login form the page shows."""
    page.get_by_label("Gebruikersnaam").fill(actor.username)
    page.get_by_label("Wachtwoord").fill(actor.password)
    page.get_by_role("button", name="Inloggen").click()


@pytest.fixture
def live(ref_db, monkeypatch, live_server):
    if not os.environ.get("ETVI_GEO_DIR") and GEO_DIR.is_dir():
        monkeypatch.setenv("ETVI_GEO_DIR", str(GEO_DIR))
    actors = create_actors(ref_db)
    return live_server(ref_db).url, actors


def test_gemeente_uploads_fixes_and_sees_map(live, tmp_path, ref_db, page):
    from playwright.sync_api import expect

    base, actors = live
    wrong = libreoffice_ods(tmp_path, "amsterdam-fout", "vastgestelt")
    right = libreoffice_ods(tmp_path, "amsterdam-goed", "vastgesteld")
    a = actors["gemeente_a"]
    page.goto(f"{base}/aanleveren")
    expect(page).to_have_url(f"{base}/login?next=%2Faanleveren")
    log_in(page, a)
    expect(page).to_have_url(f"{base}/aanleveren")
    expect(page.locator("#ingelogd-als")).to_have_text("amsterdam")
    expect(page.locator("#aanl-bereik")).to_contain_text("Amsterdam (GM0363)")

    page.locator("#aanl-upload input[type=file]").set_input_files(str(wrong))
    expect(page.locator("#aanl-geweigerd")).to_be_visible(timeout=30_000)
    fouten = page.locator("#aanl-fouten")
    expect(fouten).to_contain_text("vastgestelt")
    row = fouten.locator("tbody tr").first
    expect(row.locator("th")).to_have_text("2")  # the spreadsheet row the user sees
    # One accessible form of the errors: the table with row numbers and a one-line summary.
    expect(page.locator(".problem-list")).to_have_count(0)
    expect(page.locator(".report-error .report-summary")).to_have_text(
        "1 fout, in rij 2. De tabel geeft per melding de rij en kolom in uw bestand."
    )
    expect(fouten).to_contain_text("rij 2")
    expect(page.locator("#aanl-bevestig")).to_be_disabled()
    expect(page.locator("#aanl-bevestig")).to_have_attribute("aria-disabled", "true")
    # A disabled button looks disabled (grey, dashed, not-allowed cursor).
    look = page.locator("#aanl-bevestig").evaluate(
        "b => { const s = getComputedStyle(b); return [s.cursor, s.borderStyle, s.backgroundColor]; }"
    )
    assert look == ["not-allowed", "dashed", "rgb(230, 230, 230)"], look

    page.locator("#aanl-upload input[type=file]").set_input_files(str(right))
    expect(page.locator("#aanl-goedgekeurd")).to_be_visible(timeout=30_000)
    expect(page.locator("#aanl-wijzigingen")).to_contain_text("vastgesteld")
    expect(page.locator("#aanl-goedgekeurd")).to_contain_text("1 rij gelezen, 1 status.")
    expect(page.locator("#aanl-bevestig")).to_be_enabled()
    expect(page.locator("#aanl-bevestig")).to_have_attribute("aria-disabled", "false")
    page.locator("#aanl-bevestig").click()
    expect(page.locator("#aanl-opgeslagen")).to_be_visible(timeout=30_000)
    expect(page.locator("#aanl-geschiedenis")).to_contain_text("amsterdam-goed.ods")

    page.goto(f"{base}/?onderdeel=verordening&peildatum=2026-03-01")
    graph = page.locator("#ov-map .js-plotly-plot")
    expect(graph).to_be_attached(timeout=30_000)
    page.wait_for_function(
        "() => { const gd = document.querySelector('#ov-map .js-plotly-plot');"
        " return gd && gd.data && gd.data.some(t => (t.locations || []).includes('GM0363')); }",
        timeout=30_000,
    )
    status = page.evaluate(
        "() => { const gd = document.querySelector('#ov-map .js-plotly-plot');"
        " const t = gd.data.find(t => (t.locations || []).includes('GM0363'));"
        " return String(t.customdata[t.locations.indexOf('GM0363')]); }"
    )
    assert "vastgesteld" in status.lower()


def test_dates_are_typed_day_first(live, tmp_path, new_page):
    """Native date inputs show mm/dd/yyyy in an English browser; the page asks for dd-mm-jjjj."""
    from playwright.sync_api import expect

    base, actors = live
    a = actors["gemeente_a"]
    page = new_page(locale="en-US")
    page.goto(f"{base}/login?next=%2Faanleveren")
    log_in(page, a)
    expect(page).to_have_url(f"{base}/aanleveren")
    field = page.get_by_label("Gemeld per (alleen invullen als het bestand geen peildatum heeft) (dd-mm-jjjj)")
    expect(field).to_have_attribute("type", "text")
    expect(field).to_have_attribute("placeholder", "dd-mm-jjjj")
    template = page.get_by_label("Gemeld per (de cel Peildatum in het sjabloon) (dd-mm-jjjj)")
    from datetime import date

    expect(template).to_have_value(date.today().strftime("%d-%m-%Y"))
    field.fill("31-02-2026")
    field.press("Tab")
    expect(page.locator("#aanl-peildatum-fout")).to_contain_text("‘31-02-2026’ is geen geldige datum")
    expect(page.locator("#aanl-peildatum-fout")).to_contain_text("dag-maand-jaar")
    # Dash 4 puts the className on the input's wrapper.
    expect(page.locator(".date-input.invalid #aanl-peildatum")).to_have_count(1)
    field.fill("01-03-2026")
    field.press("Tab")
    expect(page.locator("#aanl-peildatum-fout")).to_have_text("")
    expect(page.locator(".date-input.invalid #aanl-peildatum")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "aanleveren.png"), full_page=True)
    shots = os.environ.get("UX_SCREENSHOTS")
    if shots:
        shutil.copy(tmp_path / "aanleveren.png", Path(shots) / "aanleveren-datums.png")
    # The menu shows who is logged in and where to go.
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav).to_contain_text("Ingelogd als amsterdam")
    expect(nav.get_by_role("link", name="Aanleveren")).to_have_class("nav-link active")
    expect(nav.get_by_role("link", name="Auditlog")).to_have_count(0)


def test_delivery_status_choice_is_in_the_address(live, page):
    """The beheerder's provincie on /aanlevering (and the audit-log filters) go into the address;
    opening that address shows the same view."""
    from playwright.sync_api import expect

    base, actors = live
    page.goto(f"{base}/login?next=%2Faanlevering")
    log_in(page, actors["beheerder"])
    expect(page).to_have_url(f"{base}/aanlevering")
    # All 342 gemeenten first: a big table for a busy test machine, hence the longer waits.
    expect(page.locator("#levering-samenvatting")).to_contain_text("in Nederland", timeout=30_000)
    page.locator("#levering-provincie").click()
    dropdown_option(page, "Zuid-Holland").click()
    expect(page).to_have_url(f"{base}/aanlevering?provincie=PV28", timeout=30_000)
    expect(page.locator("#levering-samenvatting")).to_contain_text("in Zuid-Holland", timeout=30_000)
    table = page.locator("#levering-tabel")
    expect(table.locator("thead")).to_contain_text("Uitkomst laatste poging")
    expect(table).to_contain_text("Rotterdam (GM0599)")

    # The copied address reproduces the view in a fresh page.
    other = page.context.new_page()
    other.goto(f"{base}/aanlevering?provincie=PV28")
    expect(other.locator("#levering-samenvatting")).to_contain_text("in Zuid-Holland", timeout=30_000)
    expect(other.locator("#levering-provincie")).to_contain_text("Zuid-Holland")
    expect(other).to_have_url(f"{base}/aanlevering?provincie=PV28")
    other.close()

    # The audit log's filters too.
    page.goto(f"{base}/auditlog")
    expect(page.locator("#audit-uitkomst")).to_be_visible(timeout=30_000)
    page.locator("#audit-uitkomst").click()
    dropdown_option(page, "geweigerd").click()
    expect(page).to_have_url(f"{base}/auditlog?uitkomst=geweigerd", timeout=30_000)
    page.goto(f"{base}/auditlog?uitkomst=geweigerd&provincie=PV28")
    expect(page.locator("#audit-uitkomst")).to_contain_text("geweigerd")
    expect(page.locator("#audit-levering-wrap")).to_contain_text("in Zuid-Holland", timeout=30_000)
    expect(page).to_have_url(f"{base}/auditlog?uitkomst=geweigerd&provincie=PV28")


def test_too_big_file_is_refused_on_the_page(live, tmp_path, monkeypatch, page):
    """A 12 MB file: the page says it is too big before sending it. When the server's limit is
    lower than the page knows (the limit changed after the page was opened), the callback or
    the server's 413 says so on the page too; never a silent nothing."""
    from playwright.sync_api import expect

    base, actors = live
    big = tmp_path / "groot.csv"
    big.write_bytes(b"gemeentecode;peildatum;verordening\n" + b"x" * (12 * 1024 * 1024 - 35))
    sent: list[int] = []
    page.on("request", lambda r: sent.append(len(r.post_data_buffer or b"")) if "_dash-update-component" in r.url else None)
    page.goto(f"{base}/login?next=%2Faanleveren")
    log_in(page, actors["gemeente_a"])
    expect(page).to_have_url(f"{base}/aanleveren")
    expect(page.locator("#aanl-upload")).to_be_visible()
    page.locator("#aanl-upload input[type=file]").set_input_files(str(big))
    message = page.locator("#aanl-bestand-fout")
    expect(message).to_be_visible()
    expect(message).to_have_text(
        "Het bestand is te groot (12,0 MB); het maximum is 10 MB. ‘groot.csv’ is niet gecontroleerd en er is niets "
        "opgeslagen. Maak het bestand kleiner, bijvoorbeeld door alleen de rijen van uw gemeente(n) te laten staan."
    )
    expect(message).to_have_attribute("role", "alert")
    shots = os.environ.get("UX_SCREENSHOTS")
    if shots:
        page.locator("#aanl-upload-grens").locator("..").screenshot(path=str(Path(shots) / "aanleveren-te-groot.png"))
    page.wait_for_timeout(500)
    assert all(n < 1024 * 1024 for n in sent), sent  # the file was not sent

    # Dropped on the zone instead of chosen: the same message, nothing sent.
    dropped = page.evaluate_handle(
        "() => { const dt = new DataTransfer();"
        " dt.items.add(new File([new Uint8Array(11 * 1024 * 1024)], 'gesleept.xlsx')); return dt; }"
    )
    page.dispatch_event("#aanl-upload", "drop", {"dataTransfer": dropped})
    expect(message).to_contain_text("Het bestand is te groot (11,0 MB); het maximum is 10 MB. ‘gesleept.xlsx’")
    page.wait_for_timeout(500)
    assert all(n < 1024 * 1024 for n in sent), sent

    # A wrong type is named too, and a good file clears the message.
    wrong = tmp_path / "notities.txt"
    wrong.write_text("hallo")
    page.locator("#aanl-upload input[type=file]").set_input_files(str(wrong))
    expect(message).to_contain_text("‘notities.txt’ kan niet worden aangeleverd: alleen bestanden van het type xlsx, ods, csv of xls")
    good = tmp_path / "goed.csv"
    good.write_text("gemeentecode;peildatum;verordening\nGM0363;2026-03-01;vastgesteld\n")
    page.locator("#aanl-upload input[type=file]").set_input_files(str(good))
    expect(page.locator("#aanl-goedgekeurd")).to_be_visible(timeout=30_000)
    expect(message).to_be_hidden()

    # The server's limit drops to 1 MB while the page still allows 10 MB.
    monkeypatch.setenv("ETVI_MAX_FILE_MB", "1")
    middle = tmp_path / "midden.csv"
    middle.write_bytes(good.read_bytes() + b"x" * (1536 * 1024))
    page.locator("#aanl-upload input[type=file]").set_input_files(str(middle))
    expect(page.locator("#aanl-geweigerd")).to_contain_text("Het bestand is te groot (1,5 MB); het maximum is 1 MB.", timeout=30_000)
    expect(page.locator("#aanl-bevestig")).to_be_disabled()
    huge = tmp_path / "enorm.csv"
    huge.write_bytes(good.read_bytes() + b"x" * (4 * 1024 * 1024))
    page.locator("#aanl-upload input[type=file]").set_input_files(str(huge))
    # The server refuses this request unread (413); the page shows its Dutch message.
    expect(message).to_contain_text("Het bestand is te groot (ongeveer 4 MB); het maximum is 1 MB.", timeout=30_000)
    expect(page.locator("#aanl-geweigerd")).to_have_count(0)  # the report of the earlier file is gone


def test_report_with_100000_warnings_renders_fast(live, monkeypatch, page):
    """A check with 100,000 distinct row warnings shows within seconds: a count, the kinds, one
    page of 100 and buttons for the next pages and the whole list."""
    import time

    from playwright.sync_api import expect

    add_row_warnings(monkeypatch, 100_000)
    base, actors = live
    good = b"gemeentecode;peildatum;verordening\nGM0363;2026-03-01;vastgesteld\n"
    page.goto(f"{base}/login?next=%2Faanleveren")
    log_in(page, actors["gemeente_a"])
    expect(page).to_have_url(f"{base}/aanleveren")
    expect(page.locator("#aanl-upload")).to_be_visible()
    started = time.monotonic()
    page.locator("#aanl-upload input[type=file]").set_input_files({"name": "veel.csv", "mimeType": "text/csv", "buffer": good})
    warnings = page.locator(".report-warning")
    expect(warnings.locator(".report-summary")).to_contain_text("100.000 waarschuwingen", timeout=20_000)
    seconds = time.monotonic() - started
    assert seconds < 20, seconds
    expect(page.locator("#aanl-goedgekeurd")).to_be_visible()
    expect(page.locator("#aanl-waarschuwingen tbody tr")).to_have_count(100)
    expect(page.locator("#aanl-waarschuwingen-soorten")).to_contain_text("testmelding …: waarde '…' wijkt af")
    expect(warnings.locator(".report-position")).to_have_text("Meldingen 1–100 van 100.000")
    previous = warnings.get_by_role("button", name="Vorige 100")
    expect(previous).to_be_disabled()
    warnings.get_by_role("button", name="Volgende 100").click()
    expect(warnings.locator(".report-position")).to_have_text("Meldingen 101–200 van 100.000", timeout=20_000)
    expect(page.locator("#aanl-waarschuwingen tbody tr").first.locator("th")).to_have_text("102")
    expect(previous).to_be_enabled()
    shots = os.environ.get("UX_SCREENSHOTS")
    if shots:
        page.locator(".report-warning").screenshot(path=str(Path(shots) / "aanleveren-lang-rapport.png"))
    with page.expect_download(timeout=60_000) as info:
        warnings.get_by_role("button", name="Alle meldingen downloaden (csv)").click()
    download = info.value
    assert download.suggested_filename == "meldingen-waarschuwingen.csv"
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 100_000 and lines[0] == "Blad;Rij;Kolom;Waarde;Melding"
    # The file can still be confirmed.
    expect(page.locator("#aanl-bevestig")).to_be_enabled()
