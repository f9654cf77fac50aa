"""Every page of the site, registered in one place and one loop (``register_all``).

``PAGES`` lists them: the Dash pages (each module has ``PAGE``, the arguments for
``dash.register_page``, ``layout(**query)`` and ``register_callbacks(app)``; the account pages
/aanleveren, /aanlevering, /auditlog, /uitvragen and /uitvraag/<id> among them, the 404 page last) and the pages Flask
renders itself (/login and /logout, views in ``dashboard.security``, Jinja templates in the
site's frame, ``dashboard.frame``). Who may open which page is not decided here: that is the
access policy, checked on every request by ``dashboard.security``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Callable

import dash

from dashboard import security
from dashboard.pages import (
    auditlog,
    data_overview,
    delivery,
    gemeente,
    home,
    mijlpalen,
    not_found_404,
    provincie,
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
        dash.register_page(self.module.__name__, layout=self.module.layout, **self.module.PAGE)
        self.module.register_callbacks(app)


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
    DashPage(upload),
    DashPage(delivery),
    DashPage(auditlog),
    DashPage(uitvragen),
    DashPage(uitvraag),
    ServerPage("/login", "etvi_login", security.login_view),
    ServerPage("/logout", "etvi_logout", security.logout_view),
    DashPage(not_found_404),  # any address no other page matches (HTTP 404: dashboard.app)
)


def register_all(app: dash.Dash) -> None:
    for page in PAGES:
        page.register(app)
