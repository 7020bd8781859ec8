"""Check digits: ICAO 9303, VIN position 9, IMO numbers."""

from __future__ import annotations

import pytest

from concord.errors import InvalidInput
from concord.identifiers.checkdigits import (
    VinCheck,
    icao_check_digit,
    imo_check,
    vin_check,
    vin_check_digit,
)


@pytest.mark.parametrize(
    ("text", "digit"),
    [
        # The fields of the Doc 9303 Utopia specimens.
        ("L898902C3", "6"),
        ("740812", "2"),
        ("120415", "9"),
        ("ZE184226B<<<<<", "1"),
        ("D23145890", "7"),
        ("L8988901C", "4"),
        ("400907", "8"),
        ("961210", "9"),
        ("", "0"),
        ("<<<<<<<<<", "0"),
        ("A", "0"),  # 10 * 7 = 70
        ("B", "7"),  # 11 * 7 = 77
        ("Z", "5"),  # 35 * 7 = 245
    ],
)
def test_icao_check_digit(text: str, digit: str) -> None:
    assert icao_check_digit(text) == digit


def test_icao_check_digit_refuses_characters_outside_the_zone_alphabet() -> None:
    with pytest.raises(InvalidInput):
        icao_check_digit("ab")


@pytest.mark.parametrize(
    ("vin", "digit"),
    [
        ("1M8GDM9AXKP042788", "X"),  # the textbook example, remainder 10
        ("11111111111111111", "1"),
        ("1HGCM82633A004352", "3"),
    ],
)
def test_vin_check_digit(vin: str, digit: str) -> None:
    assert vin_check_digit(vin) == digit


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP04278", "1M8GDM9AXKP0427O8", "1M8GDM9AXKP04278Q"])
def test_vin_check_digit_needs_17_vin_characters(vin: str) -> None:
    with pytest.raises(InvalidInput) as err:
        vin_check_digit(vin)
    assert err.value.field == "vin"


@pytest.mark.parametrize(
    ("vin", "expected"),
    [
        ("1M8GDM9AXKP042788", VinCheck(True, True, "X")),
        ("11111111111111111", VinCheck(True, True, "1")),
        ("1M8GDM9A1KP042788", VinCheck(True, False, "X")),
        ("2T1BURHE0JC000000", VinCheck(True, False, "8")),
        # European and Japanese makers need not carry one: position 9 is theirs.
        ("WVWZZZ1JZXW000001", VinCheck(False, None, None)),
        ("JT2AE92E0J3000000", VinCheck(False, None, None)),
        # Pre-1981 short VINs carry none.
        ("1J57H2B123456", VinCheck(False, None, None)),
    ],
)
def test_vin_check(vin: str, expected: VinCheck) -> None:
    assert vin_check(vin) == expected


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("9074729", True),
        ("9074728", False),
        ("9176187", True),
        ("9321483", True),
        ("907472", False),
        ("90747290", False),
        ("907472X", False),
        ("", False),
        ("９０７４７２９", False),  # full-width digits: the key function handles those
    ],
)
def test_imo_check(number: str, ok: bool) -> None:
    assert imo_check(number) is ok
