"""Partial dates: a date of birth may be known to the year or to the month only."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from concord.errors import InvalidInput

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; unknown parts are None."""

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text


def parse_partial_date(
    value: str, field: str = "date", *, today: dt.date | None = None
) -> PartialDate:
    """Parse and validate a partial date; impossible or future dates are refused."""
    if not isinstance(value, str):
        raise InvalidInput("must be a string YYYY, YYYY-MM or YYYY-MM-DD", field=field)
    match = _PATTERN.match(value.strip())
    if not match:
        raise InvalidInput(
            f"malformed date {value[:20]!r}: use YYYY, YYYY-MM or YYYY-MM-DD", field=field
        )
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if year < 1850:
        raise InvalidInput(f"impossible year {year}", field=field)
    if month is not None and not 1 <= month <= 12:
        raise InvalidInput(f"impossible month {month}", field=field)
    if month is not None and day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise InvalidInput(f"impossible date {value.strip()}", field=field) from None
    today = today or dt.date.today()
    earliest = dt.date(year, month or 1, day or 1)
    if earliest > today:
        raise InvalidInput(f"date {value.strip()} is in the future", field=field)
    return PartialDate(year, month, day)


def parse_full_date(value: str, field: str = "date") -> dt.date:
    """A complete ``YYYY-MM-DD`` date, any year."""
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise InvalidInput(
            f"malformed date {str(value)[:20]!r}: use YYYY-MM-DD", field=field
        ) from None
