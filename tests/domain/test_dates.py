"""Partial dates of birth: a table of cases."""

from __future__ import annotations

import datetime as dt

import pytest

from concord.domain.dates import PartialDate, parse_partial_date
from concord.errors import InvalidInput

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1975", PartialDate(1975)),
        ("1975-03", PartialDate(1975, 3)),
        ("1975-03-02", PartialDate(1975, 3, 2)),
        (" 2000-02-29 ", PartialDate(2000, 2, 29)),
        ("2026-11", PartialDate(2026, 11)),
    ],
)
def test_valid(text: str, expected: PartialDate) -> None:
    assert parse_partial_date(text, today=TODAY) == expected
    assert str(expected) == text.strip()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1975-3-2", "malformed"),
        ("02/03/1975", "malformed"),
        ("", "malformed"),
        ("1975-13", "impossible month"),
        ("1975-00", "impossible month"),
        ("1975-02-30", "impossible date"),
        ("1900-02-29", "impossible date"),
        ("1700", "impossible year"),
        ("2027", "future"),
        ("2026-12", "future"),
        ("2026-11-24", "future"),
    ],
)
def test_invalid(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_partial_date(text, "dob", today=TODAY)
    assert err.value.field == "dob"
    assert reason in err.value.message
