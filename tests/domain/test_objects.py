"""The plain-row shortcut of document validation must judge exactly like the general rules."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concord.domain import fields, objects
from concord.errors import InvalidInput

BASE = {
    "reference": "REF-1",
    "number": "C01X00T47",
    "issuing_country": "DEU",
    "type": "passport",
    "status": "stolen",
    "issued": "2020-01-02",
    "expires": "2030-01-01",
    "lost_on": "2024-05-06",
}


def general(data: dict[str, Any]) -> objects.Validated | InvalidInput:
    """The general rules alone (the shortcut switched off)."""
    original = objects._plain_document
    objects._plain_document = lambda _data: None  # type: ignore[assignment]
    try:
        return objects.validate_document(data, True)
    except InvalidInput as exc:
        return exc
    finally:
        objects._plain_document = original  # type: ignore[assignment]


def both(data: dict[str, Any]) -> tuple[Any, Any]:
    slow = general(data)  # first: fills the caches the shortcut relies on
    try:
        fast: Any = objects.validate_document(data, True)
    except InvalidInput as exc:
        fast = exc
    return slow, fast


def same(slow: Any, fast: Any) -> None:
    if isinstance(slow, InvalidInput):
        assert isinstance(fast, InvalidInput)
        assert (fast.field, fast.message) == (slow.field, slow.message)
    else:
        assert list(fast.row.items()) == list(slow.row.items())  # same columns, same order
        assert fast.countries == slow.countries


CASES = [
    {},
    {"number": "c01x00t47"},
    {"number": "C01-X00 T47"},
    {"number": "ÄB12"},
    {"number": "A" * 41},
    {"number": ""},
    {"issuing_country": "D"},
    {"issuing_country": "de"},
    {"issuing_country": "XXA"},
    {"issuing_country": "QQQ"},
    {"type": ""},
    {"type": "ID_CARD"},
    {"type": "id_card"},
    {"type": "licence"},
    {"status": "LOST"},
    {"status": ""},
    {"issued": ""},
    {"issued": "2099-01-01"},
    {"lost_on": "2099-01-01"},
    {"issued": "2020-02-30"},
    {"expires": "2019-01-01"},
    {"expires": "01/02/2030"},
    {"reference": " REF-2 "},
    {"reference": "   "},
    {"reference": "R" * 101},
    {"reference": "Réf"},
    {"remarks": ""},
    {"remarks": "seen at the border"},
    {"reporting_country": ""},
    {"reporting_country": "FRA"},
    {"visibility": "only", "visibility_countries": "FRA|DEU"},
    {"review_date": "2030-01-01"},
    {"colour": "red"},
]


@pytest.mark.parametrize("change", CASES, ids=[str(c)[:40] for c in CASES])
def test_the_shortcut_judges_like_the_general_rules(change: dict[str, Any]) -> None:
    data = {**BASE, **change}
    same(*both(data))
    same(*both(data))  # again, with every cache warm


def test_the_shortcut_is_taken_for_a_plain_row() -> None:
    general(BASE)
    assert objects._plain_document(BASE) is not None


def test_a_future_date_is_refused_even_when_seen_before() -> None:
    fields.KNOWN_DATES["2099-12-31"] = "2099-12-31"  # cached as an expiry elsewhere
    slow, fast = both({**BASE, "issued": "2099-12-31", "expires": ""})
    assert isinstance(fast, InvalidInput) and fast.field == "issued"
    same(slow, fast)


text = st.one_of(
    st.sampled_from(["", "DEU", "D", "passport", "stolen", "2020-01-02", "2099-01-01", "X1"]),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(BASE)), text, max_size=8))
def test_the_shortcut_matches_on_random_rows(change: dict[str, str]) -> None:
    same(*both({**BASE, **change}))
