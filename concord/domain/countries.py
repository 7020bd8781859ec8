"""ISO 3166 countries, the organisation's own code, and code normalisation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry

from concord.errors import InvalidInput

# The General Secretariat and the CCF act for the organisation, not a country.
# XPO is the ICAO 9303 code for documents issued by the organisation itself.
ORGANISATION_CODE = "XPO"
ORGANISATION_NAME = "General Secretariat"


@dataclass(frozen=True, slots=True)
class CountryInfo:
    code: str  # ISO 3166-1 alpha-3 (or XPO)
    alpha2: str
    name: str
    is_organisation: bool = False


KOSOVO = CountryInfo("XKX", "XK", "Kosovo")


@cache
def all_countries() -> dict[str, CountryInfo]:
    """Every ISO 3166-1 country by alpha-3 code, plus the organisation."""
    table = {
        c.alpha_3: CountryInfo(c.alpha_3, c.alpha_2, getattr(c, "common_name", None) or c.name)
        for c in pycountry.countries
    }
    table[ORGANISATION_CODE] = CountryInfo(ORGANISATION_CODE, "", ORGANISATION_NAME, True)
    # Kosovo has no ISO code yet; XK / XKX are the user-assigned codes in common use
    # (the EU, the Red Cross, OFAC and Kosovo's own documents).
    table[KOSOVO.code] = KOSOVO
    return table


@cache
def _alpha2_to_alpha3() -> dict[str, str]:
    return {c.alpha2: c.code for c in all_countries().values() if c.alpha2}


def normalise_country(value: str, field: str = "country") -> str:
    """Return the alpha-3 code for an alpha-2 or alpha-3 code, or raise naming the field."""
    if not isinstance(value, str):
        raise InvalidInput("must be a country code", field=field)
    code = value.strip().upper()
    if len(code) == 2 and code in _alpha2_to_alpha3():
        return _alpha2_to_alpha3()[code]
    if len(code) == 3 and code in all_countries():
        return code
    raise InvalidInput(
        f"unknown country code {value[:10]!r} (use ISO 3166 alpha-2 or alpha-3)", field=field
    )


@cache
def current_members() -> frozenset[str]:
    """The member countries seeded by the demo (see data/members.txt for the source)."""
    text = resources.files("concord.domain").joinpath("data/members.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
