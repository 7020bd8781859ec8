"""Match keys for identifiers: one normalisation for storing and for checking.

A key is what two spellings of the same identifier have in common. Records are
stored under it and every check computes it the same way, so "l898902-c3",
"L898902C3" and an OCR reading "L8989O2C3" all find the same stolen passport.

Folds applied to document numbers, serials and plates, in order:

1. Unicode NFKC (full-width and compatibility forms become ASCII), upper case.
2. Cyrillic and Greek capitals that look like Latin ones become Latin: keyboards
   in those scripts produce them in numbers that are Latin on the document.
3. Spaces, dashes, dots, slashes, underscores and '<' are dropped: they are
   layout, not part of the number, and people type them inconsistently.
4. O -> 0 and I -> 1. These two pairs are confused both by people typing from a
   document and by OCR, in every common typeface. Other OCR confusions (B/8,
   S/5, Z/2, G/6, D/0, Q/0) are left alone: they come from poor images rather
   than from reading, and folding them would merge many genuinely different
   letter-prefixed numbers. The cost of a fold is a false candidate that a
   person then rules out; the cost of no fold is a stolen document that passes.

Anything else that remains outside A-Z0-9 is refused, naming the character.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from concord.domain.countries import all_countries
from concord.errors import InvalidInput

DOCUMENT_MAX = 40
SERIAL_MAX = 40
PLATE_MAX = 20
_RAW_MAX = 1000  # bound the work done before the key's own length is known

_LATIN_LOOKALIKES = str.maketrans(
    {
        # Cyrillic capitals (lower case reaches them through upper()).
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
        "Р": "P", "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J",
        # Greek capitals.
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
        "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip
OCR_FOLDS = str.maketrans("OI", "01")
_SEPARATORS = frozenset("-._/\\<\u2212")
_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _is_separator(char: str) -> bool:
    return char.isspace() or char in _SEPARATORS or unicodedata.category(char) == "Pd"


def _latin(text: str, field: str, what: str) -> str:
    """Steps 1-3 of the module docstring: A-Z0-9 only, or InvalidInput naming the character."""
    if not isinstance(text, str):
        raise InvalidInput(f"{what} must be text", field=field)
    if len(text) > _RAW_MAX:
        raise InvalidInput(f"{what} is too long", field=field)
    if text.isascii() and text.isalnum():  # the common case, without the character walk
        return text.upper()
    text = unicodedata.normalize("NFKC", text).upper().translate(_LATIN_LOOKALIKES)
    kept: list[str] = []
    for char in text:
        if _is_separator(char):
            continue
        if char not in _ALLOWED:
            raise InvalidInput(f"character {char!r} is not allowed in {what}", field=field)
        kept.append(char)
    if not kept:
        raise InvalidInput(f"{what} is empty", field=field)
    return "".join(kept)


def _bounded(key: str, max_length: int, field: str, what: str) -> str:
    if len(key) > max_length:
        raise InvalidInput(f"{what} is longer than {max_length} characters", field=field)
    return key


def document_number_key(text: str, field: str = "number") -> str:
    """Key of a travel or identity document number (all folds of the module docstring)."""
    key = _latin(text, field, "a document number").translate(OCR_FOLDS)
    return _bounded(key, DOCUMENT_MAX, field, "a document number")


def serial_key(text: str, field: str = "serial") -> str:
    """Key of a firearm serial number or an art object's id: the document folds."""
    key = _latin(text, field, "a serial number").translate(OCR_FOLDS)
    return _bounded(key, SERIAL_MAX, field, "a serial number")


def plate_key(text: str, field: str = "plate") -> str:
    """Key of a vehicle registration plate: the document folds.

    Plates with a non-Latin character (the province character of Chinese plates,
    Arabic letters and Arabic-Indic digits of Gulf plates) are refused: the
    caller transliterates them first.
    """
    key = _latin(text, field, "a plate").translate(OCR_FOLDS)
    return _bounded(key, PLATE_MAX, field, "a plate")


_VIN_FOLDS = str.maketrans("IOQ", "100")


def vin_key(text: str, field: str = "vin") -> str:
    """Key of a vehicle identification number.

    VINs never contain I, O or Q, so those are certain misreadings of 1, 0 and 0.
    Since 1981 a VIN has 17 characters; older ones from 5 to 17. The check digit
    is not enforced here (most non-North-American VINs carry none, and a stolen
    vehicle must be recordable even when its VIN is wrong): see ``vin_check``.
    """
    key = _latin(text, field, "a VIN").translate(_VIN_FOLDS)
    if not 5 <= len(key) <= 17:
        raise InvalidInput(
            f"a VIN has 17 characters (5 to 17 before 1981), not {len(key)}", field=field
        )
    return key


def imo_key(text: str, field: str = "imo") -> str:
    """The 7 digits of an IMO ship number, given with or without the "IMO" prefix.

    The check digit is not enforced here, as for VINs: a record must be storable
    as the source gives it, and the caller warns with ``checkdigits.imo_check``.
    """
    key = _latin(text, field, "an IMO number").removeprefix("IMO").translate(OCR_FOLDS)
    if len(key) != 7 or not key.isdigit():
        raise InvalidInput("an IMO number has 7 digits, e.g. IMO 9074729", field=field)
    return key


@cache
def _alpha2_codes() -> frozenset[str]:
    return frozenset(c.alpha2 for c in all_countries().values() if c.alpha2)


def hull_id_key(text: str, field: str = "hin") -> str:
    """Key of a hull identification number: 12 characters.

    A 14-character form starting with a country code ("US-ABC12345D404", the EU
    "FR-..." form) is the same hull: the prefix is dropped so both spellings
    match. The document folds (O -> 0, I -> 1) apply after that.
    """
    raw = _latin(text, field, "a hull identification number")
    if len(raw) == 14 and raw[:2] in _alpha2_codes():
        raw = raw[2:]
    if len(raw) != 12:
        raise InvalidInput(
            "a hull identification number has 12 characters (14 with a country prefix)",
            field=field,
        )
    return raw.translate(OCR_FOLDS)


def serial_range_parts(text: str, field: str = "serial") -> tuple[str, int, int]:
    """Split a document number key into (prefix, trailing number, width of that number).

    Stolen blank documents are reported as ranges: the first and last serial
    share prefix and width, and a number hits when its value lies between them.
    "AB0001234" -> ("AB", 1234, 7).
    """
    key = document_number_key(text, field)
    stem = key.rstrip("0123456789")
    digits = key[len(stem) :]
    if not digits:
        raise InvalidInput(
            f"{key!r} does not end in digits, so it cannot bound a range", field=field
        )
    return stem, int(digits), len(digits)
