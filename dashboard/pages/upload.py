"""``/aanleveren``: a gemeente (or the beheerder) delivers its statuses in the browser.

Download the template prefilled for your gemeente(n) → upload xlsx, ods or csv → the validation
report (the same messages as ``etvi load``) → a preview of what changes against the current
status → confirm → loaded through the upload service (``etvi.upload.service``) with the account's scope, so the map
shows it at once. Below: the upload history for your gemeente(n), with the stored original of
each delivery you may download (``policy.can_download_original``) as proof of what was sent.

Every callback checks the role and scope on the server again (``security.require``); what the
page shows or hides is convenience, not protection. The file waits between check and confirm in
the database (``etvi.upload.pending``), bound to the user who uploaded it, so the confirm may
reach another app server than the check.
"""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
from collections.abc import Collection
from datetime import date
from pathlib import Path

import dash
import flask
from dash import MATCH, Input, Output, State, dcc, html, no_update

from dashboard import security
from dashboard.components import data_table, notice
from dashboard.pages.common import no_access, who_bar
from dashboard.texts import GEMELD_PER, local_time, nl_date
from dashboard.upload_preview import changes_table, quiet_notice
from dashboard.upload_preview import count as _count
from etl import names
from etl.errors import EtlError
from etl.template import write_template
from etvi.accounts import policy
from etvi.accounts.errors import AccountError
from etvi.accounts.policy import Principal
from etvi.config import settings
from etvi.upload import log, problem_lists, service
from models import db
from models.tables import Gemeente

PAGE = dict(
    path="/aanleveren",
    name="Aanleveren",
    title="Gegevens aanleveren · ETVI-monitor",
    description="Lever de stand van zaken van uw gemeente aan.",
    order=90,
)
PREVIEW_ROWS = 200  # changes listed one by one; beyond that a summary per onderdeel and status
UPLOAD_REFUSED = service.UPLOAD_REFUSED
ALREADY_CONFIRMED = (
    "Dit bestand is al bevestigd en wordt al verwerkt; het wordt maar één keer opgeslagen. "
    "De uitkomst staat zo onder ‘Eerdere aanleveringen’."
)
ACCEPT = ".xlsx,.ods,.csv,.xls"
MB = 1024 * 1024


def original_link(u) -> html.A:
    """The download of an upload's stored original: the proof of what was delivered."""
    name = names.clean(u.file_name)
    return html.A(
        "downloaden",
        href=f"/api/v1/uploads/{u.id}/bestand",
        download=name,
        className="aanl-origineel",
        **{"aria-label": f"Origineel {name} van {local_time(u.created_at)} downloaden"},
    )


def upload_rows(uploads, downloadable: Collection[int] = ()) -> list[list]:
    """One row per attempt; the original's link where ``downloadable`` (``log.downloadable_originals``) has its id."""
    rows = []
    for u in uploads:
        rows.append(
            [
                local_time(u.created_at),
                names.clean(u.file_name),  # also rows logged before names were cleaned
                u.username,
                u.channel,
                nl_date(u.peildatum),
                service.OUTCOME_LABELS.get(u.outcome, u.outcome),
                str(u.rows_read),
                str(u.records_written),
                original_link(u) if u.id in downloadable else "—",
            ]
        )
    return rows


# The date the template's cell "Peildatum" gets (its name in the file is the upload contract).
TEMPLATE_DATE_LABEL = f"{GEMELD_PER} (de cel Peildatum in het sjabloon)"
UPLOAD_HEADERS = ["Tijdstip", "Bestand", "Door", "Kanaal", GEMELD_PER, "Uitkomst", "Rijen gelezen", "Records opgeslagen", "Origineel"]


# --------------------------------------------------------------------------------------------
# Rendering the validation report and the preview
# --------------------------------------------------------------------------------------------


def _n(n: int) -> str:
    """A count as written in Dutch: 100.000."""
    return f"{int(n):,}".replace(",", ".")


def problem_rows(items: list[dict]) -> list[list]:
    return [
        [
            str(p.get("row")) if p.get("row") is not None else "—",
            p.get("column") or "—",
            p.get("value") or "—",
            p.get("text") or p.get("message") or "",
        ]
        for p in items
    ]


PROBLEM_HEADERS = ["Rij", "Kolom", "Waarde", "Melding"]


def problem_table(items: list[dict], title: str, id_: str) -> html.Div:
    return data_table(PROBLEM_HEADERS, problem_rows(items), f"{title}: rij, kolom, waarde en melding", id_=id_)


def page_position(start: int, total: int) -> str:
    return f"Meldingen {_n(start + 1)}–{_n(min(start + problem_lists.PAGE_SIZE, total))} van {_n(total)}"


def problem_list(problems: list[dict], title: str, kind: str, id_: str) -> html.Div:
    """Problems as the CLI shows them (``Problem.render()``), with row and column in a table too.

    A long list (more than ``problem_lists.PAGE_SIZE``) is folded: a count per kind of message, the
    first page, buttons for the next pages and the whole list as CSV; the list itself waits on
    the database (``etvi.upload.problem_lists``), so any app server can show the next page, so the page stays fast with 100,000 messages.
    """
    n = len(problems)
    noun = ("fout" if n == 1 else "fouten") if kind == "error" else ("waarschuwing" if n == 1 else "waarschuwingen")
    with_row = sorted({p.get("row") for p in problems if isinstance(p.get("row"), int)})
    where = ""
    if with_row:
        where = f", in rij {with_row[0]}" if len(with_row) == 1 else f", in de rijen {', '.join(str(r) for r in with_row[:10])}{' …' if len(with_row) > 10 else ''}"
    summary = html.P(f"{_n(n)} {noun}{where}. De tabel geeft per melding de rij en kolom in uw bestand.", className="report-summary")
    if n <= problem_lists.PAGE_SIZE:
        return html.Div([html.H3(title), summary, problem_table(problems, title, id_)], className=f"report-{kind}")
    by_kind = problem_lists.kinds(problems)
    kind_rows = [[text or "—", _n(count)] for text, count in by_kind[: problem_lists.KINDS_SHOWN]]
    if len(by_kind) > problem_lists.KINDS_SHOWN:
        rest = sum(count for _, count in by_kind[problem_lists.KINDS_SHOWN :])
        kind_rows.append([f"{_n(len(by_kind) - problem_lists.KINDS_SHOWN)} andere soorten", _n(rest)])
    user = security.current_user()
    token = problem_lists.save(problems, user.username, security.db_url()) if user is not None else None
    key = {"lijst": id_}
    pager = []
    if token:
        pager = [
            html.Button(f"Vorige {problem_lists.PAGE_SIZE}", id={"type": "aanl-meldingen-vorige", **key}, n_clicks=0, disabled=True, className="button secondary"),
            html.Button(f"Volgende {problem_lists.PAGE_SIZE}", id={"type": "aanl-meldingen-volgende", **key}, n_clicks=0, className="button secondary"),
            html.Button("Alle meldingen downloaden (csv)", id={"type": "aanl-meldingen-csv", **key}, n_clicks=0, className="button secondary"),
            dcc.Download(id={"type": "aanl-meldingen-download", **key}),
            dcc.Store(id={"type": "aanl-meldingen", **key}, data={"token": token, "start": 0, "total": n, "lijst": id_, "titel": title}),
        ]
    return html.Div(
        [
            html.H3(title),
            summary,
            data_table(["Soort melding", "Aantal"], kind_rows, f"{title} per soort", id_=f"{id_}-soorten", numeric={1}),
            html.P(page_position(0, n), id={"type": "aanl-meldingen-positie", **key}, className="report-position", role="status"),
            html.Div(pager, className="report-pager"),
            html.Div(problem_table(problems[: problem_lists.PAGE_SIZE], title, id_), id={"type": "aanl-meldingen-tabel", **key}),
        ],
        className=f"report-{kind} report-long",
    )


def outcome_heading(text: str) -> html.H3:
    """The short outcome of a step ("Geweigerd: 4 fouten"): focus moves to it after confirm and
    cancel (tabindex -1), and ``upload.js`` copies its text into the page's live region
    (``aanl-melding``), so a screen reader hears the summary, not the whole report."""
    return html.H3(text, className="flow-summary", tabIndex=-1)


def check_summary(data: dict) -> str:
    problems = data.get("problems") or []
    if problems:
        return f"Geweigerd: {_count(data.get('error_count') or len(problems), 'fout', 'fouten')}"
    total = int(data.get("changes_total") or 0)
    if not total:
        return "Goedgekeurd: er verandert niets"
    return f"Goedgekeurd: {_count(total, 'wijziging', 'wijzigingen')}; controleer en bevestig"


def render_report(data: dict, file_name: str, summary: bool = True) -> html.Div:
    """The report of a check; ``summary``: with its short outcome heading (not when the confirm
    shows the report below its own outcome)."""
    problems, warnings = data.get("problems") or [], data.get("warnings") or []
    parts = [outcome_heading(check_summary(data))] if summary else []
    if problems:
        count = data.get("error_count") or len(problems)
        parts.append(
            quiet_notice(
                [
                    html.Strong(f"{file_name} is geweigerd: {count} fout{'en' if count != 1 else ''}. "),
                    "Er is niets opgeslagen. Verbeter het bestand en upload het opnieuw.",
                ],
                "error",
                "aanl-geweigerd",
            )
        )
        parts.append(problem_list(problems, "Fouten", "error", "aanl-fouten"))
    else:
        parts.append(
            quiet_notice(
                [
                    html.Strong(f"{file_name} is goedgekeurd. "),
                    f"{_count(data.get('rows_read', 0), 'rij', 'rijen')} gelezen, {_count(data.get('records_valid', 0), 'status', 'statussen')}. "
                    "Controleer hieronder wat er verandert en klik op ‘Bevestigen en opslaan’.",
                ],
                "success",
                "aanl-goedgekeurd",
            )
        )
        parts.append(html.H3("Voorbeeld van de wijzigingen"))
        total = data.get("changes_total") or 0
        unchanged = max(int(data.get("records_valid") or 0) - int(total), 0)
        parts.append(changes_table(data.get("changes") or [], total, data.get("changes_summary"), unchanged))
    if warnings:
        parts.append(problem_list(warnings, "Waarschuwingen (het bestand kan wel worden geladen)", "warning", "aanl-waarschuwingen"))
    return html.Div(parts)


# --------------------------------------------------------------------------------------------
# The upload form
# --------------------------------------------------------------------------------------------


def accepted_types() -> str:
    """``ACCEPT`` as words: "xlsx, ods of csv"."""
    kinds = [a.strip().lstrip(".") for a in ACCEPT.split(",") if a.strip()]
    return kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} of {kinds[-1]}"


def mb_text(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",")


def too_big_message(name: str, size: int | None) -> str:
    """The one message for a file over ``ETVI_MAX_FILE_MB``, from the browser and the server
    alike (``size`` ``None`` leaves ``{mb}`` for etvi.js to fill in)."""
    shown = "{mb}" if size is None else mb_text(size)
    return (
        f"Het bestand is te groot ({shown} MB); het maximum is {settings().max_file_mb} MB. "
        f"‘{name}’ is niet gecontroleerd en er is niets opgeslagen. Maak het bestand kleiner, "
        "bijvoorbeeld door alleen de rijen van uw gemeente(n) te laten staan."
    )


def wrong_type_message(name: str) -> str:
    return f"‘{name}’ kan niet worden aangeleverd: alleen bestanden van het type {accepted_types()} worden gelezen."


def decode_upload(contents: str) -> bytes:
    _, _, encoded = contents.partition(",")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("Het bestand kon niet worden gelezen; probeer het opnieuw.") from None


DATE_PLACEHOLDER = "dd-mm-jjjj"
DATE_HELP = "Typ de datum als dag-maand-jaar, bijvoorbeeld 01-03-2026."


def parse_form_date(value: str | None) -> date | None:
    """A date typed on the page: day first (``1-3-2026``, ``01-03-2026``, ``01/03/2026``,
    ``01.03.2026``), or ISO ``2026-03-01``. ``None`` when empty or not a date (see ``date_problem``)."""
    text = str(value or "").strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})", text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]):
            return date.fromisoformat(text[:10])
    except ValueError:
        return None
    return None


def date_problem(value: str | None, label: str) -> str | None:
    """A Dutch message when ``value`` is filled in but is not a date, else ``None``."""
    if not str(value or "").strip() or parse_form_date(value) is not None:
        return None
    return f"{label}: ‘{str(value).strip()}’ is geen geldige datum. {DATE_HELP}"


def date_field(id_: str, label: str, value: str | None, hint: str = "") -> list:
    """A text input for a Dutch date (native date inputs show mm/dd/yyyy in some browsers)."""
    # dcc.Input takes no aria-* attributes: upload.js links the hint and the error to the input
    # (aria-describedby ``{id}-uitleg {id}-fout``) and sets aria-invalid from the "invalid" class.
    return [
        html.Label(f"{label} ({DATE_PLACEHOLDER})", htmlFor=id_),
        html.Span(f"{hint} {DATE_HELP}".strip(), id=f"{id_}-uitleg", className="hint"),
        dcc.Input(
            id=id_, type="text", value=value, placeholder=DATE_PLACEHOLDER, inputMode="numeric", autoComplete="off",
            className="date-input", debounce=True,
        ),
        html.Div(id=f"{id_}-fout", className="field-error", role="alert"),
    ]


# --------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------


def history(user: Principal | None) -> html.Div:
    if user is None or not policy.can_upload(user):
        return html.Div()
    with db.session(security.db_url()) as s:
        uploads = log.uploads_visible_to(s, user, limit=50)
        rows = upload_rows(uploads, log.downloadable_originals(s, user, uploads))
    if not rows:
        return html.P("Er zijn nog geen aanleveringen voor uw gemeente.", id="aanl-geen-geschiedenis")
    caption = "Aanleveringen (alle gemeenten)" if user.role == "beheerder" else "Aanleveringen voor uw gemeente(n)"
    return html.Div(
        [
            html.P(
                "Onder ‘Origineel’ downloadt u een geladen bestand precies zoals het is aangeleverd, "
                "bijvoorbeeld als bewijs van wat er is aangeleverd.",
                className="hint",
            ),
            data_table(UPLOAD_HEADERS, rows, caption, id_="aanl-geschiedenis-tabel", numeric={6, 7}),
        ]
    )


def _gemeente_names(codes) -> str:
    with db.session(security.db_url()) as s:
        names = []
        for code in sorted(codes):
            g = s.get(Gemeente, code)
            names.append(f"{g.name} ({code})" if g else code)
    return ", ".join(names)


def layout(**_query):
    user = security.current_user()
    allowed = policy.may_open(user, PAGE["path"])
    if user is None:
        refusal = notice(["Log in om gegevens aan te leveren. ", html.A("Inloggen", href="/login?next=/aanleveren")], "info")
    elif not allowed:
        refusal = no_access(user, "het aanleveren van gegevens")
    else:
        refusal = None
    if allowed and user.role == "gemeente":
        scope_text = f"U levert aan voor: {_gemeente_names(user.gemeente_codes)}. Rijen voor andere gemeenten worden geweigerd."
    elif allowed:
        scope_text = "U levert aan als beheerder: voor alle gemeenten."
    else:
        scope_text = ""
    max_mb = settings().max_file_mb
    return html.Div(
        [
            html.H1("Gegevens aanleveren"),
            who_bar(user, "/aanleveren"),
            html.Div(refusal, id="aanl-geen-toegang"),
            html.Div(
                [
                    html.P(scope_text, id="aanl-bereik"),
                    html.Section(
                        [
                            html.H2("1. Download het sjabloon"),
                            html.P(
                                "Het sjabloon bevat een instructieblad en een blad met uw gemeente(n) al ingevuld, "
                                "met keuzelijsten voor de statussen. U mag ook een eigen spreadsheet gebruiken "
                                "(xlsx, ods, csv of xls) met dezelfde kolomnamen."
                            ),
                            *date_field("aanl-sjabloon-peildatum", TEMPLATE_DATE_LABEL, date.today().strftime("%d-%m-%Y")),
                            html.Button("Sjabloon downloaden", id="aanl-sjabloon-knop", n_clicks=0, className="button"),
                            html.Div(id="aanl-sjabloon-melding", **{"aria-live": "polite"}),
                            dcc.Download(id="aanl-sjabloon"),
                        ],
                        className="step",
                    ),
                    html.Section(
                        [
                            html.H2("2. Upload uw bestand"),
                            *date_field(
                                "aanl-peildatum", f"{GEMELD_PER} (alleen invullen als het bestand geen peildatum heeft)", None,
                                "Laat leeg als het bestand een kolom peildatum of een cel Peildatum boven de tabel heeft.",
                            ),
                            html.Div(
                                dcc.Upload(
                                    id="aanl-upload",
                                    accept=ACCEPT,
                                    multiple=False,
                                    # Bigger files are not read or sent: etvi.js says why (dcc.Upload
                                    # drops them without a word).
                                    max_size=settings().max_file_mb * MB,
                                    # upload.js names the file input by this text (aria-labelledby)
                                    # and lets Enter open the picker as Space does
                                    children=html.Div(
                                        id="aanl-upload-tekst",
                                        children=[
                                            "Sleep uw bestand hierheen of ",
                                            html.Span("kies een bestand", className="linklike"),
                                            f" ({accepted_types()}, hoogstens {max_mb} MB).",
                                        ],
                                    ),
                                    className="upload-zone",
                                    style={
                                        "border": "2px dashed #555",
                                        "borderRadius": "6px",
                                        "padding": "1.5rem",
                                        "textAlign": "center",
                                        "cursor": "pointer",
                                        "margin": "0.5rem 0 1rem",
                                    },
                                ),
                                id="aanl-upload-grens",
                                **{
                                    "data-max-bytes": str(settings().max_file_mb * MB),
                                    "data-accept": ACCEPT,
                                    "data-te-groot": too_big_message("{naam}", None),
                                    "data-verkeerd-type": wrong_type_message("{naam}"),
                                },
                            ),
                            html.Div(id="aanl-bestand-fout", className="notice notice-error", role="alert", hidden=True),
                            dcc.Loading(
                                html.Div(id="aanl-rapport"),
                                type="default",
                                custom_spinner=html.Div(
                                    [html.Span(className="spinner", **{"aria-hidden": "true"}),
                                     " Het bestand wordt gecontroleerd… bij grote bestanden kan dit even duren."],
                                    role="status",
                                    id="aanl-bezig",
                                ),
                                delay_show=150,
                            ),
                        ],
                        className="step",
                    ),
                    html.Section(
                        [
                            html.H2("3. Bevestig"),
                            html.P("Pas na bevestigen wordt het bestand opgeslagen en verschijnt de nieuwe stand op de kaart."),
                            html.Button("Bevestigen en opslaan", id="aanl-bevestig", n_clicks=0, disabled=True, className="button primary",
                                        **{"aria-disabled": "true"}),
                            html.Button("Annuleren", id="aanl-annuleer", n_clicks=0, disabled=True, className="button secondary",
                                        **{"aria-disabled": "true"}),
                            dcc.Loading(
                                html.Div(id="aanl-resultaat"),
                                custom_spinner=html.Div("Het bestand wordt opgeslagen…", role="status"),
                                delay_show=150,
                            ),
                        ],
                        className="step",
                    ),
                    # The one live region of the upload flow: only the short outcome (upload.js)
                    html.Div(id="aanl-melding", role="status", className="visually-hidden"),
                    html.Section([html.H2("Eerdere aanleveringen"), html.Div(history(user), id="aanl-geschiedenis")], className="step"),
                    # In the tab's sessionStorage: a reload, which a load balancer may send to another
                    # app server, still finds the checked file (``handle_restore``).
                    dcc.Store(id="aanl-wacht", storage_type="session"),
                ],
                id="aanl-inhoud",
                hidden=not allowed,
            ),
        ],
        className="page-aanleveren",
    )


# --------------------------------------------------------------------------------------------
# Callbacks
# --------------------------------------------------------------------------------------------


def _forbidden(exc: Exception):
    return notice(str(exc), "error")


# The parts of the page the check, confirm and cancel callbacks update, by short name.
FLOW_TARGETS = {
    "rapport": ("aanl-rapport", "children"),
    "wacht": ("aanl-wacht", "data"),
    "bevestig": ("aanl-bevestig", "disabled"),
    "annuleer": ("aanl-annuleer", "disabled"),
    "resultaat": ("aanl-resultaat", "children"),
    "geschiedenis": ("aanl-geschiedenis", "children"),
}
# What confirm and cancel return first, in this order (``handle_confirm``, ``cancel``).
AFTER_CHECK = ("resultaat", "wacht", "bevestig", "annuleer", "rapport")


def _flow_outputs(*names: str, duplicate: bool = True) -> list[Output]:
    """The Outputs for ``names``, in that order; all but the first callback share them."""
    return [Output(*FLOW_TARGETS[n], allow_duplicate=duplicate) for n in names]


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output("aanl-sjabloon", "data"),
        Output("aanl-sjabloon-melding", "children"),
        Input("aanl-sjabloon-knop", "n_clicks"),
        State("aanl-sjabloon-peildatum", "value"),
        prevent_initial_call=True,
    )
    def download_template(n_clicks, peildatum):
        if not n_clicks:
            return no_update, no_update
        try:
            user = security.require(policy.can_upload, UPLOAD_REFUSED)
        except security.Forbidden as exc:
            return no_update, _forbidden(exc)
        problem = date_problem(peildatum, TEMPLATE_DATE_LABEL)
        if problem:
            return no_update, notice(problem, "error", id_="aanl-sjabloon-datumfout")
        scope = policy.upload_scope(user)
        codes = sorted(scope) if scope is not None else None
        with tempfile.TemporaryDirectory(prefix="etvi-sjabloon-") as tmp:
            path = write_template(
                Path(tmp) / "sjabloon.xlsx", gemeenten=codes, peildatum=parse_form_date(peildatum), url=security.db_url()
            )
            content = path.read_bytes()
        label = "-".join(codes) if codes and len(codes) <= 3 else "gemeenten"
        return dcc.send_bytes(content, f"etvi-sjabloon-{label}.xlsx"), ""

    @app.callback(
        *_flow_outputs("rapport", "wacht", "bevestig", "annuleer", "resultaat", "geschiedenis", duplicate=False),
        Input("aanl-upload", "contents"),
        State("aanl-upload", "filename"),
        State("aanl-peildatum", "value"),
        State("aanl-wacht", "data"),
        prevent_initial_call=True,
    )
    def check_upload(contents, filename, peildatum, waiting):
        return handle_upload(contents, filename, peildatum, waiting)

    @app.callback(
        *_flow_outputs(*AFTER_CHECK, "geschiedenis"),
        Input("aanl-bevestig", "n_clicks"),
        State("aanl-wacht", "data"),
        prevent_initial_call=True,
        running=[(Output("aanl-bevestig", "disabled"), True, True)],
    )
    def confirm(n_clicks, waiting):
        return handle_confirm(n_clicks, waiting)

    @app.callback(
        *_flow_outputs(*AFTER_CHECK),
        Input("aanl-annuleer", "n_clicks"),
        State("aanl-wacht", "data"),
        prevent_initial_call=True,
    )
    def cancel_(n_clicks, waiting):
        return cancel(n_clicks, waiting)

    def report_part(type_: str) -> dict:
        return {"type": type_, "lijst": MATCH}

    @app.callback(
        Output(report_part("aanl-meldingen-tabel"), "children"),
        Output(report_part("aanl-meldingen-positie"), "children"),
        Output(report_part("aanl-meldingen-vorige"), "disabled"),
        Output(report_part("aanl-meldingen-volgende"), "disabled"),
        Output(report_part("aanl-meldingen"), "data"),
        Input(report_part("aanl-meldingen-vorige"), "n_clicks"),
        Input(report_part("aanl-meldingen-volgende"), "n_clicks"),
        State(report_part("aanl-meldingen"), "data"),
        prevent_initial_call=True,
    )
    def report_page(_previous, _next, state):
        triggered = dash.ctx.triggered_id
        step = 1 if isinstance(triggered, dict) and triggered.get("type") == "aanl-meldingen-volgende" else -1
        return handle_report_page(step, state)

    @app.callback(
        Output(report_part("aanl-meldingen-download"), "data"),
        Output(report_part("aanl-meldingen-positie"), "children", allow_duplicate=True),
        Input(report_part("aanl-meldingen-csv"), "n_clicks"),
        State(report_part("aanl-meldingen"), "data"),
        prevent_initial_call=True,
    )
    def report_csv(n_clicks, state):
        return handle_report_csv(n_clicks, state)

    @app.callback(
        *_flow_outputs("resultaat", "bevestig", "annuleer"),
        Input("aanl-wacht", "modified_timestamp"),
        State("aanl-wacht", "data"),
        State("aanl-bevestig", "disabled"),
        prevent_initial_call="initial_duplicate",
    )
    def restore(_modified, waiting, confirm_disabled):
        return handle_restore(waiting, confirm_disabled)

    for button in ("aanl-bevestig", "aanl-annuleer"):
        app.clientside_callback(
            "function (disabled) { return disabled ? 'true' : 'false'; }",
            Output(button, "aria-disabled"),
            Input(button, "disabled"),
        )
    for field, label in (("aanl-sjabloon-peildatum", TEMPLATE_DATE_LABEL), ("aanl-peildatum", GEMELD_PER)):

        @app.callback(Output(f"{field}-fout", "children"), Output(field, "className"), Input(field, "value"), prevent_initial_call=True)
        def check_date(value, _label=label):
            problem = date_problem(value, _label)
            return (problem or "", "date-input invalid" if problem else "date-input")


REPORT_GONE = "Deze lijst is niet meer beschikbaar (verlopen of van een ander account). Upload het bestand opnieuw."
REPORT_TITLES = {"aanl-fouten": "Fouten", "aanl-waarschuwingen": "Waarschuwingen"}


def _report_items(state) -> tuple[list[dict] | None, str | None]:
    """The stored list behind a long report, for the user it was made for; or a message."""
    try:
        user = security.require(policy.can_upload, UPLOAD_REFUSED)
    except security.Forbidden as exc:
        return None, str(exc)
    items = problem_lists.load(state.get("token"), user.username, security.db_url()) if isinstance(state, dict) else None
    return (items, None) if items is not None else (None, REPORT_GONE)


def handle_report_page(step: int, state):
    """Show the previous (``step`` -1) or next (+1) page of a long report."""
    items, problem = _report_items(state)
    if items is None:
        return no_update, problem, True, True, no_update
    lijst = state.get("lijst") if state.get("lijst") in REPORT_TITLES else "aanl-waarschuwingen"
    title = state.get("titel") if isinstance(state.get("titel"), str) else REPORT_TITLES[lijst]
    total = len(items)
    start = problem_lists.page_start(state.get("start"), step, total)
    table = problem_table(items[start : start + problem_lists.PAGE_SIZE], title, lijst)
    at_end = start + problem_lists.PAGE_SIZE >= total
    return table, page_position(start, total), start == 0, at_end, {**state, "start": start, "total": total}


def handle_report_csv(n_clicks, state):
    """The whole list of a long report as a CSV download."""
    if not n_clicks:
        return no_update, no_update
    items, problem = _report_items(state)
    if items is None:
        return no_update, problem
    name = "fouten" if state.get("lijst") == "aanl-fouten" else "waarschuwingen"
    return dcc.send_bytes(problem_lists.csv_bytes(items), f"meldingen-{name}.csv"), no_update


def handle_restore(waiting, confirm_disabled):
    """After a reload (on whichever server): offer the confirm of a file checked before, when it
    still waits for this user. Does nothing while the page itself holds the check."""
    if not confirm_disabled or not isinstance(waiting, dict):
        return (no_update,) * 3
    meta = service.waiting(waiting.get("token"), security.current_user(), security.db_url())
    if meta is None:
        return (no_update,) * 3
    name = names.clean(meta["original_name"])
    message = [
        html.Strong(f"{name} is gecontroleerd en goedgekeurd "),
        "en wacht op uw bevestiging. Klik op ‘Bevestigen en opslaan’ om het op te slaan, of op ‘Annuleren’.",
    ]
    return notice(message, "info", id_="aanl-wacht-klaar"), False, False


def cancel(n_clicks, waiting):
    if not n_clicks:
        return (no_update,) * 5
    if isinstance(waiting, dict):
        service.cancel(waiting.get("token"), security.current_user(), security.db_url())
    return html.Div([outcome_heading("Geannuleerd"), quiet_notice("Er is niets opgeslagen.", "info", "aanl-geannuleerd")]), None, True, True, ""


def handle_upload(contents, filename, peildatum, waiting):
    """Check an uploaded file with a dry run (the callback body; a function so tests can call it)."""
    if not contents:
        return (no_update,) * 6
    url = security.db_url()
    session_uid = flask.session.get("uid")  # before the check, which ends a session that is no longer valid
    try:
        user = security.require(policy.can_upload, UPLOAD_REFUSED)
    except security.Forbidden as exc:
        service.refuse_unknown_web_attempt(str(exc), filename, security.current_user(), session_uid, url)
        return _forbidden(exc), None, True, True, "", no_update
    if isinstance(waiting, dict):
        service.cancel(waiting.get("token"), user, url)
    given = str(filename or "bestand")  # kept as sent for the log (etl.names.note); shown cleaned
    name = names.clean(given)
    problem = date_problem(peildatum, GEMELD_PER)
    if problem:
        message = f"{name} is niet gecontroleerd. {problem}"
        service.record_refusal(user.username, "web", message, given, None, url)
        return notice(message, "error", id_="aanl-geweigerd"), None, True, True, "", history(user)
    try:
        content = decode_upload(contents)
    except ValueError as exc:
        service.record_refusal(user.username, "web", str(exc), given, None, url)
        return notice(str(exc), "error"), None, True, True, "", history(user)
    if len(content) > settings().max_file_mb * MB:
        message = too_big_message(name, len(content))
        service.record_refusal(user.username, "web", message, given, None, url)
        return notice(message, "error", id_="aanl-geweigerd"), None, True, True, "", history(user)
    try:
        result, token = service.check(content, given, user, parse_form_date(peildatum), url)
    except service.NotKept as exc:
        return notice(str(exc), "error", id_="aanl-niet-bewaard"), None, True, True, "", history(user)
    except AccountError as exc:
        return notice(str(exc), "error"), None, True, True, "", no_update
    except EtlError as exc:
        return notice(str(exc), "error"), None, True, True, "", history(user)
    data = service.result_dict(result, max_changes=PREVIEW_ROWS)
    if token is None:
        return render_report(data, name), None, True, True, "", history(user)
    return render_report(data, name), {"token": token, "bestand": name}, False, False, "", no_update


def handle_confirm(n_clicks, waiting):
    """Load the checked file for real, with the scope the user has now."""
    if not n_clicks:
        return (no_update,) * 6
    try:
        user = security.require(policy.can_upload, UPLOAD_REFUSED)
    except security.Forbidden as exc:
        return _forbidden(exc), None, True, True, no_update, no_update
    token = waiting.get("token") if isinstance(waiting, dict) else None
    try:
        result = service.confirm(token, user, security.db_url())
    except service.AlreadyConfirmed:
        return _outcome("Al bevestigd", quiet_notice(ALREADY_CONFIRMED, "info", "aanl-al-bevestigd")), None, True, True, no_update, history(user)
    except service.NothingWaiting as exc:
        return _outcome("Niet opgeslagen", quiet_notice(str(exc), "error", "aanl-niets-klaar")), None, True, True, no_update, no_update
    except AccountError as exc:
        return notice(str(exc), "error"), None, True, True, no_update, no_update
    except EtlError as exc:  # the ETL refused the file as a whole: nothing loaded
        return _outcome("Niet opgeslagen", quiet_notice(str(exc), "error", "aanl-niet-opgeslagen")), None, True, True, no_update, history(user)
    data = service.result_dict(result, max_changes=PREVIEW_ROWS)
    name = result.file_name  # cleaned
    if result.outcome == "geweigerd":
        refused = quiet_notice(f"{name} is bij het opslaan geweigerd; er is niets opgeslagen.", "error", "aanl-opslaan-geweigerd")
        heading = f"Geweigerd: {_count(data.get('error_count'), 'fout', 'fouten')}"
        return _outcome(heading, refused), None, True, True, render_report(data, name, summary=False), history(user)
    codes = sorted(set(result.gemeente_codes) or {c["gemeente_code"] for c in data.get("changes") or [] if c.get("gemeente_code")})
    if result.outcome == "ongewijzigd":
        message = [html.Strong(f"{name} was al geladen. "), "Er is niets veranderd."]
    else:
        message = [
            html.Strong(f"{name} is opgeslagen. "),
            f"{data['records_written']} status{'sen' if data['records_written'] != 1 else ''} opgeslagen "
            f"(aanlevering {data['upload_id']}). De kaart toont de nieuwe stand direct. ",
            dcc.Link("Bekijk de kaart", href="/", id="aanl-naar-kaart"),
        ]
        if len(codes) == 1:
            message += [" of ", dcc.Link("het gemeenteprofiel", href=f"/gemeente/{codes[0]}", id="aanl-naar-gemeente"), "."]
        else:
            message.append(".")
    if result.outcome == "ongewijzigd":
        heading = "Al geladen: er is niets veranderd"
    else:
        heading = f"Opgeslagen: {_count(data['records_written'], 'status', 'statussen')} voor {_count(len(codes), 'gemeente', 'gemeenten')}"
    return _outcome(heading, quiet_notice(message, "success", "aanl-opgeslagen")), None, True, True, "", history(user)


def _outcome(heading: str, body) -> html.Div:
    """A confirm's result: its short outcome (focused, announced) above the full message."""
    return html.Div([outcome_heading(heading), body])
