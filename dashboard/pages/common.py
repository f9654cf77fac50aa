"""Helpers shared by pages: map content (full figure or Patch), URL sync, page state defaults, and the
tables, notices and account bar of the account pages (upload, delivery, audit log)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dash
from dash import Input, Output, State, dcc, html

from dashboard import aggregates as agg
from dashboard import components as ui
from dashboard.data import Reference, Version
from dashboard.figures import maps
from dashboard.runtime import Runtime
from dashboard.security import ROLE_HOME, ROLE_RIGHTS
from dashboard.state import FUTURE_NOTICE, future_peildatum, peildatum_options
from dashboard.texts import fmt_date, fmt_pct, level_title, onderdeel_title
from etvi import accounts
from etvi.upload import service


def today() -> date:
    return date.today()


def peildatum_dropdown(rt: Runtime, v: Version, id_: str, value: date) -> html.Div:
    first, _ = rt.data.data_span(v)
    t = today()
    return ui.peildatum_control(id_, value, peildatum_options(first, t, rt.data.peildatums(v), value), t)


def onderdeel_options(ref: Reference) -> list[tuple[str, str]]:
    return [(o, onderdeel_title(o)) for o in ref.onderdelen]


def level_options(ref: Reference, include_gemeente: bool = True) -> list[tuple[str, str]]:
    opts = [("gemeente", "Gemeenten (status)")] if include_gemeente else []
    return opts + [(lvl, f"{level_title(lvl)} (aandeel gereed)" if include_gemeente else level_title(lvl)) for lvl in ref.levels_available()]


@dataclass
class MapContent:
    figure: Any  # a full figure (geometry by URL), or no_update when ``update`` carries the change
    legend: Any
    heading: str
    summary: str
    key: str
    update: dict | None = None  # values only, for the map-update store (applied in the browser)

    def outputs(self) -> tuple:
        """(figure, update store) for a callback: one of the two is ``no_update``."""
        if self.update is not None:
            return dash.no_update, self.update
        return self.figure, dash.no_update


def _key(*parts) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


def map_content(
    rt: Runtime,
    v: Version,
    peildatum: date,
    onderdeel: str,
    level: str,
    previous_key: str | None = None,
    provincie: str | None = None,
    height: int = maps.MAP_HEIGHT,
) -> MapContent:
    """The map for a level at a peildatum. Sends a Patch (values only) when the browser already
    has a figure with the same geometry and locations (``previous_key``), else a full figure
    whose geometry is a URL."""
    ref = rt.data.reference(v)
    if level == "gemeente":
        frame = rt.data.gemeente_status(peildatum, onderdeel, v)
        if provincie:
            frame = frame[frame["provincie_code"] == provincie].reset_index(drop=True)
        n_levels = len(agg.levels_for(ref.levels, onderdeel))
        counts = agg.status_counts(frame, ref.levels, onderdeel)
        legend = ui.status_legend(counts, n_levels)
        n_done = int(frame["is_done"].sum())
        where = f"in {ref.provincie_name(provincie)}" if provincie else "per gemeente"
        heading = f"{onderdeel_title(onderdeel)} {where} op {fmt_date(peildatum)}"
        summary = f"{n_done} van {len(frame)} gemeenten gereed ({fmt_pct(n_done / len(frame) if len(frame) else 0)})."
        shape, error = rt.shape_or_none("gemeente", v)
        key = _key("gemeente", shape.digest if shape else "-", provincie, tuple(frame["code"]), v.key)
        if shape is None:
            return MapContent(maps.message_figure(f"De kaart is niet beschikbaar: {error} De cijfers staan in de tabel."), legend, heading, summary, "none")
        if previous_key == key:
            return MapContent(None, legend, heading, summary, key, update=maps.compact_status_update(frame, n_levels))
        figure = rt.data.cached(("mapfig", key, peildatum, onderdeel, height), lambda: maps.status_map(frame, n_levels, shape.url, height=height), v)
        return MapContent(figure, legend, heading, summary, key)

    frame = rt.data.group_shares(peildatum, onderdeel, level, v)
    heading = f"{onderdeel_title(onderdeel)}: aandeel gemeenten gereed, {level_title(level)}, op {fmt_date(peildatum)}"
    best = frame.sort_values("share", ascending=False).iloc[0] if len(frame) else None
    worst = frame.sort_values("share").iloc[0] if len(frame) else None
    summary = (
        f"Hoogste: {best.group_name} ({fmt_pct(best.share)}); laagste: {worst.group_name} ({fmt_pct(worst.share)})." if best is not None else "Geen gebieden."
    )
    legend = ui.share_legend()
    shape, error = rt.shape_or_none(level, v)
    key = _key(level, shape.digest if shape else "-", tuple(frame["group_code"]), v.key)
    if shape is None:
        return MapContent(maps.message_figure(f"De kaart is niet beschikbaar: {error} De cijfers staan in de tabel."), legend, heading, summary, "none")
    if previous_key == key:
        return MapContent(None, legend, heading, summary, key, update=maps.share_update(frame))
    figure = rt.data.cached(("mapfig", key, peildatum, onderdeel, height), lambda: maps.share_map(frame, shape.url, height=height), v)
    return MapContent(figure, legend, heading, summary, key)


def click_target(click: dict | None, level: str, peildatum: str | None, onderdeel: str | None) -> str | None:
    """Where a click on a map goes: a gemeente's or provincie's page, or the region comparison."""
    if not click or not click.get("points"):
        return None
    code = click["points"][0].get("location")
    if not code:
        return None
    q = f"peildatum={peildatum}" if peildatum else ""
    if level == "gemeente":
        return f"/gemeente/{code}" + (f"?{q}" if q else "")
    if level == "provincie":
        return f"/provincie/{code}" + (f"?{q}&onderdeel={onderdeel}" if q else "")
    return "/regios?" + urlencode({k: v for k, v in {"regiotype": level, "onderdeel": onderdeel, "peildatum": peildatum, "regio": code}.items() if v})


def map_update_callback(app: dash.Dash, graph_id: str, store_id: str) -> None:
    """Apply a values-only update from ``store_id`` to the map as a Patch, in the browser."""
    app.clientside_callback(
        dash.ClientsideFunction(namespace="etvi", function_name="applyMapUpdate"),
        Output(graph_id, "figure", allow_duplicate=True),
        Input(store_id, "data"),
        prevent_initial_call=True,
    )


def url_sync(app: dash.Dash, prefix: str, params: list[tuple[str, str, str]], view: str | None = None) -> None:
    """Keep the address bar (``history.replaceState``), the copy-link button and the download links
    in step with the controls. ``params``: (query key, component id, property)."""
    outputs = [Output(f"{prefix}-copy", "data")]
    if view:
        outputs += [Output(f"{prefix}-dl-csv", "href"), Output(f"{prefix}-dl-xlsx", "href")]
    app.clientside_callback(
        dash.ClientsideFunction(namespace="etvi", function_name="syncUrl"),
        outputs,
        [Input(cid, prop) for _, cid, prop in params],
        State(f"{prefix}-url-spec", "data"),
    )
    app.clientside_callback(
        dash.ClientsideFunction(namespace="etvi", function_name="copyLink"),
        Output(f"{prefix}-copy-status", "children"),
        Input(f"{prefix}-copy-button", "n_clicks"),
        State(f"{prefix}-copy", "data"),
        prevent_initial_call=True,
    )


def url_spec(prefix: str, params: list[tuple[str, str, str]], view: str | None, view_key: str | None = None) -> dcc.Store:
    """The parameter names and download view for ``url_sync``; ``view_key``: take the view from that parameter."""
    return dcc.Store(id=f"{prefix}-url-spec", data={"keys": [k for k, _, _ in params], "view": view, "view_key": view_key})


def future_notice(peildatum) -> html.Div | None:
    """A short Dutch notice when the address asks for a peildatum after today (the page shows today)."""
    return ui.notice(FUTURE_NOTICE, "warning") if future_peildatum(peildatum, today()) else None


# --------------------------------------------------------------------------------------------
# Pieces of the account pages (upload, delivery, audit log)
# --------------------------------------------------------------------------------------------


def local_time(value: datetime | None) -> str:
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    try:
        value = value.astimezone(ZoneInfo("Europe/Amsterdam"))
    except ZoneInfoNotFoundError:  # no tz database: show UTC
        pass
    return value.strftime("%d-%m-%Y %H:%M")


def nl_date(value) -> str:
    if value in (None, "") or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y")
    return str(value)


def data_table(headers: list[str], rows: list[list], caption: str, id_: str | None = None, numeric: set[int] = frozenset()) -> html.Div:
    """An accessible table: caption, column headers with scope, the first cell a row header."""
    head = html.Thead(html.Tr([html.Th(h, scope="col", className="num" if i in numeric else None) for i, h in enumerate(headers)]))
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            value = "—" if value is None or value == "" else value
            if i == 0:
                cells.append(html.Th(value, scope="row"))
            else:
                cells.append(html.Td(value, className="num" if i in numeric else None))
        body.append(html.Tr(cells))
    attrs = {"className": "table-wrap", "tabIndex": "0", "role": "region", "aria-label": caption}
    if id_:
        attrs["id"] = id_
    return html.Div(html.Table([html.Caption(caption), head, html.Tbody(body)], className="data-table"), **attrs)


def notice(children, kind: str = "info", id_: str | None = None) -> html.Div:
    role = "alert" if kind == "error" else "status"
    attrs = {"id": id_} if id_ else {}
    return html.Div(children, className=f"notice notice-{kind}", role=role, **attrs)


def who_bar(user: accounts.Principal | None, next_path: str) -> html.Div:
    if user is None:
        return html.P(
            ["U bent niet ingelogd. ", html.A("Inloggen", href=f"/login?next={next_path}", id="login-link")],
            className="account-bar",
        )
    return html.P(
        [
            "Ingelogd als ",
            html.Strong(user.username, id="ingelogd-als"),
            f" ({accounts.ROLE_LABELS.get(user.role, user.role)}: {user.scope_label}). ",
            html.A("Uitloggen", href="/logout", id="logout-link"),
        ],
        className="account-bar",
    )


def no_access(user: accounts.Principal | None, what: str) -> html.Div:
    """"Geen toegang" inside the normal page: why, what this role may do, and where to go instead."""
    role = accounts.ROLE_LABELS.get(user.role, user.role) if user is not None else ""
    onward = []
    if user is not None:
        if service.may_upload(user):
            onward.append(html.Li(dcc.Link("Gegevens aanleveren", href="/aanleveren")))
        if accounts.can_see_audit(user) or (user.role == "provincie" and accounts.can_see_delivery(user, user.provincie_code)):
            onward.append(html.Li(dcc.Link("Aanleverstatus van de gemeenten", href="/aanlevering")))
        if accounts.can_see_audit(user):
            onward.append(html.Li(dcc.Link("Auditlog", href="/auditlog")))
    onward += [
        html.Li(dcc.Link("Landelijk overzicht", href="/")),
        html.Li(html.A("Inloggen met een ander account", href="/logout")),
    ]
    home = ROLE_HOME.get(user.role) if user is not None else None
    return html.Div(
        [
            html.H2("Geen toegang"),
            notice(f"Uw account ({role}) heeft geen toegang tot {what}.", "error", id_="geen-toegang"),
            html.P(ROLE_RIGHTS.get(user.role, "") if user is not None else "", id="geen-toegang-rechten"),
            html.P("Klopt dit niet? Neem contact op met de beheerder bij VNG."),
            html.H3("Verder naar"),
            html.Ul(onward, id="geen-toegang-links"),
        ],
        className="no-access",
        **({"data-home": home} if home else {}),
    )
