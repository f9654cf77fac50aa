"""The small parsers: dates, gemeenten, header names and status words."""

from datetime import date, datetime

import pytest

from etl.contract import header_key
from etl.dates import DateError, parse_date
from etl.errors import Problem


@pytest.mark.parametrize(
    "raw, expected",
    [
        (date(2024, 3, 1), date(2024, 3, 1)),
        (datetime(2024, 3, 1, 14, 30), date(2024, 3, 1)),
        (45352, date(2024, 3, 1)),
        (45352.0, date(2024, 3, 1)),
        ("45352", date(2024, 3, 1)),
        ("2024-03-01", date(2024, 3, 1)),
        ("2024-03-01 00:00:00", date(2024, 3, 1)),
        ("1-3-2024", date(2024, 3, 1)),
        ("01-03-2024", date(2024, 3, 1)),
        ("1/3/2024", date(2024, 3, 1)),
        ("1.3.2024", date(2024, 3, 1)),
        ("1-3-24", date(2024, 3, 1)),
        ("1 maart 2024", date(2024, 3, 1)),
        ("1 Maart 2024", date(2024, 3, 1)),
        ("15 mrt. 2023", date(2023, 3, 15)),
        ("1-okt-2025", date(2025, 10, 1)),
        ("31 december 2023", date(2023, 12, 31)),
        ("  12-11-2023 ", date(2023, 11, 12)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_every_accepted_form_day_before_month(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31-02-2024", "2024-13-01", "13-13-2024", "1 maand 2024", "morgen", "1-3", True, 12, "3/1/1899"])
def test_bad_dates_are_refused_with_a_dutch_message(raw):
    with pytest.raises(DateError) as err:
        parse_date(raw)
    assert "datum" in str(err.value) or "periode" in str(err.value)


@pytest.mark.parametrize(
    "typed, code",
    [
        ("Amsterdam", "GM0363"),
        ("amsterdam ", "GM0363"),
        ("Gemeente Amsterdam", "GM0363"),
        ("Den Haag", "GM0518"),
        ("'s-Gravenhage", "GM0518"),
        ("s Gravenhage", "GM0518"),
        ("Den Bosch", "GM0796"),
        ("'s-Hertogenbosch", "GM0796"),
        ("Súdwest-Fryslân", "GM1900"),
        ("Sudwest Fryslan", "GM1900"),
        ("SÚDWEST-FRYSLÂN", "GM1900"),
        ("Noardeast-Fryslan", "GM1970"),
        ("Bergen (NH)", "GM0373"),
        ("Bergen (NH.)", "GM0373"),
        ("Bergen NH", "GM0373"),
        ("Bergen (L)", "GM0893"),
        ("Bergen (Limburg)", "GM0893"),
        ("Nuenen", "GM0820"),
        ("Nuenen, Gerwen en Nederwetten", "GM0820"),
        ("Hengelo", "GM0164"),
        ("Bergen op Zoom", "GM0748"),
    ],
)
def test_names_people_type(resolver, typed, code):
    found = resolver.by_name(typed)
    assert (found.code, found.error, found.warning) == (code, None, None)


@pytest.mark.parametrize(
    "typed, new",
    [("Weesp", "GM0363"), ("Heerhugowaard", "GM1980"), ("Langedijk", "GM1980"), ("Uden", "GM1991"), ("Brielle", "GM1992"), ("Beemster", "GM0439")],
)
def test_pre_merger_names_map_to_the_current_gemeente_with_a_warning(resolver, typed, new):
    found = resolver.by_name(typed)
    assert found.code == new
    assert typed in found.warning and "opgegaan in" in found.warning


def test_pre_merger_code_maps_too(resolver):
    found = resolver.by_code("GM0457")
    assert found.code == "GM0363" and "Weesp" in found.warning
    assert resolver.by_code(398).code == "GM1980"


def test_bergen_alone_is_ambiguous_and_names_both(resolver):
    found = resolver.by_name("Bergen")
    assert found.code is None
    assert set(found.candidates) == {"GM0373", "GM0893"}
    assert "Bergen (NH.) (GM0373)" in found.error and "Bergen (L.) (GM0893)" in found.error


def test_unknown_name_lists_the_closest_candidates(resolver):
    found = resolver.by_name("Amsterdm")
    assert found.code is None
    assert found.candidates[0] == "GM0363"
    assert "Bedoelt u: Amsterdam (GM0363)" in found.error
    assert resolver.by_name("Xyzzyqwv").candidates == ()


def test_code_wins_and_must_agree_with_the_name(resolver):
    assert resolver.resolve("GM0363", "Amsterdam").code == "GM0363"
    assert resolver.resolve("363", "Amsterdm").code == "GM0363"  # a typo close to the code's name
    assert resolver.resolve("GM0373", "Bergen").code == "GM0373"  # ambiguous name, code decides
    clash = resolver.resolve("GM0363", "Rotterdam")
    assert clash.code is None and "hoort bij Amsterdam" in clash.error and "Rotterdam (GM0599)" in clash.error
    assert resolver.resolve("GM9999", "").error == "gemeentecode GM9999 bestaat niet (meer)"


def test_header_keys_ignore_case_accents_spaces_underscores_hyphens():
    assert header_key("Woonzorgvisie_Vastgesteld-op ") == header_key("woonzorgvisie vastgesteld op")
    assert header_key("GEMEENTE CODE") == header_key("gemeente_code") == "gemeentecode"
    assert header_key("Koplopérregio") == "koploperregio"


def test_header_aliases_and_status_words(contract):
    assert contract.field_for("CBS_code") == "gemeentecode"
    assert contract.field_for("Huisvestingsverordening") == "status:verordening"
    assert contract.field_for("Datum vaststelling verordening") == "datum:verordening"
    assert contract.field_for("Verdeling van de opgave") == "status:verdeling opgave"
    assert contract.field_for("Contactpersoon") is None
    assert contract.status("verordening", "  Vastgesteld ") == "vastgesteld"
    assert contract.status("verordening", "in  voorbereiding.") == "in voorbereiding"
    assert contract.status("woonzorgvisie", "opgenomen in VHP") == "opgenomen in volkshuisvestingsprogramma"
    assert contract.status("verdeling opgave", "vastgesteld") == "afspraken vastgesteld"
    assert contract.status("koploper", "J") == "ja"
    assert contract.status("verordening", "klaar") is None
    assert contract.status("verordening", "in concept") is None  # a word of another onderdeel


def test_problem_renders_as_one_dutch_line():
    p = Problem(
        "'klaar' is geen geldige status", file="status.xlsx", sheet="Status", row=14, column="Verordening",
        value="klaar", allowed=("geen", "in voorbereiding", "vastgesteld"),
    )  # fmt: skip
    assert p.render() == (
        "status.xlsx, blad Status, rij 14, kolom 'Verordening': 'klaar' is geen geldige status. "
        "Toegestaan: geen, in voorbereiding, vastgesteld."
    )
    assert Problem("het bestand is leeg", file="a.csv").render() == "a.csv: het bestand is leeg."
    assert p.to_dict()["row"] == 14 and p.to_dict()["allowed"] == ["geen", "in voorbereiding", "vastgesteld"]
