"""Object records (documents, blank ranges, vehicles, firearms, vessels, art): CRUD.

Validation is the kind's own (``concord.domain.objects``); the owner rules and
the not-found rule are the generic record service's. A travel document or a
blank range may be reported only by the issuing state's NCB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_

from concord.domain.objects import Validated
from concord.domain.principal import Principal
from concord.policy import Action, NewRecord, ensure
from concord.services import records
from concord.store import Store
from concord.store.kinds import BLANK_RANGE, DOCUMENT, ObjectKind

# Where a search of a kind's records looks, besides the reference: its identifiers
# as stored (upper case), matched from their start.
SEARCHED = {
    "document": ("number",),
    "blank_range": ("first_serial", "last_serial"),
    "vehicle": ("vin", "plate"),
    "firearm": ("serial",),
    "vessel": ("imo", "hin"),
    "artwork": ("object_id",),
}
_INTERNAL = frozenset({"content_hash", "access_countries", "visibility", "created_by"})
_ISSUED = (DOCUMENT, BLANK_RANGE)


def view(principal: Principal, kind: ObjectKind, row: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in _INTERNAL and not k.endswith("_key")}
    out["kind"] = kind.name
    out["access"] = records.access_view(principal, row)
    return out


def _validate(
    principal: Principal, kind: ObjectKind, data: Mapping[str, Any], owner: str
) -> Validated:
    validated = kind.validate(data, False)
    issuer = validated.row["issuing_country"] if kind in _ISSUED else None
    ensure(principal, Action.CREATE, NewRecord(kind.name, owner, issuer))
    return validated


def create(
    store: Store, principal: Principal, kind: ObjectKind, data: Mapping[str, Any]
) -> dict[str, Any]:
    validated = _validate(principal, kind, data, principal.country)
    row = dict(validated.row)
    if row.get("reference") is None:
        row["reference"] = _generated_reference(kind)
    stored = records.create(store, principal, kind.name, kind.table, row, validated.countries)
    return {**view(principal, kind, stored), "warnings": list(validated.warnings)}


def _generated_reference(kind: ObjectKind) -> str:
    import secrets

    return f"{kind.name[:3].upper()}-{secrets.token_hex(8).upper()}"


def get(store: Store, principal: Principal, kind: ObjectKind, record_id: int) -> dict[str, Any]:
    return view(principal, kind, records.read(store, principal, kind.name, kind.table, record_id))


def update(
    store: Store, principal: Principal, kind: ObjectKind, record_id: int, data: Mapping[str, Any]
) -> dict[str, Any]:
    current = records.visible(store, principal, kind.name, kind.table, record_id)
    validated = _validate(principal, kind, data, current["owner"])
    row = dict(validated.row)
    if row.get("reference") is None:
        row["reference"] = current["reference"]
    stored = records.update(
        store, principal, kind.name, kind.table, record_id, row, validated.countries
    )
    return {**view(principal, kind, stored), "warnings": list(validated.warnings)}


def delete(store: Store, principal: Principal, kind: ObjectKind, record_id: int) -> None:
    records.delete(store, principal, kind.name, kind.table, record_id)


def list_page(
    store: Store,
    principal: Principal,
    kind: ObjectKind,
    *,
    owner: str | None = None,
    after_id: int = 0,
    limit: int = 100,
    review_due: bool = False,
    search: str | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of visible records; ``review_due``: only those past their review date
    (flagged: out of checks until the owner renews them with a new review date);
    ``search``: only those whose reference or an identifier begins with it."""
    where: list[Any] = (
        [kind.table.c.review_date < dt.date.today().isoformat()] if review_due else []
    )
    if search:
        where.append(_search(kind, search))
    rows, cursor = records.list_page(
        store,
        principal,
        kind.name,
        kind.table,
        owner=owner,
        after_id=after_id,
        limit=limit,
        where=where,
    )
    return [view(principal, kind, r) for r in rows], cursor


def _search(kind: ObjectKind, text: str) -> Any:
    def prefix(value: str) -> str:
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

    table = kind.table
    columns = [
        table.c[name].like(prefix(text.upper()), escape="\\") for name in SEARCHED[kind.name]
    ]
    return or_(table.c.reference.like(prefix(text), escape="\\"), *columns)
