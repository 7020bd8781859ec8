"""Turning pydantic validation errors into one InvalidInput naming the field."""

from __future__ import annotations

import unicodedata

from pydantic import ValidationError

from concord.errors import InvalidInput


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("aliases", 0, "full_name")`` -> ``aliases[0].full_name``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def first_error(exc: ValidationError, prefix: tuple[int | str, ...] = ()) -> InvalidInput:
    """The first problem of a pydantic error, as a Concord error."""
    err = exc.errors()[0]
    loc = tuple(p for p in (*prefix, *err["loc"]) if p not in ("body",))
    message = str(err["msg"])
    if err["type"] == "extra_forbidden":
        message = "unknown field"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return InvalidInput(message, field=field_path(loc) or None)


def clean_text(value: str, *, max_length: int, multiline: bool = False) -> str:
    """Normalise to NFC and refuse control characters: they hide text from reviewers."""
    if value.isascii() and value.isprintable():  # the common case: already NFC, no controls
        value = value.strip()
        if len(value) > max_length:
            raise ValueError(f"longer than {max_length} characters")
        return value
    value = unicodedata.normalize("NFC", value).strip()
    if len(value) > max_length:
        raise ValueError(f"longer than {max_length} characters")
    for char in value:
        if unicodedata.category(char) == "Cc" and not (multiline and char in "\n\t"):
            raise ValueError(f"contains control character U+{ord(char):04X}")
    return value
