"""Helpers for HTTP tests: the real app with security and API installed, users, logged-in clients."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

from dashboard import api, security
from dashboard.app import create_app
from etvi.accounts import users
from models import db


def make_app(url: str, public: bool = True):
    """The dashboard from ``dashboard.app.create_app`` with our security and API installed
    (a no-op apart from ``public`` once ``create_app`` installs them itself)."""
    app = create_app(url=url)
    security.install(app, url=url, public=public)
    api.install(app)
    app.server.config["TESTING"] = True
    return app


@dataclass
class Actor:
    name: str
    username: str | None = None
    password: str | None = None
    token: str | None = None


def create_actors(url: str) -> dict[str, Actor]:
    """gemeente A (Amsterdam), gemeente B (Rotterdam), provincie (Noord-Holland), beheerder,
    a disabled gemeente user (of Amsterdam, with a token and password from before), anonymous,
    and a bad token."""
    actors = {"anoniem": Actor("anoniem"), "ongeldig_token": Actor("ongeldig_token", token="etvi_" + "x" * 43)}
    specs = {
        "gemeente_a": ("amsterdam", "gemeente", ["GM0363"], None),
        "gemeente_b": ("rotterdam", "gemeente", ["GM0599"], None),
        "provincie": ("noord-holland", "provincie", [], "PV27"),
        "beheerder": ("vng", "beheerder", [], None),
        "uitgeschakeld": ("oud-amsterdam", "gemeente", ["GM0363"], None),
    }
    with db.session(url) as s:
        for key, (username, role, codes, provincie) in specs.items():
            password = f"wachtwoord-{username}-123"
            users.create_user(s, username, role, codes, provincie, password=password, actor="test")
            token = users.create_token(s, username, actor="test")
            actors[key] = Actor(key, username, password, token)
    return actors


def login(client, username: str, password: str, expect_ok: bool = True, headers: dict | None = None):
    """Log in through the form (``headers``: extra request headers, e.g. X-Forwarded-For)."""
    client.get("/login", headers=headers)
    csrf = client.get_cookie("_csrf_token").value
    data = {"gebruikersnaam": username, "wachtwoord": password, "csrf_token": csrf, "next": "/"}
    resp = client.post("/login", data=data, headers=headers)
    if expect_ok:
        assert resp.status_code == 302, resp.get_data(as_text=True)
    return resp


def csrf_headers(client) -> dict:
    cookie = client.get_cookie("_csrf_token")
    if cookie is None:
        client.get("/login")
        cookie = client.get_cookie("_csrf_token")
    return {"X-CSRFToken": cookie.value, "Origin": "http://localhost"}


def csv_file(rows: list[tuple[str, str, str]], peildatum: str = "2026-03-01") -> bytes:
    """A semicolon CSV in the input contract: gemeentecode, peildatum, verordening, toelichting."""
    lines = ["gemeentecode;peildatum;verordening;toelichting"]
    lines += [f"{code};{peildatum};{status};{note}" for code, status, note in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def multipart(content: bytes, name: str = "status.csv", **fields) -> dict:
    data = {"file": (io.BytesIO(content), name)}
    data.update(fields)
    return data


def page_content(client, pathname: str, search: str = "") -> str:
    """What Dash pages renders for this address as ``client`` (the server callback behind
    ``_pages_content``, posted as the browser does), as JSON text."""
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if "_pages_content" in d["output"] and d.get("clientside_function") is None)
    outputs = [{"id": part.partition(".")[0], "property": part.partition(".")[2]} for part in dep["output"].strip(".").split("...")]
    values = {"pathname": pathname, "search": search}
    payload = {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [{"id": i["id"], "property": i["property"], "value": values.get(i["property"])} for i in dep["inputs"]],
        "state": [{"id": s["id"], "property": s["property"], "value": None} for s in dep["state"]],
        "changedPropIds": ["_pages_location.pathname"],
    }
    resp = client.post("/_dash-update-component", json=payload, headers=csrf_headers(client))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return json.dumps(resp.get_json()["response"], ensure_ascii=False)
