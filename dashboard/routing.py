"""Which Dash page an address shows, decided as Dash's pages router does, from public API only.

Dash's router (``dash.Dash.enable_pages``) has no public function that maps an address to its
page; the server needs one on every request (the 404 status, ``app.known_page``) and for the
first layout (``prerender``). This module restates the router's rules over the public
``dash.page_registry`` (pages in their ``order``; the first whose ``path_template`` matches
with a non-empty set of variables, or whose ``path`` equals the address, wins; ``<name>``
matches anything, ``/`` included; nothing matches: the page of module ``not_found_404``) and its
query-string rule (``parse_qs`` keeping blank values; one value as a string, several as a
list). ``tests/dashboard/test_frame.py`` compares it with Dash's own router for many
addresses, so a Dash release that changes the rules fails that test instead of the site.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import dash

NOT_FOUND_MODULE = "not_found_404"
INDEX_ENDPOINTS = {"/", "/<path:path>"}  # the Flask endpoints of Dash's index: every page's first HTML
_VARIABLE = re.compile(r"<(.*?)>")


def _template_variables(path_id: str, template_id: str) -> dict[str, str] | None:
    """The variables of ``path_id`` under ``template_id`` (both without outer slashes), or None."""
    names = _VARIABLE.findall(template_id)
    statics = _VARIABLE.split(template_id)[::2]
    pattern = "(.*)".join(re.escape(part) for part in statics)
    if not re.fullmatch(pattern, path_id, flags=re.DOTALL):
        return None
    values = re.match(pattern, path_id)  # a variable stops at a line break, as in Dash
    if values is None:
        return None
    return dict(zip(names, values.groups()))


def page_for(app: dash.Dash, pathname: str) -> tuple[dict, dict]:
    """(page of ``dash.page_registry``, path variables) for ``pathname``; ``({}, {})`` when no
    page matches (Dash then shows the ``not_found_404`` page)."""
    path_id = app.strip_relative_path(pathname) or ""
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if template:
            variables = _template_variables(path_id, template.strip("/"))
            if variables:
                return page, variables
        if path_id == (page.get("path") or "").strip("/"):
            return page, {}
    return {}, {}


def not_found_page() -> dict | None:
    """The page Dash shows for an address no page matches (module ``…not_found_404``)."""
    for module, page in dash.page_registry.items():
        if module.split(".")[-1] == NOT_FOUND_MODULE:
            return page
    return None


def query_arguments(search: str) -> dict:
    """The query string (``?a=1&b=2``) as the keyword arguments Dash passes to a layout."""
    if not search or not search.startswith("?"):
        return {}
    parsed = parse_qs(search[1:], keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}
