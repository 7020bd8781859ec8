"""Person records (nominal data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from concord.domain.enums import ChangeOp, Visibility
from concord.policy import ReadScope
from concord.store import access
from concord.store.changes import record_changes
from concord.store.scope import visible_predicate
from concord.store.tables import persons

KIND = "person"


def insert_one(
    conn: Connection, owner: str, row: dict[str, Any], countries: list[str], created_by: int | None
) -> int:
    now = dt.datetime.now(dt.UTC)
    values = {**row, "owner": owner, "created_at": now, "updated_at": now, "created_by": created_by}
    record_id = int(
        conn.execute(insert(persons).values(**values).returning(persons.c.id)).scalar_one()
    )
    access.set_countries(conn, KIND, record_id, countries)
    record_changes(conn, KIND, ChangeOp.CREATE, owner, [record_id])
    return record_id


def get(conn: Connection, record_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(persons).where(persons.c.id == record_id)).mappings().first()
    if row is None:
        return None
    record = dict(row)
    record["access_countries"] = access.countries_of(conn, KIND, [record_id]).get(record_id, [])
    return record


def by_reference(conn: Connection, owner: str, reference: str) -> RowMapping | None:
    return (
        conn.execute(
            select(persons).where(persons.c.owner == owner, persons.c.reference == reference)
        )
        .mappings()
        .first()
    )


def update_one(
    conn: Connection, record_id: int, owner: str, row: dict[str, Any], countries: list[str]
) -> None:
    conn.execute(
        update(persons)
        .where(persons.c.id == record_id)
        .values(**row, version=persons.c.version + 1, updated_at=dt.datetime.now(dt.UTC))
    )
    access.set_countries(conn, KIND, record_id, countries)
    record_changes(conn, KIND, ChangeOp.UPDATE, owner, [record_id])


def delete_one(conn: Connection, record_id: int, owner: str) -> None:
    access.delete_for(conn, KIND, [record_id])
    conn.execute(delete(persons).where(persons.c.id == record_id))
    record_changes(conn, KIND, ChangeOp.DELETE, owner, [record_id])


def list_visible(
    conn: Connection,
    scope: ReadScope,
    *,
    owner: str | None = None,
    name_prefix: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """A page of records the scope allows, by id; ``after_id`` is the cursor."""
    query = (
        select(persons)
        .where(visible_predicate(persons, KIND, scope), persons.c.id > after_id)
        .order_by(persons.c.id)
        .limit(limit)
    )
    if owner is not None:
        query = query.where(persons.c.owner == owner)
    if name_prefix:
        query = query.where(
            persons.c.display_name.like(_escape_like(name_prefix) + "%", escape="\\")
        )
    rows = [dict(r) for r in conn.execute(query).mappings()]
    listed = access.countries_of(conn, KIND, [r["id"] for r in rows if r["visibility"] in _LISTS])
    for r in rows:
        r["access_countries"] = listed.get(r["id"], [])
    return rows


_LISTS = (Visibility.ONLY.value, Visibility.EXCEPT.value)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def upsert_batch(
    conn: Connection,
    owner: str,
    rows: Sequence[dict[str, Any]],
    countries: dict[str, list[str]],
    created_by: int | None,
) -> list[int]:
    """Insert or update by (owner, reference); unchanged rows are not written.

    Returns the ids actually written. ``countries`` maps reference to the
    listed countries of an only/except restriction.
    """
    if not rows:
        return []
    now = dt.datetime.now(dt.UTC)
    values = [
        {
            **r,
            "owner": owner,
            "created_at": now,
            "updated_at": now,
            "created_by": created_by,
            "version": 1,
        }
        for r in rows
    ]
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    base = dialect_insert(persons)
    changing = [c for c in rows[0] if c not in ("reference",)]
    stmt = base.on_conflict_do_update(
        index_elements=[persons.c.owner, persons.c.reference],
        set_={
            **{c: base.excluded[c] for c in changing},
            "updated_at": base.excluded.updated_at,
            "version": persons.c.version + 1,
        },
        where=persons.c.content_hash != base.excluded.content_hash,
    ).returning(persons.c.id, persons.c.reference)
    written = conn.execute(stmt, values).all()
    ids = [int(r.id) for r in written]
    for rid, ref in written:
        access.set_countries(conn, KIND, int(rid), countries.get(ref, []))
    record_changes(conn, KIND, ChangeOp.PUT, owner, ids)
    return ids
