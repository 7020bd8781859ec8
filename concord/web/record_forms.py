"""The records pages' forms: which fields each kind of record has, how a submitted form
becomes the body the API takes (so the API's own schema and validators judge it), how
a stored record fills the form again, and where each error of the services is shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from concord.domain.enums import Sex, Visibility
from concord.domain.objects import DocStatus, DocType, ObjectStatus
from concord.domain.persons import PersonName
from concord.domain.validation import field_path
from concord.errors import ConcordError
from concord.store.kinds import BY_PATH, ObjectKind

ALIAS_KINDS = ("primary", "aka", "fka", "maiden", "nickname")
VISIBILITIES = tuple(v.value for v in Visibility)


@dataclass(frozen=True, slots=True)
class Field:
    """One input: its name (the API body's), the stored column, how it is typed."""

    name: str
    column: str = ""
    widget: str = "text"  # text, date, select, textarea, lines
    choices: tuple[str, ...] = ()
    required: bool = False

    @property
    def stored(self) -> str:
        return self.column or self.name


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of record as the pages show it: its URL segment, fields and list columns."""

    path: str
    name: str
    fields: tuple[Field, ...]
    columns: tuple[str, ...]  # stored columns shown in the list, after the reference
    objects: ObjectKind | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _f(name: str, column: str = "", **more: Any) -> Field:
    return Field(name, column, **more)


_DOC_TYPES = tuple(t.value for t in DocType)
_OBJECT_STATUS = tuple(s.value for s in ObjectStatus)
_TAIL = (_f("remarks", widget="textarea"), _f("review_date", widget="date"))
_STOLEN = (_f("status", widget="select", choices=_OBJECT_STATUS), _f("stolen_on", widget="date"))

PERSONS = Kind(
    "persons",
    "person",
    (
        _f("reference"),
        _f("full_name"),
        _f("given_names"),
        _f("family_names"),
        _f("aliases", widget="lines"),
        _f("dob"),
        _f("place_of_birth"),
        _f("nationalities"),
        _f("sex", widget="select", choices=tuple(s.value for s in Sex)),
        _f("identifiers", widget="lines"),
        _f("description", widget="textarea"),
        _f("review_date", widget="date"),
    ),
    ("display_name", "dob", "nationalities"),
)
_OBJECT_FIELDS: dict[str, tuple[Field, ...]] = {
    "documents": (
        _f("reference"),
        _f("number", required=True),
        _f("issuing_country", required=True),
        _f("type", "doc_type", widget="select", choices=_DOC_TYPES),
        _f("status", widget="select", choices=tuple(s.value for s in DocStatus), required=True),
        _f("issued", "issued_on", widget="date"),
        _f("expires", "expires_on", widget="date"),
        _f("lost_on", widget="date"),
        _f("reporting_country"),
        *_TAIL,
    ),
    "blank-ranges": (
        _f("reference"),
        _f("issuing_country", required=True),
        _f("type", "doc_type", widget="select", choices=_DOC_TYPES),
        _f("first", "first_serial", required=True),
        _f("last", "last_serial", required=True),
        _f("lost_on", widget="date"),
        *_TAIL,
    ),
    "vehicles": (
        _f("reference"),
        _f("vin"),
        _f("plate"),
        _f("plate_country"),
        _f("make"),
        _f("model"),
        _f("colour"),
        _f("year"),
        *_STOLEN,
        *_TAIL,
    ),
    "firearms": (
        _f("reference"),
        _f("make", required=True),
        _f("model"),
        _f("serial", required=True),
        _f("calibre"),
        _f("type", "firearm_type"),
        *_STOLEN,
        *_TAIL,
    ),
    "vessels": (
        _f("reference"),
        _f("imo"),
        _f("hin"),
        _f("name"),
        _f("flag"),
        *_STOLEN,
        *_TAIL,
    ),
    "artworks": (
        _f("reference"),
        _f("object_id", required=True),
        _f("title"),
        _f("artist"),
        _f("type", "art_type"),
        _f("description", widget="textarea"),
        *_STOLEN,
        *_TAIL,
    ),
}
_OBJECT_COLUMNS = {
    "documents": ("number", "issuing_country", "doc_type", "status"),
    "blank-ranges": ("issuing_country", "first_serial", "last_serial"),
    "vehicles": ("vin", "plate", "make", "status"),
    "firearms": ("make", "serial", "status"),
    "vessels": ("imo", "hin", "name", "status"),
    "artworks": ("object_id", "title", "status"),
}
KINDS: dict[str, Kind] = {"persons": PERSONS} | {
    path: Kind(path, BY_PATH[path].name, fields, _OBJECT_COLUMNS[path], BY_PATH[path])
    for path, fields in _OBJECT_FIELDS.items()
}


def typed(kind: Kind, posted: Mapping[str, Any]) -> dict[str, str]:
    """What was typed in each field (kept to show the form again), bounded."""
    return {f.name: str(posted.get(f.name) or "")[:10_000] for f in kind.fields}


def typed_access(posted: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(posted.get(k) or "")[:4000] for k in ("visibility", "countries")}


def access_body(access: Mapping[str, str]) -> dict[str, Any]:
    """The API's ``access`` object from the restriction fields."""
    return {
        "visibility": access.get("visibility", "").strip() or Visibility.ALL.value,
        "countries": _words(access.get("countries", "")),
    }


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,;|]+", text) if w]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def body(kind: Kind, form: Mapping[str, str], access: Mapping[str, Any]) -> dict[str, Any]:
    """The API body of a submitted form: empty fields are absent, as in an API call."""
    if kind is not PERSONS:
        out: dict[str, Any] = {k: v for k, v in form.items() if v.strip()}
        return out | {"access": dict(access)}
    out = {k: v for k, v in form.items() if v.strip() and k not in ("aliases", "identifiers")}
    if "nationalities" in out:
        out["nationalities"] = _words(out["nationalities"])
    aliases = _lines(form.get("aliases", ""))
    if aliases:
        out["aliases"] = [_alias(line) for line in aliases]
    identifiers = _lines(form.get("identifiers", ""))
    if identifiers:
        out["identifiers"] = [_identifier(line) for line in identifiers]
    return out | {"access": dict(access)}


def _alias(line: str) -> dict[str, str]:
    """``fka: Jean DUPONT`` (the kind first, when one of the alias kinds) or a name."""
    head, sep, rest = line.partition(":")
    if sep and head.strip().lower() in ALIAS_KINDS and rest.strip():
        return {"kind": head.strip().lower(), "full_name": rest.strip()}
    return {"full_name": line}


def _identifier(line: str) -> dict[str, str]:
    """``passport, C01X00T47, DEU``: kind, value and (optionally) the issuing country."""
    parts = [p.strip() for p in line.split(",", 2)]
    out = {"kind": parts[0]}
    if len(parts) > 1 and parts[1]:
        out["value"] = parts[1]
    if len(parts) > 2 and parts[2]:
        out["country"] = parts[2]
    return out


def filled(kind: Kind, record: Mapping[str, Any]) -> dict[str, str]:
    """The form of a stored record (as the services show it to its owner)."""
    out: dict[str, str] = {}
    for field in kind.fields:
        value = record.get(field.stored)
        if field.name == "aliases":
            out["aliases"] = "\n".join(_alias_line(a) for a in value or [])
        elif field.name == "identifiers":
            out["identifiers"] = "\n".join(
                ", ".join(p for p in (i.get("kind"), i.get("value"), i.get("country")) if p)
                for i in value or []
            )
        elif field.name == "nationalities":
            out["nationalities"] = " ".join(value or [])
        else:
            out[field.name] = "" if value is None else str(value)
    return out


def _alias_line(alias: Mapping[str, Any]) -> str:
    name = PersonName.model_validate(alias).display()
    kind = alias.get("kind") or "aka"
    return name if kind == "aka" else f"{kind}: {name}"


def filled_access(record: Mapping[str, Any]) -> dict[str, str]:
    access = record.get("access") or {}
    return {
        "visibility": str(access.get("visibility") or Visibility.ALL.value),
        "countries": " ".join(access.get("countries") or []),
    }


def errors_of(kind: Kind, exc: ConcordError | ValidationError) -> dict[str, str]:
    """Each problem at the form field it is about (``_form`` when no field is named)."""
    if isinstance(exc, ValidationError):
        found: dict[str, str] = {}
        for err in exc.errors():  # every problem, each worded as the API words its first
            message = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field"
            found.setdefault(*_placed(kind, field_path(tuple(err["loc"])) or None, message))
        return found
    where, message = _placed(kind, exc.field, exc.message)
    return {where: message}


def _placed(kind: Kind, path: str | None, message: str) -> tuple[str, str]:
    if not path:
        # A person's whole-record rule ("a person needs a name") is about the name.
        return ("full_name" if kind is PERSONS and "name" in message else "_form"), message
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    if head == "access":
        return ("visibility" if path == "access.visibility" else "countries"), message
    line = re.match(r"^\w+\[(\d+)\]", path)
    if head in kind.field_names:
        if line and head in ("aliases", "identifiers"):
            return head, f"line {int(line.group(1)) + 1}: {message} ({path})"
        return head, message if head == path else f"{message} ({path})"
    return "_form", f"{path}: {message}"
