"""The input contract: which column headers and status words a spreadsheet may use.

Onderdelen and their ordered status words are data (``data/statussen.csv`` → table StatusLevel),
so the contract is built from the database; only the aliases people type are listed here.
Headers match ignoring case, accents, spaces, underscores, hyphens and other punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

KOPLOPER = "koploper"

# Fields that are not an onderdeel. Keys are canonical field names, values the header aliases.
FIXED_HEADERS: dict[str, tuple[str, ...]] = {
    "gemeentecode": ("gemeentecode", "code", "cbs code", "gm code", "gemcode", "gemeentenummer", "code gemeente"),
    "gemeente": ("gemeente", "gemeentenaam", "naam", "naam gemeente", "gemeente naam"),
    "peildatum": ("peildatum", "peil datum", "datum peiling"),
    "koploperregio": ("koploperregio", "regio koploper", "koploper regio naam", "naam koploperregio"),
    "toelichting": ("toelichting", "opmerking", "opmerkingen", "notitie", "toelichtingen"),
    "bron": ("bron", "link", "url", "bronlink", "link naar document", "vindplaats"),
    "provincie": ("provincie", "provincienaam"),  # informational: recognised, not loaded
}

# Extra names for an onderdeel's status column (the onderdeel name itself always works).
ONDERDEEL_ALIASES: dict[str, tuple[str, ...]] = {
    "woonzorgvisie": ("woonzorg visie", "woon en zorgvisie", "woon- en zorgvisie"),
    "verordening": ("huisvestingsverordening", "urgentieregeling", "huisvestingsverordening met urgentieregeling"),
    "verdeling opgave": ("verdeling van de opgave", "verdeling", "verdelingsafspraken", "fair share"),
    KOPLOPER: ("koploperstatus", "koploper ja nee", "is koploper"),
}

# Headers for an onderdeel's adoption date; {o} is any name of the onderdeel.
DATE_PATTERNS = (
    "{o} vastgesteld op",
    "{o} vastgesteld",
    "{o} datum",
    "{o} datum vastgesteld",
    "{o} datum vaststelling",
    "{o} vaststelling",
    "datum {o}",
    "datum vastgesteld {o}",
    "datum vaststelling {o}",
    "vaststelling {o}",
    "vastgesteld op {o}",
)
STATUS_PATTERNS = ("{o}", "status {o}", "{o} status", "{o} stand", "{o} stand van zaken", "stand van zaken {o}")

# Status words people use instead of the official ones, per onderdeel. A synonym only applies
# when its target exists in the status table, so editing statussen.csv stays safe.
STATUS_SYNONYMS: dict[str, dict[str, str]] = {
    "woonzorgvisie": {
        "nee": "geen",
        "nog niet": "geen",
        "voorbereiding": "in voorbereiding",
        "in ontwikkeling": "in voorbereiding",
        "concept": "in concept",
        "ontwerp": "in concept",
        "opgenomen in vhp": "opgenomen in volkshuisvestingsprogramma",
        "in vhp": "opgenomen in volkshuisvestingsprogramma",
        "in volkshuisvestingsprogramma": "opgenomen in volkshuisvestingsprogramma",
    },
    "verordening": {
        "nee": "geen",
        "nog niet": "geen",
        "voorbereiding": "in voorbereiding",
        "in ontwikkeling": "in voorbereiding",
    },
    "verdeling opgave": {
        "geen": "geen afspraken",
        "nee": "geen afspraken",
        "gesprek": "in gesprek",
        "concept": "afspraken in concept",
        "in concept": "afspraken in concept",
        "vastgesteld": "afspraken vastgesteld",
    },
    KOPLOPER: {
        "j": "ja",
        "yes": "ja",
        "y": "ja",
        "x": "ja",
        "waar": "ja",
        "true": "ja",
        "1": "ja",
        "n": "nee",
        "no": "nee",
        "onwaar": "nee",
        "false": "nee",
        "0": "nee",
    },
}

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")

# Rows below the data that are not gemeenten, by the text in their first cells: totals (what
# Excel's table totals row, pivot tables and hand-made sums write) and notes. Only applied to a
# row whose gemeente cells name no gemeente, so a real gemeente is never taken for one.
TOTAL_WORDS = (
    "totaal generaal", "eindtotaal", "subtotaal", "totaal", "totalen", "som", "gemiddelde", "gemiddeld", "aantal",
    "mediaan", "minimum", "maximum", "grand total", "subtotal", "totals", "total", "sum", "average", "count",
)  # fmt: skip
NOTE_WORDS = (
    "bron", "bronnen", "toelichting", "opmerking", "opmerkingen", "noot", "noten", "voetnoot", "let op", "nb", "n b",
    "legenda", "disclaimer", "laatst bijgewerkt", "bijgewerkt", "toegevoegd", "ingevuld door", "opgesteld door", "versie",
)  # fmt: skip
_TOTAL = re.compile(rf"^(?:{'|'.join(re.escape(w) for w in TOTAL_WORDS)})(?: |$)")
_NOTE = re.compile(rf"^(?:{'|'.join(re.escape(w) for w in NOTE_WORDS)})(?: |$)")
_NOTE_MARK = re.compile(r"^\s*(?:[*†‡¹²³⁴⁵⁶⁷⁸⁹]|\(\d{1,2}\)|\[\d{1,2}\]|\d{1,2}\)\s)")
TOTAL, NOTE = "totaal", "opmerking"


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def header_key(text: object) -> str:
    """'Woonzorgvisie_vastgesteld-op ' → 'woonzorgvisievastgesteldop'."""
    return _NON_ALNUM.sub("", strip_accents(str(text)).lower())


def word_key(text: object) -> str:
    """Status words: lower case, no accents, single spaces, no trailing dot."""
    return _SPACES.sub(" ", strip_accents(str(text)).lower()).strip().rstrip(".").strip()


def row_kind(text: object) -> str | None:
    """TOTAL for "Totaal", "Som van …", "Aantal: 12"; NOTE for "Bron: …", "* …", "Toelichting: …";
    else None. Whether the row names a gemeente after all is for the caller to check."""
    if not isinstance(text, str) or not text.strip():
        return None
    if _NOTE_MARK.match(text):
        return NOTE
    words = _NON_ALNUM.sub(" ", strip_accents(text).lower()).strip()
    if _TOTAL.match(words):
        return TOTAL
    if _NOTE.match(words):
        return NOTE
    return None


def date_column(onderdeel: str) -> str:
    return f"{onderdeel} vastgesteld op"


def has_date(onderdeel: str) -> bool:
    """Koploper is a yes/no membership; the other onderdelen are adopted on a date."""
    return onderdeel != KOPLOPER


@dataclass
class Contract:
    """Onderdelen with their ordered status words, and the header lookup built from them."""

    levels: dict[str, list[str]]  # onderdeel → status words, lowest first
    headers: dict[str, str] = field(default_factory=dict)  # header key → field name
    words: dict[str, dict[str, str]] = field(default_factory=dict)  # onderdeel → word key → status

    def __post_init__(self) -> None:
        for name, aliases in FIXED_HEADERS.items():
            for alias in aliases:
                self.headers.setdefault(header_key(alias), name)
        for onderdeel in self.levels:
            names = (onderdeel, *ONDERDEEL_ALIASES.get(onderdeel, ()))
            for n in names:
                for pattern in STATUS_PATTERNS:
                    self.headers.setdefault(header_key(pattern.format(o=n)), f"status:{onderdeel}")
                for pattern in DATE_PATTERNS:
                    self.headers.setdefault(header_key(pattern.format(o=n)), f"datum:{onderdeel}")
            words = {word_key(s): s for s in self.levels[onderdeel]}
            for synonym, target in STATUS_SYNONYMS.get(onderdeel, {}).items():
                if target in self.levels[onderdeel]:
                    words.setdefault(word_key(synonym), target)
            self.words[onderdeel] = words

    @property
    def onderdelen(self) -> list[str]:
        return list(self.levels)

    def field_for(self, header: object) -> str | None:
        return self.headers.get(header_key(header))

    def status(self, onderdeel: str, text: str) -> str | None:
        return self.words[onderdeel].get(word_key(text))

    def columns(self) -> list[str]:
        """The template's data columns, in order."""
        cols = ["gemeentecode", "gemeente", "provincie"]
        for onderdeel in self.onderdelen:
            cols.append(onderdeel)
            if has_date(onderdeel):
                cols.append(date_column(onderdeel))
            if onderdeel == KOPLOPER:
                cols.append("koploperregio")
        return cols + ["toelichting", "bron"]


# The order onderdelen appear in files and exports; others (added in statussen.csv) follow.
PREFERRED_ORDER = ["woonzorgvisie", "verordening", "verdeling opgave", KOPLOPER]


def contract_from_levels(rows: list[tuple[str, int, str]]) -> Contract:
    """Build the contract from (onderdeel, rank, status) rows of the StatusLevel table."""
    by_onderdeel: dict[str, list[tuple[int, str]]] = {}
    for onderdeel, rank, status in rows:
        by_onderdeel.setdefault(onderdeel, []).append((rank, status))
    order = sorted(by_onderdeel, key=lambda o: (PREFERRED_ORDER.index(o) if o in PREFERRED_ORDER else 99, o))
    return Contract({o: [s for _, s in sorted(by_onderdeel[o])] for o in order})
