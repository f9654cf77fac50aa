"""Issue 11, item 6: the API tested from its own description. Schemathesis generates requests for
every operation of the published /api/v1/openapi.json and sends them to a live app (SQLite and
PostgreSQL), as the beheerder, a gemeente, a provincie (tokens of accounts with a scope) and
anonymously: no answer is a 5xx, and every answer conforms to the description (status code, content
type, headers such as API-Version, and body schema). An open round (id 1) is there so the round
operations also answer with more than 404.

Bounded (``EXAMPLES`` per operation and caller, no shrinking database) so it stays well under a
minute per database."""

from __future__ import annotations

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase

from etvi.uitvraag import rounds
from models import db
from tests.support.app import create_actors

EXAMPLES = 8
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same requests on every run: a failure is reproducible
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _run(operation, base_url: str, headers: dict, session: requests.Session) -> None:
    @SETTINGS
    @hypothesis.given(case=operation.as_strategy())
    def check(case):
        case.call_and_validate(base_url=base_url, session=session, headers=headers, checks=CHECKS, timeout=30)

    check()


@pytest.mark.parametrize("caller", ["beheerder", "gemeente_a", "provincie", "anoniem"])
def test_every_operation_keeps_to_the_description(ref_db, live_server, caller):
    server = live_server(ref_db)
    actors = create_actors(ref_db)
    with db.session(ref_db) as s:
        made = rounds.create_round(s, "Voorjaar", "2026-03-01", "2026-04-01", actor="test", url=ref_db)
        rounds.open_round(s, made.id, actor="test")
    token = actors[caller].token
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    schema = schemathesis.openapi.from_url(server.url + "/api/v1/openapi.json", timeout=30)
    base_url = server.url + "/api/v1"
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 29 and any(op.path == "/uitvragen/{id}/bevestigingen" for op in operations)
    failures = []
    with requests.Session() as session:
        for operation in operations:
            try:
                _run(operation, base_url, headers, session)
            except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report all
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
