"""Any unknown address. The server answers such an address with HTTP 404 (``dashboard.app``)."""
from dash import dcc, html

PAGE = dict(path="/404", name="Niet gevonden", title="Pagina niet gevonden – ETVI-monitor")


def layout(**_):
    return html.Div(
        [
            html.H1("Pagina niet gevonden"),
            html.P("Deze pagina bestaat niet (meer). Misschien is het adres verkeerd getypt of is de link verouderd."),
            html.P("Verder naar:"),
            html.Ul(
                [
                    html.Li(dcc.Link("Landelijk overzicht", href="/")),
                    html.Li(dcc.Link("Regio's vergelijken", href="/regios")),
                    html.Li(dcc.Link("Mijlpalen", href="/mijlpalen")),
                    html.Li(dcc.Link("Data en downloads", href="/data")),
                ]
            ),
        ],
        id="niet-gevonden",
    )


def register_callbacks(app):
    pass
