"""Helpers shared by pages: map content (full figure or Patch), URL sync, page state defaults, and the
tables, notices and account bar of the account pages (upload, delivery, audit log)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable
from urllib.parse import urlencode

import dash
import flask
from dash import Input, Output, State, dcc, html
from sqlmodel import select

from dashboard import aggregates as agg
from dashboard import components as ui
from dashboard import kennis
from dashboard.data import Reference, Version
from dashboard.embed import iframe_snippet
from dashboard.figures import maps
from dashboard.runtime import Runtime, current
from dashboard.state import FUTURE_NOTICE, future_peildatum, parse_peildatum, peildatum_options
from dashboard.texts import fmt_date, fmt_pct, level_title, onderdeel_title
from etvi.accounts import policy
from etvi.accounts.policy import Principal
from etvi.uitvraag import rounds
from models import db
from models.tables import Gemeente


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
    image_query: str = ""  # the view for /kaart.svg, /kaart.png and /embed/kaart

    def image_outputs(self) -> tuple[str, str, str]:
        """(SVG link, PNG link, iframe snippet) of this view."""
        return f"/kaart.svg?{self.image_query}", f"/kaart.png?{self.image_query}", iframe_snippet(base_url(), self.image_query)

    def outputs(self) -> tuple:
        """(figure, update store) for a callback: one of the two is ``no_update``."""
        if self.update is not None:
            return dash.no_update, self.update
        return self.figure, dash.no_update


def base_url() -> str:
    """This site's address as the browser used it (for the iframe snippet another site pastes)."""
    return flask.request.host_url.rstrip("/") if flask.has_request_context() else ""


def image_query(peildatum: date, onderdeel: str, level: str, provincie: str | None = None, known: bool = False) -> str:
    """The image URLs' query for a view; ``known``: the figures are as known at the address's
    ``kennis`` (``Version.kennis`` is set), which the images then take too."""
    params = {"peildatum": peildatum.isoformat(), "onderdeel": onderdeel, "niveau": level}
    if provincie:
        params["provincie"] = provincie
    if known and kennis.raw_value():
        params["kennis"] = kennis.raw_value().strip()
    return urlencode(params)


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
    images = image_query(peildatum, onderdeel, level, provincie, known=v.kennis is not None)
    if level == "gemeente":
        frame = rt.data.gemeente_status(peildatum, onderdeel, v)
        if provincie:
            frame = frame[frame["provincie_code"] == provincie].reset_index(drop=True)
        n_levels = agg.level_maps(ref.levels, onderdeel).n
        counts = agg.status_counts(frame, ref.levels, onderdeel)
        legend = ui.status_legend(counts, n_levels)
        n_done = int(frame["is_done"].sum())
        where = f"in {ref.provincie_name(provincie)}" if provincie else "per gemeente"
        heading = f"{onderdeel_title(onderdeel)} {where} op {fmt_date(peildatum)}"
        summary = f"{n_done} van {len(frame)} gemeenten gereed ({fmt_pct(n_done / len(frame) if len(frame) else 0)})."
        shape, error = rt.shape_or_none("gemeente", v)
        key = _key("gemeente", shape.digest if shape else "-", provincie, tuple(frame["code"]), v.key)
        if shape is None:
            return MapContent(maps.message_figure(f"De kaart is niet beschikbaar: {error} De cijfers staan in de tabel."), legend, heading, summary, "none", image_query=images)
        if previous_key == key:
            return MapContent(None, legend, heading, summary, key, update=maps.compact_status_update(frame, n_levels), image_query=images)
        figure = rt.data.cached(
            ("mapfig", key, peildatum, onderdeel, height),
            lambda: maps.apply_update(_base_map(rt, v, key, height, lambda: maps.status_map(frame, n_levels, shape.url, height=height)), maps.status_update(frame, n_levels)),
            v,
        )
        return MapContent(figure, legend, heading, summary, key, image_query=images)

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
        return MapContent(maps.message_figure(f"De kaart is niet beschikbaar: {error} De cijfers staan in de tabel."), legend, heading, summary, "none", image_query=images)
    if previous_key == key:
        return MapContent(None, legend, heading, summary, key, update=maps.share_update(frame), image_query=images)
    figure = rt.data.cached(
        ("mapfig", key, peildatum, onderdeel, height),
        lambda: maps.apply_update(_base_map(rt, v, key, height, lambda: maps.share_map(frame, shape.url, height=height)), maps.share_update(frame)),
        v,
    )
    return MapContent(figure, legend, heading, summary, key, image_query=images)


def _base_map(rt: Runtime, v: Version, key: str, height: int, build) -> dict:
    """The map figure of these areas (``key``: geometry, areas, data version) as a plain dict, built
    once: a view at another peildatum or onderdeel differs only in the values a Patch carries
    (``maps.apply_update``, the same as the browser does), and building and validating a Plotly
    figure is most of a first layout's cost."""
    return rt.data.cached(("mapfig-base", key, height), lambda: build().to_plotly_json(), v)


def click_target(click: dict | None, level: str, peildatum: str | None, onderdeel: str | None) -> str | None:
    """Where a click on a map goes: a gemeente's or provincie's page, or the region comparison
    (with the address's ``kennis``, as every link inside a page)."""
    if not click or not click.get("points"):
        return None
    code = click["points"][0].get("location")
    if not code:
        return None
    q = f"peildatum={peildatum}" if peildatum else ""
    if level == "gemeente":
        return kennis.keep(f"/gemeente/{code}" + (f"?{q}" if q else ""))
    if level == "provincie":
        return kennis.keep(f"/provincie/{code}" + (f"?{q}&onderdeel={onderdeel}" if q else ""))
    return kennis.keep("/regios?" + urlencode({k: v for k, v in {"regiotype": level, "onderdeel": onderdeel, "peildatum": peildatum, "regio": code}.items() if v}))


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
        outputs += [Output(f"{prefix}-dl-{fmt}", "href") for fmt in ("csv", "xlsx", "ods")]
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

# --- the map of a page (``/``, ``/provincie/...``) -------------------------------------------
# Its components and its server callback agree on the ids ``<prefix>-map``, ``-legend``,
# ``-map-heading``, ``-map-summary``, ``-map-key`` (what the browser holds, so an update can be
# values only) and ``-map-update`` (those values, patched in by ``map_update_callback``).


def map_components(prefix: str, mc: MapContent, label: str) -> list:
    """Heading, summary, and the map beside its legend."""
    return [
        html.H3(mc.heading, id=f"{prefix}-map-heading"),
        html.P(mc.summary, id=f"{prefix}-map-summary", **{"aria-live": "polite"}),
        html.Div(
            [
                ui.graph(f"{prefix}-map", mc.figure, label, className="map"),
                html.Div(mc.legend, id=f"{prefix}-legend", className="legend-box"),
            ],
            className="map-row",
        ),
        map_images(prefix, mc),
    ]


def map_images(prefix: str, mc: MapContent) -> html.Div:
    """The map of this view to take away: SVG and PNG downloads and the ``<iframe>`` code for
    another site (``dashboard.map_images``, ``dashboard.embed``); ``map_callback`` keeps them current."""
    svg, png, snippet = mc.image_outputs()
    return html.Div(
        [
            html.P(
                [
                    "De kaart als afbeelding (met legenda en bron): ",
                    html.A("Download als SVG", href=svg, id=f"{prefix}-kaart-svg", download=""),
                    " · ",
                    html.A("Download als PNG", href=png, id=f"{prefix}-kaart-png", download=""),
                ],
                className="downloads",
            ),
            html.Details(
                [
                    html.Summary("Deze kaart op uw eigen website"),
                    html.Label("HTML-code om te kopiëren en in uw pagina te plakken", htmlFor=f"{prefix}-embed-code", className="control-label"),
                    dcc.Textarea(id=f"{prefix}-embed-code", value=snippet, readOnly=True, rows=3, className="embed-code"),
                    html.P("De ingesloten kaart toont deze weergave, met de legenda, de bron en een link naar deze pagina.", className="hint"),
                ],
                className="embed-snippet",
            ),
        ],
        className="map-images",
    )


def map_stores(prefix: str, mc: MapContent) -> list:
    return [dcc.Store(id=f"{prefix}-map-key", data=mc.key), dcc.Store(id=f"{prefix}-map-update")]


def map_callback(app: dash.Dash, prefix: str, controls: list, content: Callable[..., MapContent]) -> None:
    """Redraw the map when ``controls`` (Inputs and States) change.

    ``content(rt, v, *control values, previous_key=...)`` gives the map; passing on the key the
    browser holds is what lets ``map_content`` answer with values only.
    """

    @app.callback(
        Output(f"{prefix}-map", "figure"),
        Output(f"{prefix}-map-update", "data"),
        Output(f"{prefix}-legend", "children"),
        Output(f"{prefix}-map-heading", "children"),
        Output(f"{prefix}-map-summary", "children"),
        Output(f"{prefix}-map-key", "data"),
        Output(f"{prefix}-kaart-svg", "href"),
        Output(f"{prefix}-kaart-png", "href"),
        Output(f"{prefix}-embed-code", "value"),
        *controls,
        State(f"{prefix}-map-key", "data"),
        prevent_initial_call=True,
    )
    def update_map(*values):
        *control_values, key = values
        rt = current()
        v = rt.data.version()
        mc = content(rt, v, *control_values, previous_key=key)
        return (*mc.outputs(), mc.legend, mc.heading, mc.summary, mc.key, *mc.image_outputs())

# --------------------------------------------------------------------------------------------
# Pieces of the account pages (upload, delivery, audit log)
# --------------------------------------------------------------------------------------------









def voorlopig_notice(facts: rounds.Stand | None):
    """"Voorlopig" while the round behind the figures is open, "definitief" once closed
    (``etvi.uitvraag.rounds.status_of_peildatum``, via ``DataSource.stand``); ``None`` when no round is behind them."""
    if facts is None:
        return None
    title, peil, deadline = facts.title, facts.peildatum, facts.deadline
    if facts.stand == rounds.VOORLOPIG:
        text = (f"Voorlopige cijfers: de uitvraag '{title}' (peildatum {fmt_date(peil)}) loopt nog tot {fmt_date(deadline)}; "
                "gemeenten kunnen hun stand nog aanleveren.")  # fmt: skip
        return ui.notice([html.Strong("Voorlopig. "), text], "info", id_="voorlopig-melding")
    text = f"De uitvraag '{title}' (peildatum {fmt_date(peil)}) is gesloten; de cijfers op die peildatum zijn definitief."
    return ui.notice([html.Strong("Definitief. "), text], "info", id_="voorlopig-melding")


def voorlopig_slot(prefix: str, notice=None) -> html.Div:
    """Where a map page shows whether its figures are voorlopig or definitief: ``notice`` when the
    page has it at hand, else filled by ``voorlopig_callback``."""
    return html.Div(notice, id=f"{prefix}-voorlopig")


def voorlopig_callback(app: dash.Dash, prefix: str) -> None:
    """Fill the page's voorlopig slot for the chosen peildatum (on load and on every change)."""

    @app.callback(Output(f"{prefix}-voorlopig", "children"), Input(f"{prefix}-peildatum", "value"))
    def _voorlopig(peildatum):
        return voorlopig_notice(current().data.stand(parse_peildatum(peildatum, today())))


def round_scope(user: Principal, url: str | None) -> set[str] | None:
    """The gemeenten whose answers to a round ``user`` sees: all (``None``) for the beheerder, a
    provincie's current gemeenten, or a gemeente account's own (the pages /uitvragen and /uitvraag/…)."""
    if user.role == "beheerder":
        return None
    if user.role == "provincie":
        with db.session(url) as s:
            return set(s.exec(select(Gemeente.code).where(Gemeente.provincie_code == user.provincie_code, Gemeente.valid_to.is_(None))).all())
    return set(user.gemeente_codes)


def who_bar(user: Principal | None, next_path: str) -> html.Div:
    if user is None:
        return html.P(
            ["U bent niet ingelogd. ", html.A("Inloggen", href=f"/login?next={next_path}", id="login-link")],
            className="account-bar",
        )
    return html.P(
        [
            "Ingelogd als ",
            html.Strong(user.username, id="ingelogd-als"),
            f" ({policy.ROLE_LABELS.get(user.role, user.role)}: {user.scope_label}). ",
            html.A("Uitloggen", href="/logout", id="logout-link"),
        ],
        className="account-bar",
    )


def no_access(user: Principal | None, what: str) -> html.Div:
    """"Geen toegang" inside the normal page: why, what this role may do, and where to go instead."""
    role = policy.ROLE_LABELS.get(user.role, user.role) if user is not None else ""
    onward = []
    if user is not None:
        onward += [html.Li((html.A if page.server else dcc.Link)(page.link, href=page.path)) for page in policy.pages_for(user)]
    onward += [
        html.Li(dcc.Link("Landelijk overzicht", href="/")),
        html.Li(html.A("Inloggen met een ander account", href="/logout")),
    ]
    home = policy.ROLE_HOME.get(user.role) if user is not None else None
    return html.Div(
        [
            html.H2("Geen toegang"),
            ui.notice(f"Uw account ({role}) heeft geen toegang tot {what}.", "error", id_="geen-toegang"),
            html.P(policy.ROLE_RIGHTS.get(user.role, "") if user is not None else "", id="geen-toegang-rechten"),
            html.P("Klopt dit niet? Neem contact op met de beheerder bij VNG."),
            html.H3("Verder naar"),
            html.Ul(onward, id="geen-toegang-links"),
        ],
        className="no-access",
        **({"data-home": home} if home else {}),
    )
