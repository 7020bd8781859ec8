"""The lane's hand-made body checks accept exactly what the pydantic models accept."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from concord.api import check_bodies
from concord.api.schemas import BatchCheckRequest, CheckQuery

# Values near the limits and of the wrong types, under the keys the models know and others.
_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "DEU", "D", "C01X00T47", "passport", "é✓𝔸"]),
    st.integers(9, 11).map(lambda n: "A" * n),
    st.integers(29, 31).map(lambda n: "T" * n),
    st.integers(99, 101).map(lambda n: "Q" * n),
)
_VALUE = st.one_of(_TEXT, st.none(), st.integers(), st.booleans(), st.lists(_TEXT, max_size=1))
_MOSTLY_TEXT = st.one_of(_TEXT, _TEXT, _TEXT, _VALUE)
# Near the shape the lane answers (so that many are valid), with every way to miss it.
_DOCUMENT = st.one_of(
    st.fixed_dictionaries(
        {"number": _MOSTLY_TEXT, "issuing_country": _MOSTLY_TEXT},
        optional={"type": st.one_of(st.none(), _MOSTLY_TEXT), "colour": _VALUE},
    ),
    st.dictionaries(st.sampled_from(["number", "issuing_country", "type"]), _VALUE, max_size=3),
    _VALUE,
)
_ITEM = st.one_of(
    st.fixed_dictionaries(
        {"document": _DOCUMENT},
        optional={"qid": st.one_of(st.none(), _MOSTLY_TEXT), "vin": st.one_of(st.none(), _TEXT)},
    ),
    st.dictionaries(st.sampled_from(["qid", "document", "vin", "shoe"]), _VALUE, max_size=3),
    _VALUE,
)


def _document_only(query: CheckQuery) -> bool:
    others = (query.mrz, query.vin, query.plate, query.firearm, query.imo, query.hin, query.art)
    return query.document is not None and all(o is None for o in others)


@settings(max_examples=3000, deadline=None)
@given(_ITEM)
def test_single_item_agrees_with_the_model(body: Any) -> None:
    mine = check_bodies.single_item(body)
    try:
        query = CheckQuery.model_validate(body)
    except ValidationError:
        assert mine is None
        return
    if mine is not None:
        assert mine == query.model_dump(exclude_none=True)
    else:  # the lane leaves a valid body to the route only when it is not a plain document
        assert not _document_only(query) or set(body) - {"qid", "document"}


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.fixed_dictionaries({"items": st.lists(_ITEM, max_size=4)}), _ITEM))
def test_manifest_rows_agree_with_the_model(body: Any) -> None:
    mine = check_bodies.manifest_rows(body)
    try:
        batch = BatchCheckRequest.model_validate(body)
    except ValidationError:
        assert mine is None
        return
    if mine is None:
        return
    assert batch.items and all(_document_only(item) for item in batch.items)
    expected = [
        (i.qid, i.document.number, i.document.issuing_country, i.document.type)
        for i in batch.items
        if i.document is not None
    ]
    assert mine == expected


def test_the_limits_come_from_the_models() -> None:
    assert (check_bodies.QID_MAX, check_bodies.NUMBER_MAX, check_bodies.ISSUING_MAX) == (
        100,
        100,
        10,
    )
    assert (check_bodies.TYPE_MAX, check_bodies.ITEMS_MAX) == (30, 10_000)
