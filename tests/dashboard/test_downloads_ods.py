"""Issue 14, item 13: every download is also offered as ODS (OpenDocument spreadsheet, on the
Dutch "pas toe of leg uit" list), with the same rows as the CSV; the pages link to it."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pandas as pd
import requests

from dashboard import components as ui
from dashboard.downloads import ODS_MIME, to_ods

QUERY = "?peildatum=2025-06-30&onderdeel=verordening&niveau=gemeente"


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as the text a reader sees, so CSV (decimal commas) and ODS (typed cells) compare."""

    def norm(x):
        if x is None or (isinstance(x, float) and pd.isna(x)) or x is pd.NaT:
            return ""
        if isinstance(x, float) and x.is_integer():
            return str(int(x))
        if isinstance(x, pd.Timestamp):
            return x.date().isoformat()
        return str(x).replace(",", ".") if isinstance(x, str) and x.replace(",", "", 1).isdigit() else str(x)

    return frame.astype(object).map(norm)


def test_overzicht_ods_over_http_has_the_rows_of_the_csv(dash_db, live_server, tmp_path):
    server = live_server(dash_db)
    csv = requests.get(f"{server.url}/download/overzicht.csv{QUERY}", timeout=60)
    ods = requests.get(f"{server.url}/download/overzicht.ods{QUERY}", timeout=60)
    assert ods.status_code == 200 and ods.headers["Content-Type"].startswith(ODS_MIME)
    assert ods.headers["Content-Disposition"].endswith('etvi-overzicht-2025-06-30.ods"')
    # an OpenDocument package: a zip whose first entry is the uncompressed mimetype
    with zipfile.ZipFile(io.BytesIO(ods.content)) as z:
        assert z.namelist()[0] == "mimetype" and z.read("mimetype").decode() == ODS_MIME
    from_csv = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig", sep=";", dtype=str, keep_default_na=False)
    from_ods = pd.read_excel(io.BytesIO(ods.content), engine="odf")
    assert len(from_ods) == len(from_csv) == 342
    assert list(from_ods.columns) == list(from_csv.columns)
    pd.testing.assert_frame_equal(_as_text(from_ods), _as_text(from_csv))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:  # LibreOffice itself reads it (converted back to CSV)
        path = tmp_path / "overzicht.ods"
        path.write_bytes(ods.content)
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(path)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        lo = pd.read_csv(tmp_path / "overzicht.csv", dtype=str, keep_default_na=False)
        assert len(lo) == 342 and list(lo.columns) == list(from_csv.columns)
        assert list(lo["Gemeentecode"]) == list(from_csv["Gemeentecode"])


def test_every_view_and_the_aanleverformaat_come_as_ods(client):
    for view in ["regios", "provincie-PV27", "gemeente-GM0363", "mijlpalen", "mijlpalen-voortgang", "gemeenten", "verouderd", "nooit-gemeld", "aanleverformaat"]:
        r = client.get(f"/download/{view}.ods?peildatum=2025-06-30&dagen=1")
        assert r.status_code == 200 and r.data[:2] == b"PK", view
        csv = client.get(f"/download/{view}.csv?peildatum=2025-06-30&dagen=1")
        back = pd.read_excel(io.BytesIO(r.data), engine="odf")
        expected = pd.read_csv(io.BytesIO(csv.data), encoding="utf-8-sig", sep=";")
        assert len(back) == len(expected) and list(back.columns) == list(expected.columns), view
    assert client.get("/download/sjabloon.ods").status_code == 404  # the template stays xlsx


def test_ods_neutralises_formulas():
    back = pd.read_excel(io.BytesIO(to_ods({"x": pd.DataFrame({"a": ["=HYPERLINK(1)"]})})), engine="odf")
    assert back["a"][0] == "'=HYPERLINK(1)"


def test_the_download_links_offer_ods_next_to_csv_and_xlsx():
    links = ui.download_links("ov", "overzicht", "?peildatum=2025-06-30").children
    hrefs = [c.href for c in links if hasattr(c, "href")]
    assert hrefs == [f"/download/overzicht.{fmt}?peildatum=2025-06-30" for fmt in ("csv", "xlsx", "ods")]
