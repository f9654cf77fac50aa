"""``GET /download/<view>.<csv|xlsx|ods>?<the view's query string>``: the table behind a view.

Every page links here with its own state, so the download is the view on screen. CSV is
what Dutch Excel opens: written by ``etl.export.to_csv_bytes`` (UTF-8 with a byte order
mark, ``;`` separated, ISO dates, formulas neutralised), with decimal commas for numbers;
the ``aanleverformaat`` CSV is byte for byte ``etvi export`` for the same peildatum. xlsx has
a frozen header. ODS (OpenDocument, on the Dutch "pas toe of leg uit" list; written by pandas
with odfpy) holds the same cells as the xlsx. Every download honours the ``peildatum`` (a future one is clamped to today);
views that do not depend on it (``mijlpalen``) carry no date in the file name.

A dated download whose figures have a round behind them carries ``voorlopig``/``definitief`` in
its name and as a last column ``stand`` (``with_stand``).

Views: ``overzicht``, ``regios``, ``provincie-<PVxx>``, ``gemeente-<GMxxxx>``, ``mijlpalen``,
``mijlpalen-voortgang``, ``gemeenten``, ``aanleverformaat``, ``verouderd``, ``nooit-gemeld``;
``/download/sjabloon.xlsx`` is the empty template gemeenten fill in (``etl.template``).
"""

from __future__ import annotations

import io
import re
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from flask import Flask, Response, abort, request

from dashboard import views
from dashboard.runtime import current
from dashboard.state import choose, parse_peildatum, positive_int
from etl.export import export_frame, to_csv_bytes, write_export
from etl.template import write_template
from etvi.config import settings
from etvi.uitvraag import rounds

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
MIMES = {"csv": "text/csv", "xlsx": XLSX_MIME, "ods": ODS_MIME}


class DownloadError(Exception):
    """A view or parameter that does not exist; the message is Dutch."""


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


class _DecimalComma:
    """A number that the csv writer prints with a decimal comma (and that is never neutralised)."""

    __slots__ = ("text",)

    def __init__(self, value: float):
        self.text = repr(float(value)).replace(".", ",") if not float(value).is_integer() else str(int(value))

    def __str__(self) -> str:
        return self.text


def _csv_value(value):
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return value
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else _DecimalComma(value)
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.integer):
        return int(value)
    return value


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV as Dutch Excel opens it: ``etl.export.to_csv_bytes`` (``;``, UTF-8 with BOM, ISO dates,
    formulas neutralised) with decimal commas."""
    out = frame.astype(object).copy()
    for col in out.columns:
        out[col] = [_csv_value(x) for x in out[col]]
    return to_csv_bytes(out)


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "Gegevens"


def to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in frames.items():
            sheet = _sheet_name(name)
            _clean(frame).to_excel(writer, sheet_name=sheet, index=False, freeze_panes=(1, 0))
            ws = writer.sheets[sheet]
            for i, col in enumerate(frame.columns, start=1):
                width = min(60, max(10, len(str(col)) + 2, *(len(str(v)) + 2 for v in frame[col].head(200))))
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    return buf.getvalue()


def to_ods(frames: dict[str, pd.DataFrame]) -> bytes:
    """OpenDocument spreadsheet with the same cells as ``to_xlsx`` (formulas neutralised)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="odf") as writer:
        for name, frame in frames.items():
            sheet = _sheet_name(name)
            _clean(frame).to_excel(writer, sheet_name=sheet, index=False)
    return buf.getvalue()


def build(view: str, args) -> tuple[str, pd.DataFrame]:
    """(sheet title, frame) for a view and its query parameters."""
    rt = current()
    ds = rt.data
    v = ds.version()
    ref = ds.reference(v)
    today = date.today()
    peil = parse_peildatum(args.get("peildatum"), today)
    onderdelen = ref.onderdelen
    onderdeel = choose(args.get("onderdeel"), onderdelen, onderdelen[0] if onderdelen else "")
    if view == "overzicht":
        niveau = choose(args.get("niveau"), ["gemeente"] + ref.levels_available(), "gemeente")
        if niveau == "gemeente":
            return "Gemeenten", views.gemeente_status_table(ds, peil, onderdeel, v)
        return "Gebieden", views.group_share_table(ds, peil, onderdeel, niveau, v)
    if view == "regios":
        regiotype = choose(args.get("regiotype"), ref.levels_available(), "provincie")
        return "Regio's", views.group_share_table(ds, peil, onderdeel, regiotype, v)
    if view.startswith("provincie-"):
        code = view.split("-", 1)[1]
        if ref.provincie_name(code) is None:
            raise DownloadError(f"Onbekende provincie {code}.")
        return code, views.gemeenten_wide(ds, peil, v, provincie=code)
    if view.startswith("gemeente-"):
        code = view.split("-", 1)[1]
        if ref.gemeente_name(code) is None:
            raise DownloadError(f"Onbekende gemeente {code}.")
        return code, views.gemeente_history_table(ds, code, v, until=peil)
    if view == "mijlpalen":
        return "Mijlpalen", views.milestones_table(ds, v, today)
    if view == "mijlpalen-voortgang":
        niveau = choose(args.get("niveau"), ["landelijk"] + ref.levels_available(), "landelijk")
        return "Voortgang", views.milestone_progress_table(ds, peil, niveau, v)
    if view == "gemeenten":
        return "Gemeenten", views.gemeenten_wide(ds, peil, v)
    if view == "aanleverformaat":
        return "Gemeenten", export_frame(peil, url=ds.url)
    if view == "verouderd":
        days = positive_int(args.get("dagen"), _stale_days())
        return "Verouderd", views.stale_table(ds, peil, days, v)
    if view == "nooit-gemeld":
        return "Nooit gemeld", views.never_reported_table(ds, v, peil)
    raise DownloadError(f"Onbekende weergave {view!r}.")


# computed only from the versioned data (``DataSource``): ``dashboard.response_cache`` may keep them
CACHEABLE_VIEWS = {"overzicht", "regios", "mijlpalen", "mijlpalen-voortgang", "gemeenten"}
UNDATED_VIEWS = {"mijlpalen"}  # the same on every peildatum: no date in the file name


def aanleverformaat(peil: date, fmt: str) -> bytes:
    """The export of ``etvi export --peildatum`` for that date, made by the same code."""
    url = current().data.url
    if fmt == "csv":
        return to_csv_bytes(export_frame(peil, url))
    if fmt == "ods":
        return to_ods({"Gemeenten": export_frame(peil, url)})
    with tempfile.TemporaryDirectory() as tmp:
        return write_export(Path(tmp) / "export.xlsx", peildatum=peil, url=url).read_bytes()


def _stale_days() -> int:
    return settings().stale_days


def template_bytes() -> bytes:
    """The empty template from ``etl.template`` (the ETL builds it from the database's statuses)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sjabloon.xlsx"
        write_template(path, url=current().data.url)
        return path.read_bytes()


STAND_COLUMN = "stand"


def _stand(stamp: str) -> str | None:
    """``voorlopig`` / ``definitief`` when a round is behind the figures of a dated download
    (``etvi.uitvraag.rounds.status_of_peildatum``, the rule the map pages show), else ``None``."""
    return rounds.stand_at(date.fromisoformat(stamp), current().data.url)


def with_stand(frame: pd.DataFrame, word: str | None) -> pd.DataFrame:
    """The figures' finality as content, not only in the file name (which is lost on renaming):
    a last column ``stand`` with the same word on every row. A column, not a line above the
    header, so the CSV stays one header row and records that any CSV reader (Excel, pandas,
    csvkit) takes as is, and rows keep their mark when filtered or combined with other downloads.
    Without a round behind the figures the column is left out, as is the word in the name."""
    return frame if word is None else frame.assign(**{STAND_COLUMN: word})


def register(server: Flask) -> None:
    @server.route("/download/<view>.<fmt>")
    def etvi_download(view: str, fmt: str):  # noqa: ANN202 - Flask view
        if fmt not in MIMES or not re.fullmatch(r"[a-z0-9-]+|[a-z]+-(GM\d{4}|PV\d{2})", view):
            abort(404)
        stamp = parse_peildatum(request.args.get("peildatum"), date.today()).isoformat()
        try:
            if view == "sjabloon":
                if fmt != "xlsx":
                    abort(404)
                body = template_bytes()
                name = "etvi-aanleversjabloon.xlsx"
            elif view == "aanleverformaat":
                body = aanleverformaat(date.fromisoformat(stamp), fmt)
                name = f"etvi-{view}-{stamp}.{fmt}"
            else:
                title, frame = build(view, request.args)
                word = None if view in UNDATED_VIEWS else _stand(stamp)
                frame = with_stand(frame, word)
                name = f"etvi-{view}.{fmt}" if view in UNDATED_VIEWS else f"etvi-{view}-{stamp}{f'-{word}' if word else ''}.{fmt}"
                body = to_csv(frame) if fmt == "csv" else to_ods({title: frame}) if fmt == "ods" else to_xlsx({title: frame})
        except DownloadError as exc:
            return Response(f"{exc}\n", status=404, mimetype="text/plain", headers={"Content-Language": "nl"})
        return Response(
            body,
            mimetype=MIMES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
        )
