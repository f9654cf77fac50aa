"""Downloading boundary files into the cache, against a local HTTP server."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
from pathlib import Path

import pytest

from geo import boundaries, membership
from geo.errors import GeoError
from tests.support.geo import GEMEENTEN, PROVINCIES, gemeente_records, topojson_text

UNREACHABLE = "http://127.0.0.1:9/"  # the discard port: nothing listens there


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requested: list[str]

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.requested.append(self.path)
        super().do_GET()


@pytest.fixture
def server(tmp_path, monkeypatch):
    """Serve ``tmp_path / 'site'`` on 127.0.0.1 and point ETVI_GEO_URL at it."""
    site = tmp_path / "site"
    site.mkdir()
    requested: list[str] = []
    handler = type("Handler", (_QuietHandler,), {"requested": requested})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("ETVI_GEO_URL", f"http://127.0.0.1:{httpd.server_address[1]}/")
    try:
        yield site, requested
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def publish(site: Path, year: int) -> None:
    (site / f"gemeente_{year}.topojson").write_text(topojson_text(f"gemeente_{year}", gemeente_records()), encoding="utf-8")
    (site / f"provincie_{year}.topojson").write_text(topojson_text(f"provincie_{year}", PROVINCIES), encoding="utf-8")


def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "geo"


def test_ensure_files_downloads_into_cache(server, tmp_path):
    site, requested = server
    publish(site, 2025)
    paths = boundaries.ensure_files(["gemeente", "provincie"], 2025)
    assert paths == {
        "gemeente": cache(tmp_path) / "gemeente_2025.topojson",
        "provincie": cache(tmp_path) / "provincie_2025.topojson",
    }
    assert paths["gemeente"].read_bytes() == (site / "gemeente_2025.topojson").read_bytes()
    assert sorted(requested) == ["/gemeente_2025.topojson", "/provincie_2025.topojson"]
    assert [p.name for p in cache(tmp_path).iterdir() if p.name.endswith(".part")] == []


def test_cached_files_are_not_downloaded_again(server):
    site, requested = server
    publish(site, 2025)
    boundaries.ensure_files(["gemeente"], 2025)
    boundaries.ensure_files(["gemeente"], 2025)
    assert requested == ["/gemeente_2025.topojson"]


def test_reference_tables_work_from_downloaded_files(server):
    site, _ = server
    publish(site, 2025)
    table = membership.gemeenten(2025)
    assert sorted(table["code"]) == sorted(code for code, *_ in GEMEENTEN)


def test_choose_year_downloads_newest_published_year(server, tmp_path):
    site, requested = server
    publish(site, 2024)
    year = boundaries.choose_year()
    assert year == 2024
    this_year = dt.date.today().year
    tried = [f"/gemeente_{y}.topojson" for y in range(this_year, 2023, -1)]
    assert [r for r in requested if r.startswith("/gemeente")] == tried
    assert boundaries.complete_years(cache(tmp_path)) == [2024]


def test_choose_year_with_etvi_geo_year_downloads_that_year(server, monkeypatch):
    site, requested = server
    publish(site, 2024)
    publish(site, 2025)
    monkeypatch.setenv("ETVI_GEO_YEAR", "2024")
    assert boundaries.choose_year() == 2024
    assert "/gemeente_2025.topojson" not in requested


def test_nothing_published_names_url_and_years(server):
    with pytest.raises(GeoError) as caught:
        boundaries.choose_year()
    message = str(caught.value)
    assert "2023" in message and str(dt.date.today().year) in message
    assert "ETVI_GEO_DIR" in message


def test_404_names_the_url(server):
    with pytest.raises(GeoError) as caught:
        boundaries.ensure_files(["gemeente"], 2025)
    assert "/gemeente_2025.topojson" in str(caught.value)
    assert "HTTP 404" in str(caught.value)


def test_corrupt_download_is_not_kept(server, tmp_path):
    site, _ = server
    (site / "gemeente_2025.topojson").write_text("<html>Onderhoud</html>")
    with pytest.raises(GeoError) as caught:
        boundaries.ensure_files(["gemeente"], 2025)
    assert "geen bruikbaar grensbestand" in str(caught.value)
    assert list(cache(tmp_path).iterdir()) == []


def test_unreachable_server_gives_dutch_instructions(monkeypatch, tmp_path):
    monkeypatch.setenv("ETVI_GEO_URL", UNREACHABLE)
    with pytest.raises(GeoError) as caught:
        boundaries.ensure_files(["gemeente", "provincie"], 2025)
    message = str(caught.value)
    assert f"Downloaden van {UNREACHABLE}gemeente_2025.topojson is mislukt" in message
    for hint in ("ETVI_GEO_DIR", "gemeente_<jaar>.topojson", "provincie_<jaar>.topojson", "cartomap/nl", "CBS/PDOK"):
        assert hint in message
    assert "Traceback" not in message
    assert not any(cache(tmp_path).glob("*"))


def test_unreachable_server_stops_year_search_at_once(monkeypatch):
    monkeypatch.setenv("ETVI_GEO_URL", UNREACHABLE)
    with pytest.raises(GeoError) as caught:
        boundaries.choose_year()
    assert f"{dt.date.today().year}.topojson is mislukt" in str(caught.value)


def test_etvi_geo_dir_never_downloads(server, tmp_path, monkeypatch):
    site, requested = server
    publish(site, 2025)
    folder = tmp_path / "leeg"
    folder.mkdir()
    monkeypatch.setenv("ETVI_GEO_DIR", str(folder))
    with pytest.raises(GeoError) as caught:
        boundaries.ensure_files(["gemeente"], 2025)
    assert "gemeente_2025" in str(caught.value) and str(folder) in str(caught.value)
    assert requested == []
