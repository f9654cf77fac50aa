"""Reference data, public like the status (ETVI_PUBLIC), for the systems that integrate:
provincies, gemeenten with their regions and history, regiotypen, mijlpalen, statuswoorden."""

from __future__ import annotations

from datetime import date

from flask import jsonify

from dashboard.api.access import endpoint
from dashboard.api.blueprint import REFERENTIE, STAND, database_url
from dashboard.api.errors import row_or_404, shown
from dashboard.api.paging import Window
from dashboard.api_models import Gemeenten, GemeentePath, Historie, HistorieQuery, Mijlpalen, Provincies, Regiotypen, Statussen
from models import queries
from models.tables import Gemeente


def _text(value) -> str | None:
    """A cell of a query frame as text; pandas' NaN/None become None."""
    return None if value is None or value != value else str(value)


@endpoint(
    "provincies",
    "Alle provincies",
    "Code en naam, op naam gesorteerd.",
    REFERENTIE,
    {200: Provincies},
    (401,),
)
def list_provincies():
    frame = queries.provincies(database_url())
    return jsonify({"provincies": [{"code": r.code, "naam": r.name} for r in frame.itertuples()]})


@endpoint(
    "gemeenten",
    "Alle huidige gemeenten met hun regio's",
    "Per gemeente de provincie en de regio's per regiotype (ggdregio, woningmarktregio, koploperregio, …), op naam gesorteerd.",
    REFERENTIE,
    {200: Gemeenten},
    (401,),
)
def list_gemeenten():
    url = database_url()
    regios: dict[str, list[dict]] = {}
    for r in queries.region_memberships(url=url).itertuples():
        regios.setdefault(r.gemeente_code, []).append({"type": r.region_type, "code": _text(r.region_code), "naam": _text(r.region_name)})
    rows = [
        {
            "code": r.code,
            "naam": r.name,
            "provincie_code": _text(r.provincie_code),
            "provincie": _text(r.provincie_name),
            "regios": regios.get(r.code, []),
        }
        for r in queries.gemeenten(url).itertuples()
    ]
    return jsonify({"gemeenten": rows})


@endpoint(
    "history",
    "De geschiedenis van één gemeente",
    "Elk statusrecord van de gemeente, in de volgorde waarin het bekend werd; per pagina (page en pageSize, of limit en offset), met links in _links en de kop Link.",
    STAND,
    {200: Historie},
    (401, 404),
)
def gemeente_history(path: GemeentePath, query: HistorieQuery, **_):
    code = path.code.strip().upper()
    name = row_or_404(Gemeente, code, f"Gemeente {shown(code)!r} bestaat niet. Zie /api/v1/gemeenten voor alle codes.", lambda g: g.name)
    page = Window.of(query)
    frame = queries.status_history(database_url(), codes=[code])
    records = [
        {
            "onderdeel": r.onderdeel,
            "status": _text(r.status),
            "vastgesteld_op": r.adopted_on.isoformat() if isinstance(r.adopted_on, date) else None,
            "peildatum": r.peildatum.isoformat(),
            "toelichting": _text(r.comment),
            "bron": _text(r.source_url),
            "koploperregio": _text(r.koploperregio),
            "upload_id": None if r.upload_id is None or r.upload_id != r.upload_id else int(r.upload_id),
        }
        for r in page.cut(frame).itertuples()
    ]
    return page.answer({"gemeente_code": code, "gemeente": name, "records": records}, len(frame))


@endpoint(
    "regiotypen",
    "De regiotypen",
    "De soorten regio's waarin gemeenten zijn ingedeeld.",
    REFERENTIE,
    {200: Regiotypen},
    (401,),
)
def list_region_types():
    return jsonify({"regiotypen": queries.region_types(database_url())})


@endpoint(
    "mijlpalen",
    "De mijlpalen",
    "Wettelijke en programmamijlpalen met datum (voor zover bekend), zekerheid en bron.",
    REFERENTIE,
    {200: Mijlpalen},
    (401,),
)
def list_milestones():
    rows = [
        {
            "id": r.id,
            "titel": r.title,
            "datum": r.date.isoformat() if isinstance(r.date, date) else None,
            "precisie": r.date_precision,
            "soort": r.kind,
            "onderdeel": _text(r.onderdeel),
            "min_status": _text(r.min_status),
            "niveau": r.level,
            "zekerheid": r.confidence,
            "bron": _text(r.source_url),
            "toelichting": r.note or "",
        }
        for r in queries.milestones(database_url()).itertuples()
    ]
    return jsonify({"mijlpalen": rows})


@endpoint(
    "statussen",
    "De statuswoorden per onderdeel",
    "De toegestane statussen per onderdeel in hun volgorde, en of een onderdeel met die status af is.",
    REFERENTIE,
    {200: Statussen},
    (401,),
)
def list_status_words():
    rows = [
        {"onderdeel": r.onderdeel, "volgorde": int(r.rank), "status": r.status, "gereed": bool(r.is_done), "label": r.label or ""}
        for r in queries.status_levels(database_url()).itertuples()
    ]
    return jsonify({"statussen": rows})
