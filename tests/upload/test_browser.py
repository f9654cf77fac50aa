"""The browser flow: log in as a gemeente, upload a LibreOffice-written file with one wrong status
word, see the error with its row, upload the corrected file, confirm, see the new status on the map."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from tests.api.support import create_actors, make_app

pytestmark = pytest.mark.browser

GEO_DIR = Path(__file__).resolve().parents[3] / "shared" / "geo" / "cartomap-nl" / "wgs84"


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


@pytest.fixture
def live(ref_db, monkeypatch):
    if not os.environ.get("ETVI_GEO_DIR") and GEO_DIR.is_dir():
        monkeypatch.setenv("ETVI_GEO_DIR", str(GEO_DIR))
    from werkzeug.serving import make_server

    app = make_app(ref_db)
    actors = create_actors(ref_db)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", actors
    server.shutdown()
    thread.join(timeout=10)


def test_gemeente_uploads_fixes_and_sees_map(live, tmp_path, ref_db, browser):
    from playwright.sync_api import expect

    base, actors = live
    wrong = libreoffice_ods(tmp_path, "amsterdam-fout", "vastgestelt")
    right = libreoffice_ods(tmp_path, "amsterdam-goed", "vastgesteld")
    a = actors["gemeente_a"]
    errors: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/aanleveren")
        expect(page).to_have_url(f"{base}/login?next=%2Faanleveren")
        page.get_by_label("Gebruikersnaam").fill(a.username)
        page.get_by_label("Wachtwoord").fill(a.password)
        page.get_by_role("button", name="Inloggen").click()
        expect(page).to_have_url(f"{base}/aanleveren")
        expect(page.locator("#ingelogd-als")).to_have_text("amsterdam")
        expect(page.locator("#aanl-bereik")).to_contain_text("Amsterdam (GM0363)")

        page.locator("#aanl-upload input[type=file]").set_input_files(str(wrong))
        expect(page.locator("#aanl-geweigerd")).to_be_visible(timeout=30_000)
        fouten = page.locator("#aanl-fouten")
        expect(fouten).to_contain_text("vastgestelt")
        row = fouten.locator("tbody tr").first
        expect(row.locator("th")).to_have_text("2")  # the spreadsheet row the user sees
        expect(page.locator(".problem-list")).to_contain_text("rij 2")
        expect(page.locator("#aanl-bevestig")).to_be_disabled()

        page.locator("#aanl-upload input[type=file]").set_input_files(str(right))
        expect(page.locator("#aanl-goedgekeurd")).to_be_visible(timeout=30_000)
        expect(page.locator("#aanl-wijzigingen")).to_contain_text("vastgesteld")
        expect(page.locator("#aanl-bevestig")).to_be_enabled()
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
    finally:
        context.close()
    assert errors == []
