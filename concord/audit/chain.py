"""Appending a batch to the chain under the head lock, in one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from sqlalchemy import Connection, insert, select, update

from concord.audit.events import GENESIS_HASH, AuditEvent, chain_hash, event_row
from concord.store.tables import audit_events, audit_head

HEAD_ID = 1


def lock_head(conn: Connection) -> tuple[int, str]:
    """Read the head, locking it against writers in other processes until commit.

    SQLite: the BEGIN IMMEDIATE of a write transaction already holds the lock.
    """
    query = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == HEAD_ID)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:  # a database created before the head row was seeded
        conn.execute(insert(audit_head).values(id=HEAD_ID, seq=0, hash=GENESIS_HASH))
        return lock_head(conn)
    return int(row.seq), str(row.hash)


_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor",
    "actor_role",
    "actor_country",
    "action",
    "resource",
    "resource_id",
    "outcome",
    "details",
    "prev_hash",
    "hash",
)
_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
# Rows a SQLite INSERT carries: 13 columns each, within the 32,766 variables a
# statement may bind (SQLite 3.32 and later; 999 before, hence 76 rows there).
ROWS_A_STATEMENT = 76 if sqlite3.sqlite_version_info < (3, 32, 0) else 2000


def append(conn: Connection, events: Sequence[AuditEvent]) -> int:
    """Chain and insert ``events``; return the new head sequence number."""
    seq, prev = lock_head(conn)
    rows = []
    for event in events:
        seq += 1
        row = event_row(event)
        row["seq"] = seq
        row["prev_hash"] = prev
        row["hash"] = prev = chain_hash(prev, seq, row)
        rows.append(tuple(row[c] for c in _COLUMNS))
    if rows:
        _insert(conn, rows)
        conn.execute(
            update(audit_head).where(audit_head.c.id == HEAD_ID).values(seq=seq, hash=prev)
        )
    return seq


def _insert(conn: Connection, rows: list[tuple[object, ...]]) -> None:
    """Straight to the driver, under the head lock.

    Every column is text or an integer, so SQLAlchemy's per-row parameter
    processing buys nothing, and at thousands of events a second it doubled
    the time the write lock was held (a hit's write waited behind it).

    SQLite: many rows a statement (``INSERT … VALUES (…), (…), …``), not
    ``executemany``. The driver gives up the GIL for each step and must win it
    back from the server's event loop for the next row, so a batch of N rows
    made N hand-offs; with the audit table grown to 2.5M rows the HTTP
    benchmark's p99 was 106-127 ms, and 2.8 ms with the audit writes left out.
    """
    mark = _MARKS.get(conn.dialect.paramstyle)
    if mark is None:
        conn.execute(insert(audit_events), [dict(zip(_COLUMNS, r, strict=True)) for r in rows])
        return
    columns = ", ".join(_COLUMNS)
    one = "(" + ", ".join([mark] * len(_COLUMNS)) + ")"
    if conn.dialect.name != "sqlite":
        sql = f"INSERT INTO audit_events ({columns}) VALUES {one}"  # noqa: S608 - constant names
        conn.exec_driver_sql(sql, rows)
        return
    for start in range(0, len(rows), ROWS_A_STATEMENT):
        chunk = rows[start : start + ROWS_A_STATEMENT]
        values = ", ".join([one] * len(chunk))
        sql = f"INSERT INTO audit_events ({columns}) VALUES {values}"  # noqa: S608 - constant names
        conn.exec_driver_sql(sql, tuple(v for row in chunk for v in row))
