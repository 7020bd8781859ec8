"""Object records found by an identifier: travel documents, blank ranges, vehicles,
firearms, vessels and works of art.

Each kind validates a flat mapping (an API body or an import row alike) into
the columns of its table, and names the match keys a check looks up. A key is
a short string such as ``D|DEU|L898902C3``: a prefix for the kind of
identifier, then the normalised parts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from concord.domain import fields
from concord.domain.enums import Visibility
from concord.errors import InvalidInput
from concord.identifiers import checkdigits, icao, normalise

DOCUMENT_REVIEW_YEARS = 10
OBJECT_REVIEW_YEARS = 10
MAX_RANGE = 1_000_000


class DocType(StrEnum):
    PASSPORT = "passport"
    ID_CARD = "id_card"
    VISA = "visa"
    RESIDENCE_PERMIT = "residence_permit"
    OTHER = "other"


class DocStatus(StrEnum):
    STOLEN = "stolen"
    LOST = "lost"
    STOLEN_BLANK = "stolen_blank"
    REVOKED = "revoked"
    INVALID = "invalid"


class ObjectStatus(StrEnum):
    STOLEN = "stolen"
    LOST = "lost"
    MISSING = "missing"


COMMON = frozenset(
    {"reference", "remarks", "access", "visibility", "visibility_countries", "review_date"}
)


@dataclass(frozen=True, slots=True)
class Validated:
    """The table columns of a record (without owner and bookkeeping) and its access list."""

    row: dict[str, Any]
    countries: list[str]
    warnings: tuple[str, ...] = ()


def _common(
    data: Mapping[str, Any], row: dict[str, Any], years: int, require_reference: bool
) -> Validated:
    row["reference"] = fields.text(data, "reference", max_length=100, required=require_reference)
    row["remarks"] = fields.text(data, "remarks", max_length=2000)
    visibility, countries = fields.access(data)
    row["visibility"] = visibility.value
    row["review_date"] = fields.review_date(data, years)
    row["content_hash"] = fields.content_hash(row, countries)
    return Validated(row, countries)


def validate_document(data: Mapping[str, Any], require_reference: bool = False) -> Validated:
    fast = _plain_document(data)
    if fast is not None:
        return fast
    fields.unknown_fields(
        data,
        COMMON
        | {
            "number",
            "issuing_country",
            "type",
            "status",
            "issued",
            "expires",
            "lost_on",
            "reporting_country",
        },
    )
    number = fields.text(data, "number", max_length=60, required=True)
    assert number is not None
    issuing = data.get("issuing_country")
    if not isinstance(issuing, str) or not issuing.strip():
        raise InvalidInput("field required", field="issuing_country")
    row: dict[str, Any] = {
        "number": number.upper(),
        "number_key": normalise.document_number_key(number, "number"),
        "issuing_country": icao.normalise_issuing_state(issuing, "issuing_country"),
        "doc_type": fields.choice(data, "type", DocType, DocType.PASSPORT)._value_,
        "status": fields.choice(data, "status", DocStatus)._value_,
        "issued_on": fields.date(data, "issued", not_future=True),
        "expires_on": fields.date(data, "expires"),
        "lost_on": fields.date(data, "lost_on", not_future=True),
        "reporting_country": fields.country(data, "reporting_country"),
    }
    if row["issued_on"] and row["expires_on"] and row["expires_on"] < row["issued_on"]:
        raise InvalidInput("expires before it was issued", field="expires")
    return _common(data, row, DOCUMENT_REVIEW_YEARS, require_reference)


PLAIN_DOCUMENT = frozenset(
    {"reference", "number", "issuing_country", "type", "status", "issued", "expires", "lost_on"}
)
EMPTY_ONLY = ("remarks", "reporting_country")  # taken here only when empty
DOC_TYPES: dict[str, str] = {t.value: t.value for t in DocType} | {"": DocType.PASSPORT.value}
DOC_STATUSES: dict[str, str] = {s.value: s.value for s in DocStatus}


def _plain_document(data: Mapping[str, Any]) -> Validated | None:
    """The commonest import row, validated without the general walk; None: take that walk.

    Only a row every rule would accept as it is comes out of here: plain ASCII
    reference and number, an issuing state and dates already seen valid, exact
    type and status words, no access list or review date. Whatever is unusual,
    the general path judges (and names the field at fault). The result is
    identical to the general path's: tests compare the two.
    """
    if not PLAIN_DOCUMENT.issuperset(data) and not all(
        name in PLAIN_DOCUMENT or (name in EMPTY_ONLY and not data[name]) for name in data
    ):
        return None
    reference = data.get("reference")
    number = data.get("number")
    if not (
        isinstance(reference, str)
        and isinstance(number, str)
        and reference.isascii()
        and reference.isprintable()
        and 0 < len(reference) <= 100
        and number.isascii()
        and number.isalnum()
        and len(number) <= normalise.DOCUMENT_MAX
    ):
        return None
    reference = reference.strip()
    issuing = icao.known_issuing_state(data.get("issuing_country"))
    doc_type = DOC_TYPES.get(data.get("type") or "")
    status = DOC_STATUSES.get(data.get("status"))  # type: ignore[arg-type]
    if not reference or issuing is None or doc_type is None or status is None:
        return None
    known, today = fields.KNOWN_DATES, fields.today_iso()
    issued = data.get("issued") or None
    expires = data.get("expires") or None
    lost_on = data.get("lost_on") or None
    if issued is not None:
        issued = known.get(issued)
        if issued is None or issued > today:
            return None
    if expires is not None:
        expires = known.get(expires)
        if expires is None:
            return None
    if lost_on is not None:
        lost_on = known.get(lost_on)
        if lost_on is None or lost_on > today:
            return None
    if issued and expires and expires < issued:
        return None
    upper = number.upper()
    row: dict[str, Any] = {
        "number": upper,
        "number_key": upper.translate(normalise.OCR_FOLDS),
        "issuing_country": issuing,
        "doc_type": doc_type,
        "status": status,
        "issued_on": issued,
        "expires_on": expires,
        "lost_on": lost_on,
        "reporting_country": None,
        "reference": reference,
        "remarks": None,
        "visibility": Visibility.ALL.value,
        "review_date": fields.default_review(today, DOCUMENT_REVIEW_YEARS),
    }
    row["content_hash"] = fields.content_hash(row, [])
    return Validated(row, [])


def validate_blank_range(data: Mapping[str, Any], require_reference: bool = False) -> Validated:
    fields.unknown_fields(data, COMMON | {"issuing_country", "type", "first", "last", "lost_on"})
    issuing = data.get("issuing_country")
    if not isinstance(issuing, str) or not issuing.strip():
        raise InvalidInput("field required", field="issuing_country")
    first = normalise.document_number_key(
        fields.text(data, "first", max_length=60, required=True) or "", "first"
    )
    last = normalise.document_number_key(
        fields.text(data, "last", max_length=60, required=True) or "", "last"
    )
    prefix, low, width = normalise.serial_range_parts(first, "first")
    last_prefix, high, last_width = normalise.serial_range_parts(last, "last")
    if (last_prefix, last_width) != (prefix, width):
        raise InvalidInput(
            "first and last must share the prefix and the number of digits", field="last"
        )
    if high < low:
        raise InvalidInput("last comes before first", field="last")
    if high - low + 1 > MAX_RANGE:
        raise InvalidInput(f"a range holds at most {MAX_RANGE} documents", field="last")
    row: dict[str, Any] = {
        "issuing_country": icao.normalise_issuing_state(issuing, "issuing_country"),
        "doc_type": fields.choice(data, "type", DocType, DocType.PASSPORT)._value_,
        "first_serial": first,
        "last_serial": last,
        "prefix": prefix,
        "first_value": low,
        "last_value": high,
        "width": width,
        "lost_on": fields.date(data, "lost_on", not_future=True),
    }
    return _common(data, row, DOCUMENT_REVIEW_YEARS, require_reference)


def validate_vehicle(data: Mapping[str, Any], require_reference: bool = False) -> Validated:
    fields.unknown_fields(
        data,
        COMMON
        | {
            "vin",
            "plate",
            "plate_country",
            "make",
            "model",
            "colour",
            "year",
            "status",
            "stolen_on",
        },
    )
    vin = fields.text(data, "vin", max_length=30)
    plate = fields.text(data, "plate", max_length=30)
    if not vin and not plate:
        raise InvalidInput("a vehicle needs a vin or a plate", field="vin")
    plate_country = fields.country(data, "plate_country", required=bool(plate))
    year = data.get("year")
    if year not in (None, ""):
        try:
            year = int(str(year))
        except ValueError:
            raise InvalidInput("must be a year", field="year") from None
        if not 1885 <= year <= 2100:
            raise InvalidInput(f"impossible year {year}", field="year")
    else:
        year = None
    warnings: tuple[str, ...] = ()
    vin_key = normalise.vin_key(vin, "vin") if vin else None
    if vin_key:
        check = checkdigits.vin_check(vin_key)
        if check.carries_check_digit and not check.ok:
            warnings = (f"vin check digit is {vin_key[8]}, expected {check.expected}",)
    row: dict[str, Any] = {
        "vin": vin.upper() if vin else None,
        "vin_key": vin_key,
        "plate": plate.upper() if plate else None,
        "plate_key": normalise.plate_key(plate, "plate") if plate else None,
        "plate_country": plate_country,
        "make": fields.text(data, "make", max_length=100),
        "model": fields.text(data, "model", max_length=100),
        "colour": fields.text(data, "colour", max_length=50),
        "year": year,
        "status": fields.choice(data, "status", ObjectStatus, ObjectStatus.STOLEN).value,
        "stolen_on": fields.date(data, "stolen_on", not_future=True),
    }
    validated = _common(data, row, OBJECT_REVIEW_YEARS, require_reference)
    return Validated(validated.row, validated.countries, warnings)


def validate_firearm(data: Mapping[str, Any], require_reference: bool = False) -> Validated:
    fields.unknown_fields(
        data, COMMON | {"make", "model", "serial", "calibre", "type", "status", "stolen_on"}
    )
    serial = fields.text(data, "serial", max_length=60, required=True) or ""
    row: dict[str, Any] = {
        "make": fields.text(data, "make", max_length=100, required=True),
        "model": fields.text(data, "model", max_length=100),
        "serial": serial.upper(),
        "serial_key": normalise.serial_key(serial, "serial"),
        "calibre": fields.text(data, "calibre", max_length=40),
        "firearm_type": fields.text(data, "type", max_length=40),
        "status": fields.choice(data, "status", ObjectStatus, ObjectStatus.STOLEN).value,
        "stolen_on": fields.date(data, "stolen_on", not_future=True),
    }
    return _common(data, row, OBJECT_REVIEW_YEARS, require_reference)


def validate_vessel(data: Mapping[str, Any], require_reference: bool = False) -> Validated:
    fields.unknown_fields(data, COMMON | {"imo", "hin", "name", "flag", "status", "stolen_on"})
    imo = fields.text(data, "imo", max_length=20)
    hin = fields.text(data, "hin", max_length=30)
    if not imo and not hin:
        raise InvalidInput(
            "a vessel needs an imo number or a hull identification number", field="imo"
        )
    warnings: tuple[str, ...] = ()
    imo_key = normalise.imo_key(imo, "imo") if imo else None
    if imo_key and not checkdigits.imo_check(imo_key):
        warnings = (f"imo number {imo_key} fails its check digit",)
    row: dict[str, Any] = {
        "imo": imo_key,
        "hin": hin.upper() if hin else None,
        "hin_key": normalise.hull_id_key(hin, "hin") if hin else None,
        "name": fields.text(data, "name", max_length=200),
        "flag": fields.country(data, "flag"),
        "status": fields.choice(data, "status", ObjectStatus, ObjectStatus.STOLEN).value,
        "stolen_on": fields.date(data, "stolen_on", not_future=True),
    }
    validated = _common(data, row, OBJECT_REVIEW_YEARS, require_reference)
    return Validated(validated.row, validated.countries, warnings)


def validate_artwork(data: Mapping[str, Any], require_reference: bool = False) -> Validated:
    fields.unknown_fields(
        data,
        COMMON | {"object_id", "title", "artist", "type", "description", "status", "stolen_on"},
    )
    object_id = fields.text(data, "object_id", max_length=60, required=True) or ""
    row: dict[str, Any] = {
        "object_id": object_id,
        "object_key": normalise.serial_key(object_id, "object_id"),
        "title": fields.text(data, "title", max_length=300),
        "artist": fields.text(data, "artist", max_length=200),
        "art_type": fields.text(data, "type", max_length=60),
        "description": fields.text(data, "description", max_length=4000),
        "status": fields.choice(data, "status", ObjectStatus, ObjectStatus.STOLEN).value,
        "stolen_on": fields.date(data, "stolen_on", not_future=True),
    }
    return _common(data, row, OBJECT_REVIEW_YEARS, require_reference)


# Match keys of a stored row, by kind.
def document_keys(row: Mapping[str, Any]) -> list[str]:
    return [f"D|{row['issuing_country']}|{row['number_key']}"]


def vehicle_keys(row: Mapping[str, Any]) -> list[str]:
    keys = []
    if row.get("vin_key"):
        keys.append(f"V|{row['vin_key']}")
    if row.get("plate_key"):
        keys.append(f"P|{row['plate_country']}|{row['plate_key']}")
    return keys


def firearm_keys(row: Mapping[str, Any]) -> list[str]:
    return [f"F|{row['serial_key']}"]


def vessel_keys(row: Mapping[str, Any]) -> list[str]:
    keys = []
    if row.get("imo"):
        keys.append(f"I|{row['imo']}")
    if row.get("hin_key"):
        keys.append(f"H|{row['hin_key']}")
    return keys


def artwork_keys(row: Mapping[str, Any]) -> list[str]:
    return [f"A|{row['object_key']}"]


Validator = Callable[[Mapping[str, Any], bool], Validated]
