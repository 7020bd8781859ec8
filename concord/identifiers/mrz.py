"""ICAO 9303 machine-readable zones: TD1, TD2, TD3 and the two visa formats.

A zone that cannot be read (wrong shape, a character that is not allowed, a
letter where a digit must be, a date that cannot exist) raises ``MRZError``
naming the line and column. A zone that reads but whose check digits disagree
is returned with ``valid`` False and the failing ``checks``: a border screen
shows where the zone and its check digits part ways rather than refusing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from concord.errors import InvalidInput
from concord.identifiers._mrzdates import resolve_birth, resolve_expiry
from concord.identifiers.checkdigits import icao_check_digit
from concord.identifiers.mrz_format import (
    format_mrva,
    format_mrvb,
    format_td1,
    format_td2,
    format_td3,
)

__all__ = [
    "MRZ",
    "CheckResult",
    "MRZError",
    "MRZFormat",
    "format_mrva",
    "format_mrvb",
    "format_td1",
    "format_td2",
    "format_td3",
    "parse_mrz",
]

MRZFormat = Literal["TD1", "TD2", "TD3", "MRVA", "MRVB"]
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"
_ALLOWED = frozenset(_LETTERS + _DIGITS + "<")
_MAX_INPUT = 1000  # a zone is at most 90 characters; anything far beyond is not one
_ONE_LINE = {88: 44, 72: 36, 90: 30}  # length of a zone pasted without line breaks -> line


class MRZError(InvalidInput):
    """A zone that cannot be read, with the 1-based line and column at fault when known."""

    def __init__(self, message: str, *, line: int | None = None, position: int | None = None):
        where = f"line {line}" if line is not None else ""
        if position is not None:
            where += f", position {position}"
        super().__init__(f"{where}: {message}" if where else message, field="mrz")
        self.line = line
        self.position = position


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check digit: what the data says it should be and what the zone carries."""

    name: str
    line: int
    position: int
    expected: str
    found: str
    ok: bool


@dataclass(frozen=True, slots=True)
class MRZ:
    """A read zone; codes, names and dates as printed, filler removed.

    ``birth_date_iso`` takes the latest century that is not in the future (None
    when the zone leaves part of the date unknown); ``expiry_date_iso`` is 20YY
    for YY < 70, else 19YY. ``lines`` is the zone as read, for pointing at checks.
    """

    format: MRZFormat
    document_code: str
    issuing_state: str
    document_number: str
    primary_identifier: str
    secondary_identifier: str
    nationality: str
    birth_date: str
    birth_date_iso: str | None
    sex: str
    expiry_date: str
    expiry_date_iso: str
    optional_data: list[str]
    checks: tuple[CheckResult, ...]
    lines: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return all(check.ok for check in self.checks)

    def failed(self) -> list[CheckResult]:
        return [check for check in self.checks if not check.ok]


Span = tuple[int, int, int]  # line, first column, length (1-based)


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where each element sits; sex follows the birth check digit and the expiry date the sex."""

    name: Span
    number: tuple[int, int]  # the 9 characters, then the check digit
    overflow: Span | None  # the optional field where a longer number continues
    nationality: tuple[int, int]
    birth: tuple[int, int]
    optional: tuple[Span, ...]
    optional_check: tuple[int, int] | None
    composite: tuple[Span, ...]
    composite_at: tuple[int, int] | None


_LAYOUTS: dict[MRZFormat, _Layout] = {
    "TD1": _Layout(
        name=(3, 1, 30),
        number=(1, 6),
        overflow=(1, 16, 15),
        nationality=(2, 16),
        birth=(2, 1),
        optional=((1, 16, 15), (2, 19, 11)),
        optional_check=None,
        composite=((1, 6, 25), (2, 1, 7), (2, 9, 7), (2, 19, 11)),
        composite_at=(2, 30),
    ),
    "TD2": _Layout(
        name=(1, 6, 31),
        number=(2, 1),
        overflow=(2, 29, 7),
        nationality=(2, 11),
        birth=(2, 14),
        optional=((2, 29, 7),),
        optional_check=None,
        composite=((2, 1, 10), (2, 14, 7), (2, 22, 14)),
        composite_at=(2, 36),
    ),
    "TD3": _Layout(
        name=(1, 6, 39),
        number=(2, 1),
        overflow=None,
        nationality=(2, 11),
        birth=(2, 14),
        optional=((2, 29, 14),),
        optional_check=(2, 43),
        composite=((2, 1, 10), (2, 14, 7), (2, 22, 22)),
        composite_at=(2, 44),
    ),
    "MRVA": _Layout(
        name=(1, 6, 39),
        number=(2, 1),
        overflow=None,
        nationality=(2, 11),
        birth=(2, 14),
        optional=((2, 29, 16),),
        optional_check=None,
        composite=(),
        composite_at=None,
    ),
    "MRVB": _Layout(
        name=(1, 6, 31),
        number=(2, 1),
        overflow=None,
        nationality=(2, 11),
        birth=(2, 14),
        optional=((2, 29, 8),),
        optional_check=None,
        composite=(),
        composite_at=None,
    ),
}


def _split(text: str) -> list[str]:
    """Lines of the zone, upper-cased, each of the right length and alphabet."""
    if not isinstance(text, str):
        raise MRZError("the zone must be text")
    if len(text) > _MAX_INPUT:
        raise MRZError(f"{len(text)} characters is far too long for a zone")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1:
        width = _ONE_LINE.get(len(lines[0]))
        if width is None:
            raise MRZError(f"a zone on one line has 72, 88 or 90 characters, not {len(lines[0])}")
        lines = [lines[0][i : i + width] for i in range(0, len(lines[0]), width)]
    if len(lines) not in (2, 3):
        raise MRZError(f"expected 2 or 3 lines, found {len(lines)}")
    if len(lines) == 3:
        widths: tuple[int, ...] = (30,)
    elif len(lines[0]) in (44, 36):
        widths = (len(lines[0]),)
    else:
        widths = (44, 36)
    for number, line in enumerate(lines, start=1):
        if len(line) not in widths:
            wanted = " or ".join(str(w) for w in widths)
            shape = f"a {len(lines)}-line zone"
            raise MRZError(f"{len(line)} characters, expected {wanted} in {shape}", line=number)
    return [_clean(line, number) for number, line in enumerate(lines, start=1)]


def _clean(line: str, number: int) -> str:
    chars = []
    for position, char in enumerate(line, start=1):
        upper = char.upper() if "a" <= char <= "z" else char
        if upper not in _ALLOWED:
            raise MRZError(
                f"character {char!r} is not allowed (only A-Z, 0-9 and '<')",
                line=number,
                position=position,
            )
        chars.append(upper)
    return "".join(chars)


class _Zone:
    """The cleaned lines, read by 1-based line and column so errors can point at them."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.checks: list[CheckResult] = []

    def at(self, line: int, position: int, length: int = 1) -> str:
        return self.lines[line - 1][position - 1 : position - 1 + length]

    def expect(self, line: int, position: int, length: int, allowed: str, what: str) -> str:
        text = self.at(line, position, length)
        for offset, char in enumerate(text):
            if char not in allowed:
                raise MRZError(
                    f"expected {what}, found {char!r}", line=line, position=position + offset
                )
        return text

    def letters(self, line: int, position: int, length: int) -> str:
        """A code of letters padded with '<' at the end ("P<", "D<<", "UTO")."""
        self.expect(line, position, 1, _LETTERS, "a letter")
        text = self.expect(line, position, length, _LETTERS + "<", "a letter or '<'")
        code = text.rstrip("<")
        if "<" in code:
            raise MRZError(
                f"expected a code padded with '<' at the end, found {text!r}",
                line=line,
                position=position + code.index("<"),
            )
        return code

    def name(self, span: Span) -> tuple[str, str]:
        text = self.expect(*span, _LETTERS + "<", "a letter or '<' in the name")
        primary, _, secondary = text.partition("<<")
        return primary.replace("<", " ").strip(), " ".join(secondary.replace("<", " ").split())

    def check(
        self, name: str, data: str, line: int, position: int, *, filler_ok: bool = False
    ) -> None:
        """Record a check digit; '<' is accepted only where ICAO allows it (empty data)."""
        found = self.expect(line, position, 1, _DIGITS + ("<" if filler_ok else ""), "a digit")
        expected = icao_check_digit(data)
        ok = found == expected or (found == "<" and set(data) == {"<"})
        self.checks.append(CheckResult(name, line, position, expected, found, ok))

    def birth_date(self, line: int, position: int, today: date) -> tuple[str, str | None]:
        text = self.expect(line, position, 6, _DIGITS + "<", "a digit or '<'")
        for pair in range(0, 6, 2):
            if (text[pair] == "<") != (text[pair + 1] == "<"):
                raise MRZError(
                    f"each part of the birth date {text} is two digits or '<<'",
                    line=line,
                    position=position + pair,
                )
        try:
            resolved = resolve_birth(text, today)
        except ValueError as exc:
            message = f"birth date {text} is not valid: {exc}"
            raise MRZError(message, line=line, position=position) from None
        self.check("birth_date", text, line, position + 6)
        return text, resolved.isoformat() if resolved else None

    def expiry_date(self, line: int, position: int) -> tuple[str, str]:
        text = self.expect(line, position, 6, _DIGITS, "a digit")
        try:
            resolved = resolve_expiry(text)
        except ValueError as exc:
            message = f"expiry date {text} is not valid: {exc}"
            raise MRZError(message, line=line, position=position) from None
        self.check("expiry_date", text, line, position + 6)
        return text, resolved.isoformat()

    def document_number(self, start: tuple[int, int], overflow: Span | None) -> tuple[str, str]:
        """The number (filler removed) and what is left of the overflow field after it.

        Where a number may run over 9 characters (TD1, TD2), a '<' in place of its
        check digit says it does: the rest follows in the optional field, then the
        check digit, then a filler.
        """
        line, position = start
        head = self.at(line, position, 9)
        if overflow is None or self.at(line, position + 9) != "<":
            self.check("document_number", head, line, position + 9)
            return head.replace("<", ""), self.at(*overflow) if overflow else ""
        rest = self.at(*overflow)
        run = rest.split("<", 1)[0]
        if len(run) < 2:
            raise MRZError(
                "a '<' in place of the document number check digit must be followed here "
                "by the rest of the number and its check digit",
                line=overflow[0],
                position=overflow[1],
            )
        full = head + run[:-1]
        self.check("document_number", full, overflow[0], overflow[1] + len(run) - 1)
        return full.replace("<", ""), rest[len(run) + 1 :]


def parse_mrz(text: str, *, today: date | None = None) -> MRZ:
    """Read a zone of 2 or 3 lines (or one line of 72, 88 or 90 characters).

    TD2 and MRV-B (2 x 36), TD3 and MRV-A (2 x 44) differ by the first character:
    'V' is a visa. ``today`` (default: the current date) picks the birth century.
    """
    lines = _split(text)
    fmt: MRZFormat
    if len(lines) == 3:
        fmt = "TD1"
    elif len(lines[0]) == 44:
        fmt = "MRVA" if lines[0][0] == "V" else "TD3"
    else:
        fmt = "MRVB" if lines[0][0] == "V" else "TD2"
    return _read(_Zone(lines), fmt, _LAYOUTS[fmt], today or date.today())


def _read(zone: _Zone, fmt: MRZFormat, layout: _Layout, today: date) -> MRZ:
    document_code = zone.letters(1, 1, 2)
    issuing_state = zone.letters(1, 3, 3)
    number, rest = zone.document_number(layout.number, layout.overflow)
    nationality = zone.letters(*layout.nationality, 3)
    birth_line, birth_at = layout.birth
    birth_date, birth_iso = zone.birth_date(birth_line, birth_at, today)
    sex = zone.expect(birth_line, birth_at + 7, 1, "MFX<", "M, F or '<' for the sex")
    expiry_date, expiry_iso = zone.expiry_date(birth_line, birth_at + 8)
    optional = [zone.at(*span) for span in layout.optional]
    if layout.overflow is not None:
        optional[0] = rest
    if layout.optional_check is not None:
        zone.check("optional_data", optional[0], *layout.optional_check, filler_ok=True)
    if layout.composite_at is not None:
        data = "".join(zone.at(*span) for span in layout.composite)
        zone.check("composite", data, *layout.composite_at)
    primary, secondary = zone.name(layout.name)
    return MRZ(
        format=fmt,
        document_code=document_code,
        issuing_state=issuing_state,
        document_number=number,
        primary_identifier=primary,
        secondary_identifier=secondary,
        nationality=nationality,
        birth_date=birth_date,
        birth_date_iso=birth_iso,
        sex="X" if sex == "<" else sex,
        expiry_date=expiry_date,
        expiry_date_iso=expiry_iso,
        optional_data=[part.strip("<") for part in optional],
        checks=tuple(zone.checks),
        lines=tuple(zone.lines),
    )
