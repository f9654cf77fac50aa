"""The answer form of a round on ``/uitvraag/<id>`` (issue 12, item 2: "Changes").

Per gemeente the user represents, while the round is open: every onderdeel asked, prefilled with
what is known at the peildatum (status as a choice of the valid words from the status table,
vastgesteld op, bron, toelichting; koploperregio for koploper). "Controleren" sends the changed
onderdelen through the upload service (``etvi.uitvraag.form_answer``): refused → the Dutch
messages next to their fields and as a summary that takes the focus, nothing saved; accepted →
the preview of what changes (``dashboard.upload_preview``) and "Bevestigen", which lands it with
the same audit trail (channel ``formulier``).

Every callback checks role and scope on the server again: the gemeente comes from the button's
id, every other value must carry the same gemeente, and ``form_answer`` refuses a gemeente the
account does not represent. dcc.Input takes no aria-* attributes, so ``assets/uitvraag_form.js``
links hints and errors (``data-describedby`` of the field) and moves the focus.
"""

from __future__ import annotations

import json
import re

import dash
from dash import ALL, MATCH, Input, Output, State, dcc, html, no_update

from dashboard import security
from dashboard.components import notice
from dashboard.texts import nl_date, onderdeel_title
from dashboard.upload_preview import changes_table, count
from etl.contract import KOPLOPER, has_date
from etl.errors import EtlError
from etvi.accounts import policy
from etvi.accounts.errors import AccountError
from etvi.uitvraag import form_answer
from etvi.uitvraag.rounds import UitvraagError
from etvi.upload import service

P = "uvf"
ROUND_STORE = "uitvraag-id"  # the round's id on /uitvraag/<id> (pages/uitvraag.py)
REFUSED = "Uw account mag niet antwoorden op een uitvraag."
FIELD_LABELS = {"status": "status", "datum": "vastgesteld op", "bron": "bron", "toelichting": "toelichting", "koploperregio": "koploperregio"}
VALUE_FIELDS = ("status", "datum", "bron", "toelichting", "koploperregio")  # the State order of the check


def slug(onderdeel: str) -> str:
    """An onderdeel as a part of an element id (ids have no spaces)."""
    return re.sub(r"[^a-z0-9]+", "-", onderdeel.lower()).strip("-")


def dom_id(id_: dict) -> str:
    """The element id Dash gives a component with a dict id (dash-renderer's stringifyId)."""
    return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{json.dumps(id_[k], ensure_ascii=False)}" for k in sorted(id_)) + "}"


def _base(code: str, onderdeel: str, veld: str) -> str:
    return f"{P}-{code}-{slug(onderdeel)}-{veld}"


def _error_slot(code: str, onderdeel: str, veld: str) -> html.Div:
    """Where a field's error appears: a fixed id for aria-describedby around the callback's output."""
    return html.Div(html.Div(id={"type": f"{P}-fout", "code": code, "o": slug(onderdeel), "veld": veld}),
                    id=f"{_base(code, onderdeel, veld)}-fout", className="field-error")  # fmt: skip


def _text_field(code: str, onderdeel: str, veld: str, label: str, hint: str, value: str, area: bool = False) -> html.Div:
    base = _base(code, onderdeel, veld)
    id_ = {"type": f"{P}-{veld}", "code": code, "o": slug(onderdeel)}
    if area:
        control = dcc.Textarea(id=id_, value=value, rows=3, className="uvf-input")
    else:
        mode = {"inputMode": "numeric", "placeholder": "dd-mm-jjjj"} if veld == "datum" else ({"inputMode": "url"} if veld == "bron" else {})
        control = dcc.Input(id=id_, type="text", value=value, autoComplete="off", className="uvf-input", **mode)
    return html.Div(
        [html.Label(label, htmlFor=dom_id(id_)), html.Span(hint, id=f"{base}-uitleg", className="hint"), control,
         _error_slot(code, onderdeel, veld)],  # fmt: skip
        id=base, className="uvf-field", **{"data-describedby": f"{base}-uitleg {base}-fout"},
    )


def onderdeel_fields(code: str, onderdeel: str, words: list[str], known: dict | None, peildatum) -> html.Fieldset:
    """One onderdeel of the form: its status words as radio buttons and its other fields, prefilled."""
    values = form_answer.prefill(known)
    base = _base(code, onderdeel, "status")
    now = f"nu: {known['status']}" if known else "nog niet bekend"
    status = html.Fieldset(
        [
            html.Legend("Status"),
            dcc.RadioItems(
                id={"type": f"{P}-status", "code": code, "o": slug(onderdeel)},
                options=[{"label": w, "value": w} for w in words],
                value=values["status"] or None,
                className="uvf-radios",
                inputClassName="radio-input",
            ),
            _error_slot(code, onderdeel, "status"),
        ],
        id=base,
        className="uvf-field uvf-status",
        **{"aria-describedby": f"{base}-fout"},
    )
    parts: list = [html.Legend(f"{onderdeel_title(onderdeel)} ({now})"), status]
    if has_date(onderdeel):
        parts.append(_text_field(code, onderdeel, "datum", "Vastgesteld op (dd-mm-jjjj)",
                                 f"De datum van het besluit; niet na de peildatum {nl_date(peildatum)}. Leeg laten als er nog geen besluit is.",
                                 values["datum"]))  # fmt: skip
    if onderdeel == KOPLOPER:
        parts.append(_text_field(code, onderdeel, "koploperregio", "Koploperregio", "Alleen invullen bij koploper ‘ja’.", values["koploperregio"]))
    parts.append(_text_field(code, onderdeel, "bron", "Bron (link)", "Een link die begint met https:// of http://, bijvoorbeeld naar het raadsbesluit.",
                             values["bron"]))  # fmt: skip
    parts.append(_text_field(code, onderdeel, "toelichting", "Toelichting", "Optioneel.", values["toelichting"], area=True))
    return html.Fieldset(parts, className="uvf-onderdeel", id=f"{P}-{code}-{slug(onderdeel)}")


def form(code: str, name: str, asked: list[str], words: dict[str, list[str]], known: dict[str, dict], peildatum) -> html.Div:
    """The whole form of one gemeente: the onderdelen, "Controleren" and where its outcome appears."""
    intro = (
        "Iets veranderd? Pas hieronder aan wat anders is en klik op ‘Controleren’. U ziet dan eerst wat er verandert; "
        "pas na ‘Bevestigen’ wordt het opgeslagen. Alleen onderdelen die u wijzigt, worden aangeleverd."
    )
    return html.Div(
        [
            html.H4(f"Wijzigingen doorgeven voor {name}", id=f"{P}-{code}-kop"),
            html.P(intro, id=f"{P}-{code}-uitleg"),
            *[onderdeel_fields(code, o, words.get(o, []), known.get(o), peildatum) for o in asked],
            html.Button("Controleren", id={"type": f"{P}-controleer", "code": code}, n_clicks=0, className="button primary",
                        **{"aria-label": f"Wijzigingen voor {name} controleren"}),  # fmt: skip
            dcc.Loading(html.Div(id={"type": f"{P}-uitkomst", "code": code}), delay_show=150,
                        custom_spinner=html.Div("Het formulier wordt gecontroleerd…", role="status")),  # fmt: skip
            dcc.Store(id={"type": f"{P}-wacht", "code": code}),
        ],
        className="uvf-form",
        role="group",
        **{"aria-labelledby": f"{P}-{code}-kop"},
    )


# --- the outcome of a check ----------------------------------------------------------------------


def _focus_block(children, kind: str, id_: str, role: str = "status") -> html.Div:
    """An outcome that takes the focus when it appears (``uitvraag_form.js``)."""
    return html.Div(children, className=f"notice notice-{kind} uvf-focus", role=role, tabIndex="-1", id=id_)


def _field_label(onderdeel: str, veld: str) -> str:
    return f"{onderdeel_title(onderdeel)}, {FIELD_LABELS[veld]}"


def refused_summary(code: str, data: dict, by_field: dict, rest: list[dict]) -> html.Div:
    """The error summary: every problem, those of a field as a link to it."""
    n = data.get("error_count") or len(data.get("problems") or [])
    items = [
        html.Li(html.A(f"{_field_label(o, veld)}: {text}", href=f"#{_base(code, o, veld)}", className=f"{P}-naar-veld"))
        for (o, veld), texts in by_field.items() for text in texts
    ] + [html.Li(p.get("text") or p.get("message") or "") for p in rest]  # fmt: skip
    return _focus_block(
        [html.H5(f"Er is niets opgeslagen: {count(n, 'fout', 'fouten')}"),
         html.P("Verbeter het formulier en klik opnieuw op ‘Controleren’."), html.Ul(items)],  # fmt: skip
        "error", f"{P}-geweigerd-{code}", role="alert",
    )


def preview(code: str, data: dict) -> html.Div:
    total = int(data.get("changes_total") or 0)
    warnings = [html.Li(w.get("text") or w.get("message") or "") for w in data.get("warnings") or []]
    return html.Div(
        [
            _focus_block(
                [html.H5(f"Goedgekeurd: {count(total, 'wijziging', 'wijzigingen')}; controleer en bevestig"),
                 "Nog niets is opgeslagen. Klopt het overzicht? Klik dan op ‘Bevestigen’. Wilt u iets anders? "
                 "Pas het formulier aan en klik opnieuw op ‘Controleren’."],  # fmt: skip
                "success", f"{P}-goedgekeurd-{code}",
            ),
            changes_table(data.get("changes") or [], total, data.get("changes_summary"), 0, prefix=f"{P}-{code}", source="dit formulier"),
            *([html.P("Waarschuwingen (opslaan kan wel):"), html.Ul(warnings, id=f"{P}-waarschuwingen-{code}")] if warnings else []),
            html.Button("Bevestigen", id={"type": f"{P}-bevestig", "code": code}, n_clicks=0, className="button primary",
                        **{"aria-label": f"Wijzigingen voor {code} bevestigen en opslaan"}),  # fmt: skip
            dcc.Loading(html.Div(id={"type": f"{P}-resultaat", "code": code}), delay_show=150,
                        custom_spinner=html.Div("Het formulier wordt opgeslagen…", role="status")),  # fmt: skip
        ]
    )


def _values(code: str, states: list) -> tuple[dict[str, dict], bool]:
    """The form's values per onderdeel slug from the check's States; False when one of them
    belongs to another gemeente (a forged request)."""
    values: dict[str, dict] = {}
    for veld, group in zip(VALUE_FIELDS, states):
        for item in group or []:
            id_ = item.get("id") or {}
            if id_.get("code") != code:
                return {}, False
            values.setdefault(str(id_.get("o")), {})[veld] = item.get("value")
    return values, True


def handle_check(code: str, round_id, states: list, error_ids: list[dict]):
    """The check callback's body: (outcome, token, one error per field in ``error_ids``' order)."""
    blank = [""] * len(error_ids)
    try:
        user = security.require(policy.can_upload, REFUSED)
    except security.Forbidden as exc:
        return notice(str(exc), "error", id_=f"{P}-fout-{code}"), None, blank
    values, own = _values(code, states)
    if not own or any(e.get("code") != code for e in error_ids):
        return notice(form_answer.NOT_THIS_GEMEENTE.format(code=code), "error", id_=f"{P}-fout-{code}"), None, blank
    url = security.db_url()
    try:
        by_slug = {slug(o): o for o in form_answer.status_words(url)}
        named = {by_slug[s]: v for s, v in values.items() if s in by_slug}
        checked = form_answer.check(round_id, code, named, user, url)
    except (UitvraagError, AccountError, EtlError, service.NotKept) as exc:
        return notice(str(exc), "error", id_=f"{P}-fout-{code}"), None, blank
    if checked.result is None:
        return _focus_block(checked.nothing_changed, "info", f"{P}-niets-gewijzigd-{code}"), None, blank
    data = service.result_dict(checked.result, max_changes=200)
    by_field, rest = form_answer.problems_by_field(data.get("problems") or [], checked.rows)
    errors = [" ".join(by_field.get((by_slug.get(e.get("o"), ""), e.get("veld")), [])) for e in error_ids]
    if checked.token is None:
        return refused_summary(code, data, by_field, rest), None, errors
    return preview(code, data), {"token": checked.token}, errors


def handle_confirm(code: str, round_id, waiting):
    """The confirm callback's body: (result, button disabled, waiting store)."""
    try:
        user = security.require(policy.can_upload, REFUSED)
    except security.Forbidden as exc:
        return notice(str(exc), "error", id_=f"{P}-opslaan-fout-{code}"), True, None
    token = waiting.get("token") if isinstance(waiting, dict) else None
    try:
        result = form_answer.confirm(round_id, code, token, user, security.db_url())
    except service.AlreadyConfirmed:
        return notice("Deze wijzigingen worden al opgeslagen.", "info", id_=f"{P}-al-bevestigd-{code}"), True, None
    except (service.NothingWaiting, UitvraagError, AccountError, EtlError) as exc:
        return notice(str(exc), "error", id_=f"{P}-opslaan-fout-{code}"), True, None
    if result.outcome == "geweigerd":
        problems = [html.Li(p["text"] if isinstance(p, dict) else str(p)) for p in service.problem_dicts(result.problems)]
        return _focus_block(["Bij het opslaan geweigerd; er is niets opgeslagen.", html.Ul(problems)], "error",
                            f"{P}-opslaan-geweigerd-{code}", role="alert"), True, None  # fmt: skip
    return _focus_block(
        [html.Strong("Dank u, uw wijzigingen zijn opgeslagen. "),
         f"{count(result.records_written, 'status', 'statussen')} opgeslagen (aanlevering {result.upload_id}). "
         "Het telt als antwoord ‘gewijzigd’ op deze uitvraag."],  # fmt: skip
        "success", f"{P}-opgeslagen-{code}",
    ), True, None


def register_callbacks(app: dash.Dash) -> None:
    def part(type_: str, **extra) -> dict:
        return {"type": f"{P}-{type_}", "code": MATCH, **extra}

    @app.callback(
        Output(part("uitkomst"), "children"),
        Output(part("wacht"), "data"),
        Output(part("fout", o=ALL, veld=ALL), "children"),
        Input(part("controleer"), "n_clicks"),
        *[State(part(veld, o=ALL), "value") for veld in VALUE_FIELDS],
        State(ROUND_STORE, "data"),
        prevent_initial_call=True,
    )
    def check(n_clicks, *states):
        if not n_clicks:
            return no_update, no_update, [no_update] * len(dash.ctx.outputs_list[2])
        code = dash.ctx.triggered_id["code"]
        states_list = dash.ctx.states_list[: len(VALUE_FIELDS)]
        error_ids = [o["id"] for o in dash.ctx.outputs_list[2]]
        return handle_check(code, states[-1], states_list, error_ids)

    @app.callback(
        Output(part("resultaat"), "children"),
        Output(part("bevestig"), "disabled"),
        Output(part("wacht"), "data", allow_duplicate=True),
        Input(part("bevestig"), "n_clicks"),
        State(part("wacht"), "data"),
        State(ROUND_STORE, "data"),
        prevent_initial_call=True,
    )
    def confirm(n_clicks, waiting, round_id):
        if not n_clicks:
            return no_update, no_update, no_update
        return handle_confirm(dash.ctx.triggered_id["code"], round_id, waiting)

    # "Bevestigen" is disabled in the browser at once, so a double click sends one confirm (the
    # service hands a checked form out once anyway; the second would only report that).
    app.clientside_callback(
        "function (n) { return !!n; }",
        Output(part("bevestig"), "disabled", allow_duplicate=True),
        Input(part("bevestig"), "n_clicks"),
        prevent_initial_call=True,
    )
