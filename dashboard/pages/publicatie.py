"""``/publicatie/<nummer>``: a publicatie's national overview exactly as known at its moment K.

The cards, the maps, the share per provincie, the milestone table and the table of every gemeente
are computed under ``DataSource.version(kennis=K, publicatie=…)``, with the reference data frozen
with the publicatie (gemeenten, levels, milestones, regions), so they never change; the banner says when it
was published, and when later uploads changed that past, how many statuses and which (as published,
as now). The maps are the server-side SVG renderer's (``dashboard.map_images``), served by
``/publicatie/<nummer>/kaart.svg|png`` at exactly K: ``/kaart.svg?kennis=`` takes a day and means
its end, which would count an upload made later on the day of publishing. They are images, so the
page shows them without Plotly, and they are the downloads.
"""

from __future__ import annotations

from urllib.parse import urlencode

import flask
from dash import html
from werkzeug.datastructures import MultiDict

from dashboard import components as ui
from dashboard import map_images, views
from dashboard.runtime import current
from dashboard.security import error_response
from dashboard.texts import fmt_date, local_time, onderdeel_title
from etvi import publicatie as publicaties
from etvi.publicatie import PublicatieError


def title(nummer=None, **_) -> str:
    try:
        return f"{publicaties.get(nummer, current().data.url).titel} – ETVI-monitor"
    except Exception:  # noqa: BLE001 - a title must never break the page
        return "Publicatie niet gevonden – ETVI-monitor"


PAGE = dict(path_template="/publicatie/<nummer>", name="Publicatie", title=title, order=7)
P = "pub"


def register_callbacks(app) -> None:
    """Nothing to update: a publicatie never changes."""


def download(nummer: str):
    """``/publicatie/<nummer>.csv``: the publicatie's figures, the same bytes on every call
    (``etvi export --publicatie`` writes the same); an unknown number gets a Dutch 404."""
    try:
        p = publicaties.get(nummer, current().data.url)
    except PublicatieError as exc:
        return flask.Response(f"{exc}\n", status=404, mimetype="text/plain", headers={"Content-Language": "nl"})
    return flask.Response(
        publicaties.csv_bytes(p, current().data.url),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="etvi-publicatie-{p.id}.csv"', "Cache-Control": "no-cache"},
    )


MAP_LEVELS = ("gemeente", "provincie")


def map_image(nummer: str, kind: str):
    """``/publicatie/<nummer>/kaart.svg|png?onderdeel=…&niveau=gemeente|provincie``: the map of the
    publicatie at its peildatum as known at exactly its moment K; the same bytes on every call."""
    try:
        p = publicaties.get(nummer, current().data.url)
    except PublicatieError as exc:
        return error_response(404, str(exc))
    rt = current()
    try:
        ref = rt.data.reference(rt.data.version(kennis=p.kennis, publicatie=p.id))
        args = MultiDict({"peildatum": p.peildatum.isoformat(), "onderdeel": flask.request.args.get("onderdeel", ""), "niveau": flask.request.args.get("niveau", "")})
        view = map_images.parse_view(args, ref)
        svg = map_images.map_svg(view, link_key=f"publicatie-{p.id}", kennis=p.kennis, title=map_title(view, ref, p), publicatie=p.id)
        stem = f"etvi-publicatie-{p.id}-kaart-{view.onderdeel}-{view.niveau}"
        if kind == "svg":
            return map_images.cached_response(svg.encode("utf-8"), "image/svg+xml", f"{stem}.svg")
        return map_images.cached_response(map_images.map_png(view, svg), "image/png", f"{stem}.png")
    except map_images.MapRequestError as exc:
        return error_response(exc.status, str(exc))


def map_title(view, ref, p) -> str:
    return f"{map_images.heading(view, ref)}, zoals bekend op {local_time(p.kennis)}"


def _maps(rt, v, ref, p) -> html.Section:
    """Per onderdeel the gemeente map and the provincie map, with their SVG and PNG downloads."""
    levels = [lvl for lvl in MAP_LEVELS if lvl == "gemeente" or lvl in ref.levels_available()]
    figures = []
    for o in ref.onderdelen:
        for lvl in levels:
            view = map_images.MapView(p.peildatum, o, lvl)
            base = f"/publicatie/{p.id}/kaart"
            query = urlencode({"onderdeel": o, "niveau": lvl})
            name = f"{P}-kaart-{o}-{lvl}"
            title_ = map_title(view, ref, p)
            figures.append(
                html.Figure(
                    [
                        html.Img(src=f"{base}.svg?{query}", alt=f"Kaart: {title_}. De cijfers staan ook in de tabellen op deze pagina.", id=name, className="publicatie-kaart"),
                        html.Figcaption(
                            [
                                title_,
                                ". Download: ",
                                html.A("SVG", href=f"{base}.svg?{query}", id=f"{name}-svg", download="", **{"aria-label": f"{title_} als SVG"}),
                                " · ",
                                html.A("PNG", href=f"{base}.png?{query}", id=f"{name}-png", download="", **{"aria-label": f"{title_} als PNG"}),
                            ]
                        ),
                    ],
                    className="publicatie-kaart-figuur",
                )
            )
    return html.Section([html.H2("Kaarten", id=f"{P}-kaarten-heading"), *figures], **{"aria-labelledby": f"{P}-kaarten-heading"})


def layout(nummer=None, **_):
    rt = current()
    try:
        p = publicaties.get(nummer, rt.data.url)
    except PublicatieError as exc:
        return html.Div([html.H1("Publicatie niet gevonden"), ui.notice([str(exc), " ", html.A("Alle publicaties", href="/publicaties")], "warning")])
    v = rt.data.version(kennis=p.kennis, publicatie=p.id)
    ref = rt.data.reference(v)
    return html.Div(
        [
            html.H1(p.titel),
            ui.notice(
                f"Gepubliceerd op {local_time(p.created_at)} door {p.username}: de stand op {fmt_date(p.peildatum)} zoals die bekend "
                f"was op {local_time(p.kennis)}. Deze cijfers veranderen nooit.",
                "info",
                id_=f"{P}-banner",
            ),
            _round(rt, p),
            _corrections(rt, p, ref),
            html.Section(
                [html.H2("Stand per onderdeel", id=f"{P}-cards-heading"), ui.cards(rt.data.cards(p.peildatum, v))],
                **{"aria-labelledby": f"{P}-cards-heading"},
            ),
            _maps(rt, v, ref, p),
            html.Section(
                [
                    html.H2("Per provincie", id=f"{P}-provincies-heading"),
                    *(
                        ui.table(
                            views.group_share_table(rt.data, p.peildatum, o, "provincie", v).drop(columns=["Onderdeel"]),
                            f"{onderdeel_title(o)}: aandeel gereed per provincie op {fmt_date(p.peildatum)}, laagste eerst",
                            id_=f"{P}-provincies-{i}",
                            numeric=["Gemeenten", "Gereed", "Aandeel gereed (%)"],
                        )
                        for i, o in enumerate(ref.onderdelen)
                    ),
                ],
                **{"aria-labelledby": f"{P}-provincies-heading"},
            ),
            html.Section(
                [
                    html.H2("Mijlpalen", id=f"{P}-mijlpalen-heading"),
                    ui.table(
                        views.milestone_progress_table(rt.data, p.peildatum, "landelijk", v).drop(columns=["Gebied"]),
                        f"Voortgang naar de mijlpalen op {fmt_date(p.peildatum)}",
                        id_=f"{P}-mijlpalen",
                    ),
                ],
                **{"aria-labelledby": f"{P}-mijlpalen-heading"},
            ),
            html.Section(
                [html.H2("Alle gemeenten", id=f"{P}-tabel-heading"), _table(rt, v, ref, p)],
                **{"aria-labelledby": f"{P}-tabel-heading"},
            ),
            html.P(
                [
                    html.A("Download deze cijfers (CSV)", href=f"/publicatie/{p.id}.csv", id=f"{P}-csv", download=""),
                    " · ",
                    html.A("Alle publicaties", href="/publicaties"),
                ]
            ),
        ]
    )


def _round(rt, p) -> html.P | None:
    """Which round this publicatie closed, when it was published as the round closed."""
    titel = publicaties.ronde_titel(p, rt.data.url)
    if titel is None:
        return None
    return html.P(
        ["Deze publicatie is gemaakt bij het sluiten van ", html.A(f"uitvraag {p.ronde_id} '{titel}'", href=f"/uitvraag/{p.ronde_id}"), ": de stand op de peildatum van de uitvraag."],
        id=f"{P}-uitvraag",
    )


def _corrections(rt, p, ref) -> html.Section:
    found = publicaties.corrections(p, rt.data.url)
    heading = html.H2("Correcties sinds de publicatie", id=f"{P}-correcties-heading")
    if found.empty:
        body = [html.P("Sindsdien gecorrigeerd: geen meldingen. De cijfers zijn nog zoals ze nu bekend zijn.", id=f"{P}-correcties")]
    else:
        labels = {(o, st): lbl or st for o, st, lbl in zip(ref.levels["onderdeel"], ref.levels["status"], ref.levels["label"])}
        names = dict(zip(ref.gemeenten["code"], ref.gemeenten["name"]))

        def label(onderdeel, status):
            return "Geen gegevens" if status is None else labels.get((onderdeel, status), status)

        rows = [
            [names.get(r.gemeente_code, r.gemeente_code), onderdeel_title(r.onderdeel), label(r.onderdeel, r.gepubliceerd), label(r.onderdeel, r.nu)]
            for r in found.itertuples()
        ]
        n = len(rows)
        body = [
            ui.notice(
                f"Sindsdien gecorrigeerd: {n} {'melding' if n == 1 else 'meldingen'}. Latere aanleveringen veranderden de stand op "
                f"{fmt_date(p.peildatum)}; deze publicatie toont de cijfers zoals ze toen bekend waren.",
                "warning",
                id_=f"{P}-correcties",
            ),
            ui.data_table(["Gemeente", "Onderdeel", "Zoals gepubliceerd", "Nu"], rows, "Gecorrigeerde meldingen: zoals gepubliceerd en zoals nu bekend", id_=f"{P}-correctietabel"),
        ]
    return html.Section([heading, *body], **{"aria-labelledby": f"{P}-correcties-heading"})


def _table(rt, v, ref, p) -> html.Div:
    columns = {o: rt.data.gemeente_status(p.peildatum, o, v).set_index("code")["label"] for o in ref.onderdelen}
    rows = [
        [name, code, prov or "", *(str(columns[o].get(code, "")) for o in ref.onderdelen)]
        for code, name, prov in zip(ref.gemeenten["code"], ref.gemeenten["name"], ref.gemeenten["provincie_name"])
    ]
    return ui.data_table(
        ["Gemeente", "Code", "Provincie", *(onderdeel_title(o) for o in ref.onderdelen)],
        rows,
        f"Status per gemeente op {fmt_date(p.peildatum)}, zoals bekend op {local_time(p.kennis)}",
        id_=f"{P}-tabel",
    )
