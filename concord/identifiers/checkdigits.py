"""Check digits: ICAO 9303 (MRZ), ISO 3779 VIN position 9, IMO ship numbers.

A check digit catches typing and reading errors before they reach a search;
a failed one is information for the user, so these functions report and never
decide what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.errors import InvalidInput

_ICAO_WEIGHTS = (7, 3, 1)


def _icao_value(char: str) -> int:
    if "0" <= char <= "9":
        return ord(char) - ord("0")
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise InvalidInput(f"character {char!r} has no ICAO 9303 check-digit value", field="mrz")


def icao_check_digit(text: str) -> str:
    """ICAO 9303 check digit: weights 7, 3, 1 repeated; 0-9 as such, A-Z = 10-35, '<' = 0."""
    total = sum(_icao_value(c) * _ICAO_WEIGHTS[i % 3] for i, c in enumerate(text))
    return str(total % 10)


# ISO 3779 / 49 CFR 565 transliteration; I, O and Q never occur in a VIN.
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_ALPHABET = frozenset(_VIN_VALUES)


def vin_check_digit(vin: str) -> str:
    """The position-9 check digit of a 17-character VIN: weighted sum mod 11, 10 -> 'X'."""
    if len(vin) != 17:
        raise InvalidInput(f"a VIN check digit needs 17 characters, not {len(vin)}", field="vin")
    total = 0
    for char, weight in zip(vin, _VIN_WEIGHTS, strict=True):
        if char not in _VIN_VALUES:
            raise InvalidInput(f"character {char!r} is not allowed in a VIN", field="vin")
        total += _VIN_VALUES[char] * weight
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


@dataclass(frozen=True, slots=True)
class VinCheck:
    """Outcome of a VIN check; ``ok`` and ``expected`` are None when no check digit is carried."""

    carries_check_digit: bool
    ok: bool | None
    expected: str | None


def vin_check(vin: str) -> VinCheck:
    """Verify position 9 where it is a check digit.

    Only North American VINs (WMI first character 1-5) are required to carry one
    (49 CFR 565); elsewhere position 9 is often a manufacturer's character, so a
    mismatch there says nothing. China (WMI 'L') also mandates it, but we keep to
    the rule every manufacturer shares. Pass the key from ``normalise.vin_key``.
    """
    if len(vin) != 17 or vin[0] not in "12345":
        return VinCheck(carries_check_digit=False, ok=None, expected=None)
    expected = vin_check_digit(vin)
    return VinCheck(carries_check_digit=True, ok=vin[8] == expected, expected=expected)


def imo_check(number: str) -> bool:
    """IMO ship number: 7 digits, the first six weighted 7..2, the last is the sum mod 10."""
    if len(number) != 7 or not number.isascii() or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(number[6])
