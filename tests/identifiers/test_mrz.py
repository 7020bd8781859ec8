"""Machine-readable zones: the Doc 9303 specimens, the errors, and the formatters."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from concord.errors import InvalidInput
from concord.identifiers.mrz import (
    MRZ,
    CheckResult,
    MRZError,
    format_mrva,
    format_mrvb,
    format_td1,
    format_td2,
    format_td3,
    parse_mrz,
)

# The Utopia specimens of ICAO Doc 9303 (Parts 4 to 7). Each check digit below
# was recomputed with icao_check_digit before being trusted (test_checkdigits).
TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
MRVA = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
)
MRVB = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<")
# The Dutch specimen passport (published by the Netherlands, widely used in tests).
NLD = (
    "P<NLDDE<BRUIJN<<WILLEKE<LISELOTTE<<<<<<<<<<<",
    "SPECI20142NLD6503101F2403096999999990<<<<<84",
)

TODAY = date(2025, 6, 1)
ANNA = {
    "issuing_state": "UTO",
    "primary_identifier": "ERIKSSON",
    "secondary_identifier": "ANNA MARIA",
    "sex": "F",
}


def _zone(lines: tuple[str, ...]) -> str:
    return "\n".join(lines)


def _fields(mrz: MRZ) -> dict[str, Any]:
    return {name: getattr(mrz, name) for name in MRZ.__dataclass_fields__ if name != "lines"}


SPECIMENS = [
    (
        TD3,
        ANNA
        | {
            "format": "TD3",
            "document_code": "P",
            "document_number": "L898902C3",
            "nationality": "UTO",
            "birth_date": "740812",
            "birth_date_iso": "1974-08-12",
            "expiry_date": "120415",
            "expiry_date_iso": "2012-04-15",
            "optional_data": ["ZE184226B"],
        },
        [("document_number", 2, 10, "6"), ("birth_date", 2, 20, "2"),
         ("expiry_date", 2, 28, "9"), ("optional_data", 2, 43, "1"), ("composite", 2, 44, "0")],
    ),
    (
        TD1,
        ANNA
        | {
            "format": "TD1",
            "document_code": "I",
            "document_number": "D23145890",
            "nationality": "UTO",
            "birth_date_iso": "1974-08-12",
            "expiry_date_iso": "2012-04-15",
            "optional_data": ["", ""],
        },
        [("document_number", 1, 15, "7"), ("birth_date", 2, 7, "2"),
         ("expiry_date", 2, 15, "9"), ("composite", 2, 30, "6")],
    ),
    (
        TD2,
        ANNA
        | {
            "format": "TD2",
            "document_code": "I",
            "document_number": "D23145890",
            "nationality": "UTO",
            "birth_date_iso": "1974-08-12",
            "expiry_date_iso": "2012-04-15",
            "optional_data": [""],
        },
        [("document_number", 2, 10, "7"), ("birth_date", 2, 20, "2"),
         ("expiry_date", 2, 28, "9"), ("composite", 2, 36, "6")],
    ),
    (
        MRVA,
        ANNA
        | {
            "format": "MRVA",
            "document_code": "V",
            "document_number": "L8988901C",
            "nationality": "XXX",
            "birth_date_iso": "1940-09-07",
            "expiry_date_iso": "1996-12-10",
            "optional_data": ["6ZE184226B"],
        },
        [("document_number", 2, 10, "4"), ("birth_date", 2, 20, "8"), ("expiry_date", 2, 28, "9")],
    ),
    (
        MRVB,
        ANNA
        | {
            "format": "MRVB",
            "document_code": "V",
            "document_number": "L8988901C",
            "nationality": "XXX",
            "birth_date_iso": "1940-09-07",
            "expiry_date_iso": "1996-12-10",
            "optional_data": [""],
        },
        [("document_number", 2, 10, "4"), ("birth_date", 2, 20, "8"), ("expiry_date", 2, 28, "9")],
    ),
    (
        NLD,
        {
            "format": "TD3",
            "issuing_state": "NLD",
            "document_number": "SPECI2014",
            "primary_identifier": "DE BRUIJN",
            "secondary_identifier": "WILLEKE LISELOTTE",
            "birth_date_iso": "1965-03-10",
            "expiry_date_iso": "2024-03-09",
            "optional_data": ["999999990"],
        },
        [("document_number", 2, 10, "2"), ("birth_date", 2, 20, "1"),
         ("expiry_date", 2, 28, "6"), ("optional_data", 2, 43, "8"), ("composite", 2, 44, "4")],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("lines", "expected", "checks"), SPECIMENS)
def test_specimens(
    lines: tuple[str, ...], expected: dict[str, Any], checks: list[tuple[str, int, int, str]]
) -> None:
    mrz = parse_mrz(_zone(lines), today=TODAY)
    assert mrz.valid
    assert mrz.failed() == []
    assert {k: getattr(mrz, k) for k in expected} == expected
    assert [(c.name, c.line, c.position, c.found) for c in mrz.checks] == checks
    assert all(c.expected == c.found and c.ok for c in mrz.checks)
    assert mrz.lines == lines


@pytest.mark.parametrize("lines", [TD3, TD1, TD2, MRVA, MRVB])
def test_one_line_forms_and_sloppy_whitespace(lines: tuple[str, ...]) -> None:
    expected = _fields(parse_mrz(_zone(lines), today=TODAY))
    variants = [
        "".join(lines),
        "  " + "".join(lines) + "\n",
        "\r\n".join(lines) + "\r\n",
        "\n\n " + " \n".join(lines) + "\t\n",
        "\n".join(line.lower() for line in lines),
    ]
    for text in variants:
        assert _fields(parse_mrz(text, today=TODAY)) == expected


def test_germany_writes_d_padded_with_filler() -> None:
    lines = (TD3[0].replace("P<UTO", "P<D<<"), TD3[1].replace("C36UTO", "C36D<<"))
    mrz = parse_mrz(_zone(lines), today=TODAY)
    assert (mrz.issuing_state, mrz.nationality, mrz.valid) == ("D", "D", True)


def test_a_wrong_check_digit_is_reported_not_raised() -> None:
    mrz = parse_mrz(_zone((TD3[0], TD3[1].replace("C36", "C39"))), today=TODAY)
    assert not mrz.valid
    assert mrz.failed() == [
        CheckResult("document_number", 2, 10, "6", "9", False),
        CheckResult("composite", 2, 44, "1", "0", False),  # 0 + (9 - 6) * 7
    ]


def test_a_changed_birth_date_fails_its_check_and_the_composite() -> None:
    mrz = parse_mrz(_zone((TD3[0], TD3[1].replace("740812", "740813"))), today=TODAY)
    assert [c.name for c in mrz.failed()] == ["birth_date", "composite"]
    assert mrz.birth_date_iso == "1974-08-13"


@pytest.mark.parametrize(("personal", "digit", "ok"), [("<" * 14, "<", True), ("<" * 14, "0", True),
                                                      ("ZE184226B<<<<<", "<", False)])  # fmt: skip
def test_personal_number_check_digit_may_be_filler_only_when_empty(
    personal: str, digit: str, ok: bool
) -> None:
    line2 = "L898902C36UTO7408122F1204159" + personal + digit
    line2 += "0"  # the composite is not what this test is about
    check = next(c for c in parse_mrz(_zone((TD3[0], line2))).checks if c.name == "optional_data")
    assert check.ok is ok


def test_long_document_number_in_td1() -> None:
    text = format_td1(
        document_code="I",
        issuing_state="UTO",
        surname="Eriksson",
        given_names="Anna Maria",
        document_number="D23145890123",
        nationality="UTO",
        birth_date="740812",
        sex="F",
        expiry_date="120415",
    )
    assert text.splitlines()[0] == "I<UTOD23145890<1233<<<<<<<<<<<"
    mrz = parse_mrz(text)
    assert mrz.valid
    assert mrz.document_number == "D23145890123"
    assert mrz.checks[0] == CheckResult("document_number", 1, 19, "3", "3", True)
    assert mrz.optional_data == ["", ""]


def test_long_document_number_followed_by_optional_data() -> None:
    text = format_td2(
        document_code="ID",
        issuing_state="FRA",
        surname="Martin",
        given_names="",
        document_number="AB12345678",
        nationality="FRA",
        birth_date="900101",
        sex="M",
        expiry_date="300101",
        optional_data="X9",
    )
    mrz = parse_mrz(text)
    assert (mrz.document_number, mrz.optional_data, mrz.valid) == ("AB12345678", ["X9"], True)
    assert mrz.secondary_identifier == ""


@pytest.mark.parametrize(
    ("printed", "iso"),
    [("740812", "1974-08-12"), ("150101", "2015-01-01"), ("250601", "2025-06-01"),
     ("250602", "1925-06-02"), ("000229", "2000-02-29"), ("74<<<<", None), ("<<<<<<", None),
     ("<<0812", None)],
)  # fmt: skip
def test_birth_century_is_the_latest_not_in_the_future(printed: str, iso: str | None) -> None:
    text = format_td3(
        document_code="P",
        issuing_state="UTO",
        surname="X",
        given_names="",
        document_number="1",
        nationality="UTO",
        birth_date=printed,
        sex="<",
        expiry_date="300101",
    )
    mrz = parse_mrz(text, today=TODAY)
    assert (mrz.birth_date, mrz.birth_date_iso, mrz.valid, mrz.sex) == (printed, iso, True, "X")


@pytest.mark.parametrize(
    ("printed", "iso"),
    [("691231", "2069-12-31"), ("700101", "1970-01-01"), ("991231", "1999-12-31")],
)
def test_expiry_century(printed: str, iso: str) -> None:
    line2 = "L898902C36UTO7408122F" + printed + "0ZE184226B<<<<<10"
    assert parse_mrz(_zone((TD3[0], line2))).expiry_date_iso == iso


def _td3(line2: str, line1: str = TD3[0]) -> str:
    return f"{line1}\n{line2}"


ERRORS = [
    ("", None, None, "found 0"),
    ("P<UTO", None, None, "72, 88 or 90"),
    (TD3[0], None, None, "not 44"),
    (_zone((TD3[0], TD3[1], TD3[1], TD3[1])), None, None, "found 4"),
    (_zone((TD3[0], TD3[1][:-1])), 2, None, "43 characters, expected 44"),
    (_zone((TD3[0][:-1], TD3[1])), 1, None, "43 characters, expected 44 or 36"),
    (_zone((TD3[0], TD2[1])), 2, None, "36 characters, expected 44"),
    (_zone((TD1[0], TD1[1], TD3[0])), 3, None, "44 characters, expected 30"),
    (_zone((*TD3, TD3[1])), 1, None, "expected 30"),
    (_td3(TD3[1], TD3[0].replace("ANNA", "AN?A")), 1, 18, "'?' is not allowed"),
    (_td3(TD3[1], TD3[0].replace("ANNA", "ANNÄ")), 1, 19, "'Ä' is not allowed"),
    (_td3(TD3[1].replace("74081", "74O81")), 2, 16, "expected a digit or '<', found 'O'"),
    (_td3(TD3[1].replace("2F1204159", "2F12O4159")), 2, 24, "expected a digit, found 'O'"),
    (_td3(TD3[1].replace("C36", "C3O")), 2, 10, "expected a digit, found 'O'"),
    (_td3(TD3[1].replace("C36", "C3<")), 2, 10, "expected a digit, found '<'"),
    (_td3(TD3[1].replace("B<<<<<10", "B<<<<<1<")), 2, 44, "expected a digit"),
    (_td3(TD3[1].replace("7408122", "7413122")), 2, 14, "month 13"),
    (_td3(TD3[1].replace("7408122", "7402302")), 2, 14, "not valid"),
    (_td3(TD3[1].replace("7408122", "74<8122")), 2, 16, "two digits or '<<'"),
    (_td3(TD3[1].replace("1204159", "1304319")), 2, 22, "expiry date 130431 is not valid"),
    (_td3(TD3[1].replace("1204159", "120<159")), 2, 25, "expected a digit, found '<'"),
    (_td3(TD3[1].replace("2F12", "2Q12")), 2, 21, "for the sex, found 'Q'"),
    (_td3(TD3[1].replace("6UTO", "6U<O")), 2, 12, "padded with '<'"),
    (_td3(TD3[1].replace("6UTO", "6<TO")), 2, 11, "expected a letter, found '<'"),
    (_td3(TD3[1].replace("6UTO", "6UT0")), 2, 13, "expected a letter or '<', found '0'"),
    (_td3(TD3[1], TD3[0].replace("P<UTO", "1<UTO")), 1, 1, "expected a letter, found '1'"),
    (_td3(TD3[1], TD3[0].replace("P<UTO", "P1UTO")), 1, 2, "expected a letter or '<'"),
    (_td3(TD3[1], TD3[0].replace("ANNA", "ANN4")), 1, 19, "in the name, found '4'"),
    (_zone((TD1[0].replace("7<<<", "<<<<"), *TD1[1:])), 1, 16, "rest of the number"),
    (_zone((TD1[0].replace("7<<<", "<1<<"), *TD1[1:])), 1, 16, "rest of the number"),
    (_zone((TD1[0].replace("7<<<", "<12A"), *TD1[1:])), 1, 18, "expected a digit, found 'A'"),
    ("x" * 2000, None, None, "too long"),
]


@pytest.mark.parametrize(("text", "line", "position", "message"), ERRORS)
def test_errors_name_line_and_position(
    text: str, line: int | None, position: int | None, message: str
) -> None:
    with pytest.raises(MRZError) as err:
        parse_mrz(text, today=TODAY)
    assert (err.value.line, err.value.position) == (line, position)
    assert message in err.value.message
    assert isinstance(err.value, InvalidInput)
    assert err.value.field == "mrz"
    assert err.value.as_dict()["code"] == "invalid"
    prefix = f"line {line}, position {position}: " if position else f"line {line}: " if line else ""
    assert err.value.message.startswith(prefix)


def test_error_message_reads_as_documented() -> None:
    with pytest.raises(MRZError) as err:
        parse_mrz(_td3(TD3[1].replace("7408122", "O408122")))
    assert str(err.value) == "line 2, position 14: expected a digit or '<', found 'O'"


SPECIMEN_FIELDS: dict[str, Any] = {
    "issuing_state": "UTO",
    "surname": "Eriksson",
    "given_names": "Anna Maria",
    "nationality": "UTO",
    "birth_date": "740812",
    "sex": "F",
    "expiry_date": "120415",
}


def test_formatters_rebuild_the_specimens() -> None:
    passport = {"document_number": "L898902C3", "optional_data": "ZE184226B"}
    card = {"document_code": "I", "document_number": "D23145890"}
    visa = SPECIMEN_FIELDS | {"document_number": "L8988901C", "nationality": "XXX",
                              "birth_date": "400907", "expiry_date": "961210"}  # fmt: skip
    assert format_td3(document_code="P", **SPECIMEN_FIELDS, **passport) == _zone(TD3)
    assert format_td1(**SPECIMEN_FIELDS, **card) == _zone(TD1)
    assert format_td2(**SPECIMEN_FIELDS, **card) == _zone(TD2)
    assert format_mrva(**visa, optional_data="6ZE184226B") == _zone(MRVA)
    assert format_mrvb(**visa) == _zone(MRVB)


@pytest.mark.parametrize(
    ("surname", "given_names", "line1"),
    [
        ("Müller", "Jürgen", "P<UTOMUELLER<<JUERGEN<<<<<<<<<<<<<<<<<<<<<<<"),
        ("O'Brien", "Seán-Óg", "P<UTOOBRIEN<<SEAN<OG<<<<<<<<<<<<<<<<<<<<<<<<"),
        ("de la Cruz", "  Ana   María ", "P<UTODE<LA<CRUZ<<ANA<MARIA<<<<<<<<<<<<<<<<<<"),
        ("Øster - Ærø", "", "P<UTOOESTER<AEROE<<<<<<<<<<<<<<<<<<<<<<<<<<<"),
        ("Wolfeschlegelsteinhausenbergerdorff", "Hubert Blaine",
         "P<UTOWOLFESCHLEGELSTEINHAUSENBERGERDORFF<<HU"),
    ],
)  # fmt: skip
def test_names_are_transliterated_and_cut(surname: str, given_names: str, line1: str) -> None:
    fields = SPECIMEN_FIELDS | {"surname": surname, "given_names": given_names}
    text = format_td3(document_code="P", document_number="1", **fields)
    assert text.splitlines()[0] == line1
    assert parse_mrz(text).valid


@pytest.mark.parametrize(
    ("formatter", "changes", "field"),
    [
        (format_td3, {"document_number": "ABCDEFGHIJ"}, "document_number"),
        (format_td3, {"document_number": "AB-12"}, "document_number"),
        (format_td3, {"document_number": ""}, "document_number"),
        (format_td1, {"document_number": "D23145890" + "1" * 15}, "document_number"),
        (
            format_td2,
            {"document_number": "D23145890123", "optional_data": "ABC"},
            "document_number",
        ),
        (format_td3, {"document_code": "V"}, "document_code"),
        (format_td3, {"document_code": "P12"}, "document_code"),
        (format_td3, {"issuing_state": "U1O"}, "issuing_state"),
        (format_td3, {"nationality": "UTOP"}, "nationality"),
        (format_td3, {"surname": ""}, "surname"),
        (format_td3, {"surname": "<<"}, "surname"),
        (format_td3, {"surname": "Smith3"}, "surname"),
        (format_td3, {"given_names": "李"}, "given_names"),
        (format_td3, {"birth_date": "741312"}, "birth_date"),
        (format_td3, {"birth_date": "7408"}, "birth_date"),
        (format_td3, {"birth_date": "7<0812"}, "birth_date"),
        (format_td3, {"expiry_date": "12<<<<"}, "expiry_date"),
        (format_td3, {"expiry_date": "130229"}, "expiry_date"),
        (format_td3, {"sex": "Q"}, "sex"),
        (format_td3, {"optional_data": "A" * 15}, "optional_data"),
        (format_td3, {"optional_data": "A-1"}, "optional_data"),
        (format_td1, {"optional_data_2": "A" * 12}, "optional_data_2"),
        (format_mrva, {"document_code": "P"}, "document_code"),
    ],
)
def test_formatters_refuse_bad_fields(formatter: Any, changes: dict[str, str], field: str) -> None:
    fields: dict[str, str] = SPECIMEN_FIELDS | {"document_number": "L898902C3"}
    if formatter is not format_mrva:
        fields["document_code"] = "P" if formatter is format_td3 else "I"
    with pytest.raises(InvalidInput) as err:
        formatter(**(fields | changes))
    assert err.value.field == field
