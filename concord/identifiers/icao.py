"""ICAO 9303 Part 3 codes for issuing states, organisations and nationalities.

An MRZ names its issuer with ISO 3166 alpha-3 codes plus the codes ICAO adds for
what ISO does not cover. Germany is the one state whose ICAO code differs from
ISO ("D", not "DEU"); Concord stores DEU so that one country has one code.
"""

from __future__ import annotations

from functools import cache

from concord.domain.countries import all_countries
from concord.errors import InvalidInput

GERMANY_ICAO = "D"

# Doc 9303 Part 3, section 5, the codes that are not ISO 3166-1 alpha-3 (kept as they are).
ICAO_SPECIAL_CODES: dict[str, str] = {
    # Part A: not in ISO 3166-1 (D is mapped to DEU instead, see above).
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "RKS": "Kosovo",
    # Part B: reserved by the ISO 3166 maintenance agency.
    "EUE": "European Union",
    # Part C: United Nations travel documents.
    "UNO": "United Nations Organization or one of its officials",
    "UNA": "United Nations specialized agency or one of its officials",
    "UNK": "Resident of Kosovo with a UNMIK travel document",
    # Part D: other issuing authorities.
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community (CARICOM)",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa (COMESA)",
    "XEC": "Economic Community of West African States (ECOWAS)",
    "XPO": "International Criminal Police Organization",
    "XES": "Organization of Eastern Caribbean States",
    "XMP": "Parliamentary Assembly of the Mediterranean",
    "XOM": "Sovereign Military Order of Malta",
    "XDC": "Southern African Development Community",
    # Part E: persons without a defined nationality.
    "XXA": "Stateless person (1954 Convention)",
    "XXB": "Refugee (1951 Convention)",
    "XXC": "Refugee, other than XXB",
    "XXX": "Person of unspecified nationality",
    # Part F: withdrawn from ISO 3166 but still on documents issued before.
    "ANT": "Netherlands Antilles",
    "NTZ": "Neutral Zone",
}
# Deliberately left out: UTO (Utopia, the specimen state: a record naming it is a
# sample, not data) and IAO (ICAO itself, used to sign master lists, on no document).


@cache
def _alpha2() -> dict[str, str]:
    return {c.alpha2: c.code for c in all_countries().values() if c.alpha2}


def _clean(code: str) -> str:
    return "".join(c for c in code if not c.isspace() and c != "<").upper()


def normalise_issuing_state(code: str, field: str = "issuing_country") -> str:
    """ISO alpha-2, alpha-3 or an ICAO code -> the stored code (alpha-3, or the ICAO code).

    Case-insensitive; spaces and MRZ filler are dropped so "d<<" from a zone works.
    """
    if not isinstance(code, str):
        raise InvalidInput("must be a country code", field=field)
    known = _KNOWN.get(code)
    if known is not None:
        return known
    result = _normalise(code, field)
    if len(_KNOWN) < 10_000:
        _KNOWN[code] = result
    return result


def known_issuing_state(code: object) -> str | None:
    """The stored code of a spelling already seen valid, else None (ask normalise_issuing_state)."""
    return _KNOWN.get(code) if isinstance(code, str) else None


# Spellings already seen -> stored code: imports repeat a handful of codes millions of times.
_KNOWN: dict[str, str] = {}


def _normalise(code: str, field: str) -> str:
    clean = _clean(code)
    if clean == GERMANY_ICAO:
        return "DEU"
    if len(clean) == 2 and clean in _alpha2():
        return _alpha2()[clean]
    if len(clean) == 3 and (clean in all_countries() or clean in ICAO_SPECIAL_CODES):
        return clean
    raise InvalidInput(
        f"unknown issuing state {code[:10]!r} (use ISO 3166 alpha-2, alpha-3 or an ICAO code)",
        field=field,
    )


def is_icao_code(code: str) -> bool:
    """True for a code an MRZ may carry: D, an ISO alpha-3 other than DEU, or an ICAO code.

    DEU is not one: Doc 9303 gives Germany "D". Alpha-2 codes never appear in a zone.
    """
    clean = _clean(code) if isinstance(code, str) else ""
    if clean == GERMANY_ICAO or clean in ICAO_SPECIAL_CODES:
        return True
    return len(clean) == 3 and clean != "DEU" and clean in all_countries()
