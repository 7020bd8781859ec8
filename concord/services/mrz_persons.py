"""The person fields of a machine-readable zone, as a person check's query.

An officer who swipes a passport has the holder's name, date of birth,
nationality and sex in the zone: checking them needs no typing. The zone's
names are already in Latin capitals (Doc 9303 transliteration), given names
second; the check reads them in that order. A failed check digit does not stop
the check (a misread zone still names the person): the answer says which digit
failed so the officer can look at the document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from concord.domain.countries import all_countries
from concord.errors import InvalidInput
from concord.identifiers.icao import normalise_issuing_state
from concord.identifiers.mrz import MRZ, parse_mrz

# ICAO nationality codes that name a country ISO does not list under that code.
_BRITISH = frozenset({"GBD", "GBN", "GBO", "GBP", "GBS"})


def read_zone(text: object, *, field: str = "mrz") -> MRZ:
    if not isinstance(text, str):
        raise InvalidInput("must be a string", field=field)
    try:
        return parse_mrz(text)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=field) from None


def person_fields(zone: MRZ, *, today: dt.date | None = None) -> dict[str, str | None]:
    """``name``, ``dob``, ``nationality`` and ``sex`` for :func:`person_query`."""
    name = " ".join(part for part in (zone.secondary_identifier, zone.primary_identifier) if part)
    return {
        "name": name,
        "dob": zone.birth_date_iso or _birth_year(zone.birth_date, today or dt.date.today()),
        "nationality": _nationality(zone.nationality),
        "sex": zone.sex if zone.sex in ("M", "F") else None,
    }


def zone_summary(zone: MRZ) -> dict[str, Any]:
    """What the answer says about the zone: the document, and any failed check digit."""
    return {
        "format": zone.format,
        "document_number": zone.document_number,
        "issuing_state": zone.issuing_state,
        "valid": zone.valid,
        "failed_checks": [
            {"check": c.name, "line": c.line, "position": c.position} for c in zone.failed()
        ],
    }


def _nationality(code: str) -> str | None:
    """The ISO code, or None for a code that names no country (stateless, refugee, UN)."""
    try:
        stored = normalise_issuing_state(code, field="mrz")
    except InvalidInput:
        return None
    if stored in _BRITISH:
        return "GBR"
    return stored if stored in all_countries() else None


def _birth_year(printed: str, today: dt.date) -> str | None:
    """A zone that knows only the year ("85<<<<") still gives it, in the latest
    century not in the future; unknown digits give nothing."""
    digits = printed[:2]
    if len(digits) != 2 or not digits.isdigit():
        return None
    year = today.year // 100 * 100 + int(digits)
    return str(year if year <= today.year else year - 100)
