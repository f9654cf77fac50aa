"""``/ik/tokens`` over HTTP against the real app, on SQLite and PostgreSQL: anonymous visitors go
to the login form; a form without the CSRF token (or from another site) is refused and makes
nothing; the one-time form key keeps a resent form from making a second token; the service's
Dutch refusals come back with nothing changed; the answer with the token is never cached."""

from __future__ import annotations

import re

import pytest

from etvi.accounts import tokens, users
from models import db

pytestmark = pytest.mark.usefixtures("fixed_secret_key", "fast_hashing")

FORM_KEY = re.compile(r"name='formulier' value='([^']+)'")


def _count(url: str, username: str) -> int:
    with db.session(url) as s:
        return tokens.count(s, users.get_user(s, username))


def _form(client, **fields) -> dict:
    """The fields of the page's form: the CSRF token and the one-time key of the page just shown."""
    page = client.get("/ik/tokens").get_data(as_text=True)
    return {"csrf_token": client.get_cookie("_csrf_token").value, "formulier": FORM_KEY.search(page).group(1), **fields}


def test_anonymous_visitors_go_to_the_login_form(accounts_app):
    _, _, client_for = accounts_app
    resp = client_for(None).get("/ik/tokens")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login?next=%2Fik%2Ftokens"


def test_forged_posts_are_refused_and_make_nothing(accounts_app, ref_db):
    _, actors, client_for = accounts_app
    a = actors["gemeente_a"]
    client = client_for("gemeente_a")
    page = client.get("/ik/tokens")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "API-tokens" in page.get_data(as_text=True) and "href='/ik/tokens'" in page.get_data(as_text=True)  # in the menu
    fields = _form(client, actie="maken", label="vervalst", wachtwoord=a.password)
    without_csrf = {k: v for k, v in fields.items() if k != "csrf_token"}
    resp = client.post("/ik/tokens", data=without_csrf)
    assert resp.status_code == 403 and "Beveiligingscontrole mislukt" in resp.get_data(as_text=True)
    resp = client.post("/ik/tokens", data=fields, headers={"Origin": "https://evil.example"})
    assert resp.status_code == 403
    assert _count(ref_db, a.username) == 1  # only the token of create_actors
    revoke = {k: v for k, v in _form(client, actie="intrekken").items() if k != "csrf_token"}
    with db.session(ref_db) as s:
        revoke["kenmerk"] = tokens.listed(s, users.get_user(s, a.username))[0]["kenmerk"]
    assert client.post("/ik/tokens", data=revoke).status_code == 403
    assert client_for(None).get("/api/v1/ik/tokens", headers={"Authorization": f"Bearer {a.token}"}).status_code == 200


def test_make_once_refusals_and_revoke(accounts_app, ref_db):
    _, actors, client_for = accounts_app
    a = actors["gemeente_a"]
    client = client_for("gemeente_a")

    resp = client.post("/ik/tokens", data=_form(client, actie="maken", label="zaaksysteem", wachtwoord="fout-wachtwoord"))
    text = resp.get_data(as_text=True)
    assert resp.status_code == 403 and "Het wachtwoord is niet bevestigd; er is geen token gemaakt." in text and "role='alert'" in text
    resp = client.post("/ik/tokens", data=_form(client, actie="maken", label="zaaksysteem", verloopt="2000-01-01", wachtwoord=a.password))
    assert resp.status_code == 400 and "ligt niet in de toekomst" in resp.get_data(as_text=True)
    assert _count(ref_db, a.username) == 1

    fields = _form(client, actie="maken", label="zaaksysteem", wachtwoord=a.password)
    resp = client.post("/ik/tokens", data=fields)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 201 and resp.headers["Cache-Control"] == "no-store"
    token = re.search(r"value='(etvi_[^']+)'", text).group(1)
    assert "maar één keer getoond" in text
    # /api/v1/ik answers from the session; /api/v1/ik/tokens is the caller's own, by this token alone
    own = client_for(None).get("/api/v1/ik/tokens", headers={"Authorization": f"Bearer {token}"})
    assert own.status_code == 200 and own.get_json()["gebruiker"] == a.username
    # The same form again (a reload of that answer): nothing made, the token not shown again.
    again = client.post("/ik/tokens", data=fields)
    assert again.status_code == 303 and _count(ref_db, a.username) == 2
    assert token not in client.get("/ik/tokens").get_data(as_text=True)

    made = tokens.kenmerk(tokens.hash_token(token))
    confirm = client.get(f"/ik/tokens?intrekken={made}").get_data(as_text=True)
    assert "Token intrekken?" in confirm
    resp = client.post("/ik/tokens", data=_form(client, actie="intrekken", kenmerk=made))
    assert resp.status_code == 303 and resp.headers["Location"] == f"/ik/tokens?ingetrokken={made}"
    assert client_for(None).get("/api/v1/ik/tokens", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _count(ref_db, a.username) == 1
    resp = client.post("/ik/tokens", data=_form(client, actie="intrekken", kenmerk=made))
    assert resp.status_code == 404 and "Er is niets ingetrokken." in resp.get_data(as_text=True)


def test_the_cap_refuses_in_dutch_and_makes_nothing(accounts_app, ref_db, monkeypatch):
    _, actors, client_for = accounts_app
    a = actors["gemeente_a"]
    client = client_for("gemeente_a")
    monkeypatch.setenv("ETVI_MAX_TOKENS_PER_USER", "1")  # read per request; create_actors made one already
    resp = client.post("/ik/tokens", data=_form(client, actie="maken", label="tweede", wachtwoord=a.password))
    text = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "al 1 API-tokens" in text and "Trek eerst een token in" in text and "id='token-fout'" in text
    assert _count(ref_db, a.username) == 1
    assert "is ingetrokken" not in client.get("/ik/tokens?ingetrokken=nep%20bericht").get_data(as_text=True)
