"""Shared, accessible layout pieces: controls with labels, tables with captions, legends, cards."""

from __future__ import annotations

from datetime import date
from typing import Callable, Iterable

import pandas as pd
from dash import dcc, html

from dashboard import aggregates as agg
from dashboard.figures.palette import GRAPH_CONFIG, NO_DATA_COLOR, status_colors
from dashboard.texts import fmt_date, fmt_date_short, fmt_number, fmt_pct, fmt_pp, fmt_signed, onderdeel_title

NEW_TAB = "(opent in nieuw tabblad)"  # in the accessible name of every link with target=_blank
DROPDOWN_LABELS = {
    "select_all": "Alles selecteren",
    "deselect_all": "Niets selecteren",
    "selected_count": "{num_selected} geselecteerd",
    "search": "Zoeken",
    "clear_search": "Zoekopdracht wissen",
    "clear_selection": "Keuze wissen",
    "no_options_found": "Niets gevonden",
}


def graph(id_: str, figure, label: str, **kw) -> html.Div:
    """A Plotly graph in a labelled region; the table alternative follows it on the page."""
    return html.Div(
        dcc.Graph(id=id_, figure=figure, config=GRAPH_CONFIG, **kw),
        role="img",
        **{"aria-label": label},
        className="graph",
    )


def peildatum_control(id_: str, value: date, options: list[date], today: date) -> html.Div:
    opts = [{"label": fmt_date(d) + (" (vandaag)" if d == today else ""), "value": d.isoformat()} for d in options]
    return html.Div(
        [
            html.Label("Peildatum", htmlFor=id_, id=f"{id_}-label", className="control-label"),
            dcc.Dropdown(
                id=id_,
                options=opts,
                value=value.isoformat(),
                clearable=False,
                searchable=True,
                labels=DROPDOWN_LABELS,
                className="peildatum-dropdown",
                placeholder="Kies een peildatum",
            ),
            html.Span("De stand zoals die op deze datum bekend was.", className="hint", id=f"{id_}-hint"),
        ],
        className="control",
    )


def radio_group(id_: str, legend: str, options: list[tuple[str, str]], value: str) -> html.Fieldset:
    return html.Fieldset(
        [
            html.Legend(legend, className="control-label"),
            dcc.RadioItems(
                id=id_,
                options=[{"label": label, "value": val} for val, label in options],
                value=value,
                inline=True,
                className="radio-group",
                inputClassName="radio-input",
            ),
        ],
        className="control",
    )


def dropdown_control(id_: str, label: str, options: list[tuple[str, str]], value, multi: bool = False, placeholder: str = "Kies…") -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=id_, className="control-label"),
            dcc.Dropdown(
                id=id_,
                options=[{"label": lab, "value": val} for val, lab in options],
                value=value,
                multi=multi,
                clearable=multi,
                labels=DROPDOWN_LABELS,
                placeholder=placeholder,
            ),
        ],
        className="control",
    )


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, pd.Timestamp):
        return fmt_date_short(value) if not pd.isna(value) else "—"
    if isinstance(value, date):
        return fmt_date_short(value)
    if isinstance(value, float):
        return fmt_number(value, 1)
    return str(value)


def table(
    frame: pd.DataFrame,
    caption: str,
    links: dict[str, Callable[[pd.Series], str | None]] | None = None,
    id_: str | None = None,
    numeric: Iterable[str] = (),
    external: Iterable[str] = (),
    sort: tuple[str, bool] | None = None,
    sort_id: str | None = None,
    link_label: Callable[[pd.Series], str] | None = None,
) -> html.Div:
    """An accessible HTML table: caption, column headers with scope, optional links per column.

    ``sort`` = (column, ascending) marks the sorted column with ``aria-sort``; with ``sort_id``
    every header is a button (pattern-matching id) so the table sorts by keyboard too.
    ``external`` columns hold source links: shown as "bron" with a unique accessible name
    (``link_label(row)``, default "bron: <first column>"), or "geen bron" when empty.
    The table shows all its rows (no inner vertical scroll) unless it has more than
    ``LONG_TABLE_ROWS``; a wide table scrolls sideways in a focusable, labelled region.
    """
    links = links or {}
    numeric = set(numeric)
    external = set(external)
    heads = []
    for col in frame.columns:
        attrs = {}
        if sort and sort[0] == col:
            attrs["aria-sort"] = "ascending" if sort[1] else "descending"
        label = col
        if sort_id:
            arrow = (" ▲" if sort[1] else " ▼") if sort and sort[0] == col else ""
            label = html.Button([col, html.Span(arrow, **{"aria-hidden": "true"})], id={"type": sort_id, "col": col}, className="sort-button", n_clicks=0)
        heads.append(html.Th(label, scope="col", className="num" if col in numeric else None, **attrs))
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for i, col in enumerate(frame.columns):
            text = _cell(row[col])
            content = text
            href = links[col](row) if col in links else None
            if col in external and text not in ("", "—"):
                name = link_label(row) if link_label else f"bron: {_cell(row[frame.columns[0]])}"
                content = html.A("bron", href=text, target="_blank", rel="noopener noreferrer", title=text, **{"aria-label": f"{name} {NEW_TAB}"})
            elif col in external:
                content = html.Span("geen bron", className="hint")
            elif href:
                content = dcc.Link(text, href=href)
            if i == 0:
                cells.append(html.Th(content, scope="row"))
            else:
                cells.append(html.Td(content, className="num" if col in numeric else None))
        rows.append(html.Tr(cells))
    long = len(frame) > LONG_TABLE_ROWS
    attrs = {"className": "table-wrap table-long" if long else "table-wrap", "tabIndex": "0", "role": "region", "aria-label": caption}
    if id_:
        attrs["id"] = id_
    return html.Div(html.Table([html.Caption(caption), html.Thead(html.Tr(heads)), html.Tbody(rows)], className="data-table"), **attrs)


LONG_TABLE_ROWS = 100  # longer tables (all 342 gemeenten) scroll inside a focusable region


def status_legend(counts: pd.DataFrame, n_levels: int) -> html.Ul:
    """Swatch, label, 'gereed' marker and number of gemeenten per status (light to dark).

    Every swatch has a dark border (style.css ``.swatch``), as neighbouring shades differ little;
    "geen gegevens" has the thick outline it has on the map (``.swatch-nodata``)."""
    colors = [NO_DATA_COLOR] + status_colors(n_levels)
    items = []
    for row in counts.itertuples():
        color = colors[row.index + 1]
        items.append(
            html.Li(
                [
                    html.Span(className="swatch swatch-nodata" if row.index < 0 else "swatch", style={"backgroundColor": color}, **{"aria-hidden": "true"}),
                    html.Span(row.label, className="legend-label"),
                    html.Span(" ✓ gereed" if row.is_done else "", className="legend-done"),
                    html.Span(f" ({row.count})", className="legend-count"),
                ]
            )
        )
    return html.Ul(items, className="legend", **{"aria-label": "Legenda: status en aantal gemeenten"})


def share_legend() -> html.P:
    return html.P(
        "Kleur: aandeel gemeenten met een status die als gereed telt, van licht (0%) naar donker (100%). "
        "De precieze cijfers staan in de tabel en verschijnen als u over een gebied beweegt.",
        className="hint",
    )


def cards(card_list: list[agg.Card]) -> html.Div:
    out = []
    for c in card_list:
        delta = c.delta_done
        out.append(
            html.Section(
                [
                    html.H3(onderdeel_title(c.onderdeel), className="card-title"),
                    html.P([html.Span(fmt_pct(c.share), className="card-number"), html.Span(" gereed", className="card-unit")]),
                    html.P(f"{c.n_done} van {c.n} gemeenten", className="card-count"),
                    html.P(
                        [
                            html.Span("▲ " if delta > 0 else ("▼ " if delta < 0 else "■ "), **{"aria-hidden": "true"}),
                            f"{fmt_signed(delta)} gemeenten ({fmt_pp(c.delta_pp)}) sinds {fmt_date(c.prev_date)}",
                        ],
                        className="card-change",
                    ),
                    html.P("Telt als gereed: " + ", ".join(label.lower() for label in c.done_labels) + ".", className="hint"),
                ],
                className="card",
                **{"aria-label": onderdeel_title(c.onderdeel)},
            )
        )
    return html.Div(out, className="cards")


def download_links(prefix: str, view: str, query: str = "") -> html.P:
    return html.P(
        [
            "Download deze weergave: ",
            html.A("CSV", href=f"/download/{view}.csv{query}", id=f"{prefix}-dl-csv", download=""),
            " · ",
            html.A("Excel (xlsx)", href=f"/download/{view}.xlsx{query}", id=f"{prefix}-dl-xlsx", download=""),
            " · ",
            html.A("OpenDocument (ods)", href=f"/download/{view}.ods{query}", id=f"{prefix}-dl-ods", download=""),
        ],
        className="downloads",
    )


def share_link(prefix: str) -> html.Div:
    """A button that copies the link to this view; the address bar always holds the same link."""
    return html.Div(
        [
            html.Button("Link naar deze weergave kopiëren", id=f"{prefix}-copy-button", n_clicks=0, className="button"),
            html.Span("", id=f"{prefix}-copy-status", className="hint", role="status"),
            dcc.Store(id=f"{prefix}-copy", data=""),
        ],
        className="share",
    )


def toggle(id_: str, shown: bool, controls: str, label_show: str = "Tabel tonen", label_hide: str = "Tabel verbergen") -> html.Button:
    return html.Button(
        label_hide if shown else label_show,
        id=id_,
        n_clicks=0,
        className="toggle",
        **{"aria-expanded": "true" if shown else "false", "aria-controls": controls},
    )


def notice(children, kind: str = "info", id_: str | None = None) -> html.Div:
    role = "alert" if kind == "error" else "status"
    attrs = {"id": id_} if id_ else {}
    return html.Div(children, className=f"notice notice-{kind}", role=role, **attrs)


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
