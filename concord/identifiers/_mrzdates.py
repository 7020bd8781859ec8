"""YYMMDD dates of a machine-readable zone and the century each one belongs to.

Shared by the parser and the formatters so both accept exactly the same dates.
The caller has already checked the characters: digits, or '<' pairs in a birth date.
"""

from __future__ import annotations

from datetime import date

EXPIRY_PIVOT = 70  # expiry YY < 70 is 20YY, otherwise 19YY


def _known(pair: str) -> int | None:
    return None if pair == "<<" else int(pair)


def resolve_birth(text: str, today: date) -> date | None:
    """The latest century that puts the date on or before today; None if partly unknown.

    Doc 9303 fills unknown parts of a birth date with '<'. Raises ValueError for
    a date that cannot exist (month 13, 31 April, 29 February of a common year).
    """
    year, month, day = _known(text[0:2]), _known(text[2:4]), _known(text[4:6])
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month:02d} does not exist")
    if day is not None and not 1 <= day <= 31:
        raise ValueError(f"day {day:02d} does not exist")
    if year is None or month is None or day is None:
        return None
    for century in (2000, 1900):
        try:
            candidate = date(century + year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    raise ValueError(f"{text} is not a date on or before {today.isoformat()}")


def resolve_expiry(text: str) -> date:
    """20YY when YY < 70, else 19YY: documents last at most ten years, and no
    machine-readable document expired before 1970. Raises ValueError for an impossible date."""
    year, month, day = int(text[0:2]), int(text[2:4]), int(text[4:6])
    century = 2000 if year < EXPIRY_PIVOT else 1900
    try:
        return date(century + year, month, day)
    except ValueError:
        raise ValueError(f"{text} is not a date") from None
