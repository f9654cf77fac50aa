"""Issue 11, items 1 and 2: the OpenAPI description is generated from the code, published without
login at /api/v1/openapi.json, passes the Logius linter (Spectral with the ADR ruleset) with 0
errors, and /api/v1/docs shows it with the app's own assets under a CSP, without any other host."""

from __future__ import annotations

import json
import re

import requests

from dashboard import api_docs
from dashboard.api_models import API_VERSION
from tests.support import spectral
from tests.support.app import make_app
from tests.support.paths import REPO

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
# Warnings of the Logius linter that remain, each explained in README.md (section HTTP API).
KNOWN_WARNINGS: set[str] = set()
DOCS_ROUTES = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/<name>"}


def _api_rules(app) -> set[tuple[str, str]]:
    """(method, path in OpenAPI notation, relative to /api/v1) of every API route of the app."""
    found = set()
    for rule in app.server.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule not in DOCS_ROUTES:
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len("/api/v1") :])
            found |= {(m.lower(), path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_document_is_public_complete_and_fits_the_adr(db_url):
    app = make_app(db_url, public=False)  # a dashboard behind a login: the description stays public
    client = app.server.test_client()
    assert client.get("/api/v1/status").status_code == 401
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert resp.headers["Access-Control-Allow-Origin"] == "*" and resp.headers["API-Version"] == API_VERSION
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["version"] == API_VERSION and SEMVER.match(API_VERSION)
    assert {"name", "email", "url"} <= set(doc["info"]["contact"])
    assert [s["url"] for s in doc["servers"]] == ["/api/v1"]
    # Generated from the routes: every API route is described, and nothing else.
    described = {(method, path) for path, item in doc["paths"].items() for method in item}
    assert described == _api_rules(app)
    assert ("patch", "/gebruikers/{naam}") in described and ("post", "/gebruikers/{naam}/uitschakelen") not in described
    for path, item in doc["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            assert "400" in op["responses"], where
            for status, answer in op["responses"].items():
                if status.startswith(("4", "5")):
                    assert list(answer["content"]) == ["application/problem+json"], where
                else:
                    assert "API-Version" in answer["headers"], where
            for param in op.get("parameters", []):
                if param["in"] == "query":
                    assert re.fullmatch(r"[a-z][a-zA-Z0-9]*", param["name"]), where
    upload = doc["paths"]["/uploads"]["post"]
    assert [p["name"] for p in upload["parameters"]] == ["dryRun"]
    assert "file" in upload["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    probleem = doc["components"]["schemas"]["Probleem"]
    assert {"title", "status", "detail"} <= set(probleem["required"]) and "problemen" in probleem["properties"]
    regel = doc["components"]["schemas"]["UploadRegel"]["properties"]
    assert {"type": "string", "format": "date-time"} in regel["tijdstip"]["anyOf"]
    assert {"type": "string", "format": "date"} in regel["peildatum"]["anyOf"]


def test_logius_linter_finds_no_errors(db_url, live_server, tmp_path):
    """``spectral lint -r ../shared/adr/linter.yaml openapi.json`` on the document as a live server
    publishes it. A missing Spectral fails this test (``.ci/setup-system`` installs it)."""
    server = live_server(db_url)
    resp = requests.get(server.url + "/api/v1/openapi.json", timeout=30)
    assert resp.status_code == 200
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(resp.json(), indent=1), encoding="utf-8")
    results = spectral.lint(document)
    shown = [f"{r['code']} {'.'.join(map(str, r['path']))}: {r['message']}" for r in results]
    assert [s for r, s in zip(results, shown) if r["severity"] == 0] == [], "\n".join(shown)
    assert {r["code"] for r in results if r["severity"] == 1} <= KNOWN_WARNINGS, "\n".join(shown)
    # The linter does find errors (it really ran the ruleset): without contact the same document fails.
    broken = json.loads(document.read_text(encoding="utf-8"))
    del broken["info"]["contact"]
    document.write_text(json.dumps(broken), encoding="utf-8")
    assert "info-contact" in {r["code"] for r in spectral.lint(document) if r["severity"] == 0}


LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || ''));
});
"""


def test_docs_page_runs_offline_with_own_assets_under_its_csp(db_url, live_server, new_page):
    server = live_server(db_url)
    resp = requests.get(server.url + "/api/v1/docs", timeout=30)
    assert resp.status_code == 200 and resp.headers["Content-Security-Policy"] == api_docs.DOCS_POLICY
    policy = resp.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy
    assert not re.search(r"https?://", resp.text)  # no CDN
    page = new_page()
    foreign: list[str] = []

    def only_own(route):
        if route.request.url.startswith(server.url):
            return route.continue_()
        foreign.append(route.request.url)
        return route.abort()

    page.route("**/*", only_own)
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" or "Content Security Policy" in m.text else None)
    page.goto(server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "ETVI-monitor API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = {t.strip().replace("\u200b", "") for t in page.locator(".opblock-summary-path").all_inner_texts()}
    assert {"/status", "/uploads", "/gebruikers/{naam}"} <= paths
    assert page.evaluate("window.__cspViolations") == [] and console == [] and foreign == []


def _readme_api_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("### HTTP API\n")
    return text[start : text.index("\n## ", start)]


def _curl_calls(section: str) -> set[tuple[str, str]]:
    """(method, path after $API) of every curl example of the section."""
    calls = set()
    for command in section.replace("\\\n", " ").splitlines():
        if not command.startswith("curl "):
            continue
        found = re.search(r'"\$API(/[^"?]*)', command)
        if found is None:
            continue
        method = re.search(r"-X (\w+)", command)
        method = method.group(1) if method else ("POST" if re.search(r" -[Fd] ", command) else "GET")
        calls.add((method.lower(), found.group(1)))
    return calls


def test_readme_lists_every_operation_with_a_curl_example(db_url):
    """The README's API section is checked against the document: every operation is in its table
    and has a curl example, and the table names no operation the API does not have."""
    doc = make_app(db_url).server.test_client().get("/api/v1/openapi.json").get_json()
    operations = {(method, path) for path, item in doc["paths"].items() for method in item}
    section = _readme_api_section()
    table = "\n".join(line for line in section.splitlines() if line.startswith("| `"))
    listed = {(m.lower(), p) for m, p in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) /api/v1(/[^`?\s]*)", table)}
    listed -= {("get", "/openapi.json"), ("get", "/docs")}
    assert listed == operations, (sorted(listed - operations), sorted(operations - listed))
    calls = _curl_calls(section)
    for method, path in operations:
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
        assert any(m == method and pattern.match(p) for m, p in calls), (method, path, sorted(calls))
