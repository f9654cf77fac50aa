"""Any unknown address. The server answers such an address with HTTP 404 (``dashboard.app``); the
texts and the ways on are the frame's (``dashboard.frame``), as on the error pages Flask renders."""

from dash import dcc, html

from dashboard import frame

PAGE = dict(path="/404", name="Niet gevonden", title=frame.PAGE_TITLE.format(title=frame.NOT_FOUND_TITLE))


def layout(**_):
    return html.Div(
        [
            html.H1(frame.NOT_FOUND_TITLE),
            html.P(frame.NOT_FOUND_TEXT),
            html.P(frame.NOT_FOUND_ONWARD),
            html.Ul([html.Li(dcc.Link(link.label, href=link.href)) for link in frame.MENU]),
        ],
        id="niet-gevonden",
    )


def register_callbacks(app):
    pass
