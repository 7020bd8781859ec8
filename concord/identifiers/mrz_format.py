"""Build machine-readable zones from fields, computing every check digit.

For round-trip tests and demo data. Names are transliterated the simple way
(Doc 9303's table for the common letters, accents dropped otherwise) and cut at
the field's end; the finer truncation rules of Doc 9303 are not applied.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from concord.errors import InvalidInput
from concord.identifiers._mrzdates import resolve_birth, resolve_expiry
from concord.identifiers.checkdigits import icao_check_digit

_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ALNUM = _LETTERS | frozenset("0123456789")
_TRANSLITERATION = str.maketrans(
    {
        "Ä": "AE", "Å": "AA", "Æ": "AE", "Ö": "OE", "Ø": "OE", "Œ": "OE", "Ü": "UE",
        "Þ": "TH", "Ð": "D", "Đ": "D", "Ł": "L", "Ħ": "H", "Ĳ": "IJ",
    }
)  # fmt: skip
_NAME_BREAKS = frozenset(" -<")
_NAME_DROPPED = frozenset("'’.,")


def _name_part(value: str, field: str) -> str:
    """Upper case, transliterated; spaces and hyphens become one '<', apostrophes go."""
    text = unicodedata.normalize("NFKD", value.upper().translate(_TRANSLITERATION))
    out: list[str] = []
    for char in text:
        if unicodedata.combining(char) or char in _NAME_DROPPED:
            continue
        if char in _NAME_BREAKS:
            if out and out[-1] != "<":
                out.append("<")
        elif char in _LETTERS:
            out.append(char)
        else:
            raise InvalidInput(f"character {char!r} cannot be written in a zone", field=field)
    return "".join(out).strip("<")


def _name(surname: str, given_names: str, width: int) -> str:
    primary = _name_part(surname, "surname")
    if not primary:
        raise InvalidInput("the surname (primary identifier) is empty", field="surname")
    secondary = _name_part(given_names, "given_names")
    text = f"{primary}<<{secondary}" if secondary else primary
    return text[:width].ljust(width, "<")


def _letters(value: str, field: str, most: int, *, pad: int) -> str:
    text = value.strip().upper()
    if not 1 <= len(text) <= most or text[0] not in _LETTERS or not set(text) <= _LETTERS:
        raise InvalidInput(f"expected 1 to {most} letters, got {value[:10]!r}", field=field)
    return text.ljust(pad, "<")


def _document_code(value: str, *, visa: bool) -> str:
    code = _letters(value, "document_code", 2, pad=2)
    if (code[0] == "V") != visa:
        wanted = "starts with V" if visa else "does not start with V (that is a visa)"
        raise InvalidInput(f"the document code of this format {wanted}", field="document_code")
    return code


def _date(value: str, field: str, *, birth: bool) -> str:
    allowed = "0123456789<" if birth else "0123456789"
    pairs_ok = all((value[i] == "<") == (value[i + 1] == "<") for i in range(0, len(value) - 1, 2))
    if len(value) != 6 or not set(value) <= set(allowed) or not pairs_ok:
        raise InvalidInput(f"expected YYMMDD, got {value[:10]!r}", field=field)
    try:
        if birth:
            resolve_birth(value, date.max)
        else:
            resolve_expiry(value)
    except ValueError as exc:
        raise InvalidInput(str(exc), field=field) from None
    return value


def _sex(value: str) -> str:
    sex = value.strip().upper()
    if sex not in ("M", "F", "X", "<"):
        raise InvalidInput("expected M, F or X", field="sex")
    return "<" if sex == "X" else sex


def _optional(value: str, width: int, field: str = "optional_data") -> str:
    text = value.strip().upper().replace(" ", "<").strip("<")
    if not set(text) <= _ALNUM | {"<"}:
        raise InvalidInput("optional data may only hold A-Z, 0-9 and '<'", field=field)
    if len(text) > width:
        raise InvalidInput(f"optional data is longer than {width} characters", field=field)
    return text.ljust(width, "<")


def _number(value: str, optional: str, width: int | None) -> tuple[str, str]:
    """The 10 characters of number and check digit, and the optional field after it.

    A number over 9 characters continues in the optional field (TD1, TD2 only):
    a '<' replaces the check digit, which follows the rest of the number there.
    """
    number = value.strip().upper()
    if not number or not set(number) <= _ALNUM:
        raise InvalidInput("a document number has 1 or more of A-Z, 0-9", field="document_number")
    rest = _optional(optional, width or 99).rstrip("<")
    if len(number) <= 9:
        head = number.ljust(9, "<")
        field = rest.ljust(width, "<") if width else rest
        return head + icao_check_digit(head), field
    overflow = number[9:] + icao_check_digit(number) + ("<" + rest if rest else "")
    if width is None or len(overflow) > width:
        raise InvalidInput(
            "the document number is too long for this format", field="document_number"
        )
    return number[:9] + "<", overflow.ljust(width, "<")


@dataclass(frozen=True, slots=True)
class _Common:
    """Line-2 fields every format shares, already in zone form."""

    nationality: str
    birth: str
    sex: str
    expiry: str

    @property
    def dates(self) -> str:
        """Birth date, its check digit, sex, expiry date, its check digit."""
        birth, expiry = self.birth, self.expiry
        return birth + icao_check_digit(birth) + self.sex + expiry + icao_check_digit(expiry)


def _common(nationality: str, birth_date: str, sex: str, expiry_date: str) -> _Common:
    return _Common(
        nationality=_letters(nationality, "nationality", 3, pad=3),
        birth=_date(birth_date, "birth_date", birth=True),
        sex=_sex(sex),
        expiry=_date(expiry_date, "expiry_date", birth=False),
    )


def format_td3(
    *,
    document_code: str,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: str,
    sex: str,
    expiry_date: str,
    optional_data: str = "",
) -> str:
    """A passport zone (2 x 44). ``optional_data`` is the personal number (14 characters)."""
    line1 = (
        _document_code(document_code, visa=False)
        + _letters(issuing_state, "issuing_state", 3, pad=3)
        + _name(surname, given_names, 39)
    )
    common = _common(nationality, birth_date, sex, expiry_date)
    number, _ = _number(document_number, "", None)
    personal = _optional(optional_data, 14)
    personal_check = "<" if set(personal) == {"<"} else icao_check_digit(personal)
    line2 = number + common.nationality + common.dates + personal + personal_check
    line2 += icao_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return f"{line1}\n{line2}"


def format_td2(
    *,
    document_code: str,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: str,
    sex: str,
    expiry_date: str,
    optional_data: str = "",
) -> str:
    """A 2 x 36 card zone. A number over 9 characters continues in the optional data."""
    line1 = (
        _document_code(document_code, visa=False)
        + _letters(issuing_state, "issuing_state", 3, pad=3)
        + _name(surname, given_names, 31)
    )
    common = _common(nationality, birth_date, sex, expiry_date)
    number, optional = _number(document_number, optional_data, 7)
    line2 = number + common.nationality + common.dates + optional
    line2 += icao_check_digit(line2[0:10] + line2[13:20] + line2[21:35])
    return f"{line1}\n{line2}"


def format_td1(
    *,
    document_code: str,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: str,
    sex: str,
    expiry_date: str,
    optional_data: str = "",
    optional_data_2: str = "",
) -> str:
    """An identity-card zone (3 x 30): optional data on line 1 (15) and line 2 (11)."""
    common = _common(nationality, birth_date, sex, expiry_date)
    number, optional = _number(document_number, optional_data, 15)
    line1 = (
        _document_code(document_code, visa=False)
        + _letters(issuing_state, "issuing_state", 3, pad=3)
        + number
        + optional
    )
    line2 = common.dates + common.nationality + _optional(optional_data_2, 11, "optional_data_2")
    line2 += icao_check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return f"{line1}\n{line2}\n{_name(surname, given_names, 30)}"


def _visa(
    width: int,
    document_code: str,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    common: _Common,
    optional_data: str,
) -> str:
    line1 = (
        _document_code(document_code, visa=True)
        + _letters(issuing_state, "issuing_state", 3, pad=3)
        + _name(surname, given_names, width - 5)
    )
    number, _ = _number(document_number, "", None)
    line2 = number + common.nationality + common.dates + _optional(optional_data, width - 28)
    return f"{line1}\n{line2}"


def format_mrva(
    *,
    document_code: str = "V",
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: str,
    sex: str,
    expiry_date: str,
    optional_data: str = "",
) -> str:
    """A full-size visa zone (2 x 44, no composite check digit)."""
    common = _common(nationality, birth_date, sex, expiry_date)
    return _visa(
        44,
        document_code,
        issuing_state,
        surname,
        given_names,
        document_number,
        common,
        optional_data,
    )


def format_mrvb(
    *,
    document_code: str = "V",
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: str,
    sex: str,
    expiry_date: str,
    optional_data: str = "",
) -> str:
    """A small visa zone (2 x 36, no composite check digit)."""
    common = _common(nationality, birth_date, sex, expiry_date)
    return _visa(
        36,
        document_code,
        issuing_state,
        surname,
        given_names,
        document_number,
        common,
        optional_data,
    )
