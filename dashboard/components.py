"""Shared, accessible layout pieces: controls with labels, tables with captions, legends, cards."""

from __future__ import annotations

import json
from datetime import date
from typing import Callable, Iterable

import pandas as pd
from dash import dcc, html

from dashboard import aggregates as agg
from dashboard.figures import charts
from dashboard.figures.palette import GRAPH_CONFIG, NO_DATA_COLOR, status_colors
from dashboard.texts import (
    GLOSSARY_TITLE,
    STAND_OP,
    TERMS_BY_KEY,
    fmt_date,
    fmt_date_short,
    fmt_number,
    fmt_pct,
    fmt_pp,
    fmt_signed,
    onderdeel_title,
    term_href,
)

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


CHART_FORMATS = ("svg", "png")


def chart(id_: str, figure, label: str, title: str, stand: date, **kw) -> html.Div:
    """A chart (``graph``) with its buttons "Download als SVG" / "Download als PNG" under it.

    Why client-side (``assets/chart_download.js``, Plotly's ``downloadImage``): the figure the
    visitor sees is already in the browser, callbacks included, so the image is exactly that view,
    with no server renderer and no system libraries (kaleido/Chrome) to run. The script exports a
    copy of the figure with ``title`` and the source line (``texts.bron``: "Bron: ETVI-monitor,
    stand op <stand>") drawn in, and Plotly's own legend; the mode bar stays off. The only
    policy it needs is ``blob:`` images (Plotly draws the PNG from an SVG blob; ``dashboard.csp``).
    The public maps have their server-rendered ``/kaart.svg`` and ``/kaart.png`` instead; the
    answer map of a round (behind a login, ``pages/uitvraag.py``) uses this. The source line
    and date travel in the figure (``layout.meta``, ``charts.stand_meta``), so a callback that
    patches the figure for another peildatum updates them too."""
    if isinstance(figure, dict):  # a plain figure (a cached one is not changed)
        layout = figure.get("layout", {})
        figure = {**figure, "layout": {**layout, "meta": {**(layout.get("meta") or {}), **charts.stand_meta(stand)}}}
    else:  # the figure's own meta (e.g. ``download_legend``) stays
        figure.update_layout(meta={**(figure.layout.meta or {}), **charts.stand_meta(stand)})
    buttons = [
        html.Button(
            f"Download als {fmt.upper()}",
            type="button",
            className="button chart-download",
            **{
                "aria-label": f"Download als {fmt.upper()}: {title}",
                "data-graph": id_,
                "data-format": fmt,
                "data-title": title,
                "data-file": _file_name(title),
            },
        )
        for fmt in CHART_FORMATS
    ]
    return html.Div([graph(id_, figure, label, **kw), html.Div(buttons, className="chart-downloads")], className="chart")


def _file_name(title: str) -> str:
    """``etvi-<title in lowercase words>``; the script adds ``-<stand>``: a name that says what it holds."""
    words = "".join(c if c.isalnum() else " " for c in title.lower()).split()
    return "-".join(["etvi", *words[:8]])


def peildatum_control(id_: str, value: date, options: list[date], today: date) -> html.Div:
    opts = [{"label": fmt_date(d) + (" (vandaag)" if d == today else ""), "value": d.isoformat()} for d in options]
    return html.Div(
        [
            html.Label(STAND_OP, htmlFor=id_, id=f"{id_}-label", className="control-label"),
            dcc.Dropdown(
                id=id_,
                options=opts,
                value=value.isoformat(),
                clearable=False,
                searchable=True,
                labels=DROPDOWN_LABELS,
                className="peildatum-dropdown",
                placeholder="Kies een datum",
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
    sortable: bool | None = None,
    sort_stores: tuple[str, str] | None = None,
) -> html.Div:
    """An accessible HTML table: caption, column headers with scope, optional links per column.

    ``sort`` = (column, ascending) marks the sorted column with ``aria-sort``; with ``sort_id``
    (or ``sortable``) every header is a button so the table sorts by keyboard too.
    ``external`` columns hold source links: shown as "bron" with a unique accessible name
    (``link_label(row)``, default "bron: <first column>"), or "geen bron" when empty.
    The table shows all its rows (no inner vertical scroll) unless it has more than
    ``LONG_TABLE_ROWS``; a wide table scrolls sideways in a focusable, labelled region.

    A large or sortable table is sent as one JSON payload that ``assets/tables.js`` draws as a
    single ``<table>`` (thousands of Dash components froze the browser for half a minute); its
    sorting happens in the browser and, with ``sort_stores`` (column store, order store holding
    "op"/"af"), is written back to the page's stores so the address keeps it.
    """
    links = links or {}
    numeric = set(numeric)
    external = set(external)
    if sortable is None:
        sortable = sort_id is not None
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for col in frame.columns:
            value = row[col]
            text = _cell(value)
            href = links[col](row) if col in links else None
            if col in external and text not in ("", "—"):
                name = link_label(row) if link_label else f"bron: {_cell(row[frame.columns[0]])}"
                cells.append({"t": "bron", "h": text, "x": 1, "l": f"{name} {NEW_TAB}", "ti": text})
            elif col in external:
                cells.append({"t": "geen bron", "c": "hint"})
            else:
                cell = {"t": text}
                if href:
                    cell["h"], cell["i"] = href, 1
                key = _sort_key(value)
                if key is not None:
                    cell["s"] = key
                cells.append(cell if len(cell) > 1 else text)
        rows.append(cells)
    if not sortable and len(frame) <= LONG_TABLE_ROWS and len(frame) * max(len(frame.columns), 1) <= FAST_TABLE_CELLS:
        return _component_table(frame.columns, rows, caption, id_, numeric, sort)
    return fast_table(list(frame.columns), rows, caption, id_, numeric, sort, sortable, sort_stores, len(frame) > LONG_TABLE_ROWS)


def _sort_key(value):
    """What a column sorts on in the browser when the shown text does not sort right."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        if pd.api.types.is_number(value):
            return float(value)
    except (TypeError, ValueError):
        return None
    return None


def _wrap_attrs(caption: str, id_: str | None, long: bool, extra_class: str = "") -> dict:
    cls = "table-wrap table-long" if long else "table-wrap"
    attrs = {"className": f"{cls} {extra_class}".strip(), "tabIndex": "0", "role": "region", "aria-label": caption}
    if id_:
        attrs["id"] = id_
    return attrs


def fast_table(
    columns: list[str],
    rows: list[list],
    caption: str,
    id_: str | None = None,
    numeric: Iterable[str] = (),
    sort: tuple[str, bool] | None = None,
    sortable: bool = False,
    sort_stores: tuple[str, str] | None = None,
    long: bool = False,
) -> html.Div:
    """One Dash component for a whole table: ``assets/tables.js`` builds the ``<table>`` from the
    JSON in ``data-table`` (a cell is a text or {t: text, h: href, i: inside the app, x: new tab,
    l: accessible name, ti: title, c: class, code: 1, s: sort key, det: [summary, items]})."""
    numeric = set(numeric)
    payload = {
        "caption": caption,
        "cols": [{"n": str(c), "num": c in numeric} for c in columns],
        "rows": rows,
        "sortable": bool(sortable),
        "sort": {"col": str(sort[0]), "asc": bool(sort[1])} if sort else None,
        "stores": list(sort_stores) if sort_stores else None,
    }
    attrs = _wrap_attrs(caption, id_, long, "etvi-table")
    attrs["data-table"] = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    attrs["aria-busy"] = "true"
    return html.Div(**attrs)


def _component_cell(cell):
    if isinstance(cell, str):
        return cell
    text = cell.get("t", "")
    if cell.get("x"):
        return html.A(text, href=cell["h"], target="_blank", rel="noopener noreferrer", title=cell.get("ti"), **{"aria-label": cell.get("l")})
    if cell.get("i"):
        return dcc.Link(text, href=cell["h"])
    if cell.get("c"):
        return html.Span(text, className=cell["c"])
    return text


def _component_table(columns, rows, caption, id_, numeric, sort) -> html.Div:
    """A small table as Dash components (cheap at this size; its parts stay testable as components)."""
    heads = []
    for col in columns:
        attrs = {}
        if sort and sort[0] == col:
            attrs["aria-sort"] = "ascending" if sort[1] else "descending"
        heads.append(html.Th(col, scope="col", className="num" if col in numeric else None, **attrs))
    body = []
    for row in rows:
        cells = []
        for i, (col, cell) in enumerate(zip(columns, row)):
            content = _component_cell(cell)
            if i == 0:
                cells.append(html.Th(content, scope="row"))
            else:
                cells.append(html.Td(content, className="num" if col in numeric else None))
        body.append(html.Tr(cells))
    return html.Div(html.Table([html.Caption(caption), html.Thead(html.Tr(heads)), html.Tbody(body)], className="data-table"), **_wrap_attrs(caption, id_, False))


LONG_TABLE_ROWS = 100  # longer tables (all 342 gemeenten) scroll inside a focusable region
FAST_TABLE_CELLS = 400  # above this many cells a table is drawn by assets/tables.js, not as Dash components


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


STAND_TEXT = {
    "voorlopig": "de uitvraag op deze peildatum loopt nog; gemeenten kunnen nog aanleveren.",
    "definitief": "de uitvraag op deze peildatum is gesloten.",
}


def stand_mark(stand: str | None, id_: str | None = None) -> list:
    """"Voorlopig: …" / "Definitief: …" (``rounds.status_of_peildatum``) for figures; nothing without a round."""
    if not stand:
        return []
    attrs = {"id": id_} if id_ else {}
    return [html.P([html.Strong(stand.capitalize(), className="card-stand-word"), f": {STAND_TEXT.get(stand, '')}"], className=f"card-stand card-{stand}", **attrs)]


def cards(card_list: list[agg.Card], stand: str | None = None) -> html.Div:
    """One card per onderdeel; ``stand`` (voorlopig/definitief) marks every card, so a card
    copied or printed on its own still says how final it is."""
    mark = stand_mark(stand)
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
                    *mark,
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


def explain(keys: Iterable[str], summary: str | None = None, id_: str | None = None) -> html.Details:
    """Short explanations of programme terms where they first appear, closed until asked for (a
    native ``details``: Enter and Space open it), each with a link to its entry on /begrippen (a
    page Flask renders, so a full load that lands on the anchor)."""
    terms = [TERMS_BY_KEY[k] for k in keys]
    if summary is None:
        names = [f"'{t.term.lower()}'" for t in terms]
        summary = f"Wat betekent {names[0]}?" if len(names) == 1 else f"Wat betekenen {', '.join(names[:-1])} en {names[-1]}?"
    items = []
    for t in terms:
        items += [html.Dt(t.term), html.Dd([t.text, " ", html.A(f"Meer over {t.term.lower()} in {GLOSSARY_TITLE}", href=term_href(t.key))])]
    attrs = {"id": id_} if id_ else {}
    return html.Details([html.Summary(summary), html.Dl(items)], className="uitleg", **attrs)


def notice(children, kind: str = "info", id_: str | None = None) -> html.Div:
    role = "alert" if kind == "error" else "status"
    attrs = {"id": id_} if id_ else {}
    return html.Div(children, className=f"notice notice-{kind}", role=role, **attrs)


def data_table(headers: list[str], rows: list[list], caption: str, id_: str | None = None, numeric: set[int] = frozenset()) -> html.Div:
    """An accessible table: caption, column headers with scope, the first cell a row header.
    A large one (more than ``FAST_TABLE_CELLS`` cells) is drawn by ``assets/tables.js``."""
    if len(rows) > LONG_TABLE_ROWS or len(rows) * max(len(headers), 1) > FAST_TABLE_CELLS:
        cols = [str(h) for h in headers]
        cells = [[_payload_cell(v) for v in row] for row in rows]
        return fast_table(cols, cells, caption, id_, {cols[i] for i in numeric}, long=len(rows) > LONG_TABLE_ROWS)
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


def _text_of(component) -> str:
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(_text_of(c) for c in component)
    return _text_of(getattr(component, "children", None))


def _payload_cell(value):
    """A data_table cell (text or one of the few components the pages put in cells) as a payload cell."""
    if value is None or value == "":
        return "—"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, (html.A, dcc.Link)):
        cell = {"t": _text_of(value.children), "h": getattr(value, "href", None)}
        if isinstance(value, dcc.Link):
            cell["i"] = 1
        if getattr(value, "target", None) == "_blank":
            cell["x"] = 1
        for attr, key in (("aria-label", "l"), ("title", "ti"), ("download", "d")):
            if getattr(value, attr, None) is not None:
                cell[key] = getattr(value, attr)
        return cell
    if isinstance(value, html.Code):
        return {"t": _text_of(value.children), "code": 1, "ti": getattr(value, "title", None)}
    if isinstance(value, html.Details):
        parts = value.children if isinstance(value.children, (list, tuple)) else [value.children]
        summary = next((_text_of(p) for p in parts if isinstance(p, html.Summary)), "")
        items = [_text_of(li) for p in parts if isinstance(p, html.Ul) for li in (p.children or [])]
        return {"t": summary, "det": [summary, items]}
    if isinstance(value, html.Span) and getattr(value, "className", None):
        return {"t": _text_of(value.children), "c": value.className}
    return _text_of(value)
