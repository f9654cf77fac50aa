"""The kennis moment of the current request: ``?kennis=JJJJ-MM-DD`` on the page's address.

A page GET and a download carry it in their own query string. A Dash request (the layout, the
routing and every callback) is made from the page, so its address comes from the page: the
``X-Etvi-Page`` header of the layout request, else the ``Referer`` (same-origin, full address:
``dashboard.security`` sets ``Referrer-Policy: same-origin``). A page layout states it exactly
(``use``), which wins for the rest of the request. ``DataSource.version()`` asks ``from_request``.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import flask

from dashboard.prerender import HEADER
from dashboard.state import Kennis, parse_kennis

G_KEY = "etvi_kennis"
G_RAW = "etvi_kennis_waarde"  # the value a layout stated (``use``), for the links it builds


def raw_value() -> str | None:
    """The ``kennis`` value of the address this request is about (None when there is none)."""
    request = flask.request
    if "kennis" in request.args:
        return request.args.get("kennis")
    if not request.path.startswith("/_dash"):
        return None
    for name in (HEADER, "Referer"):
        address = request.headers.get(name)
        if address:
            return (parse_qs(urlsplit(address).query).get("kennis") or [None])[0]
    return None


def from_request() -> datetime | None:
    """The moment the figures of this request are as known at; None (now) outside a request."""
    if not flask.has_request_context():
        return None
    if G_KEY in flask.g:
        return flask.g.get(G_KEY)
    return parse_kennis(raw_value(), date.today()).moment


def keep(href: str) -> str:
    """``href`` (a link inside the dashboard) with this address's ``kennis`` when it has a valid
    one: a click from a page "as known at K" lands on a page as known at K, not on today's figures."""
    if not flask.has_request_context():
        return href
    raw = str(flask.g.get(G_RAW) if G_RAW in flask.g else raw_value() or "").strip()
    if not raw or from_request() is None:
        return href
    return f"{href}{'&' if '?' in href else '?'}{urlencode({'kennis': raw})}"


def use(value) -> Kennis:
    """Take ``value`` (a layout's ``kennis`` argument) for the rest of this request."""
    kennis = parse_kennis(value, date.today())
    if flask.has_request_context():
        setattr(flask.g, G_KEY, kennis.moment)
        setattr(flask.g, G_RAW, str(value).strip() if kennis.moment is not None else "")
    return kennis
