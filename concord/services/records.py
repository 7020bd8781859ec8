"""Owned records of every kind: create, read, update, delete and list under the policy.

A record the principal may not see is answered exactly like one that does not
exist, so its existence is not disclosed. Every read of details is audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.exc import IntegrityError

from concord.audit import AuditEvent
from concord.domain.enums import Role, Visibility
from concord.domain.principal import Principal
from concord.errors import Conflict, InvalidInput, NotFound
from concord.policy import Action, NewRecord, RecordRef, allow, ensure, read_scope
from concord.store import Store, records_repo


def record_ref(kind: str, row: Mapping[str, Any]) -> RecordRef:
    return RecordRef(
        kind=kind,
        owner=row["owner"],
        visibility=Visibility(row["visibility"]),
        countries=frozenset(row.get("access_countries") or ()),
    )


def shows_restriction(principal: Principal, owner: str) -> bool:
    """Only the owner (and the oversight roles) learn whom a record is hidden from."""
    return principal.country == owner or principal.role in (Role.GS, Role.CCF)


def access_view(principal: Principal, row: Mapping[str, Any]) -> dict[str, Any] | None:
    if not shows_restriction(principal, row["owner"]):
        return None
    return {"visibility": row["visibility"], "countries": list(row.get("access_countries") or [])}


def create(
    store: Store,
    principal: Principal,
    kind: str,
    table: Table,
    row: Mapping[str, Any],
    countries: Sequence[str],
) -> dict[str, Any]:
    ensure(principal, Action.CREATE, NewRecord(kind, principal.country))
    try:
        with store.write() as conn:
            record_id = records_repo.insert_one(
                conn, table, kind, principal.country, row, countries, principal.user_id or None
            )
            stored = records_repo.get(conn, table, kind, record_id)
    except IntegrityError:
        raise Conflict(
            f"a {kind} with reference {row.get('reference')!r} already exists", field="reference"
        ) from None
    assert stored is not None
    store.audit.emit(
        AuditEvent.of(principal, f"{kind}.create", resource=kind, resource_id=record_id)
    )
    return stored


def visible(
    store: Store, principal: Principal, kind: str, table: Table, record_id: int
) -> dict[str, Any]:
    with store.read() as conn:
        row = records_repo.get(conn, table, kind, record_id)
    if row is None or not allow(principal, Action.READ, record_ref(kind, row)):
        store.audit.emit(
            AuditEvent.of(
                principal, f"{kind}.read", resource=kind, resource_id=record_id, outcome="not_found"
            )
        )
        raise NotFound(f"no {kind} {record_id}", field="id")
    return row


def read(
    store: Store, principal: Principal, kind: str, table: Table, record_id: int
) -> dict[str, Any]:
    row = visible(store, principal, kind, table, record_id)
    store.audit.emit(
        AuditEvent.of(
            principal, f"{kind}.read", resource=kind, resource_id=record_id, owner=row["owner"]
        )
    )
    return row


def update(
    store: Store,
    principal: Principal,
    kind: str,
    table: Table,
    record_id: int,
    row: Mapping[str, Any],
    countries: Sequence[str],
) -> dict[str, Any]:
    current = visible(store, principal, kind, table, record_id)
    ensure(principal, Action.UPDATE, record_ref(kind, current))
    try:
        with store.write() as conn:
            records_repo.update_one(conn, table, kind, record_id, current["owner"], row, countries)
            stored = records_repo.get(conn, table, kind, record_id)
    except IntegrityError:
        raise Conflict(
            f"reference {row.get('reference')!r} is used by another record", field="reference"
        ) from None
    assert stored is not None
    store.audit.emit(
        AuditEvent.of(principal, f"{kind}.update", resource=kind, resource_id=record_id)
    )
    return stored


def delete(store: Store, principal: Principal, kind: str, table: Table, record_id: int) -> None:
    current = visible(store, principal, kind, table, record_id)
    ensure(principal, Action.DELETE, record_ref(kind, current))
    with store.write() as conn:
        records_repo.delete_one(conn, table, kind, record_id, current["owner"])
    store.audit.emit(
        AuditEvent.of(principal, f"{kind}.delete", resource=kind, resource_id=record_id)
    )


def list_page(
    store: Store,
    principal: Principal,
    kind: str,
    table: Table,
    *,
    owner: str | None = None,
    after_id: int = 0,
    limit: int = 100,
    where: Sequence[Any] = (),
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of visible records and the cursor of the next page (None at the end)."""
    if not 1 <= limit <= store.settings.page_size_max:
        raise InvalidInput(f"must be between 1 and {store.settings.page_size_max}", field="limit")
    with store.read() as conn:
        rows = records_repo.list_visible(
            conn,
            table,
            kind,
            read_scope(principal, kind),
            owner=owner,
            after_id=after_id,
            limit=limit,
            where=where,
        )
    # Defence in depth: the SQL filter and the policy must agree on every row.
    rows = [r for r in rows if allow(principal, Action.READ, record_ref(kind, r))]
    ids = [int(r["id"]) for r in rows]
    store.audit.emit(AuditEvent.of(principal, f"{kind}.list", resource=kind, ids=ids))
    return rows, (ids[-1] if len(rows) == limit else None)
