"""What an officer asks: a check query parsed into the match keys to look up.

A query names one identifier: a document (number, issuing state, optional
type), a full MRZ, a VIN, a plate with its country, a firearm (serial and
make), an IMO number, a hull identification number, or a work of art's id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from concord.domain.objects import DocType
from concord.errors import InvalidInput
from concord.identifiers import checkdigits, icao, normalise
from concord.identifiers.mrz import MRZ, parse_mrz

QUERY_FIELDS = ("document", "mrz", "vin", "plate", "firearm", "imo", "hin", "art")


@dataclass(frozen=True, slots=True)
class RangeProbe:
    issuing: str
    prefix: str
    width: int
    value: int


@dataclass(slots=True)
class ParsedCheck:
    qid: str | None
    kind: str  # one of QUERY_FIELDS
    keys: list[str]
    echo: dict[str, Any]  # the normalised query, for the answer and the audit log
    range_probe: RangeProbe | None = None
    doc_type: str | None = None
    make: str | None = None
    warnings: list[str] = field(default_factory=list)
    person: dict[str, Any] | None = None  # from an MRZ: ready for the name check


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput("must be an object", field=name)
    return value


def _string(data: Mapping[str, Any], name: str, path: str, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise InvalidInput("field required", field=path)
        return None
    if not isinstance(value, str):
        raise InvalidInput("must be a string", field=path)
    return value


def _unknown(data: Mapping[str, Any], allowed: set[str], path: str) -> None:
    for name in data:
        if name not in allowed:
            raise InvalidInput("unknown field", field=f"{path}.{name}" if path else name)


def parse_check(item: Mapping[str, Any]) -> ParsedCheck:
    """Parse one query; raise InvalidInput naming the field at fault."""
    if not isinstance(item, Mapping):
        raise InvalidInput("each check must be an object", field=None)
    _unknown(item, {"qid", *QUERY_FIELDS}, "")
    present = [f for f in QUERY_FIELDS if item.get(f) not in (None, "")]
    if len(present) != 1:
        raise InvalidInput(
            f"give exactly one of {', '.join(QUERY_FIELDS)} (got {len(present)})",
            field=present[1] if len(present) > 1 else None,
        )
    qid = item.get("qid")
    qid_text = None if qid is None else str(qid)[:100]
    kind = present[0]
    parser = _PARSERS[kind]
    parsed = parser(item[kind])
    parsed.qid = qid_text
    return parsed


def document_check(
    number: str, issuing: str, doc_type: str | None, path: str = "document"
) -> ParsedCheck:
    key = normalise.document_number_key(number, f"{path}.number")
    state = icao.normalise_issuing_state(issuing, f"{path}.issuing_country")
    wanted_type = None
    if doc_type:
        try:
            wanted_type = DocType(doc_type.strip().lower()).value
        except ValueError:
            allowed = ", ".join(t.value for t in DocType)
            raise InvalidInput(
                f"unknown type {doc_type[:20]!r} (one of {allowed})", field=f"{path}.type"
            ) from None
    probe = None
    stem = key.rstrip("0123456789")
    digits = key[len(stem) :]
    if digits:
        probe = RangeProbe(state, stem, len(digits), int(digits))
    return ParsedCheck(
        None,
        "document",
        [f"D|{state}|{key}"],
        {"number": key, "issuing_country": state, "type": wanted_type},
        range_probe=probe,
        doc_type=wanted_type,
    )


def _document(value: Any) -> ParsedCheck:
    data = _mapping(value, "document")
    _unknown(data, {"number", "issuing_country", "type"}, "document")
    number = _string(data, "number", "document.number")
    issuing = _string(data, "issuing_country", "document.issuing_country")
    assert number is not None and issuing is not None
    return document_check(number, issuing, _string(data, "type", "document.type", required=False))


_MRZ_TYPES = {"P": "passport", "I": "id_card", "A": "id_card", "C": "id_card", "V": "visa"}


def _mrz(value: Any) -> ParsedCheck:
    if not isinstance(value, str):
        raise InvalidInput("must be the machine-readable zone as text", field="mrz")
    zone: MRZ = parse_mrz(value)
    parsed = document_check(zone.document_number, zone.issuing_state, None, path="mrz")
    parsed.kind = "mrz"
    parsed.doc_type = _MRZ_TYPES.get(zone.document_code[:1])
    for failed in zone.failed():
        parsed.warnings.append(
            f"check digit of the {failed.name.replace('_', ' ')} fails "
            f"(line {failed.line}, position {failed.position}: "
            f"found {failed.found}, expected {failed.expected})"
        )
    parsed.person = {
        "family_names": zone.primary_identifier,
        "given_names": zone.secondary_identifier,
        "nationality": zone.nationality,
        "dob": zone.birth_date_iso,
        "sex": zone.sex,
        "document_expiry": zone.expiry_date_iso,
    }
    parsed.echo["format"] = zone.format
    return parsed


def _vin(value: Any) -> ParsedCheck:
    if not isinstance(value, str):
        raise InvalidInput("must be a string", field="vin")
    key = normalise.vin_key(value, "vin")
    parsed = ParsedCheck(None, "vin", [f"V|{key}"], {"vin": key})
    check = checkdigits.vin_check(key)
    if check.carries_check_digit and not check.ok:
        parsed.warnings.append(
            f"vin check digit is {key[8]}, expected {check.expected}: checked as given"
        )
    return parsed


def _plate(value: Any) -> ParsedCheck:
    data = _mapping(value, "plate")
    _unknown(data, {"number", "country"}, "plate")
    number = _string(data, "number", "plate.number")
    country = _string(data, "country", "plate.country")
    assert number is not None and country is not None
    from concord.domain.countries import normalise_country

    key = normalise.plate_key(number, "plate.number")
    code = normalise_country(country, "plate.country")
    return ParsedCheck(None, "plate", [f"P|{code}|{key}"], {"plate": key, "country": code})


def _firearm(value: Any) -> ParsedCheck:
    data = _mapping(value, "firearm")
    _unknown(data, {"serial", "make"}, "firearm")
    serial = _string(data, "serial", "firearm.serial")
    assert serial is not None
    key = normalise.serial_key(serial, "firearm.serial")
    make = _string(data, "make", "firearm.make", required=False)
    parsed = ParsedCheck(None, "firearm", [f"F|{key}"], {"serial": key, "make": make})
    parsed.make = make_key(make) if make else None
    return parsed


def make_key(make: str) -> str:
    """Makes are written loosely ("Glock", "GLOCK GmbH"): compare letters and digits only."""
    return "".join(c for c in make.casefold() if c.isalnum())


def _imo(value: Any) -> ParsedCheck:
    if not isinstance(value, str | int):
        raise InvalidInput("must be a string", field="imo")
    key = normalise.imo_key(str(value), "imo")
    parsed = ParsedCheck(None, "imo", [f"I|{key}"], {"imo": key})
    if not checkdigits.imo_check(key):
        parsed.warnings.append(f"imo number {key} fails its check digit: checked as given")
    return parsed


def _hin(value: Any) -> ParsedCheck:
    if not isinstance(value, str):
        raise InvalidInput("must be a string", field="hin")
    key = normalise.hull_id_key(value, "hin")
    return ParsedCheck(None, "hin", [f"H|{key}"], {"hin": key})


def _art(value: Any) -> ParsedCheck:
    data = _mapping(value, "art")
    _unknown(data, {"object_id"}, "art")
    object_id = _string(data, "object_id", "art.object_id")
    assert object_id is not None
    key = normalise.serial_key(object_id, "art.object_id")
    return ParsedCheck(None, "art", [f"A|{key}"], {"object_id": key})


_PARSERS = {
    "document": _document,
    "mrz": _mrz,
    "vin": _vin,
    "plate": _plate,
    "firearm": _firearm,
    "imo": _imo,
    "hin": _hin,
    "art": _art,
}
