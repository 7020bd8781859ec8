"""Field rules shared by the object records: plain functions, one error per bad field.

The import fast path and the API both validate through these, so a row is
judged the same way whichever door it comes in by.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache
from typing import Any, TypeVar

from concord.domain.countries import normalise_country
from concord.domain.dates import parse_full_date
from concord.domain.enums import Visibility
from concord.domain.validation import clean_text
from concord.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)


def text(
    data: Mapping[str, Any], name: str, *, max_length: int, required: bool = False
) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise InvalidInput("field required", field=name)
        return None
    if not isinstance(value, str):
        raise InvalidInput("must be a string", field=name)
    if value.isascii() and value.isprintable() and len(value) <= max_length:
        cleaned = value.strip()  # the common case: nothing to normalise or refuse
    else:
        multiline = name in ("remarks", "description")
        try:
            cleaned = clean_text(value, max_length=max_length, multiline=multiline)
        except ValueError as exc:
            raise InvalidInput(str(exc), field=name) from None
    if required and not cleaned:
        raise InvalidInput("field required", field=name)
    return cleaned or None


def choice(data: Mapping[str, Any], name: str, enum: type[E], default: E | None = None) -> E:
    value = data.get(name)
    if value is None or value == "":
        if default is None:
            raise InvalidInput("field required", field=name)
        return default
    member = enum._value2member_map_.get(value)
    if member is not None:
        return member  # type: ignore[return-value]
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise InvalidInput(
            f"unknown value {str(value)[:30]!r} (one of {allowed})", field=name
        ) from None


def date(data: Mapping[str, Any], name: str, *, not_future: bool = False) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput("must be a date YYYY-MM-DD", field=name)
    seen = KNOWN_DATES.get(value)
    if seen is not None and not (not_future and seen > today_iso()):
        return seen
    parsed = parse_full_date(value, name)
    if parsed.year < 1900:
        raise InvalidInput(f"impossible date {value}", field=name)
    if not_future and parsed.isoformat() > today_iso():
        raise InvalidInput(f"date {value} is in the future", field=name)
    if len(KNOWN_DATES) < 100_000:
        KNOWN_DATES[value] = parsed.isoformat()
    return parsed.isoformat()


# Valid dates already parsed: imports repeat the same dates over and over.
KNOWN_DATES: dict[str, str] = {}


_today: tuple[float, str] = (0.0, "")


def today_iso() -> str:
    """Today's date, recomputed at most once a second (imports ask millions of times)."""
    global _today
    now = time.monotonic()
    if now - _today[0] > 1.0:
        _today = (now, dt.date.today().isoformat())
    return _today[1]


def country(data: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise InvalidInput("field required", field=name)
        return None
    if not isinstance(value, str):
        raise InvalidInput("must be a country code", field=name)
    return normalise_country(value, name)


def access(data: Mapping[str, Any]) -> tuple[Visibility, list[str]]:
    """``access: {visibility, countries}`` (API), or flat CSV columns."""
    raw = data.get("access")
    if raw is None and not data.get("visibility") and not data.get("visibility_countries"):
        return Visibility.ALL, []
    if raw is None:
        raw = {"visibility": data.get("visibility"), "countries": data.get("visibility_countries")}
    if not isinstance(raw, Mapping):
        raise InvalidInput("must be an object {visibility, countries}", field="access")
    visibility = choice(raw, "visibility", Visibility, Visibility.ALL)
    listed = raw.get("countries") or []
    if isinstance(listed, str):
        listed = [c for c in listed.split("|") if c.strip()]
    if not isinstance(listed, list):
        raise InvalidInput("must be a list of country codes", field="access.countries")
    codes = sorted({normalise_country(c, f"access.countries[{i}]") for i, c in enumerate(listed)})
    needs_list = visibility in (Visibility.ONLY, Visibility.EXCEPT)
    if needs_list and not codes:
        raise InvalidInput(
            f"visibility {visibility.value!r} needs a list of countries", field="access"
        )
    if not needs_list and codes:
        raise InvalidInput(
            f"visibility {visibility.value!r} takes no list of countries", field="access"
        )
    return visibility, codes


def review_date(data: Mapping[str, Any], years: int) -> str:
    given = date(data, "review_date")
    if given is not None:
        return given
    return default_review(today_iso(), years)


@lru_cache(maxsize=8)
def default_review(today_iso: str, years: int) -> str:
    today = dt.date.fromisoformat(today_iso)
    try:
        return today.replace(year=today.year + years).isoformat()
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28).isoformat()


def content_hash(row: Mapping[str, Any], countries: list[str]) -> str:
    """Digest of what the owner wrote: an unchanged re-import is recognised and skipped.

    The text hashed is ``name=value`` for each column in name order, then the
    access list, joined by U+001F. The name order of a set of columns is
    sorted once (imports hash millions of rows with the same columns).
    """
    names = tuple(row)
    order = _HASH_ORDERS.get(names)
    if order is None:
        order = tuple(sorted(names))
        if len(_HASH_ORDERS) < 100:
            _HASH_ORDERS[names] = order
    text = "\x1f".join([f"{k}={row[k]}" for k in order]) + "\x1faccess=" + ",".join(countries)
    return content_digest(text.encode())


def content_digest(text: bytes) -> str:
    """The digest ``content_hash`` takes of its text (the column-at-a-time import
    hashes texts it builds itself). Copying a made hasher costs less than making
    one with its digest size: 0.47 against 0.68 s for 768k rows."""
    hasher = _CONTENT_HASHER.copy()
    hasher.update(text)
    return hasher.hexdigest()


_CONTENT_HASHER = hashlib.blake2b(digest_size=16)
_HASH_ORDERS: dict[tuple[str, ...], tuple[str, ...]] = {}


def unknown_fields(data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for name in data:
        if name not in allowed:
            raise InvalidInput("unknown field", field=name)
