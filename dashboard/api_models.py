"""The request and response models of the HTTP API (pydantic): flask-openapi3 builds the OpenAPI
document from them (``dashboard.api``), and the views validate what they read with them.

Every answer of 2xx carries the ``API-Version`` header (ADR /core/version-header); every error is
a ``Probleem`` (RFC 9457, ``application/problem+json``). Dates are ISO 8601 (``format: date``),
moments are date-times with a time zone.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

API_VERSION = "1.6.0"  # semver of the API; the major is in the path (/api/v1)
VERSION_HEADER = "API-Version"

_VERSION_HEADERS = {
    VERSION_HEADER: {
        "description": "De volledige versie van de API (semver), bijvoorbeeld 1.6.0.",
        "schema": {"type": "string", "example": API_VERSION},
    }
}


class Answer(BaseModel):
    """A successful answer: documented with the ``API-Version`` header."""

    model_config = ConfigDict(openapi_extra={"headers": _VERSION_HEADERS})


# --------------------------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------------------------


class BestandsProbleem(BaseModel):
    """One problem of a refused file: where it is and what is allowed there."""

    bestand: str | None = Field(None, description="De bestandsnaam.")
    blad: str | None = Field(None, description="Het werkblad.")
    rij: int | None = Field(None, description="Het rijnummer zoals het spreadsheetprogramma het toont.")
    kolom: str | None = Field(None, description="De kolomkop.")
    waarde: str | None = Field(None, description="De waarde in de cel.")
    toegestaan: list[str] = Field(default_factory=list, description="De toegestane waarden.")
    tekst: str = Field(description="De melding als één Nederlandse zin.")


class Probleem(BaseModel):
    """An error as problem details (RFC 9457)."""

    model_config = ConfigDict(title="Probleem")

    type: str = Field("about:blank", description="Het soort probleem (RFC 9457).")
    title: str = Field(description="Korte Nederlandse omschrijving van het soort probleem.")
    status: int = Field(description="De HTTP-statuscode.", ge=100, le=599)
    detail: str = Field(description="Nederlandse uitleg: wat er mis is en wat u kunt doen.")
    problemen: list[BestandsProbleem] | None = Field(None, description="Bij een geweigerd bestand: alle problemen.")
    fout: str = Field(description="Verouderd: dezelfde tekst als detail, voor oudere clients.", json_schema_extra={"deprecated": True})


class TeVeelVerzoeken(Probleem):
    """429: over the client's rate limit; ``Retry-After`` says how many seconds to wait."""

    model_config = ConfigDict(
        title="TeVeelVerzoeken",
        openapi_extra={
            "headers": {
                "Retry-After": {"description": "Na hoeveel seconden u het opnieuw kunt proberen.", "schema": {"type": "integer"}},
                "RateLimit-Limit": {"description": "Hoeveel verzoeken per tijdvak zijn toegestaan.", "schema": {"type": "integer"}},
            }
        },
    )


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------


def _iso_date(value):
    """Only JJJJ-MM-DD (pydantic alone would also take a number of seconds since 1970)."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if len(text) != 10 or not (text[:4] + text[5:7] + text[8:]).isdigit() or text[4] + text[7] != "--":
        raise PydanticCustomError("etvi_date", "gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-01")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError("etvi_date", "die datum bestaat niet") from None


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _iso_moment(value):
    """Only an ISO 8601 date-time with a time zone (ADR /core/date-time); a naive moment would be
    read in an unknown zone, a number as seconds since 1970."""
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    text = str(value).strip()
    if not text:
        return None
    example = "bijvoorbeeld 2026-12-01T00:00:00+01:00 of 2026-11-30T23:00:00Z"
    try:
        moment = datetime.fromisoformat(text.upper())
    except ValueError:
        hint = " (schrijf + in een adres als %2B)" if " " in text else ""
        raise PydanticCustomError("etvi_moment", f"gebruik een datum en tijd met tijdzone, {example}{hint}") from None
    if "T" not in text.upper() or moment.tzinfo is None:
        raise PydanticCustomError("etvi_moment", f"geef datum, tijd en tijdzone, {example}")
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise PydanticCustomError("etvi_moment", "dit moment ligt buiten het bereik van de kalender") from None


IsoMoment = Annotated[datetime, BeforeValidator(_iso_moment)]


class StatusQuery(BaseModel):
    peildatum: IsoDate | None = Field(None, description="De peildatum (JJJJ-MM-DD); standaard vandaag.")
    format: Literal["json", "csv"] = Field("json", description="json of csv (zoals etvi export).")
    provincie: str | None = Field(None, max_length=10, description="Alleen de gemeenten van deze provincie (code, bijvoorbeeld PV27).")
    regioType: str | None = Field(None, max_length=60, description="Het regiotype van regioCode, bijvoorbeeld woningmarktregio (zie /regiotypen).")
    regioCode: str | None = Field(None, max_length=60, description="Alleen de gemeenten van deze regio (samen met regioType).")
    onderdeel: str | None = Field(None, max_length=60, description="Alleen de kolommen van dit onderdeel (zie /statussen).")


class VoortgangQuery(BaseModel):
    peildatum: IsoDate | None = Field(None, description="De peildatum (JJJJ-MM-DD); standaard vandaag.")
    niveau: str = Field("provincie", max_length=60, description="provincie of een regiotype (zie /regiotypen), zoals de kaart.")
    onderdeel: str | None = Field(None, max_length=60, description="Alleen dit onderdeel; standaard alle onderdelen.")


class Paginering(BaseModel):
    """ADR-pagination (``page``, ``pageSize``); ``limit`` and ``offset`` keep working."""

    page: int | None = Field(None, ge=1, le=2**31 - 1, description="Het paginanummer, vanaf 1 (met pageSize).")
    pageSize: int | None = Field(None, ge=1, le=1000, description="Hoeveel per pagina (1 tot 1000).")


class UploadQuery(BaseModel):
    """Read as text: the view checks the values itself, after the caller's rights (a refused
    attempt is logged)."""

    dryRun: str | None = Field(None, description="1, true of ja: alleen controleren en een voorbeeld geven, niets opslaan.")


class UploadForm(BaseModel):
    """The multipart body of an upload (documented here; the view reads it itself so a file
    that is too large is refused, and logged, before it is parsed)."""

    file: bytes = Field(description="Het bestand: .xlsx, .ods, .xls of .csv (ook als veld 'bestand').", json_schema_extra={"format": "binary"})
    peildatum: date | None = Field(None, description="De peildatum als het bestand die zelf niet heeft.")
    sheet: str | None = Field(None, description="Lees alleen dit werkblad.")
    dryRun: str | None = Field(None, description="Zoals de query-parameter dryRun.")


class UploadsQuery(Paginering):
    limit: int = Field(100, ge=1, le=1000, description="Hoeveel uploads (1 tot 1000).")
    offset: int = Field(0, ge=0, le=2**31 - 1, description="Hoeveel nieuwste uploads overslaan.")
    gebruiker: str | None = Field(None, max_length=200, description="Alleen de uploads van deze gebruiker.")
    uitkomst: Literal["geladen", "ongewijzigd", "geweigerd"] | None = Field(None, description="Alleen deze uitkomst.")


class AuditQuery(Paginering):
    limit: int = Field(100, ge=1, le=1000, description="Hoeveel gebeurtenissen (1 tot 1000).")
    offset: int = Field(0, ge=0, le=2**31 - 1, description="Hoeveel nieuwste gebeurtenissen overslaan.")
    gebruiker: str | None = Field(None, max_length=200, description="Alleen wat dit account deed (ook via de API) of wat over dit account ging.")
    actie: str | None = Field(None, max_length=100, description="Alleen deze actie, bijvoorbeeld ingelogd, token_aangemaakt of gebruiker_uitgeschakeld.")
    vanaf: IsoMoment | None = Field(None, description="Vanaf dit moment (inclusief), met tijdzone: 2026-12-01T00:00:00+01:00 (+ als %2B) of …Z.")
    tot: IsoMoment | None = Field(None, description="Tot dit moment (exclusief), met tijdzone.")


class UploadPath(BaseModel):
    id: int = Field(ge=1, le=2**31 - 1, description="Het nummer van de upload.")


class AanleveringQuery(BaseModel):
    provincie: str | None = Field(None, max_length=10, description="Provinciecode, bijvoorbeeld PV27.")


class GebruikerPath(BaseModel):
    naam: str = Field(min_length=1, max_length=200, description="De gebruikersnaam.")


class NieuweGebruiker(BaseModel):
    naam: str = Field(min_length=1, max_length=200, description="De gebruikersnaam (kleine letters, cijfers, - en _).")
    rol: Literal["beheerder", "provincie", "gemeente"]
    gemeenten: list[str] = Field(default_factory=list, max_length=400, description="Gemeentecodes (rol gemeente).")
    provincie: str | None = Field(None, max_length=10, description="Provinciecode (rol provincie).")
    email: str | None = Field(None, max_length=254, description="E-mailadres voor herinneringen; verplicht voor de rollen gemeente en provincie.")


class GebruikerWijziging(BaseModel):
    """At least one of the two; ``email`` null or empty removes the address."""

    actief: bool | None = Field(None, description="false schakelt het account uit (sessies eindigen, token werkt niet meer); true weer in.")
    email: str | None = Field(None, max_length=254, description="Het nieuwe e-mailadres; null of leeg verwijdert het.")


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------


class StatusAntwoord(Answer):
    model_config = ConfigDict(
        openapi_extra={
            "headers": _VERSION_HEADERS,
            "content": {"text/csv": {"schema": {"type": "string", "description": "Zoals etvi export --format csv."}}},
        }
    )

    peildatum: date
    aantal: int
    gemeenten: list[dict[str, Any]] = Field(description="Eén rij per gemeente, met dezelfde kolommen als etvi export.")


class Wijziging(BaseModel):
    gemeente_code: str
    gemeente: str | None = None
    onderdeel: str
    peildatum: date | None = None
    huidige_status: str | None = None
    nieuwe_status: str | None = None
    wat: str | None = None
    details: str | None = None
    huidige_peildatum: date | None = None


class Melding(BaseModel):
    """A problem or warning of a file, as ``etvi load`` reports it."""

    message: str
    text: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    allowed: list[str] = Field(default_factory=list)
    severity: str | None = None


class UploadResultaat(Answer):
    outcome: Literal["geladen", "ongewijzigd", "proef", "geweigerd"]
    melding: str
    upload_id: int | None = None
    rows_read: int
    records_written: int
    records_valid: int
    error_count: int
    problems: list[Melding]
    warnings: list[Melding]
    changes: list[Wijziging]
    changes_total: int
    changes_summary: list[dict[str, Any]]


class UploadRegel(BaseModel):
    id: int
    tijdstip: datetime | None
    gebruiker: str
    kanaal: str
    bestand: str | None
    sha256: str | None
    peildatum: date | None
    uitkomst: str
    rijen_gelezen: int | None
    records_geschreven: int | None
    fouten: list[dict[str, Any]]
    waarschuwingen: list[dict[str, Any]]
    demo: bool
    origineel: str | None = Field(description="Het adres van het bewaarde origineel, als dat er is.")
    rapport: str = Field(description="Het adres van het rapport (fouten en waarschuwingen) als CSV.")


class Link(BaseModel):
    href: str = Field(description="Het adres (relatief aan de server).")


class Links(BaseModel):
    """HAL-links van een pagina (ADR): dezelfde als in de Link-kop."""

    self: Link
    first: Link
    last: Link
    prev: Link | None = None
    next: Link | None = None


class Pagina(Answer):
    """A page of a list that grows: links to the other pages in ``_links`` and the ``Link`` header."""

    model_config = ConfigDict(
        populate_by_name=True,
        openapi_extra={
            "headers": {
                **_VERSION_HEADERS,
                "Link": {"description": "De links naar de andere pagina's (RFC 8288): first, prev, next, last.", "schema": {"type": "string"}},
                "X-Total-Count": {"description": "Het aantal over alle pagina's.", "schema": {"type": "integer"}},
            }
        },
    )

    links: Links = Field(alias="_links", description="Links naar deze, de eerste, vorige, volgende en laatste pagina.")
    totaal: int = Field(description="Het aantal over alle pagina's.")
    offset: int
    page: int = Field(description="Het nummer van deze pagina (vanaf 1).")
    pageSize: int = Field(description="Hoeveel per pagina.")


class UploadLijst(Pagina):
    aantal: int
    uploads: list[UploadRegel]


class AuditGebeurtenis(BaseModel):
    id: int
    tijdstip: datetime = Field(description="Wanneer, met tijdzone (UTC).")
    door: str = Field(description="Wie het deed: een account, api:<account> of cli:<inlognaam>.")
    actie: str = Field(description="Wat er gebeurde, bijvoorbeeld ingelogd, gebruiker_aangemaakt, token_ingetrokken.")
    gebruiker: str | None = Field(description="Het account waar het over ging, als dat er is.")
    details: dict[str, Any] = Field(description="De vastgelegde details (bijvoorbeeld adres, reden, kenmerk).")


class AuditLijst(Pagina):
    aantal: int
    gebeurtenissen: list[AuditGebeurtenis] = Field(description="Nieuwste eerst.")


class AanleverRegel(BaseModel):
    gemeente_code: str
    gemeente: str | None
    provincie_code: str | None
    laatste_peildatum: date | None
    laatst_aangeleverd: datetime | None
    door: str | None
    kanaal: str | None
    upload_id: int | None
    laatste_poging: datetime | None
    laatste_poging_uitkomst: str | None
    laatste_poging_door: str | None
    laatste_poging_bestand: str | None
    laatste_poging_id: int | None
    geweigerd_sinds_levering: int


class Aanlevering(Answer):
    provincie: str | None
    gemeenten: list[AanleverRegel]


class Gebruiker(Answer):
    naam: str
    rol: str
    gemeenten: list[str]
    provincie: str | None
    actief: bool
    email: str | None = Field(None, description="Het e-mailadres voor herinneringen, als dat er is.")
    api_token: bool = Field(description="Of de gebruiker een API-token heeft.")
    api_tokens: int = Field(description="Hoeveel API-tokens de gebruiker heeft.")
    aangemaakt: datetime | None


class Gebruikers(Answer):
    gebruikers: list[Gebruiker]


class NieuweGebruikerAntwoord(Gebruiker):
    wachtwoord: str | None = Field(description="Het gegenereerde wachtwoord; alleen in dit antwoord.")


class Uitgelogd(Gebruiker):
    sessies_beeindigd: int


class Ik(Answer):
    ingelogd: bool
    openbaar: bool
    gebruiker: str | None = None
    rol: str | None = None
    gemeenten: list[str] | None = None
    provincie: str | None = None


# --------------------------------------------------------------------------------------------
# Reference data (for the systems of VNG, provincies and gemeenten)
# --------------------------------------------------------------------------------------------


class Provincie(BaseModel):
    code: str = Field(description="Provinciecode, bijvoorbeeld PV27.")
    naam: str


class Provincies(Answer):
    provincies: list[Provincie]


class Regio(BaseModel):
    type: str = Field(description="Het regiotype, bijvoorbeeld ggdregio of woningmarktregio.")
    code: str
    naam: str


class GemeenteRef(BaseModel):
    model_config = ConfigDict(title="Gemeente")

    code: str = Field(description="Gemeentecode, bijvoorbeeld GM0363.")
    naam: str
    provincie_code: str | None
    provincie: str | None
    regios: list[Regio] = Field(description="De regio's waar de gemeente bij hoort, per regiotype.")


class Gemeenten(Answer):
    gemeenten: list[GemeenteRef]


class Regiotypen(Answer):
    regiotypen: list[str]


class Mijlpaal(BaseModel):
    id: str
    titel: str
    datum: date | None = Field(description="De datum, voor zover bekend (zie precisie).", json_schema_extra={"format": "date"})
    precisie: Literal["dag", "maand", "jaar", "onbekend"] | str
    soort: str = Field(description="wet, programmadoel of deadline.")
    onderdeel: str | None
    min_status: str | None
    niveau: str = Field(description="landelijk, provincie, regio of gemeente.")
    zekerheid: str = Field(description="bevestigd, doel, onbevestigd of onbekend.")
    bron: str | None = Field(description="Adres van de bron.")
    toelichting: str


class Mijlpalen(Answer):
    mijlpalen: list[Mijlpaal]


class Statuswoord(BaseModel):
    onderdeel: str
    volgorde: int
    status: str
    gereed: bool = Field(description="Of dit onderdeel met deze status af is.")
    label: str


class Statussen(Answer):
    statussen: list[Statuswoord]


class UploadDetail(Answer, UploadRegel):
    """One upload attempt, with its report (``fouten``, ``waarschuwingen``)."""


class GemeentePath(BaseModel):
    code: str = Field(min_length=1, max_length=10, description="Gemeentecode, bijvoorbeeld GM0363.")


class HistorieQuery(Paginering):
    limit: int = Field(500, ge=1, le=5000, description="Hoeveel records (1 tot 5000).")
    offset: int = Field(0, ge=0, le=2**31 - 1, description="Hoeveel records overslaan.")


class Statusrecord(BaseModel):
    onderdeel: str
    status: str | None
    vastgesteld_op: date | None = Field(description="Wanneer het onderdeel is vastgesteld, als dat bekend is.")
    peildatum: date
    toelichting: str | None
    bron: str | None
    koploperregio: str | None
    upload_id: int | None


class Historie(Pagina):
    gemeente_code: str
    gemeente: str
    records: list[Statusrecord] = Field(description="In de volgorde waarin ze bekend werden (peildatum, dan upload).")


class Groepsvoortgang(BaseModel):
    onderdeel: str
    code: str = Field(description="De code van de provincie of regio.")
    naam: str
    aantal: int = Field(description="Het aantal gemeenten in de groep.")
    gereed: int = Field(description="Het aantal gemeenten waarvan het onderdeel af is.")
    gemeld: int = Field(description="Het aantal gemeenten met een bekende status.")
    aandeel: float | None = Field(description="gereed / aantal (0 tot 1), zoals op de kaart.")
    gereedVorigJaar: int | None = Field(description="gereed, een jaar voor de peildatum.")
    aandeelVorigJaar: float | None = Field(description="aandeel, een jaar voor de peildatum.")


class Voortgang(Answer):
    peildatum: date
    niveau: str
    groepen: list[Groepsvoortgang] = Field(description="Per onderdeel en groep, in de volgorde van de kaart.")


class TokenPath(BaseModel):
    kenmerk: str = Field(min_length=1, max_length=64, description="Het kenmerk van het token (zie de lijst van tokens).")


class GebruikerTokenPath(GebruikerPath, TokenPath):
    pass


class ApiToken(BaseModel):
    kenmerk: str = Field(description="Het begin van de SHA-256 van het token: om het te herkennen en in te trekken, niet om mee in te loggen.")
    label: str = Field(description="Waarvoor het token is (bijvoorbeeld het systeem dat het gebruikt).")
    aangemaakt: datetime | None = Field(description="Wanneer het token is gemaakt.")
    aangemaakt_door: str | None = Field(None, description="Wie het token maakte (cli:…, api:…).")
    verloopt: date | None = Field(
        None,
        description="De datum (JJJJ-MM-DD) waarop het token verloopt: vanaf 00:00 die dag (Nederlandse tijd) werkt het niet meer. "
        "null: het token verloopt niet (alleen een token dat buiten de monitor om is vastgelegd).",
    )
    actief: bool = Field(description="Of het token werkt (niet als het account is uitgeschakeld, niet vanaf de vervaldatum).")


class Tokens(Answer):
    gebruiker: str
    tokens: list[ApiToken] = Field(description="Alle API-tokens van de gebruiker, oudste eerst; het token zelf staat nergens.")


class NieuwToken(BaseModel):
    label: str | None = Field(None, max_length=100, description="Waarvoor het token is, bijvoorbeeld het systeem dat het gebruikt.")
    verloopt: IsoDate | None = Field(
        None,
        description="Wanneer het token verloopt (JJJJ-MM-DD): na vandaag en hoogstens ETVI_TOKEN_MAX_DAYS (standaard 730) dagen "
        "vooruit; vanaf 00:00 die dag (Nederlandse tijd) werkt het niet meer. Standaard vandaag plus ETVI_TOKEN_DAYS (standaard 365) dagen.",
    )


class NieuwEigenToken(NieuwToken):
    wachtwoord: str = Field(
        min_length=1, max_length=1024,
        description="Het wachtwoord van het eigen account, ter bevestiging: een sessie of token alleen maakt geen nieuw token.",
    )  # fmt: skip


class NieuwTokenAntwoord(ApiToken, Answer):
    gebruiker: str
    token: str = Field(description="Het token zelf: alleen in dit antwoord. Gebruik het als Authorization: Bearer <token>.")


# --------------------------------------------------------------------------------------------
# Reporting rounds (uitvragen)
# --------------------------------------------------------------------------------------------


class UitvraagPath(BaseModel):
    id: int = Field(ge=1, le=2**31 - 1, description="Het nummer van de uitvraag.")


class NieuweUitvraag(BaseModel):
    titel: str = Field(min_length=1, max_length=200, description="De titel van de uitvraag.")
    peildatum: IsoDate = Field(description="De peildatum waarnaar gevraagd wordt (JJJJ-MM-DD).")
    deadline: IsoDate = Field(description="Uiterlijk antwoorden op (JJJJ-MM-DD); niet voor de peildatum.")
    onderdelen: list[str] = Field(default_factory=list, max_length=50, description="De gevraagde onderdelen; leeg: alle.")


class UitvraagWijziging(BaseModel):
    staat: Literal["open", "gesloten"] = Field(description="open opent een concept; gesloten sluit een open uitvraag.")


class AntwoordenQuery(Paginering):
    limit: int = Field(400, ge=1, le=1000, description="Hoeveel gemeenten (1 tot 1000).")
    offset: int = Field(0, ge=0, le=2**31 - 1, description="Hoeveel gemeenten overslaan.")


class HerinneringQuery(BaseModel):
    dryRun: bool = Field(False, description="true: alleen laten zien wie een herinnering zou krijgen; niets versturen.")


class Herinnering(BaseModel):
    gemeenten: list[str] = Field(default_factory=list, max_length=400, description="Alleen deze gemeentecodes, gemeenten die nog niet antwoordden (een andere: 400, niets verstuurd); leeg: iedereen die nog niet antwoordde.")


class NieuweBevestiging(BaseModel):
    gemeentecode: str = Field(min_length=1, max_length=10, description="De gemeente die bevestigt dat er niets veranderd is, bijvoorbeeld GM0363.")


class Uitvraag(Answer):
    id: int
    titel: str
    peildatum: date
    deadline: date
    onderdelen: list[str]
    staat: Literal["concept", "open", "gesloten"]
    aangemaakt_door: str
    aangemaakt: datetime | None
    geopend_door: str | None
    geopend: datetime | None
    gesloten_door: str | None
    gesloten: datetime | None


class Uitvragen(Answer):
    uitvragen: list[Uitvraag]


class ProvincieRespons(BaseModel):
    geantwoord: int
    totaal: int


class Respons(BaseModel):
    geantwoord: int = Field(description="Hoeveel gemeenten geantwoord hebben (gewijzigd of ongewijzigd).")
    totaal: int = Field(description="Hoeveel gemeenten de aanvrager ziet.")
    per_antwoord: dict[str, int] = Field(description="Aantallen per antwoord: gewijzigd, ongewijzigd, geweigerd, geen.")
    per_provincie: dict[str, ProvincieRespons]
    samenvatting: str = Field(description='Zoals etvi uitvraag status: "N van M gemeenten geantwoord".')


class UitvraagMetRespons(Uitvraag):
    respons: Respons


class GemeenteAntwoord(BaseModel):
    gemeentecode: str
    gemeente: str
    provincie: str
    antwoord: Literal["geen", "ongewijzigd", "gewijzigd", "geweigerd"]
    wanneer: datetime | None
    door: str | None
    kanaal: str | None
    upload_id: int | None


class Antwoorden(Pagina):
    uitvraag_id: int
    antwoorden: list[GemeenteAntwoord]


class MailUitkomst(BaseModel):
    email: str
    gemeenten: list[str]
    status: Literal["verstuurd", "mislukt", "overgeslagen", "proef"]
    reden: str


class Herinneringen(Answer):
    uitvraag_id: int
    proef: bool
    geconfigureerd: bool = Field(description="Of er een mailserver is ingesteld (ETVI_SMTP_URL).")
    verstuurd: int
    melding: str
    al_geantwoord: list[str] = Field(description="Altijd leeg (blijft voor bestaande afnemers): een gekozen gemeente die al antwoordde, wordt geweigerd met 400.")
    uitkomsten: list[MailUitkomst]


class Bevestiging(Answer):
    uitvraag_id: int
    gemeentecode: str
    uitkomst: str = Field(description="geladen of ongewijzigd.")
    upload_id: int | None
    records_geschreven: int
    melding: str
