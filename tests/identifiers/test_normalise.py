"""Match keys: table-driven cases for every key function, and their properties."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from concord.errors import InvalidInput
from concord.identifiers.normalise import (
    document_number_key,
    hull_id_key,
    imo_key,
    plate_key,
    serial_key,
    serial_range_parts,
    vin_key,
)

Key = Callable[..., str]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("L898902C3", "L898902C3"),
        ("l898902c3", "L898902C3"),
        (" L898 902-C3 ", "L898902C3"),
        ("L898.902/C3", "L898902C3"),
        ("L898_902\\C3", "L898902C3"),
        ("L898902C3<<", "L898902C3"),
        ("L8989O2C3", "L898902C3"),  # OCR or typist reads 0 as O
        ("AB1234", "AB1234"),
        ("O1234567", "01234567"),
        ("I1234567", "11234567"),
        ("IO", "10"),
        ("L\u2013898\u2014902\u2212C3", "L898902C3"),  # en dash, em dash, minus sign
        ("L898\u00a0902C3", "L898902C3"),  # no-break space
        ("L898\t902C3", "L898902C3"),
        ("Ｌ８９８９０２Ｃ３", "L898902C3"),  # full-width, folded by NFKC
        ("АВЕКМНОРСТХУ", "ABEKMH0PCTXY"),  # Cyrillic capitals
        ("авекмнорстху", "ABEKMH0PCTXY"),  # Cyrillic small letters
        ("ІЈіј", "1J1J"),  # Ukrainian and Serbian I, J
        ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZH1KMN0PTYX"),  # Greek capitals
        ("αβεζηικμνορτυχ", "ABEZH1KMN0PTYX"),  # Greek small letters
        ("С1234567", "C1234567"),  # a Cyrillic C typed on a Russian keyboard
        ("BS8Z2G6D0Q", "BS8Z2G6D0Q"),  # poor-image confusions are deliberately not folded
        ("X" * 40, "X" * 40),
    ],
)
def test_document_number_key(text: str, key: str) -> None:
    assert document_number_key(text) == key


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-./<_", "empty"),
        ("X" * 41, "longer than 40"),
        ("X" * 5000, "too long"),
        ("L898902C3!", "'!'"),
        ("L898902É3", "'É'"),
        ("Ж123", "'Ж'"),
        ("Л123", "'Л'"),
        ("12,3", "','"),
        ("12\x003", "'\\x00'"),
    ],
)
def test_document_number_key_refuses(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        document_number_key(text, "documents[0].number")
    assert err.value.field == "documents[0].number"
    assert message in err.value.message


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        (serial_key, "TX-123.456", "TX123456"),
        (serial_key, "ab o12 345", "AB012345"),
        (serial_key, "S/N 12345", "SN12345"),
        (plate_key, "AB-123-CD", "AB123CD"),
        (plate_key, "ab 123 cd", "AB123CD"),
        (plate_key, "М 123 ОР 77", "M1230P77"),  # a Russian plate typed in Cyrillic
        (plate_key, "B·MW 1", None),
    ],
)
def test_serial_and_plate_keys(key: Key, text: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(InvalidInput):
            key(text)
    else:
        assert key(text) == expected


@pytest.mark.parametrize(
    ("key", "field", "limit"),
    [(document_number_key, "number", 40), (serial_key, "serial", 40), (plate_key, "plate", 20)],
)
def test_length_bounds_and_default_fields(key: Key, field: str, limit: int) -> None:
    assert key("9" * limit) == "9" * limit
    for bad in ("9" * (limit + 1), "", "#"):
        with pytest.raises(InvalidInput) as err:
            key(bad)
        assert err.value.field == field


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1M8GDM9AXKP042788", "1M8GDM9AXKP042788"),
        ("1m8gdm9axkp042788", "1M8GDM9AXKP042788"),
        ("1M8 GDM9AX-KP042788", "1M8GDM9AXKP042788"),
        ("1M8GDM9AXKPO42788", "1M8GDM9AXKP042788"),  # O is never in a VIN
        ("1M8GDM9AXKPQ42788", "1M8GDM9AXKP042788"),  # nor Q
        ("IM8GDM9AXKP042788", "1M8GDM9AXKP042788"),  # nor I
        ("1M8GDM9A1KP042788", "1M8GDM9A1KP042788"),  # a wrong check digit is still a key
        ("WVWZZZ1JZXW000001", "WVWZZZ1JZXW000001"),
        ("1J57H2B123456", "1J57H2B123456"),  # pre-1981, 13 characters
        ("A1234", "A1234"),
    ],
)
def test_vin_key(text: str, key: str) -> None:
    assert vin_key(text) == key


@pytest.mark.parametrize("text", ["", "1234", "1M8GDM9AXKP0427880", "1M8GDM9AXKP04278!", "-- --"])
def test_vin_key_refuses(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        vin_key(text)
    assert err.value.field == "vin"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("9074729", "9074729"),
        ("IMO 9074729", "9074729"),
        ("imo9074729", "9074729"),
        ("IMO-9074729", "9074729"),
        ("IMO 907 4729", "9074729"),
        ("9O74729", "9074729"),
        ("9074728", "9074728"),  # a failing check digit is the caller's warning, not ours
    ],
)
def test_imo_key(text: str, key: str) -> None:
    assert imo_key(text) == key


@pytest.mark.parametrize("text", ["", "IMO", "907472", "90747290", "IMO 90747A9", "MMSI 9074729"])
def test_imo_key_refuses(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        imo_key(text, "vessel.imo")
    assert err.value.field == "vessel.imo"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ABC12345D404", "ABC12345D404"),
        ("abc-12345-d4-04", "ABC12345D404"),
        ("US-ABC12345D404", "ABC12345D404"),  # the same hull with its country prefix
        ("FR-ABC12345D404", "ABC12345D404"),
        ("ABO12345D404", "AB012345D404"),
    ],
)
def test_hull_id_key(text: str, key: str) -> None:
    assert hull_id_key(text) == key


@pytest.mark.parametrize(
    "text", ["", "ABC12345D40", "ABC12345D4045", "ZZABC12345D404", "ABC12345D40!"]
)
def test_hull_id_key_refuses(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        hull_id_key(text)
    assert err.value.field == "hin"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("P1234567", ("P", 1234567, 7)),
        ("AB0001234", ("AB", 1234, 7)),
        ("ab 000-1234", ("AB", 1234, 7)),
        ("1234", ("", 1234, 4)),
        ("X12Y0099", ("X12Y", 99, 4)),
        ("PO00050", ("P", 50, 6)),  # folded like the numbers it will be compared with
    ],
)
def test_serial_range_parts(text: str, parts: tuple[str, int, int]) -> None:
    assert serial_range_parts(text) == parts


@pytest.mark.parametrize("text", ["ABC", "", "A1B"])
def test_serial_range_parts_needs_trailing_digits(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        serial_range_parts(text, "first")
    assert err.value.field == "first"


def test_a_number_inside_a_range_shares_prefix_and_width() -> None:
    first, last = serial_range_parts("AB0001000"), serial_range_parts("AB0002000")
    typed = serial_range_parts("ab-000 15OO")
    assert typed[0] == first[0] == last[0] and typed[2] == first[2] == last[2]
    assert first[1] <= typed[1] <= last[1]


KEYS = [document_number_key, serial_key, plate_key, vin_key, imo_key, hull_id_key]
identifier_like = st.text(
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789 -./<_IOQoiАОΟαЖ!É\u00a0"),
    max_size=25,
)


@pytest.mark.parametrize("key", KEYS)
@given(text=st.one_of(st.text(max_size=60), identifier_like))
def test_keys_raise_only_invalid_input_and_are_idempotent(key: Key, text: str) -> None:
    try:
        once = key(text)
    except InvalidInput as err:
        assert err.field
        return
    assert once == key(once)
    assert once.isascii() and once.isalnum() and once == once.upper()


@given(text=identifier_like)
def test_document_keys_never_hold_the_folded_letters(text: str) -> None:
    try:
        key = document_number_key(text)
    except InvalidInput:
        return
    assert "O" not in key and "I" not in key
