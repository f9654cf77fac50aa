"""Dutch words and number/date formatting used across the dashboard."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dashboard.aggregates import PROJECTION_HORIZON_YEARS, horizon, to_date

APP_TITLE = "ETVI-monitor"
APP_SUBTITLE = "Voortgang van het programma Een thuis voor iedereen per gemeente"
OKEC_URL = "https://www.volkshuisvestingnederland.nl/onderwerpen/online-kennis-en-expertisecentrum"

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]

ONDERDEEL_TITLES = {
    "woonzorgvisie": "Woonzorgvisie",
    "verordening": "Verordening met urgentieregeling",
    "verdeling opgave": "Verdeling van de opgave",
    "koploper": "Koploperstatus",
}

LEVEL_TITLES = {
    "gemeente": "Gemeenten",
    "landelijk": "Nederland",
    "provincie": "Provincies",
    "woningmarktregio": "Woningmarktregio's",
    "ggdregio": "GGD-regio's",
    "zorgkantoorregio": "Zorgkantoorregio's",
    "arbeidsmarktregio": "Arbeidsmarktregio's",
    "koploperregio": "Koploperregio's",
    "jeugdregio": "Jeugdregio's",
    "veiligheidsregio": "Veiligheidsregio's",
    "coropgebied": "COROP-gebieden",
    "landsdeel": "Landsdelen",
    "regionaalmeld_coordinatiepunt": "RMC-regio's",
    "opvangregio": "Opvangregio's (centrumgemeenten)",
}

LEVEL_SINGULAR = {
    "gemeente": "gemeente",
    "provincie": "provincie",
    "woningmarktregio": "woningmarktregio",
    "ggdregio": "GGD-regio",
    "zorgkantoorregio": "zorgkantoorregio",
    "arbeidsmarktregio": "arbeidsmarktregio",
    "koploperregio": "koploperregio",
    "coropgebied": "COROP-gebied",
    "landsdeel": "landsdeel",
    "regionaalmeld_coordinatiepunt": "RMC-regio",
}

CONFIDENCE_LABELS = {
    "bevestigd": "Bevestigd",
    "doel": "Beoogd (doel)",
    "onbevestigd": "Onbevestigd",
    "onbekend": "Onbekend",
}

KIND_LABELS = {"wet": "Wet", "programmadoel": "Programmadoel", "deadline": "Termijn"}
LEVEL_OF_MILESTONE = {"landelijk": "Landelijk", "provincie": "Provincie", "regio": "Regio", "gemeente": "Gemeente"}


def onderdeel_title(onderdeel: str) -> str:
    return ONDERDEEL_TITLES.get(onderdeel, onderdeel[:1].upper() + onderdeel[1:])


def level_title(level: str) -> str:
    return LEVEL_TITLES.get(level, level.replace("_", " ").capitalize())


def level_singular(level: str) -> str:
    return LEVEL_SINGULAR.get(level, level.replace("_", " "))


def fmt_date(value) -> str:
    """'11 mei 2022'; '—' for no date."""
    d = to_date(value)
    if d is None:
        return "—"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def fmt_date_short(value) -> str:
    """'11-05-2022'."""
    d = to_date(value)
    return "—" if d is None else d.strftime("%d-%m-%Y")


def fmt_milestone_date(value, precision: str | None) -> str:
    """A milestone date at its precision: '2026', 'februari 2023', '7 maart 2024', 'datum onbekend'."""
    d = to_date(value)
    if d is None or precision == "onbekend":
        return "datum onbekend"
    if precision == "jaar":
        return str(d.year)
    if precision == "maand":
        return f"{MONTHS[d.month - 1]} {d.year}"
    return fmt_date(d)


def fmt_number(value: float, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_pct(share: float | None, decimals: int = 0) -> str:
    """0.3635 -> '36%' (or '36,4%' with one decimal)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return fmt_number(share * 100, decimals) + "%"


def fmt_pp(delta_pp: float | None) -> str:
    """Change in percentage points with sign: '+3,5 procentpunt', '0 procentpunt'."""
    if delta_pp is None or (isinstance(delta_pp, float) and math.isnan(delta_pp)):
        return "—"
    if abs(delta_pp) < 0.05:
        return "0 procentpunt"
    sign = "+" if delta_pp > 0 else "−"
    return f"{sign}{fmt_number(abs(delta_pp), 1)} procentpunt"


def fmt_signed(n: int) -> str:
    if n > 0:
        return f"+{n}"
    if n < 0:
        return f"−{abs(n)}"
    return "0"


def n_of(n_done: int, n: int) -> str:
    return f"{n_done} van {n}"


def today() -> date:
    return date.today()


def change_column(prev) -> str:
    """Header of a change column: against which date the change is measured."""
    return f"Verandering t.o.v. {fmt_date_short(prev)} (procentpunt)"


def confidence_text(confidence: str | None, deadline=None, today=None) -> str:
    """How certain a milestone date is, in words; a passed target date says so."""
    label = CONFIDENCE_LABELS.get(confidence, confidence or "Onbekend")
    d, t = to_date(deadline) if deadline is not None else None, to_date(today) if today is not None else None
    if confidence == "doel" and d is not None and t is not None and d < t:
        return f"{label}; beoogde datum verstreken, werkelijke datum onbevestigd"
    return label


def is_unconfirmed(confidence: str | None) -> bool:
    """Milestones whose date is not a fact: onbevestigd or onbekend (drawn and labelled differently)."""
    return confidence in ("onbevestigd", "onbekend")


def unconfirmed_suffix(confidence: str | None) -> str:
    return f" ({CONFIDENCE_LABELS.get(confidence, confidence).lower()})" if is_unconfirmed(confidence) else ""


def fmt_projected(projected, state: str, today) -> str:
    """The projected date for a table cell: a date, 'niet vóór <jaar>' past the horizon, or '—'."""
    if state == "op_tempo" and projected is not None:
        return fmt_date_short(projected)
    if state == "na_horizon":
        return f"niet vóór {horizon(today).year}"
    return "—"


def assessment(state: str, deadline, today, projected=None, share_at_deadline=None, share_now=None, target: float = 1.0) -> str:
    """Plain words for a milestone's progress: 'gehaald', 'op tijd / te laat bij huidig tempo (verwacht …)'."""
    dl, t = to_date(deadline), to_date(today)
    met = lambda share: share is not None and not (isinstance(share, float) and math.isnan(share)) and share >= target - 1e-12  # noqa: E731
    if dl is not None and t is not None and dl <= t:
        if met(share_at_deadline):
            return "gehaald"
        if met(share_now):
            return "gehaald, maar na de uiterste datum"
        prefix = "te laat: uiterste datum verstreken"
    else:
        if state == "bereikt" or met(share_now):
            return "gehaald"
        if state == "op_tempo" and projected is not None and dl is not None and to_date(projected) <= dl:
            return f"op tijd bij huidig tempo (verwacht {fmt_date(projected)})"
        prefix = "te laat bij huidig tempo"
    if state == "op_tempo" and projected is not None:
        return f"{prefix} (verwacht {fmt_date(projected)})"
    if state == "na_horizon":
        return f"{prefix} (bij dit tempo niet binnen {PROJECTION_HORIZON_YEARS} jaar)"
    if state == "geen_voortgang":
        return f"{prefix} (geen voortgang in de laatste 12 maanden)"
    if prefix.startswith("te laat: uiterste"):
        return f"{prefix} (te weinig gegevens voor een verwachting)"
    return "te weinig gegevens voor een verwachting"


def local_time(value: datetime | None) -> str:
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    try:
        value = value.astimezone(ZoneInfo("Europe/Amsterdam"))
    except ZoneInfoNotFoundError:  # no tz database: show UTC
        pass
    return value.strftime("%d-%m-%Y %H:%M")


def nl_date(value) -> str:
    """``fmt_date_short`` for text that may not be a date: such text is shown as it is."""
    try:
        return fmt_date_short(value)
    except (TypeError, ValueError):
        return str(value)


# --------------------------------------------------------------------------------------------
# Two dates, named apart (issue 14, item 10). The address keeps ``?peildatum=`` (the view date),
# the upload files their column ``peildatum`` (a report's date) and the API its field names.
# --------------------------------------------------------------------------------------------

STAND_OP = "Stand op"  # the date the visitor looks at: what was known on that day
BRON = "Bron: ETVI-monitor, stand op {datum}"  # the provenance every downloaded chart and map carries


def bron(peildatum) -> str:
    """The source line of a chart image; a map adds its boundaries (``figures.svg_map.source_line``)."""
    return BRON.format(datum=fmt_date(peildatum))
GEMELD_PER = "Gemeld per"  # the date a gemeente's report is about (the upload's column peildatum)

# --------------------------------------------------------------------------------------------
# Begrippen: the programme's words, explained for a policy officer. Shown as a short explanation
# (``components.explain``) where a term first appears, and all together on /begrippen; each
# explanation links to its entry there (``term_href``). Facts from the programme's public sources
# (see /work/shared/domain.md); no date here that the data may still change: those are milestones.
# --------------------------------------------------------------------------------------------

GLOSSARY_PATH = "/begrippen"
GLOSSARY_TITLE = "Begrippen"
GLOSSARY_LINK = "Meer in Begrippen"


@dataclass(frozen=True)
class Term:
    """One entry of the glossary: ``key`` is its anchor on /begrippen, ``text`` the short
    explanation (one or two sentences), ``more`` what the glossary page adds."""

    key: str
    term: str
    text: str
    more: str = ""


TERMS: tuple[Term, ...] = (
    Term(
        "woonzorgvisie",
        "Woonzorgvisie",
        "De visie van een gemeente op wonen met zorg en ondersteuning: welke woningen en welke hulp inwoners nodig "
        "hebben die zorg of begeleiding krijgen. De gemeente stelt haar eigen visie op, afgestemd in de regio.",
        "Het programma vraagt alle gemeenten sinds 2023 aan een woonzorgvisie te werken, en wil dat die in 2026 is opgenomen in "
        "het volkshuisvestingsprogramma van de gemeente; daarom is de hoogste status 'opgenomen in "
        "volkshuisvestingsprogramma'. De koploperregio's schreven een regionale woonzorgvisie.",
    ),
    Term(
        "volkshuisvestingsprogramma",
        "Volkshuisvestingsprogramma",
        "Het programma voor wonen dat een gemeente opstelt onder de Wet versterking regie volkshuisvesting (Wvrv), "
        "zodra die wet geldt. De woonzorgvisie gaat daarin op.",
        "Wanneer het volkshuisvestingsprogramma klaar moet zijn, staat nog niet vast; de pagina Mijlpalen toont de "
        "bekende data en hoe zeker die zijn.",
    ),
    Term(
        "huisvestingsverordening",
        "Huisvestingsverordening",
        "Een gemeentelijke regeling over de verdeling van woonruimte: wie voor welke woning in aanmerking komt.",
        "De monitor volgt of een gemeente een huisvestingsverordening met een urgentieregeling heeft: het onderdeel "
        "'Verordening met urgentieregeling'.",
    ),
    Term(
        "urgentieregeling",
        "Urgentieregeling",
        "Het deel van de huisvestingsverordening dat regelt welke inwoners met voorrang (urgentie) een woning "
        "krijgen, zodat de meest kwetsbare eigen inwoners voorgaan.",
        "Het programma wil dat in 2026 alle gemeenten een verordening met urgentieregeling hebben.",
    ),
    Term(
        "verdeling-opgave",
        "Verdeling van de opgave (fair share)",
        "Regionale afspraken over hoe de gemeenten in een regio het huisvesten en ondersteunen van aandachtsgroepen "
        "onderling verdelen, zodat elke gemeente een eerlijk deel op zich neemt: de 'fair share'.",
        "Die afspraken worden in de regel per woningmarktregio (de regio van de woondeal) gemaakt. Het programma wil "
        "dat ze er in 2026 overal zijn.",
    ),
    Term(
        "aandachtsgroepen",
        "Aandachtsgroepen",
        "De groepen voor wie het programma betaalbare en passende woningen wil, met zorg en ondersteuning waar nodig.",
        "Het programma noemt: statushouders (vergunninghouders); mensen met een sociale of medische urgentie; mensen "
        "die uitstromen uit een intramurale (zorg)instelling; mensen die uit detentie komen; dak- en "
        "thuislozen; arbeidsmigranten; studenten; woonwagenbewoners; ouderen.",
    ),
    Term(
        "koploper",
        "Koploper en koploperregio",
        "Een van de zes koploperregio's van het programma: regio's die voorop lopen, onder meer met een regionale "
        "woonzorgvisie. Een gemeente in zo'n regio heeft de status 'koploper'.",
        "De zes koploperregio's: Metropoolregio Amsterdam, Parkstad Limburg, Haaglanden, Groene Metropoolregio "
        "Arnhem-Nijmegen, Groningen en Enschede (Twente). Welke gemeenten erbij horen, wordt niet landelijk "
        "gepubliceerd; de monitor kent het uit de aangeleverde gegevens.",
    ),
    Term(
        "gereed",
        "Gereed",
        "Een gemeente is gereed voor een onderdeel als haar status als af telt: een vastgestelde (of in het "
        "volkshuisvestingsprogramma opgenomen) woonzorgvisie, een vastgestelde verordening, vastgestelde afspraken "
        "over de verdeling of de status koploper.",
    ),
    Term(
        "gemeenten-met-melding",
        "Gemeenten met melding",
        "Het aantal gemeenten in het gebied waarvan op de datum 'stand op' een melding over dit onderdeel bekend "
        "was, welke status ook. Een gemeente zonder melding telt mee in het totaal, maar nooit als gereed.",
        "Is dit getal veel lager dan het aantal gemeenten, dan zegt het aandeel gereed vooral iets over ontbrekende "
        "meldingen.",
    ),
    Term(
        "nog-te-gaan",
        "Nog te gaan tot doel",
        "Hoeveel gemeenten in het gebied nog gereed moeten worden om het doel van de eerstvolgende mijlpaal te halen: "
        "het doel (een aandeel van het aantal gemeenten) min het aantal dat al gereed is.",
    ),
    Term(
        "stand-op",
        STAND_OP,
        "De datum waarop u kijkt: kaart, cijfers en tabellen tonen wat er op die dag bekend was. Latere meldingen "
        "tellen niet mee. Standaard is dat vandaag.",
        "In het adres van een pagina heet deze datum nog 'peildatum' (bijvoorbeeld ?peildatum=2026-03-31), zodat "
        "bestaande links blijven werken.",
    ),
    Term(
        "gemeld-per",
        GEMELD_PER,
        "De datum waarop een melding van een gemeente betrekking heeft. Een melding geldt tot er een nieuwere is.",
        "In het aanleverbestand en in de API heet dit de kolom of het veld 'peildatum'. Dat is iets anders dan de "
        "datum waarop het besluit is genomen: die staat bij 'vastgesteld op'.",
    ),
    Term(
        "vastgesteld-op",
        "Vastgesteld op",
        "De datum waarop de visie, verordening of afspraak is vastgesteld, als die bekend is. De lijnen in de tijd "
        "tellen een gemeente als gereed vanaf die datum.",
    ),
)
TERMS_BY_KEY = {t.key: t for t in TERMS}
# The terms behind the four onderdelen, in their order (the explanation next to an overview of all four).
ONDERDEEL_TERMS = ("woonzorgvisie", "huisvestingsverordening", "urgentieregeling", "verdeling-opgave", "koploper")


def term_href(key: str) -> str:
    """The address of a term's entry on the glossary page (``KeyError`` for an unknown term)."""
    return f"{GLOSSARY_PATH}#{TERMS_BY_KEY[key].key}"
