"""Reporting rounds (uitvragen): the same service as ``etvi uitvraag`` and the pages."""

from __future__ import annotations

from datetime import date

from flask import g, jsonify, request
from pydantic import ValidationError
from sqlmodel import select

from dashboard.api.access import audit_actor, endpoint
from dashboard.api.answers import answer, moment
from dashboard.api.blueprint import PREFIX, UITVRAGEN, database_url
from dashboard.api.errors import ApiError, invalid, refused_as, row_or_404, shown, validation_problem
from dashboard.api.paging import Window
from dashboard.api.uploads import refused_file
from dashboard.api_models import (
    Antwoorden,
    AntwoordenQuery,
    Bevestiging,
    Herinnering,
    Herinneringen,
    HerinneringQuery,
    NieuweBevestiging,
    NieuweUitvraag,
    UitvraagMetRespons,
    UitvraagPath,
    UitvraagWijziging,
    Uitvragen,
)
from dashboard.api_models import Uitvraag as UitvraagModel
from etvi.accounts import policy
from etvi.accounts.policy import Principal
from etvi.uitvraag import confirmation, mail, responses, rounds
from etvi.uitvraag.rounds import UitvraagError
from etvi.upload import service
from models import db
from models.tables import Gemeente, Uitvraag


def _round_dict(r: Uitvraag) -> dict:
    return {
        "id": r.id,
        "titel": r.title,
        "peildatum": r.peildatum.isoformat(),
        "deadline": r.deadline.isoformat(),
        "onderdelen": rounds.onderdelen_of(r),
        "staat": r.state,
        "aangemaakt_door": r.created_by,
        "aangemaakt": moment(r.created_at),
        "geopend_door": r.opened_by,
        "geopend": moment(r.opened_at),
        "gesloten_door": r.closed_by,
        "gesloten": moment(r.closed_at),
    }


def _round_scope(principal: Principal) -> set[str] | None:
    """The gemeenten whose answers ``principal`` sees: all (``None``) for the beheerder, a
    provincie's current gemeenten, a gemeente account its own (as the pages /uitvragen and /uitvraag/…)."""
    if principal.role == "beheerder":
        return None
    if principal.role == "provincie":
        with db.session(database_url()) as s:
            return set(s.exec(select(Gemeente.code).where(Gemeente.provincie_code == principal.provincie_code, Gemeente.valid_to.is_(None))).all())
    return set(policy.gemeenten_of(principal))


def _round_or_404(round_id: int) -> dict:
    return row_or_404(Uitvraag, round_id, f"Uitvraag {round_id} bestaat niet. Zie /api/v1/uitvragen voor alle uitvragen.", _round_dict)


def _answers(round_id: int):
    _round_or_404(round_id)
    with refused_as(404, UitvraagError):
        return responses.answers(round_id, database_url(), _round_scope(g.etvi_api_caller))[1]


@endpoint(
    "rounds",
    "Alle uitvragen",
    "Nieuwste eerst, met titel, peildatum, deadline, gevraagde onderdelen en staat (concept, open, gesloten). "
    "Voor de beheerder, een provincie en een gemeente.",
    UITVRAGEN,
    {200: Uitvragen},
    (401, 403),
)
def list_rounds():
    with db.session(database_url()) as s:
        return jsonify({"uitvragen": [_round_dict(r) for r in rounds.list_rounds(s)]})


@endpoint(
    "create_round",
    "Een uitvraag aanmaken",
    "Een nieuwe uitvraag in de staat concept (zoals etvi uitvraag open zonder te openen); open hem met PATCH. "
    "Zonder onderdelen worden alle onderdelen gevraagd. Alleen voor de beheerder.",
    UITVRAGEN,
    {201: UitvraagModel},
    (401, 403),
)
def create_round(body: NieuweUitvraag):
    with refused_as(400, UitvraagError, reword=lambda exc: str(exc).replace(" (--titel)", "")), db.session(database_url()) as s:
        data = _round_dict(rounds.create_round(s, body.titel, body.peildatum, body.deadline, body.onderdelen, actor=audit_actor(), url=database_url()))
    return answer(data, 201, {"Location": f"{PREFIX}/uitvragen/{data['id']}"})


@endpoint(
    "round",
    "Eén uitvraag met de respons",
    "De uitvraag en hoeveel gemeenten geantwoord hebben, per antwoord en per provincie. "
    "Een provincie telt alleen de eigen gemeenten, een gemeente alleen de eigen.",
    UITVRAGEN,
    {200: UitvraagMetRespons},
    (401, 403, 404),
)
def get_round(path: UitvraagPath, **_):
    data = _round_or_404(path.id)
    found = _answers(path.id)
    return jsonify({**data, "respons": {**responses.summary(found), "samenvatting": responses.summary_line(found)}})


@endpoint(
    "update_round",
    "Een uitvraag openen of sluiten",
    '{"staat": "open"} opent een concept (één open uitvraag per peildatum); {"staat": "gesloten"} sluit een open '
    "uitvraag: antwoorden tellen daarna niet meer en de cijfers worden definitief. Alleen voor de beheerder.",
    UITVRAGEN,
    {200: UitvraagModel},
    (401, 403, 404, 409),
)
def update_round(path: UitvraagPath, body: UitvraagWijziging, **_):
    _round_or_404(path.id)
    change = rounds.open_round if body.staat == rounds.OPEN else rounds.close_round
    with refused_as(409, UitvraagError), db.session(database_url()) as s:
        data = _round_dict(change(s, path.id, actor=audit_actor()))
    return jsonify(data)


@endpoint(
    "round_answers",
    "Het antwoord per gemeente",
    "Eén rij per gemeente zoals etvi uitvraag status: antwoord (geen, ongewijzigd, gewijzigd, geweigerd), wanneer, "
    "door wie en via welk kanaal. Een provincie ziet de eigen gemeenten, een gemeente de eigen. Per pagina (page en pageSize, "
    "of limit en offset), met links in _links en de kop Link.",
    UITVRAGEN,
    {200: Antwoorden},
    (401, 403, 404),
)
def list_round_answers(path: UitvraagPath, query: AntwoordenQuery, **_):
    found = _answers(path.id)
    page = Window.of(query)
    rows = [
        {
            "gemeentecode": a.gemeente_code,
            "gemeente": a.gemeente,
            "provincie": a.provincie,
            "antwoord": a.antwoord,
            "wanneer": responses.when_text(a.wanneer) or None,
            "door": a.door,
            "kanaal": a.kanaal,
            "upload_id": a.upload_id,
        }
        for a in page.cut(found)
    ]
    return page.answer({"uitvraag_id": path.id, "antwoorden": rows}, len(found))


REMINDER_BODY = {
    "required": False,
    "content": {"application/json": {"schema": Herinnering.model_json_schema(ref_template="#/components/schemas/{model}")}},
}


@endpoint(
    "round_reminders",
    "Herinneringen versturen",
    "Een herinnering per e-mail aan de gemeenteaccounts (met een adres) van gemeenten die nog niet antwoordden, "
    "of alleen van de gekozen gemeenten (JSON {\"gemeenten\": [\"GM0363\"]}). Een gekozen gemeente die al antwoordde of niet bestaat: "
    "400 met een Nederlandse melding en er gaat niets uit. Een tweede herinnering dezelfde dag aan hetzelfde adres wordt overgeslagen. "
    "dryRun=true: alleen laten zien wie een herinnering zou krijgen. Zonder mailserver wordt niets verstuurd en zegt melding "
    "waarom. Alleen voor de beheerder.",
    UITVRAGEN,
    {200: Herinneringen},
    (400, 401, 403, 404, 409),
    body=REMINDER_BODY,
)
def send_round_reminders(path: UitvraagPath, query: HerinneringQuery, **_):
    """The body is optional (no body: everyone who has not answered), so it is read here."""
    raw = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(raw, dict):
        raise invalid("body", "stuur een JSON-object, bijvoorbeeld {\"gemeenten\": [\"GM0363\"]}, of niets")
    try:
        body = Herinnering.model_validate(raw)
    except ValidationError as exc:
        return validation_problem(exc)
    state = _round_or_404(path.id)["staat"]
    if state != rounds.OPEN:
        raise ApiError(409, f"Uitvraag {path.id} is {state}; herinneringen gaan alleen uit voor een open uitvraag.")
    with refused_as(400, UitvraagError):
        report = mail.send_reminders(path.id, audit_actor(), gemeenten=body.gemeenten or None, dry_run=query.dryRun, url=database_url())
    message = report.message or (
        f"{report.count(mail.PROEF)} herinnering(en) zouden worden verstuurd (proef)." if query.dryRun else f"{report.sent} herinnering(en) verstuurd."
    )
    return jsonify(
        {
            "uitvraag_id": path.id,
            "proef": query.dryRun,
            "geconfigureerd": report.configured,
            "verstuurd": report.sent,
            "melding": message,
            "al_geantwoord": [],  # a selected gemeente that answered is refused (400) since issue 12 item 4
            "uitkomsten": [{"email": o.email, "gemeenten": list(o.gemeenten), "status": o.status, "reden": o.reason} for o in report.outcomes],
        }
    )


CONFIRMED = {
    "geladen": "Bevestigd: niets veranderd. De stand is vastgelegd op de peildatum van de uitvraag.",
    "ongewijzigd": "Dit was al bevestigd; er is niets veranderd.",
}


@endpoint(
    "round_confirmation",
    "Bevestigen dat er niets veranderd is",
    "Zoals de knop Niets veranderd: de bekende status van elk gevraagd onderdeel van de gemeente wordt ongewijzigd "
    "vastgelegd op de peildatum van de uitvraag (een upload via het kanaal API). Een gemeenteaccount bevestigt alleen voor de "
    "eigen gemeente(n). 201: vastgelegd; 409: de uitvraag is niet open of de peildatum is nog niet bereikt; 422: er is niets te "
    "bevestigen of de bevestiging is geweigerd.",
    UITVRAGEN,
    {201: Bevestiging, 200: Bevestiging},
    (401, 403, 404, 409, 422),
)
def confirm_round_unchanged(path: UitvraagPath, body: NieuweBevestiging, **_):
    principal = g.etvi_api_caller
    round_ = _round_or_404(path.id)
    code = body.gemeentecode.strip().upper()
    scope = policy.upload_scope(principal)
    if scope is not None and code not in scope:
        raise ApiError(403, f"U mag niet antwoorden voor {shown(code)}; uw account hoort bij {', '.join(sorted(scope)) or 'geen gemeente'}.")
    with db.session(database_url()) as s:
        if s.get(Gemeente, code) is None:
            raise invalid("gemeentecode", f"onbekende gemeente {shown(code)!r}; zie /api/v1/gemeenten voor de codes")
    if round_["staat"] != rounds.OPEN:
        raise ApiError(409, f"Uitvraag {path.id} is {round_['staat']}; alleen in een open uitvraag kunt u antwoorden.")
    if date.fromisoformat(round_["peildatum"]) > date.today():
        raise ApiError(409, f"De peildatum {round_['peildatum']} is nog niet bereikt; bevestigen kan vanaf die dag.")
    with refused_as(422, UitvraagError), refused_as(503, service.NotKept):
        result = confirmation.confirm_unchanged(path.id, code, principal, channel="api", url=database_url())
    data = service.result_dict(result)
    if data["outcome"] == "geweigerd":
        return refused_file(service.OUTCOME_MESSAGES.get("geweigerd", ""), data)
    confirmed = {
        "uitvraag_id": path.id,
        "gemeentecode": code,
        "uitkomst": data["outcome"],
        "upload_id": data.get("upload_id"),
        "records_geschreven": data.get("records_written") or 0,
        "melding": CONFIRMED.get(data["outcome"], ""),
    }
    return answer(confirmed, 201 if data["outcome"] == "geladen" else 200)
