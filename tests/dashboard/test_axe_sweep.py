"""Issue 14, "Done when": axe-core with its best-practice rules, every impact (minor to critical),
on every registered page, logged out and logged in as beheerder, provincie and gemeente user, in
Chromium against the module's live server.

The pages come from the registry (``dashboard.pages.PAGES``) and the access policy
(``etvi.accounts.policy``: every page that is not protected, plus ``pages_for`` the role), not
from a hand list, so a page added later is swept without touching this file. A page whose
address has a path variable is opened at an example address from the test data (``EXAMPLES``);
one without an example fails with that reason (a page the sweep cannot open is not swept). Every
``details`` (the explanations of terms) is opened first, so its text is checked too.

One live server (the module's ``live``) and one browser context per role (``role_page``): each
role logs in once, through the form.
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.pages import PAGES, DashPage
from etvi import publicatie
from etvi.accounts import policy
from etvi.uitvraag import rounds
from models import db
from tests.support.axe import ALL_IMPACTS, run_axe
from tests.support.browser import wait_for_dash

pytestmark = [pytest.mark.browser, pytest.mark.geodata]

# The accounts of tests.support.app.create_actors, as the policy sees them (key: the actor).
ACTORS = {
    None: None,
    "beheerder": policy.Principal(0, "vng", "beheerder", frozenset(), None, True),
    "provincie": policy.Principal(0, "noord-holland", "provincie", frozenset(), "PV27", True),
    "gemeente_a": policy.Principal(0, "amsterdam", "gemeente", frozenset({"GM0363"}), None, True),
}
# A real address for each path template: Amsterdam and Noord-Holland are in every test database
# (342 gemeenten, 12 provincies), and in the scope of the gemeente and provincie accounts above.
EXAMPLES = {
    "/gemeente/<code>": "/gemeente/GM0363",
    "/provincie/<code>": "/provincie/PV27",
    "/publicatie/<nummer>": lambda url: f"/publicatie/{publicatie.make('Stand voor de sweep', 'vng', peildatum=date(2026, 6, 30), url=url).id}",
    "/uitvraag/<uitvraag_id>": lambda url: f"/uitvraag/{_open_round(url)}",
}
# Rules that do not run, each with the written reason (only a known Dash/Plotly upstream issue
# we cannot fix in the project may be listed here). None today.
DISABLED: dict[str, str] = {}
# Registered routes that answer a file, not a page: nothing for axe to read.
DOWNLOADS = {"/publicatie/<nummer>.csv", "/publicatie/<nummer>/kaart.svg", "/publicatie/<nummer>/kaart.png"}
_MADE: dict[tuple[str, str], str] = {}


def _open_round(url: str) -> int:
    with db.session(url) as s:
        made = rounds.create_round(s, "Uitvraag voor de sweep", date(2026, 9, 30), date(2026, 10, 31), actor="vng", url=url)
        rounds.open_round(s, made.id, actor="vng")
        return made.id


def example(path: str, url: str) -> str:
    """The address the sweep opens for ``path``: the page itself, an address from the test data,
    or one made once in the live database (a publicatie, a round)."""
    made = EXAMPLES.get(path, path)
    if callable(made):
        if (path, url) not in _MADE:
            _MADE[(path, url)] = made(url)
        return _MADE[(path, url)]
    return made


DASH_PATHS = {p.path for p in PAGES if isinstance(p, DashPage)}
NOT_FOUND = next(p.path for p in PAGES if isinstance(p, DashPage) and p.module.__name__.endswith("not_found_404"))


def paths_for(user) -> list[str]:
    """Every registered page ``user`` may open: the unprotected ones and those the policy lets
    the user's role open (``/uitvraag/<uitvraag_id>`` is the protected prefix page ``/uitvraag``)."""
    def may(path: str) -> bool:
        page = policy.protected_page(path)
        return page is None or (user is not None and page.allowed(user))

    return [p.path for p in PAGES if may(p.path) and p.path not in DOWNLOADS]


CASES = [(actor, path) for actor, user in ACTORS.items() for path in paths_for(user)]
# The "Geen toegang" page (HTTP 403) a logged-in role gets for a protected page it may not open.
DENIED = [(actor, p.path) for actor, user in ACTORS.items() if user is not None for p in policy.PAGES if not p.allowed(user)]


def test_the_sweep_covers_every_registered_page_and_role():
    """Every page in the registry is swept for at least one role; the protected pages for exactly
    the roles the policy lets in; the anonymous visitor sees no protected page."""
    swept = {path for _, path in CASES}
    assert swept | DOWNLOADS == {p.path for p in PAGES}
    for page in policy.PAGES:
        assert {a for a, p in CASES if policy.protected_page(p) is page} == {a for a, u in ACTORS.items() if u is not None and page.allowed(u)}
    assert not [p for a, p in CASES if a is None and policy.protected_page(p)]
    assert {"/aanleveren", "/aanlevering", "/auditlog"} <= swept
    assert DENIED  # the gemeente and provincie accounts each have a page they may not open


@pytest.mark.parametrize(("actor", "path"), CASES, ids=[f"{a or 'anoniem'}:{p}" for a, p in CASES])
def test_axe_best_practice_on_every_page(live, role_page, actor, path):
    address = example(path, live.db_url)
    if "<" in address:
        pytest.fail(f"geen voorbeeldadres voor {path}: zet een adres uit de testgegevens in EXAMPLES")
    page = role_page(actor)
    page.errors.clear()
    response = page.goto(live.url + address)
    if path in DASH_PATHS:
        wait_for_dash(page, 30)
    page.wait_for_load_state("networkidle")
    if path == NOT_FOUND:
        assert response.status == 404
        page.errors = [e for e in page.errors if "404 (NOT FOUND)" not in e]
    else:
        assert response.status == 200, f"{address}: HTTP {response.status}"
    if actor is not None:  # still logged in: the sweep saw the page as that role
        assert page.locator(".nav-user").count() == 1, f"{address}: niet (meer) ingelogd als {actor}"
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # the explanations' text too
    violations = run_axe(page, ALL_IMPACTS, DISABLED)
    assert violations == [], "\n".join(f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes']}" for v in violations)
    assert page.errors == []


@pytest.mark.parametrize(("actor", "path"), DENIED, ids=[f"{a}:{p}" for a, p in DENIED])
def test_axe_best_practice_on_the_refusal_page(live, role_page, actor, path):
    page = role_page(actor)
    page.errors.clear()
    response = page.goto(live.url + path)
    assert response.status == 403
    page.errors = [e for e in page.errors if "403 (FORBIDDEN)" not in e]  # the document's own status
    page.wait_for_load_state("networkidle")
    violations = run_axe(page, ALL_IMPACTS, DISABLED)
    assert violations == [], "\n".join(f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes']}" for v in violations)
    assert page.errors == []
