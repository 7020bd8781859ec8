"""Property tests: formatted zones read back, damaged zones never pass silently, no crashes."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from concord.errors import InvalidInput
from concord.identifiers.mrz import (
    MRZ,
    MRZError,
    format_mrva,
    format_mrvb,
    format_td1,
    format_td2,
    format_td3,
    parse_mrz,
)

TODAY = date(2025, 6, 1)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = LETTERS + "0123456789"


@dataclass(frozen=True)
class Case:
    """Fields given to a formatter, the zone it built, and what the parser must read."""

    fmt: str
    kwargs: dict[str, Any]
    text: str
    expected: dict[str, Any]


FORMATTERS: dict[str, tuple[Callable[..., str], int, list[int], int | None]] = {
    # format: (formatter, name width, optional widths, longest number or None for 9)
    "TD3": (format_td3, 39, [14], None),
    "TD2": (format_td2, 31, [7], 15),
    "TD1": (format_td1, 30, [15, 11], 23),
    "MRVA": (format_mrva, 39, [16], None),
    "MRVB": (format_mrvb, 31, [8], None),
}

words = st.lists(st.text(LETTERS, min_size=1, max_size=12), min_size=1, max_size=3)
codes = st.sampled_from(["D", "UTO", "FRA", "XXA", "GBD", "EUE", "NL", "X"])


def optional_text(width: int) -> st.SearchStrategy[str]:
    """Optional data as the parser returns it: no filler at either end."""
    return st.text(ALNUM + "<", max_size=width).map(lambda s: s.strip("<"))


def _yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


birth_dates = st.one_of(
    st.dates(TODAY - timedelta(days=36_500), TODAY).map(lambda d: (_yymmdd(d), d.isoformat())),
    st.sampled_from([("<<<<<<", None), ("74<<<<", None), ("7408<<", None)]),
)
expiry_dates = st.dates(date(1970, 1, 1), date(2069, 12, 31))


@st.composite
def cases(draw: st.DrawFn, fmt: str | None = None) -> Case:
    fmt = fmt or draw(st.sampled_from(sorted(FORMATTERS)))
    formatter, name_width, optional_widths, longest = FORMATTERS[fmt]
    surname, given = draw(words), draw(st.one_of(st.just([]), words))
    name = "<".join(surname) + ("<<" + "<".join(given) if given else "")
    assume(len(name) <= name_width)
    number = draw(st.text(ALNUM, min_size=1, max_size=longest or 9))
    optional = [draw(optional_text(w)) for w in optional_widths]
    if len(number) > 9:  # the overflow shares the first optional field
        assume(
            len(number) - 9 + 1 + (len(optional[0]) + 1 if optional[0] else 0) <= optional_widths[0]
        )
    birth, birth_iso = draw(birth_dates)
    expiry = draw(expiry_dates)
    visa = fmt.startswith("MRV")
    kwargs: dict[str, Any] = {
        "document_code": "V" + draw(st.sampled_from(["", "A", "B"]))
        if visa
        else draw(st.sampled_from(["P", "PD", "I", "ID", "AC", "C"])),
        "issuing_state": draw(codes),
        "surname": " ".join(surname),
        "given_names": " ".join(given),
        "document_number": number,
        "nationality": draw(codes),
        "birth_date": birth,
        "sex": draw(st.sampled_from("MFX")),
        "expiry_date": _yymmdd(expiry),
        "optional_data": optional[0],
    }
    if fmt == "TD1":
        kwargs["optional_data_2"] = optional[1]
    expected = {
        "format": fmt,
        "document_code": kwargs["document_code"],
        "issuing_state": kwargs["issuing_state"],
        "document_number": number,
        "primary_identifier": " ".join(surname),
        "secondary_identifier": " ".join(given),
        "nationality": kwargs["nationality"],
        "birth_date": birth,
        "birth_date_iso": birth_iso,
        "sex": kwargs["sex"],
        "expiry_date": kwargs["expiry_date"],
        "expiry_date_iso": expiry.isoformat(),
        "optional_data": optional,
    }
    return Case(fmt, kwargs, formatter(**kwargs), expected)


def _semantic(mrz: MRZ) -> dict[str, Any]:
    return {k: getattr(mrz, k) for k in MRZ.__dataclass_fields__ if k != "lines"}


@given(case=cases())
def test_round_trip(case: Case) -> None:
    mrz = parse_mrz(case.text, today=TODAY)
    assert mrz.valid, mrz.failed()
    assert {k: getattr(mrz, k) for k in case.expected} == case.expected
    assert "\n".join(mrz.lines) == case.text


@given(case=cases(), data=st.data())
def test_one_changed_character_never_passes_unnoticed(case: Case, data: st.DataObject) -> None:
    lines = case.text.splitlines()
    line = data.draw(st.integers(0, len(lines) - 1))
    position = data.draw(st.integers(0, len(lines[line]) - 1))
    old = lines[line][position]
    new = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != old))
    lines[line] = lines[line][:position] + new + lines[line][position + 1 :]
    original = _semantic(parse_mrz(case.text, today=TODAY))
    try:
        mrz = parse_mrz("\n".join(lines), today=TODAY)
    except MRZError as err:
        assert err.line is not None
        return
    if mrz.valid and _semantic(mrz) == original:
        # The one spelling ICAO gives twice: an unspecified sex is '<' or 'X'.
        assert {old, new} == {"<", "X"}
        assert mrz.sex == "X"


zone_lines = st.sampled_from([30, 36, 44]).flatmap(
    lambda width: st.lists(
        st.text(ALPHABET, min_size=width, max_size=width), min_size=2, max_size=3
    )
)


@given(
    text=st.one_of(
        st.text(max_size=200),
        st.text(ALPHABET + "abc \n\r\t?Ä", max_size=120),
        zone_lines.map("\n".join),
    )
)
def test_arbitrary_text_raises_nothing_but_mrz_error(text: str) -> None:
    try:
        mrz = parse_mrz(text, today=TODAY)
    except MRZError as err:
        assert err.field == "mrz"
        return
    assert isinstance(mrz.valid, bool)


@given(
    case=cases(),
    changes=st.lists(st.tuples(st.integers(0, 89), st.sampled_from(ALPHABET)), max_size=8),
)
def test_damaged_zones_raise_nothing_but_mrz_error(
    case: Case, changes: list[tuple[int, str]]
) -> None:
    text = list(case.text)
    for index, char in changes:
        if index < len(text) and text[index] != "\n":
            text[index] = char
    with contextlib.suppress(MRZError):
        parse_mrz("".join(text), today=TODAY)


@given(kwargs=st.dictionaries(
    st.sampled_from(["document_code", "issuing_state", "surname", "given_names",
                     "document_number", "nationality", "birth_date", "sex", "expiry_date",
                     "optional_data"]),
    st.text(max_size=20),
))  # fmt: skip
def test_formatters_raise_nothing_but_invalid_input(kwargs: dict[str, str]) -> None:
    fields = {
        "document_code": "P",
        "issuing_state": "UTO",
        "surname": "ERIKSSON",
        "given_names": "ANNA",
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": "740812",
        "sex": "F",
        "expiry_date": "120415",
    } | kwargs
    try:
        text = format_td3(**fields)
    except InvalidInput as err:
        assert err.field in fields
        return
    assert parse_mrz(text, today=TODAY).valid
