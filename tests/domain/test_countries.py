"""Country codes and the member list."""

from __future__ import annotations

import pytest

from concord.domain.countries import all_countries, current_members, normalise_country
from concord.errors import InvalidInput


@pytest.mark.parametrize(
    ("code", "expected"),
    [("FR", "FRA"), ("fra", "FRA"), (" de ", "DEU"), ("XPO", "XPO"), ("PS", "PSE"), ("VA", "VAT")],
)
def test_normalise(code: str, expected: str) -> None:
    assert normalise_country(code) == expected


@pytest.mark.parametrize("code", ["ZZ", "ZZZ", "FRANCE", "", "F", "D", "UNO"])
def test_unknown(code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        normalise_country(code, "nationalities[0]")
    assert err.value.field == "nationalities[0]"


def test_every_iso_country_and_the_organisation() -> None:
    table = all_countries()
    assert len(table) == 251  # 249 ISO 3166-1 entries, XPO, and Kosovo (XK / XKX)
    assert table["XPO"].is_organisation
    assert normalise_country("XK") == normalise_country("xkx") == "XKX"


def test_members_of_today() -> None:
    members = current_members()
    assert len(members) == 195
    assert {"FRA", "USA", "CHN", "RUS", "PLW", "VAT", "PSE", "ABW", "CUW", "SXM"} <= members
    assert not {"PRK", "FSM", "TUV", "TWN", "HKG"} & members
    assert members <= set(all_countries())
