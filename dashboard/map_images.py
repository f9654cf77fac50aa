"""``GET /kaart.svg`` and ``GET /kaart.png``: the map of a view as an image, for notes and slides.

They take the query parameters of ``/`` (``peildatum``, ``onderdeel``, ``niveau``) plus
``provincie=PVxx`` (the gemeenten of one provincie), and answer the map drawn by
``dashboard.figures.svg_map`` with its title, legend and source line; the PNG is the same SVG
rasterised by resvg at twice the size. Unlike the pages, which fall back to a default, a
parameter that is given but wrong gets a Dutch 400 (an image URL is made by hand or by another
site, and a silently different map would be quoted as the asked one); a future peildatum shows
today, as on ``/``.

Images are cached per data version in the process (``DataSource.cached``) and sent with an
ETag (304 on ``If-None-Match``) and ``Cache-Control: public, max-age=300``: a new upload changes
the image within five minutes. Who may fetch them is who may open ``/`` (``policy.SAME_ACCESS_AS``),
as for the embeddable map (``dashboard.embed``) that uses the same ``MapView``: everyone when the
dashboard is public, else a logged-in user, and then the cache is ``private`` (no shared cache
may hand a map behind the login to anyone else).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable
from urllib.parse import urlencode

import resvg_py
from flask import Flask, Response, request
from werkzeug.datastructures import MultiDict

from dashboard import aggregates as agg
from dashboard.figures import svg_map
from dashboard.runtime import current
from dashboard.security import error_response, is_public
from dashboard.shapes import ShapesUnavailable
from dashboard.state import choose, parse_kennis, parse_peildatum
from dashboard.texts import fmt_date, fmt_pct, level_title, onderdeel_title

SVG_PATH = "/kaart.svg"
PNG_PATH = "/kaart.png"
MAX_AGE = 300
PNG_ZOOM = 2
PARAMS = ("peildatum", "onderdeel", "niveau", "provincie", "kennis")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class MapRequestError(Exception):
    """A parameter that names no map; ``str()`` is the Dutch message, ``status`` the HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def today() -> date:
    return date.today()


@dataclass(frozen=True)
class MapView:
    """One map: the checked parameters (``provincie`` only with niveau gemeente)."""

    peildatum: date
    onderdeel: str
    niveau: str
    provincie: str | None = None
    kennis: date | None = None  # the figures as known at the end of that day; None: as known now

    def query(self, **extra) -> str:
        """The query string of this view (the one ``/`` and the image URLs understand)."""
        params = {"peildatum": self.peildatum.isoformat(), "onderdeel": self.onderdeel, "niveau": self.niveau}
        if self.provincie:
            params["provincie"] = self.provincie
        if self.kennis:
            params["kennis"] = self.kennis.isoformat()
        params.update({k: v for k, v in extra.items() if v})
        return urlencode(params)

    @property
    def full_view(self) -> str:
        """The page that shows this map with everything around it."""
        if self.provincie:
            params = {"peildatum": self.peildatum.isoformat(), "onderdeel": self.onderdeel}
            if self.kennis:
                params["kennis"] = self.kennis.isoformat()
            return f"/provincie/{self.provincie}?" + urlencode(params)
        return "/?" + self.query()

    @property
    def file_stem(self) -> str:
        where = f"-{self.provincie}" if self.provincie else ""
        known = f"-kennis-{self.kennis.isoformat()}" if self.kennis else ""
        return f"etvi-kaart-{self.onderdeel}-{self.niveau}{where}-{self.peildatum.isoformat()}{known}"


def parse_view(args: MultiDict, ref) -> MapView:
    """The view named by the query string; raises ``MapRequestError`` with a Dutch message."""
    kennis = parse_known_day(args.get("kennis"))
    raw_date = (args.get("peildatum") or "").strip()
    if raw_date:
        try:
            if not ISO_DATE.match(raw_date):
                raise ValueError
            peildatum = date.fromisoformat(raw_date)
        except ValueError:
            raise MapRequestError(f"Ongeldige peildatum {raw_date!r}: gebruik JJJJ-MM-DD, bijvoorbeeld 2025-06-30.") from None
    else:
        peildatum = today()
    peildatum = min(peildatum, today())
    onderdelen = ref.onderdelen
    if not onderdelen:
        raise MapRequestError("Er zijn nog geen onderdelen en statussen geladen. Voer eerst 'etvi init' uit.", 503)
    onderdeel = (args.get("onderdeel") or "").strip() or onderdelen[0]
    if onderdeel not in onderdelen:
        raise MapRequestError(f"Onbekend onderdeel {onderdeel!r}; kies uit: {', '.join(onderdelen)}.")
    levels = ["gemeente"] + ref.levels_available()
    niveau = (args.get("niveau") or "").strip() or "gemeente"
    if niveau not in levels:
        raise MapRequestError(f"Onbekend niveau {niveau!r}; kies uit: {', '.join(levels)}.")
    provincie = (args.get("provincie") or "").strip().upper() or None
    if provincie is not None:
        if ref.provincie_name(provincie) is None:
            raise MapRequestError(f"Onbekende provincie {provincie!r}; gebruik een provinciecode zoals PV27 (Noord-Holland).")
        if niveau != "gemeente":
            raise MapRequestError("De optie 'provincie' toont de gemeenten van één provincie en gaat alleen samen met niveau=gemeente.")
    return MapView(peildatum, onderdeel, niveau, provincie, kennis)


def parse_known_day(value: str | None) -> date | None:
    """``kennis=JJJJ-MM-DD`` (``state.parse_kennis``: the end of that day); strict, as the other
    parameters: a malformed or future day is a Dutch 400, today means as known now. The figures
    follow it through ``DataSource.version()``, which reads the request (``dashboard.kennis``)."""
    text = (value or "").strip()
    if not text:
        return None
    known = parse_kennis(text, today())
    if known.warning:
        raise MapRequestError(f"Ongeldige kennisdatum {text!r}: gebruik JJJJ-MM-DD, niet later dan vandaag, bijvoorbeeld 2025-06-30.")
    return date.fromisoformat(text) if known.moment else None


def heading(view: MapView, ref) -> str:
    """The map's title, as the pages word it above the map (``pages.common.map_content``)."""
    if view.niveau == "gemeente":
        where = f"in {ref.provincie_name(view.provincie)}" if view.provincie else "per gemeente"
        return f"{onderdeel_title(view.onderdeel)} {where} op {fmt_date(view.peildatum)}{known_as(view)}"
    return f"{onderdeel_title(view.onderdeel)}: aandeel gemeenten gereed, {level_title(view.niveau)}, op {fmt_date(view.peildatum)}{known_as(view)}"


def known_as(view: MapView) -> str:
    return f", zoals bekend op {fmt_date(view.kennis)}" if view.kennis else ""


def page_view(args, ref, provincie: str | None = None) -> MapView:
    """The view a map page shows for its query string: as the page does, anything odd falls back
    to the default (``state.choose``, ``state.parse_peildatum``); ``provincie`` from the page's path."""
    onderdelen = ref.onderdelen
    onderdeel = choose(args.get("onderdeel"), onderdelen, onderdelen[0] if onderdelen else "")
    niveau = "gemeente" if provincie else choose(args.get("niveau"), ["gemeente"] + ref.levels_available(), "gemeente")
    known = parse_kennis(args.get("kennis"), today())
    kennis = date.fromisoformat(str(args.get("kennis")).strip()) if known.moment else None
    return MapView(parse_peildatum(args.get("peildatum"), today()), onderdeel, niveau, provincie, kennis)


def area_link(view: MapView) -> Callable[[str], str] | None:
    """Where a click on an area of ``view`` goes (as ``pages.common.click_target``); None for regio's."""
    day = view.peildatum.isoformat()
    known = {"kennis": view.kennis.isoformat()} if view.kennis else {}
    if view.niveau == "gemeente":
        return lambda code: f"/gemeente/{code}?" + urlencode({"peildatum": day, **known})
    if view.niveau == "provincie":
        return lambda code: f"/provincie/{code}?" + urlencode({"peildatum": day, "onderdeel": view.onderdeel, **known})
    return None


def map_svg(
    view: MapView, link: Callable[[str], str] | None = None, link_key: str = "", kennis: datetime | None = None, title: str | None = None, publicatie: int | None = None
) -> str:
    """The SVG of ``view`` from the current data (cached per data version; ``link_key`` names ``link``).
    ``kennis``: the figures as known at exactly that moment (a publicatie's K, which a
    ``?kennis=`` day cannot name), with ``title`` saying so; otherwise the request's kennis.
    ``publicatie``: with the reference data frozen with that publicatie."""
    rt = current()
    v = rt.data.version(kennis=kennis, publicatie=publicatie)
    ref = rt.data.reference(v)
    if ref.gemeenten.empty:
        raise MapRequestError("Er staan nog geen gemeenten in de database. Voer eerst 'etvi init' uit.", 503)
    try:
        shape = rt.shape(view.niveau, v)
    except ShapesUnavailable as exc:
        raise MapRequestError(f"De kaart is niet beschikbaar: {exc}", 503) from None

    title = title or heading(view, ref)

    def build() -> str:
        if view.niveau == "gemeente":
            frame = rt.data.gemeente_status(view.peildatum, view.onderdeel, v)
            if view.provincie:
                frame = frame[frame["provincie_code"] == view.provincie].reset_index(drop=True)
            n_levels = agg.level_maps(ref.levels, view.onderdeel).n
            counts = agg.status_counts(frame, ref.levels, view.onderdeel)
            n_done = int(frame["is_done"].sum())
            summary = f"{n_done} van {len(frame)} gemeenten gereed ({fmt_pct(n_done / len(frame) if len(frame) else 0)})."
            return svg_map.status_svg(frame, counts, n_levels, shape.geojson, title, view.peildatum, link=link, description=summary)
        frame = rt.data.group_shares(view.peildatum, view.onderdeel, view.niveau, v)
        return svg_map.share_svg(frame, shape.geojson, title, view.peildatum, link=link)

    return rt.data.cached(("svg-map", view, shape.digest, link_key, title), build, v)


def map_png(view: MapView, svg: str | None = None) -> bytes:
    """The PNG of ``view`` (or of ``svg``, its SVG): rasterised at ``PNG_ZOOM`` times its size on white."""
    svg = svg or map_svg(view)
    rt = current()
    return rt.data.cached(("png-map", hashlib.sha256(svg.encode()).hexdigest()), lambda: bytes(resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", zoom=PNG_ZOOM)))


def cached_response(body: bytes, mimetype: str, filename: str | None = None, headers: dict | None = None) -> Response:
    """``body`` with an ETag over its bytes and a short public cache; 304 when the client has it."""
    etag = hashlib.sha256(body).hexdigest()[:20]
    scope = "public" if is_public() else "private"  # behind the login: only the user's own browser keeps it
    headers = {"Cache-Control": f"{scope}, max-age={MAX_AGE}", "ETag": f'"{etag}"', **(headers or {})}
    if etag in [t.strip().removeprefix("W/").strip('"') for t in request.headers.get("If-None-Match", "").split(",")]:
        return Response(status=304, headers=headers)
    if filename:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(body, mimetype=mimetype, headers=headers)


def _image(kind: str) -> Response:
    try:
        rt = current()
        view = parse_view(request.args, rt.data.reference(rt.data.version()))
        if kind == "svg":
            return cached_response(map_svg(view).encode("utf-8"), "image/svg+xml", f"{view.file_stem}.svg")
        return cached_response(map_png(view), "image/png", f"{view.file_stem}.png")
    except MapRequestError as exc:
        return error_response(exc.status, str(exc))


def register(server: Flask) -> None:
    server.add_url_rule(SVG_PATH, "etvi_kaart_svg", lambda: _image("svg"), methods=["GET"])
    server.add_url_rule(PNG_PATH, "etvi_kaart_png", lambda: _image("png"), methods=["GET"])
