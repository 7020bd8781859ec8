"""Person records: create, read, update, delete and list under the access policy.

A record the principal may not see is answered exactly like one that does not
exist, so its existence is not disclosed. Every read of details is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from concord.audit import AuditEvent
from concord.domain.persons import PersonInput, person_to_row
from concord.domain.principal import Principal
from concord.errors import Conflict, InvalidInput, NotFound
from concord.policy import Action, NewRecord, allow, ensure, read_scope
from concord.services.records import record_ref, shows_restriction
from concord.store import Store, persons_repo

KIND = persons_repo.KIND


def view(principal: Principal, row: dict[str, Any]) -> dict[str, Any]:
    """The API shape of a record for this principal."""
    out = {
        "id": int(row["id"]),
        "owner": row["owner"],
        "reference": row["reference"],
        "full_name": row["full_name"],
        "given_names": row["given_names"],
        "family_names": row["family_names"],
        "display_name": row["display_name"],
        "aliases": row["aliases"],
        "dob": row["dob"],
        "place_of_birth": row["place_of_birth"],
        "nationalities": row["nationalities"],
        "sex": row["sex"],
        "identifiers": row["identifiers"],
        "description": row["description"],
        "review_date": row["review_date"],
        "version": int(row["version"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    if shows_restriction(principal, row["owner"]):
        out["access"] = {
            "visibility": row["visibility"],
            "countries": row.get("access_countries", []),
        }
    return out


def create(store: Store, principal: Principal, data: PersonInput) -> dict[str, Any]:
    ensure(principal, Action.CREATE, NewRecord(KIND, principal.country))
    row = person_to_row(data)
    try:
        with store.write() as conn:
            record_id = persons_repo.insert_one(
                conn, principal.country, row, list(data.access.countries), principal.user_id
            )
            stored = persons_repo.get(conn, record_id)
    except IntegrityError:
        raise Conflict(
            f"a person with reference {data.reference!r} already exists", field="reference"
        ) from None
    assert stored is not None
    store.audit.emit(
        AuditEvent.of(principal, "person.create", resource=KIND, resource_id=record_id)
    )
    return view(principal, stored)


def _visible(store: Store, principal: Principal, record_id: int) -> dict[str, Any]:
    with store.read() as conn:
        row = persons_repo.get(conn, record_id)
    if row is None or not allow(principal, Action.READ, record_ref(KIND, row)):
        store.audit.emit(
            AuditEvent.of(
                principal, "person.read", resource=KIND, resource_id=record_id, outcome="not_found"
            )
        )
        raise NotFound(f"no person {record_id}", field="id")
    return row


def get(store: Store, principal: Principal, record_id: int) -> dict[str, Any]:
    row = _visible(store, principal, record_id)
    store.audit.emit(
        AuditEvent.of(
            principal, "person.read", resource=KIND, resource_id=record_id, owner=row["owner"]
        )
    )
    return view(principal, row)


def update(store: Store, principal: Principal, record_id: int, data: PersonInput) -> dict[str, Any]:
    row = _visible(store, principal, record_id)
    ensure(principal, Action.UPDATE, record_ref(KIND, row))
    new = person_to_row(data)
    try:
        with store.write() as conn:
            persons_repo.update_one(conn, record_id, row["owner"], new, list(data.access.countries))
            stored = persons_repo.get(conn, record_id)
    except IntegrityError:
        raise Conflict(
            f"reference {data.reference!r} is used by another record", field="reference"
        ) from None
    assert stored is not None
    store.audit.emit(
        AuditEvent.of(principal, "person.update", resource=KIND, resource_id=record_id)
    )
    return view(principal, stored)


def delete(store: Store, principal: Principal, record_id: int) -> None:
    row = _visible(store, principal, record_id)
    ensure(principal, Action.DELETE, record_ref(KIND, row))
    with store.write() as conn:
        persons_repo.delete_one(conn, record_id, row["owner"])
    store.audit.emit(
        AuditEvent.of(principal, "person.delete", resource=KIND, resource_id=record_id)
    )


def list_page(
    store: Store,
    principal: Principal,
    *,
    owner: str | None = None,
    name_prefix: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of visible records and the cursor of the next page (None at the end)."""
    if not 1 <= limit <= store.settings.page_size_max:
        raise InvalidInput(f"must be between 1 and {store.settings.page_size_max}", field="limit")
    scope = read_scope(principal, KIND)
    with store.read() as conn:
        rows = persons_repo.list_visible(
            conn, scope, owner=owner, name_prefix=name_prefix, after_id=after_id, limit=limit
        )
    # Defence in depth: the SQL filter and the policy must agree on every row.
    rows = [r for r in rows if allow(principal, Action.READ, record_ref(KIND, r))]
    ids = [int(r["id"]) for r in rows]
    store.audit.emit(AuditEvent.of(principal, "person.list", resource=KIND, ids=ids))
    next_cursor = ids[-1] if len(rows) == limit else None
    return [view(principal, r) for r in rows], next_cursor
