"""Any unknown address."""
from dash import dcc, html

PAGE = dict(path="/404", name="Niet gevonden", title="Pagina niet gevonden – ETVI-monitor")


def layout(**_):
    return html.Div(
        [
            html.H1("Pagina niet gevonden"),
            html.P(["Deze pagina bestaat niet. Ga naar het ", dcc.Link("landelijk overzicht", href="/"), "."]),
        ]
    )


def register_callbacks(app):
    pass
