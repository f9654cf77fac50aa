"""``etvi.codes``: the one rule for CBS gemeente and provincie codes, as a table of what it takes and refuses."""

from __future__ import annotations

import pytest

from etvi.codes import gemeente_code, provincie_code

GEMEENTE_ACCEPTED = [
    ("GM0363", "GM0363"),
    ("gm0363", "GM0363"),
    ("GM 0363", "GM0363"),
    ("gm 363", "GM0363"),
    ("GM-0363", "GM0363"),
    ("GM.363", "GM0363"),
    ("GM_0363", "GM0363"),
    ("GM363", "GM0363"),
    ("363", "GM0363"),
    ("0363", "GM0363"),
    ("00363", "GM0363"),
    ("  363\t", "GM0363"),
    ("363.0", "GM0363"),
    (363, "GM0363"),
    (363.0, "GM0363"),
    ("GM1", "GM0001"),
    (1, "GM0001"),
    ("9999", "GM9999"),
    ("GM1900", "GM1900"),
]
GEMEENTE_REFUSED = [
    "Amsterdam",
    "GM",
    "",
    "   ",
    "0",
    "GM0000",
    0,
    "12345",
    "GM12345",
    "363.5",
    363.5,
    "36.3",
    "-363",
    -363,
    "GM03 63",
    "GM 03 63",
    "PV27",
    "363a",
    True,
    False,
    None,
    float("nan"),
]
PROVINCIE_ACCEPTED = [
    ("PV27", "PV27"),
    ("pv 27", "PV27"),
    ("PV-27", "PV27"),
    ("27", "PV27"),
    ("027", "PV27"),
    (27, "PV27"),
    (27.0, "PV27"),
    ("27.0", "PV27"),
    ("PV7", "PV07"),
    ("7", "PV07"),
]
PROVINCIE_REFUSED = ["Utrecht", "PV", "", "0", "PV00", "123", "PV123", "2.7", "-27", "GM0027", True, None, float("inf")]


@pytest.mark.parametrize("value, code", GEMEENTE_ACCEPTED)
def test_gemeente_code_accepts(value, code):
    assert gemeente_code(value) == code


@pytest.mark.parametrize("value", GEMEENTE_REFUSED)
def test_gemeente_code_refuses(value):
    assert gemeente_code(value) is None


@pytest.mark.parametrize("value, code", PROVINCIE_ACCEPTED)
def test_provincie_code_accepts(value, code):
    assert provincie_code(value) == code


@pytest.mark.parametrize("value", PROVINCIE_REFUSED)
def test_provincie_code_refuses(value):
    assert provincie_code(value) is None


def test_a_code_read_again_stays_the_same():
    for _, code in GEMEENTE_ACCEPTED:
        assert gemeente_code(code) == code
    for _, code in PROVINCIE_ACCEPTED:
        assert provincie_code(code) == code
