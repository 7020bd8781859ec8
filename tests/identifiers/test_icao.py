"""ICAO 9303 issuing-state codes."""

from __future__ import annotations

import pytest

from concord.domain.countries import all_countries
from concord.errors import InvalidInput
from concord.identifiers.icao import ICAO_SPECIAL_CODES, is_icao_code, normalise_issuing_state

SPECIALS = sorted(ICAO_SPECIAL_CODES)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("D", "DEU"),
        ("d<<", "DEU"),
        (" D ", "DEU"),
        ("DE", "DEU"),
        ("DEU", "DEU"),
        ("fr", "FRA"),
        ("FRA", "FRA"),
        ("gbr", "GBR"),
        ("GBD", "GBD"),
        ("XPO", "XPO"),
        ("xxa", "XXA"),
        ("UNO", "UNO"),
        ("RKS", "RKS"),
        ("NTZ", "NTZ"),
        ("U N K", "UNK"),
    ],
)
def test_normalise(code: str, expected: str) -> None:
    assert normalise_issuing_state(code) == expected


@pytest.mark.parametrize("code", SPECIALS)
def test_every_special_code_is_kept_as_it_is(code: str) -> None:
    assert normalise_issuing_state(code.lower()) == code
    assert is_icao_code(code)


def test_the_special_list() -> None:
    required = {
        "UNO", "UNA", "UNK", "XBA", "XIM", "XCC", "XCE", "XCO", "XEC", "XES", "XMP", "XOM",
        "XDC", "XPO", "XXA", "XXB", "XXC", "XXX", "EUE", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS",
    }  # fmt: skip
    assert required <= set(ICAO_SPECIAL_CODES)
    assert not {"UTO", "IAO", "D", "DEU"} & set(ICAO_SPECIAL_CODES)
    # None of them shadows an ISO 3166 country, except XPO which the domain already knows.
    assert set(ICAO_SPECIAL_CODES) & set(all_countries()) == {"XPO"}


@pytest.mark.parametrize("code", ["", "<<<", "ZZ", "ZZZ", "UTO", "IAO", "FRANCE", "F", "1AB", "É"])
def test_unknown(code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        normalise_issuing_state(code, "issuer")
    assert err.value.field == "issuer"
    assert not is_icao_code(code)


def test_default_field() -> None:
    with pytest.raises(InvalidInput) as err:
        normalise_issuing_state("ZZZ")
    assert err.value.field == "issuing_country"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("D", True),
        ("D<<", True),
        ("DEU", False),  # Doc 9303 gives Germany D
        ("FRA", True),
        ("FR", False),  # alpha-2 never appears in a zone
        ("XXX", True),
        ("EUE", True),
    ],
)
def test_is_icao_code(code: str, expected: bool) -> None:
    assert is_icao_code(code) is expected
