"""The page frame of every page a browser shows: skip link, brand, menu, demo banner, footer.

The parts are data here, built once into the Dash shell (``dash_shell``, around every Dash page)
and once into the Jinja frame (``templates/base.html``, around the pages Flask renders itself:
login, logout and the error pages, through ``render``). Both get the same menu entries from
``entries``; the account part of the menu comes from the caller (``security.account_menu``),
so this module knows no roles.

Which entry is the current page follows one rule (``is_current``): on Flask's pages it is
applied on the server, on Dash pages in the browser (the clientside callbacks of
``register_callbacks``, generated from the same menu), as the address changes without a reload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

import dash
import flask
from dash import ALL, Input, Output, State, dcc, html

from dashboard.runtime import current
from dashboard.texts import APP_SUBTITLE, APP_TITLE, GLOSSARY_PATH

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Link:
    """``server``: a page Flask renders (a full load in the browser), not a Dash page."""

    href: str
    label: str
    server: bool = False


MENU: tuple[Link, ...] = (
    Link("/", "Landelijk overzicht"),
    Link("/regios", "Regio's vergelijken"),
    Link("/mijlpalen", "Mijlpalen"),
    Link("/data", "Data"),
)
MENU_LABEL = "Hoofdmenu"
BRAND = Link("/", APP_TITLE)
SUBTITLE = APP_SUBTITLE
CONTENT_ID = "inhoud"
SKIP_LINK = Link(f"#{CONTENT_ID}", "Naar de inhoud")
LOGGED_IN_AS = "Ingelogd als "
DEMO_BANNER = (
    "Demonstratiegegevens. ",
    "De cijfers op deze site zijn verzonnen en dienen alleen om de monitor te laten zien. "
    "Gebruik ze niet voor beleid of communicatie.",
)
DEMO_LABEL = "Let op: demonstratiegegevens"  # names the banner's region landmark (axe ``region``)
# Text and links, in order; the glossary (a page Flask renders) explains the programme's words.
FOOTER = (
    "Gegevens: meldingen van gemeenten, provincies en VNG. Grenzen: CBS/PDOK, vereenvoudigd door cartomap/nl. ",
    Link("/data", "Over de gegevens en downloads"),
    ". ",
    Link(GLOSSARY_PATH, "Begrippen: wat de woorden betekenen", server=True),
    ".",
)
# The address of the view, printed below every page (shown only in print: assets/print.css);
# assets/print.js keeps it equal to the address bar, on Flask's pages as on Dash's, so both
# frames stay the same.
PRINT_URL_LABEL = "Adres van deze weergave: "
PRINT_URL_ID = "etvi-adres"
# Dash pages load every file of assets/; Flask's pages need only these.
STYLESHEETS = ("/assets/style.css", "/assets/accounts.css", "/assets/print.css")
FAVICON = "/_favicon.ico"  # Dash's; without it the browser asks /favicon.ico (404, a console error)
SCRIPTS = ("/assets/focus.js", "/assets/print.js")  # a failed login moves focus to its message; the printed address
# A polite live region in main, outside the page content: assets/focus.js writes the new page's
# title into it after every navigation in the browser (the page itself is swapped without a load).
ANNOUNCER_ID = "etvi-aankondiging"
PAGE_TITLE = "{title} · " + APP_TITLE

# The error pages: a title per status (others: "Fout") and where to go on.
ERROR_TITLES = {403: "Geen toegang", 404: "Niet gevonden", 503: "Even niet beschikbaar"}
ERROR_TITLE = "Fout"
ONWARD = Link("/", "Naar het landelijk overzicht")
NOT_FOUND_TITLE = "Pagina niet gevonden"
NOT_FOUND_TEXT = "Deze pagina bestaat niet (meer). Misschien is het adres verkeerd getypt of is de link verouderd."
NOT_FOUND_ONWARD = "Verder naar:"


@dataclass(frozen=True)
class Entry:
    """One menu entry. ``kind``: ``main`` (the main menu), ``page`` (an account page, a Dash
    page), ``link`` (a server route such as /login) or ``text`` (who is logged in). ``id`` is
    the Dash id (a dict for the entries the pattern-matching callbacks update). ``server``: an
    account page Flask renders itself (/ik/tokens), so the Dash shell links to it with a full load."""

    kind: str
    label: str
    href: str = ""
    id: str | dict | None = None
    item_class: str = ""
    user: str = ""
    server: bool = False
    current: bool = field(default=False, compare=False)

    @property
    def dom_id(self) -> str | None:
        """The element id in the browser, as Dash's renderer writes a dict id (sorted keys, compact JSON)."""
        if isinstance(self.id, dict):
            return json.dumps(dict(sorted(self.id.items())), separators=(",", ":"))
        return self.id


def is_current(href: str, path: str) -> bool:
    """Whether the entry for ``href`` marks the page at ``path``: the address itself or a page
    below it (``/aanlevering/…``); the home page only itself."""
    target = urlsplit(href).path
    return path == target or (target != "/" and path.startswith(target + "/"))


def entries(account_items: list[dict], path: str | None = None) -> list[Entry]:
    """The main entries (ids nav-0 … for the marking callback) and the account entries
    (``security.account_menu``); ``path`` marks the current one (Flask's pages only)."""
    result = [Entry("main", link.label, link.href, id=f"nav-{i}") for i, link in enumerate(MENU)]
    for n, item in enumerate(account_items):
        item_class = "nav-account nav-account-first" if n == 0 else "nav-account"
        kind = item["kind"]
        if kind == "page":
            ident = {"type": "nav-konto", "href": item["href"]}
        elif kind == "link" and item.get("id") == "nav-inloggen":
            ident = {"type": "nav-inloggen", "href": "/login"}  # LOGIN_NEXT keeps its next= current
        else:
            ident = item.get("id")
        if kind == "text":
            result.append(Entry("text", item["label"], id=ident, item_class=item_class + " nav-user", user=item["user"]))
        else:
            result.append(Entry(kind, item["label"], item["href"], id=ident, item_class=item_class, server=bool(item.get("server"))))
    if path is not None:
        result = [replace(e, current=e.kind != "text" and is_current(e.href, path)) for e in result]
    return result


def demo_loaded() -> bool:
    """Whether demo data is loaded (Meta ``demo_data`` = ``ja``): the banner then shows on every page."""
    try:
        return bool(current().data.version().demo)
    except Exception:  # noqa: BLE001 - no dashboard runtime (bare Flask app) or a broken database: no banner
        return False


# --------------------------------------------------------------------------------------------
# Dash
# --------------------------------------------------------------------------------------------


def _dash_entry(entry: Entry):
    cls = {"className": entry.item_class} if entry.item_class else {}
    if entry.kind == "text":
        return html.Li([LOGGED_IN_AS, html.Strong(entry.user)], id=entry.id, **cls)
    if entry.kind in ("main", "page") and not entry.server:
        return html.Li(dcc.Link(entry.label, href=entry.href, id=entry.id, className="nav-link"), **cls)
    return html.Li(html.A(entry.label, href=entry.href, id=entry.id, className="nav-link"), **cls)


def _dash_link(link: Link):
    """A Dash page: navigation in the browser (``dcc.Link``); a page Flask renders: a full load."""
    return html.A(link.label, href=link.href) if link.server else dcc.Link(link.label, href=link.href)


def dash_shell(menu: list[Entry], demo: bool, content) -> html.Div:
    """The frame around every Dash page, with ``content`` (the page container) in ``main``."""
    banner = (
        html.Section(
            [html.Strong(DEMO_BANNER[0]), DEMO_BANNER[1]], className="demo-banner", id="demo-banner", **{"aria-label": DEMO_LABEL}
        )
        if demo
        else None
    )
    footer = [part if isinstance(part, str) else _dash_link(part) for part in FOOTER]
    return html.Div(
        [
            html.A(SKIP_LINK.label, href=SKIP_LINK.href, className="skip-link"),
            html.Header(
                [
                    html.Div(
                        [dcc.Link(BRAND.label, href=BRAND.href, className="brand"), html.Span(SUBTITLE, className="brand-sub")],
                        className="brand-block",
                    ),
                    html.Nav(html.Ul([_dash_entry(e) for e in menu]), **{"aria-label": MENU_LABEL}),
                ],
                className="site-header",
            ),
            banner,
            html.Main(
                [html.P(id=ANNOUNCER_ID, className="visually-hidden", role="status", **{"aria-live": "polite"}), content],
                id=CONTENT_ID,
                tabIndex="-1",
            ),
            html.Footer(html.P(footer), className="site-footer"),
            html.P([PRINT_URL_LABEL, html.Span(id=PRINT_URL_ID)], className="print-url"),
            dcc.Location(id="etvi-nav", refresh="callback-nav"),
        ],
        className="page",
    )


# is_current in the browser; the outputs are the entries in menu order.
_IS_CURRENT_JS = """
    function isCurrent(href, pathname) {
        return !!pathname && (pathname === href || (href !== '/' && pathname.indexOf(href + '/') === 0));
    }
"""
MARK_MAIN_NAV = (
    "\nfunction (pathname) {"
    + _IS_CURRENT_JS
    + f"    return {json.dumps([link.href for link in MENU])}.map(function (href) {{\n"
    + "        return isCurrent(href, pathname) ? 'nav-link active' : 'nav-link';\n    });\n}\n"
)
# The account pages' ids carry their path, so one pattern-matching callback handles any number of them.
MARK_ACCOUNT_NAV = (
    "\nfunction (pathname) {"
    + _IS_CURRENT_JS
    + """    var outs = window.dash_clientside.callback_context.outputs_list || [];
    if (outs.length && Array.isArray(outs[0])) { outs = outs[0]; }
    return outs.map(function (o) { return isCurrent(o.id.href, pathname) ? 'nav-link active' : 'nav-link'; });
}
"""
)
# The "Inloggen" link returns to the page the visitor is on, also after navigating in the browser.
LOGIN_NEXT = """
function (pathname, search) {
    var outs = window.dash_clientside.callback_context.outputs_list || [];
    if (outs.length && Array.isArray(outs[0])) { outs = outs[0]; }
    var target = (pathname || '/') + (search || '');
    return outs.map(function () { return '/login?next=' + encodeURIComponent(target); });
}
"""


def register_callbacks(app: dash.Dash, location_id: str = "_pages_location") -> None:
    """Mark the current entry as the address changes, and keep the login link's ``next`` current."""
    app.clientside_callback(
        MARK_MAIN_NAV,
        [Output(f"nav-{i}", "className") for i in range(len(MENU))],
        Input(location_id, "pathname"),
    )
    app.clientside_callback(
        MARK_ACCOUNT_NAV,
        Output({"type": "nav-konto", "href": ALL}, "className"),
        Input(location_id, "pathname"),
    )
    app.clientside_callback(
        LOGIN_NEXT,
        Output({"type": "nav-inloggen", "href": ALL}, "href"),
        Input(location_id, "pathname"),
        State(location_id, "search"),
    )


# --------------------------------------------------------------------------------------------
# Jinja (Flask's own pages)
# --------------------------------------------------------------------------------------------


def render(template: str, *, title: str, account_items: list[dict], path: str, demo: bool, **context) -> str:
    """``templates/<template>`` (it extends ``base.html``) in the frame; autoescaped by Flask."""
    frame = {
        "title": PAGE_TITLE.format(title=title),
        "heading": title,
        "brand": BRAND,
        "subtitle": SUBTITLE,
        "skip": SKIP_LINK,
        "content_id": CONTENT_ID,
        "menu_label": MENU_LABEL,
        "menu": entries(account_items, path),
        "logged_in_as": LOGGED_IN_AS,
        "demo": demo,
        "banner": DEMO_BANNER,
        "banner_label": DEMO_LABEL,
        "scripts": SCRIPTS,
        "footer": FOOTER,
        "stylesheets": STYLESHEETS,
        "favicon": FAVICON,
        "print_url": (PRINT_URL_LABEL, PRINT_URL_ID),
    }
    return flask.render_template(template, frame=frame, **context)
