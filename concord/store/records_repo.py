"""Owned records of any kind: one repository over every record table.

Every write records its change in the change log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, delete, insert, select, update

from concord.domain.enums import ChangeOp, Visibility
from concord.policy import ReadScope
from concord.store import access, bulk
from concord.store.changes import record_changes
from concord.store.scope import visible_predicate

_LISTS = (Visibility.ONLY.value, Visibility.EXCEPT.value)


def insert_one(
    conn: Connection,
    table: Table,
    kind: str,
    owner: str,
    row: Mapping[str, Any],
    countries: Sequence[str],
    created_by: int | None,
) -> int:
    now = dt.datetime.now(dt.UTC)
    values = {**row, "owner": owner, "created_at": now, "updated_at": now, "created_by": created_by}
    record_id = int(conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one())
    access.set_countries(conn, kind, record_id, countries)
    record_changes(conn, kind, ChangeOp.CREATE, owner, [record_id])
    return record_id


def get(conn: Connection, table: Table, kind: str, record_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if row is None:
        return None
    record = dict(row)
    record["access_countries"] = access.countries_of(conn, kind, [record_id]).get(record_id, [])
    return record


def get_many(
    conn: Connection, table: Table, kind: str, rows: Sequence[Mapping[Any, Any]]
) -> list[dict[str, Any]]:
    """Attach the access lists to rows already read."""
    records = [dict(r) for r in rows]
    listed = access.countries_of(
        conn, kind, [r["id"] for r in records if r["visibility"] in _LISTS]
    )
    for r in records:
        r["access_countries"] = listed.get(r["id"], [])
    return records


def update_one(
    conn: Connection,
    table: Table,
    kind: str,
    record_id: int,
    owner: str,
    row: Mapping[str, Any],
    countries: Sequence[str],
) -> None:
    conn.execute(
        update(table)
        .where(table.c.id == record_id)
        .values(**row, version=table.c.version + 1, updated_at=dt.datetime.now(dt.UTC))
    )
    access.set_countries(conn, kind, record_id, countries)
    record_changes(conn, kind, ChangeOp.UPDATE, owner, [record_id])


def delete_one(conn: Connection, table: Table, kind: str, record_id: int, owner: str) -> None:
    access.delete_for(conn, kind, [record_id])
    conn.execute(delete(table).where(table.c.id == record_id))
    record_changes(conn, kind, ChangeOp.DELETE, owner, [record_id])


def list_visible(
    conn: Connection,
    table: Table,
    kind: str,
    scope: ReadScope,
    *,
    owner: str | None = None,
    after_id: int = 0,
    limit: int = 100,
    where: Sequence[Any] = (),
) -> list[dict[str, Any]]:
    """A page of records the scope allows, by id; ``after_id`` is the cursor."""
    query = (
        select(table)
        .where(visible_predicate(table, kind, scope), table.c.id > after_id, *where)
        .order_by(table.c.id)
        .limit(limit)
    )
    if owner is not None:
        query = query.where(table.c.owner == owner)
    return get_many(conn, table, kind, conn.execute(query).mappings().all())


def find(conn: Connection, table: Table, kind: str, **equal: Any) -> list[dict[str, Any]]:
    """Records whose columns equal the given values (the confirmation of an index hit)."""
    query = _find_query(table, tuple(equal))
    return get_many(conn, table, kind, conn.execute(query, equal).mappings().all())


@functools.lru_cache(maxsize=64)
def _find_query(table: Table, names: tuple[str, ...]) -> Select[Any]:
    """One statement per lookup shape, values bound at execution: building and keying
    a new statement per confirmation cost more than the indexed read itself."""
    return select(table).where(*(table.c[name] == bindparam(name) for name in names))


def upsert_batch(
    conn: Connection,
    table: Table,
    kind: str,
    owner: str,
    rows: Sequence[Mapping[str, Any]],
    countries: Mapping[str, Sequence[str]],
    created_by: int | None,
) -> list[int]:
    """Insert or update by (owner, reference); rows whose content is unchanged are skipped.

    Returns the ids written. ``countries`` maps a reference to the listed
    countries of its only/except restriction. New rows take the bulk fast
    path (``concord.store.bulk``).
    """
    if not rows:
        return []
    refs = [r["reference"] for r in rows]
    existing: dict[str, tuple[int, str]] = {}
    for start in range(0, len(refs), 900):
        chunk = refs[start : start + 900]
        found = conn.execute(
            select(table.c.reference, table.c.id, table.c.content_hash).where(
                table.c.owner == owner, table.c.reference.in_(chunk)
            )
        )
        existing.update({ref: (int(rid), digest) for ref, rid, digest in found})
    now = dt.datetime.now(dt.UTC)
    new = [r for r in rows if r["reference"] not in existing]
    changed = [
        r
        for r in rows
        if r["reference"] in existing and existing[r["reference"]][1] != r["content_hash"]
    ]
    written: list[int] = []
    if new:
        constant = {
            "owner": owner,
            "created_at": now,
            "updated_at": now,
            "created_by": created_by,
            "version": 1,
        }
        written += bulk.insert_rows(conn, table, new, constant)
    if changed:
        columns = [c for c in changed[0] if c != "reference"]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values(
                {c: bindparam(f"_{c}") for c in columns}
                | {"version": table.c.version + 1, "updated_at": now}
            )
        )
        conn.execute(
            stmt,
            [
                {"_id": existing[r["reference"]][0], **{f"_{c}": r[c] for c in columns}}
                for r in changed
            ],
        )
        written += [existing[r["reference"]][0] for r in changed]
    # New rows open to all need no access rows; a changed row's list is reset.
    needs_access = [r for r in new if r["visibility"] in _LISTS] + changed
    if needs_access:
        _set_batch_access(conn, table, kind, owner, needs_access, countries)
    record_changes(conn, kind, ChangeOp.PUT, owner, written)
    return written


def _set_batch_access(
    conn: Connection,
    table: Table,
    kind: str,
    owner: str,
    rows: Sequence[Mapping[str, Any]],
    countries: Mapping[str, Sequence[str]],
) -> None:
    refs = [r["reference"] for r in rows]
    ids: dict[str, int] = {}
    for start in range(0, len(refs), 900):
        chunk = refs[start : start + 900]
        ids.update(
            {
                ref: int(rid)
                for ref, rid in conn.execute(
                    select(table.c.reference, table.c.id).where(
                        table.c.owner == owner, table.c.reference.in_(chunk)
                    )
                )
            }
        )
    for ref in refs:
        access.set_countries(conn, kind, ids[ref], countries.get(ref, ()))
