"""Every page of the site, registered in one place and one loop (``register_all``).

``PAGES`` lists them: the Dash pages (each module has ``PAGE``, the arguments for
``dash.register_page``, ``layout(**query)`` and ``register_callbacks(app)``; the account pages
/aanleveren, /aanlevering, /auditlog, /uitvragen and /uitvraag/<id> among them, the 404 page last) and the pages Flask
renders itself (/login and /logout, views in ``dashboard.security``, /ik/tokens and /begrippen, Jinja templates in the
site's frame, ``dashboard.frame``). Who may open which page is not decided here: that is the
access policy, checked on every request by ``dashboard.security``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import ModuleType
from typing import Callable

import dash
from dash import html

from dashboard import components as ui
from dashboard import kennis, security
from dashboard.pages import (
    api_tokens,
    auditlog,
    begrippen,
    data_overview,
    delivery,
    gemeente,
    home,
    mijlpalen,
    not_found_404,
    provincie,
    publicatie,
    publicaties,
    regios,
    uitvraag,
    uitvragen,
    upload,
)


@dataclass(frozen=True)
class DashPage:
    module: ModuleType

    @property
    def path(self) -> str:
        return self.module.PAGE.get("path_template") or self.module.PAGE["path"]

    def register(self, app: dash.Dash) -> None:
        dash.register_page(self.module.__name__, layout=with_kennis(self.module.layout), **self.module.PAGE)
        self.module.register_callbacks(app)


def with_kennis(layout: Callable) -> Callable:
    """``layout`` under the page's ``?kennis=`` (``dashboard.kennis``): every figure it computes is
    as known at that moment, and the page says so (or why the value was not used) above its content."""

    @functools.wraps(layout)
    def page(**query):
        state = kennis.use(query.get("kennis"))
        content = layout(**query)
        if state.notice is None:
            return content
        return html.Div([ui.notice(state.notice, "warning" if state.warning else "info", id_="kennis-notice"), content])

    return page


@dataclass(frozen=True)
class ServerPage:
    """A page Flask renders itself (a form: GET shows it, POST sends it)."""

    path: str
    endpoint: str
    view: Callable
    methods: tuple[str, ...] = ("GET", "POST")

    def register(self, app: dash.Dash) -> None:
        app.server.add_url_rule(self.path, self.endpoint, self.view, methods=list(self.methods))


PAGES: tuple[DashPage | ServerPage, ...] = (
    DashPage(home),
    DashPage(regios),
    DashPage(provincie),
    DashPage(gemeente),
    DashPage(mijlpalen),
    DashPage(data_overview),
    DashPage(publicaties),
    DashPage(publicatie),
    ServerPage("/publicatie/<nummer>.csv", "etvi_publicatie_csv", publicatie.download, methods=("GET",)),
    ServerPage("/publicatie/<nummer>/kaart.svg", "etvi_publicatie_kaart_svg", lambda nummer: publicatie.map_image(nummer, "svg"), methods=("GET",)),
    ServerPage("/publicatie/<nummer>/kaart.png", "etvi_publicatie_kaart_png", lambda nummer: publicatie.map_image(nummer, "png"), methods=("GET",)),
    DashPage(upload),
    DashPage(delivery),
    DashPage(auditlog),
    DashPage(uitvragen),
    DashPage(uitvraag),
    ServerPage("/login", "etvi_login", security.login_view),
    ServerPage("/logout", "etvi_logout", security.logout_view),
    ServerPage(api_tokens.PATH, "etvi_api_tokens", api_tokens.view),
    ServerPage(begrippen.PATH, "etvi_begrippen", begrippen.view, methods=("GET",)),
    DashPage(not_found_404),  # any address no other page matches (HTTP 404: dashboard.app)
)


@dataclass(frozen=True)
class Cacheable:
    """The pages whose answers are functions of the request, the data version and the day
    (``CACHEABLE = True`` in their module), and the outputs of their callbacks: what
    ``dashboard.response_cache`` may keep for anonymous viewers."""

    modules: frozenset[str]
    outputs: frozenset[str]


def register_all(app: dash.Dash) -> Cacheable:
    modules: set[str] = set()
    outputs: set[str] = set()
    for page in PAGES:
        before = set(app.callback_map)
        page.register(app)
        if isinstance(page, DashPage) and getattr(page.module, "CACHEABLE", False):
            modules.add(page.module.__name__)
            outputs |= set(app.callback_map) - before
    return Cacheable(frozenset(modules), frozenset(outputs))
