"""Person records (nominal data), through the generic record repository."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from concord.policy import ReadScope
from concord.store import records_repo
from concord.store.tables import persons

KIND = "person"


def insert_one(
    conn: Connection,
    owner: str,
    row: Mapping[str, Any],
    countries: Sequence[str],
    created_by: int | None,
) -> int:
    return records_repo.insert_one(conn, persons, KIND, owner, row, countries, created_by)


def get(conn: Connection, record_id: int) -> dict[str, Any] | None:
    return records_repo.get(conn, persons, KIND, record_id)


def update_one(
    conn: Connection, record_id: int, owner: str, row: Mapping[str, Any], countries: Sequence[str]
) -> None:
    records_repo.update_one(conn, persons, KIND, record_id, owner, row, countries)


def delete_one(conn: Connection, record_id: int, owner: str) -> None:
    records_repo.delete_one(conn, persons, KIND, record_id, owner)


def list_visible(
    conn: Connection,
    scope: ReadScope,
    *,
    owner: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[dict[str, Any]]:
    return records_repo.list_visible(
        conn, persons, KIND, scope, owner=owner, after_id=after_id, limit=limit
    )


def upsert_batch(
    conn: Connection,
    owner: str,
    rows: Sequence[Mapping[str, Any]],
    countries: Mapping[str, Sequence[str]],
    created_by: int | None,
) -> list[int]:
    return records_repo.upsert_batch(conn, persons, KIND, owner, rows, countries, created_by)


def id_and_version(conn: Connection, owner: str, reference: str) -> tuple[int, int] | None:
    """``owner``'s record ``reference``: its id and version (a changing upsert bumps it)."""
    found = conn.execute(
        select(persons.c.id, persons.c.version).where(
            persons.c.owner == owner, persons.c.reference == reference
        )
    ).first()
    return None if found is None else (int(found[0]), int(found[1]))
