"""The record kinds: their table, how they validate, and the identifiers a check looks up."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table

from concord.domain import objects
from concord.store.tables import (
    artworks,
    blank_ranges,
    firearms,
    travel_documents,
    vehicles,
    vessels,
)


@dataclass(frozen=True, slots=True)
class KeyLookup:
    """A match-key prefix and the columns that hold its parts (for confirming a maybe)."""

    prefix: str
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ObjectKind:
    name: str  # record kind, as in the change log and the audit log
    path: str  # API collection and CLI import name
    table: Table
    validate: objects.Validator
    keys: Callable[[Mapping[str, Any]], list[str]]
    lookups: tuple[KeyLookup, ...]
    csv_required: frozenset[str]
    csv_optional: frozenset[str] = field(default_factory=frozenset)

    @property
    def key_columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for lookup in self.lookups for c in lookup.columns))


_ACCESS = frozenset({"remarks", "visibility", "visibility_countries", "review_date"})

DOCUMENT = ObjectKind(
    "document",
    "documents",
    travel_documents,
    objects.validate_document,
    objects.document_keys,
    (KeyLookup("D", ("issuing_country", "number_key")),),
    frozenset({"reference", "number", "issuing_country", "type", "status"}),
    frozenset({"issued", "expires", "lost_on", "reporting_country"}) | _ACCESS,
)
BLANK_RANGE = ObjectKind(
    "blank_range",
    "blank-ranges",
    blank_ranges,
    objects.validate_blank_range,
    lambda row: [],
    (),
    frozenset({"reference", "issuing_country", "type", "first", "last"}),
    frozenset({"lost_on"}) | _ACCESS,
)
VEHICLE = ObjectKind(
    "vehicle",
    "vehicles",
    vehicles,
    objects.validate_vehicle,
    objects.vehicle_keys,
    (KeyLookup("V", ("vin_key",)), KeyLookup("P", ("plate_country", "plate_key"))),
    frozenset({"reference"}),
    frozenset(
        {"vin", "plate", "plate_country", "make", "model", "colour", "year", "status", "stolen_on"}
    )
    | _ACCESS,
)
FIREARM = ObjectKind(
    "firearm",
    "firearms",
    firearms,
    objects.validate_firearm,
    objects.firearm_keys,
    (KeyLookup("F", ("serial_key",)),),
    frozenset({"reference", "make", "serial"}),
    frozenset({"model", "calibre", "type", "status", "stolen_on"}) | _ACCESS,
)
VESSEL = ObjectKind(
    "vessel",
    "vessels",
    vessels,
    objects.validate_vessel,
    objects.vessel_keys,
    (KeyLookup("I", ("imo",)), KeyLookup("H", ("hin_key",))),
    frozenset({"reference"}),
    frozenset({"imo", "hin", "name", "flag", "status", "stolen_on"}) | _ACCESS,
)
ARTWORK = ObjectKind(
    "artwork",
    "artworks",
    artworks,
    objects.validate_artwork,
    objects.artwork_keys,
    (KeyLookup("A", ("object_key",)),),
    frozenset({"reference", "object_id"}),
    frozenset({"title", "artist", "type", "description", "status", "stolen_on"}) | _ACCESS,
)

OBJECT_KINDS: tuple[ObjectKind, ...] = (DOCUMENT, BLANK_RANGE, VEHICLE, FIREARM, VESSEL, ARTWORK)
BY_NAME = {k.name: k for k in OBJECT_KINDS}
BY_PATH = {k.path: k for k in OBJECT_KINDS}
BY_PREFIX = {lookup.prefix: (k, lookup) for k in OBJECT_KINDS for lookup in k.lookups}
