"""The stand per gemeente (``/status``, as ``etvi export``) and the share done per provincie or
region (``/voortgang``, the numbers of the dashboard's map)."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, jsonify

from dashboard.api.access import endpoint
from dashboard.api.blueprint import STAND, database_url
from dashboard.api.errors import invalid, shown
from dashboard.api_models import StatusAntwoord, StatusQuery, Voortgang, VoortgangQuery
from dashboard.data import DataSource
from dashboard.runtime import Runtime
from etl import export
from etl.contract import KOPLOPER, date_column
from etvi.upload import service


@endpoint(
    "status",
    "De stand per gemeente op een peildatum",
    "Eén rij per gemeente, precies zoals etvi export: als JSON of met format=csv als CSV; te filteren op provincie, regio "
    "(regioType en regioCode) en onderdeel. Openbaar als het dashboard openbaar is, anders met een token of sessie.",
    STAND,
    {200: StatusAntwoord},
    (401,),
)
def get_status(query: StatusQuery):
    """One row per gemeente, exactly as ``etvi export`` (JSON, or CSV with ``format=csv``)."""
    peildatum = query.peildatum or date.today()
    frame = status_frame(peildatum, database_url())
    codes = _selected_gemeenten(query)
    if codes is not None:
        frame = frame[frame["gemeentecode"].isin(codes)].reset_index(drop=True)
    if query.onderdeel is not None:
        onderdeel = _known_onderdeel(query.onderdeel)
        frame = frame[[c for c in frame.columns if c in ("gemeentecode", "gemeente", "provincie") or _of_onderdeel(c, onderdeel)]]
    if query.format == "csv":
        return Response(
            status_csv(frame),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="etvi-status-{peildatum.isoformat()}.csv"'},
        )
    rows = [{k: service.jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    return jsonify({"peildatum": peildatum.isoformat(), "aantal": len(rows), "gemeenten": rows})


def _data() -> DataSource:
    """The dashboard's cached data source (the maps' numbers), or one for this database."""
    runtime = current_app.extensions.get("etvi")
    if isinstance(runtime, Runtime):
        return runtime.data
    if "etvi_api_data" not in current_app.extensions:
        current_app.extensions["etvi_api_data"] = DataSource(database_url())
    return current_app.extensions["etvi_api_data"]


def _known_onderdeel(raw: str) -> str:
    onderdelen = _data().reference().onderdelen
    value = raw.strip().lower()
    if value not in onderdelen:
        raise invalid("onderdeel", f"onbekend onderdeel {shown(raw)!r}; kies {', '.join(onderdelen)}")
    return value


def _of_onderdeel(column: str, onderdeel: str) -> bool:
    """A column of the export that belongs to ``onderdeel`` (status, date, peildatum, koploperregio)."""
    if column in (onderdeel, date_column(onderdeel), export.peildatum_column(onderdeel)):
        return True
    return column == "koploperregio" and onderdeel == KOPLOPER


def _selected_gemeenten(query) -> set[str] | None:
    """The gemeenten of ``provincie`` and of the region ``regioType``/``regioCode`` (both when
    both are given), or ``None`` for all; an unknown value is a 400 that names the parameter."""
    ref = _data().reference()
    codes = None
    if query.provincie is not None:
        provincie = query.provincie.strip().upper()
        if provincie not in set(ref.provincies["code"]):
            raise invalid("provincie", f"onbekende provincie {shown(query.provincie)!r}; zie /api/v1/provincies voor de codes")
        codes = set(ref.gemeenten.loc[ref.gemeenten["provincie_code"] == provincie, "code"])
    if query.regioType is None and query.regioCode is not None:
        raise invalid("regioType", "geef ook het regiotype van regioCode (zie /api/v1/regiotypen)")
    if query.regioType is not None:
        kind = query.regioType.strip().lower()
        if kind not in ref.region_types:
            raise invalid("regioType", f"onbekend regiotype {shown(query.regioType)!r}; kies {', '.join(ref.region_types) or 'geen: er zijn geen regio-indelingen geladen'}")
        if query.regioCode is None:
            raise invalid("regioCode", "geef de code van een regio van dit regiotype (zie /api/v1/gemeenten)")
        members = ref.memberships[ref.memberships["region_type"] == kind]
        wanted = query.regioCode.strip().upper()
        found = members[members["region_code"].astype(str).str.upper() == wanted]
        if found.empty:
            raise invalid("regioCode", f"onbekende {kind} {shown(query.regioCode)!r}; zie /api/v1/gemeenten voor de regio's")
        region = set(found["gemeente_code"].astype(str))
        codes = region if codes is None else codes & region
    return codes


@endpoint(
    "voortgang",
    "Het aandeel gereed per provincie of regio",
    "Per onderdeel en per provincie (of regio van een regiotype) hoeveel gemeenten het onderdeel af hebben "
    "op de peildatum, en een jaar eerder: dezelfde getallen als de kaart van het dashboard.",
    STAND,
    {200: Voortgang},
    (401,),
)
def progress(query: VoortgangQuery):
    peildatum = query.peildatum or date.today()
    data = _data()
    version = data.version()
    ref = data.reference(version)
    niveau = query.niveau.strip().lower()
    if niveau not in ref.levels_available():
        raise invalid("niveau", f"onbekend niveau {shown(query.niveau)!r}; kies {', '.join(ref.levels_available())}")
    onderdelen = [_known_onderdeel(query.onderdeel)] if query.onderdeel is not None else ref.onderdelen
    groups = []
    for onderdeel in onderdelen:
        frame = data.group_shares(peildatum, onderdeel, niveau, version)
        for r in frame.itertuples():
            groups.append(
                {
                    "onderdeel": onderdeel,
                    "code": str(r.group_code),
                    "naam": str(r.group_name),
                    "aantal": int(r.n),
                    "gereed": int(r.n_done),
                    "gemeld": int(r.n_reported),
                    "aandeel": _number(r.share),
                    "gereedVorigJaar": None if _number(r.n_done_prev) is None else int(r.n_done_prev),
                    "aandeelVorigJaar": _number(r.share_prev),
                }
            )
    return jsonify({"peildatum": peildatum.isoformat(), "niveau": niveau, "groepen": groups})


def _number(value) -> float | None:
    return None if value is None or value != value else float(value)


def status_frame(peildatum: date, url: str | None):
    """The export table (one row per gemeente), exactly as ``etvi export`` builds it."""
    return export.export_frame(peildatum, url)


def status_csv(frame) -> bytes:
    """The CSV exactly as ``etvi export --format csv`` writes it (UTF-8 with BOM, ';', neutralised)."""
    return export._csv_text(frame).encode("utf-8-sig")
