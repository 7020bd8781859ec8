"""Bulk inserts below the ORM layer: the import fast path.

Building a SQLAlchemy statement per row costs more than the database's own
work, so new rows go straight to the driver: ``executemany`` on SQLite and
``COPY`` on PostgreSQL. Ids are known exactly without RETURNING: SQLite hands
out consecutive rowids to one writer holding the lock; on PostgreSQL the ids
are drawn from the table's sequence first and copied in with the rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table, text

from concord.store.tables import UTCDateTime


def _converters(table: Table, columns: Sequence[str], sqlite: bool) -> list[Any]:
    out: list[Any] = []
    for name in columns:
        kind = table.c[name].type
        if isinstance(kind, JSON):
            out.append(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
        elif isinstance(kind, UTCDateTime) and sqlite:
            out.append(_sqlite_time)
        else:
            out.append(None)
    return out


def _sqlite_time(value: dt.datetime | None) -> str | None:
    """The text form SQLAlchemy's SQLite DateTime stores and reads back (UTC, naive)."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def insert_rows(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], constant: Mapping[str, Any]
) -> list[int]:
    """Insert ``rows`` (each completed by ``constant``) and return their ids in order."""
    if not rows:
        return []
    names = list(rows[0].keys())
    columns = [*names, *constant.keys()]
    sqlite = conn.dialect.name == "sqlite"
    converters = _converters(table, columns, sqlite)
    fixed = tuple(
        value if convert is None else convert(value)
        for value, convert in zip(constant.values(), converters[len(names) :], strict=True)
    )
    convert_at = [(i, c) for i, c in enumerate(converters[: len(names)]) if c is not None]
    tuples = []
    for row in rows:
        values = list(row.values())
        for i, convert in convert_at:
            values[i] = convert(values[i])
        tuples.append((*values, *fixed))
    if sqlite:
        placeholders = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608 - names from the schema
            tuples,
        )
        last = int(conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one())
        return list(range(last - len(rows) + 1, last + 1))
    draw = text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)")
    ids = [int(i) for i in conn.execute(draw, {"t": table.name, "n": len(rows)}).scalars()]
    raw = conn.connection.driver_connection
    assert raw is not None
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table.name} (id, {', '.join(columns)}) FROM STDIN") as copy,
    ):
        for record_id, row_values in zip(ids, tuples, strict=True):
            copy.write_row((record_id, *row_values))
    return ids
