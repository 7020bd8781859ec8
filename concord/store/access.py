"""The countries listed by each record's access restriction (record_access)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, delete, insert, select

from concord.store.tables import record_access


def set_countries(conn: Connection, kind: str, record_id: int, countries: Iterable[str]) -> None:
    conn.execute(
        delete(record_access).where(
            record_access.c.kind == kind, record_access.c.record_id == record_id
        )
    )
    rows = [{"kind": kind, "record_id": record_id, "country": c} for c in sorted(set(countries))]
    if rows:
        conn.execute(insert(record_access), rows)


def countries_of(conn: Connection, kind: str, record_ids: Sequence[int]) -> dict[int, list[str]]:
    """The listed countries of each record (records without a list are absent)."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start : start + 500]
        result = conn.execute(
            select(record_access.c.record_id, record_access.c.country)
            .where(record_access.c.kind == kind, record_access.c.record_id.in_(chunk))
            .order_by(record_access.c.record_id, record_access.c.country)
        )
        for rid, country in result:
            found.setdefault(int(rid), []).append(country)
    return found


def delete_for(conn: Connection, kind: str, record_ids: Sequence[int]) -> None:
    if record_ids:
        conn.execute(
            delete(record_access).where(
                record_access.c.kind == kind, record_access.c.record_id.in_(record_ids)
            )
        )
