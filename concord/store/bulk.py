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

from concord.domain.enums import ChangeOp
from concord.store.changes import record_changes
from concord.store.tables import UTCDateTime, record_access

# Columns an import never sets: the database and the writer fill them in.
STAGED_EXCLUDED = frozenset({"id", "owner", "version", "created_at", "updated_at", "created_by"})


def converters(table: Table, columns: Sequence[str], sqlite: bool) -> list[Any]:
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
    convert_all = converters(table, columns, sqlite)
    fixed = tuple(
        value if convert is None else convert(value)
        for value, convert in zip(constant.values(), convert_all[len(names) :], strict=True)
    )
    convert_at = [(i, c) for i, c in enumerate(convert_all[: len(names)]) if c is not None]
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


def copy_staged(
    conn: Connection,
    table: Table,
    kind: str,
    owner: str,
    created_by: int | None,
    columns: Sequence[str],
    rows: tuple[int, int],
    *,
    fresh: bool = False,
    schema: str = "stage",
) -> list[int]:
    """Upsert staged rows ``rows`` (first, last rowid of ``rows`` in ``schema``) by (owner,
    reference).

    SQLite only, with the staging file attached as ``schema``. Changed rows
    (another content hash) are updated and their access lists reset; new rows
    are copied in stage order, so they take consecutive ids (this writer holds
    the lock). Unchanged rows are left alone. Returns the ids written; their
    change rows are written here too.

    ``fresh``: the owner had no row in the table when the import began and the
    staged references are unique, so every row is new and neither lookup by
    reference is made (the unique constraint still refuses a row another
    writer added meanwhile: the caller then retries without ``fresh``).
    """
    name = table.name
    first, last = rows
    now = _sqlite_time(dt.datetime.now(dt.UTC))
    changed = (
        []
        if fresh
        else [
            int(i)
            for (i,) in conn.exec_driver_sql(
                f"SELECT t.id FROM {schema}.rows s JOIN {name} t"  # noqa: S608 - schema names
                " ON t.owner = ? AND t.reference = s.reference"
                " WHERE s.rowid BETWEEN ? AND ? AND t.content_hash <> s.content_hash",
                (owner, first, last),
            )
        ]
    )
    if changed:
        assignments = ", ".join(f"{c} = s.{c}" for c in columns if c != "reference")
        conn.exec_driver_sql(
            f"UPDATE {name} SET {assignments}, version = {name}.version + 1, updated_at = ?"  # noqa: S608
            f" FROM {schema}.rows s WHERE s.rowid BETWEEN ? AND ? AND {name}.owner = ?"
            f" AND {name}.reference = s.reference AND {name}.content_hash <> s.content_hash",
            (now, first, last, owner),
        )
        for start in range(0, len(changed), 500):
            chunk = changed[start : start + 500]
            conn.exec_driver_sql(
                f"DELETE FROM {record_access.name} WHERE kind = ?"  # noqa: S608
                f" AND record_id IN ({', '.join('?' for _ in chunk)})",
                (kind, *chunk),
            )
    selected = ", ".join(f"s.{c}" for c in columns)
    absent = (
        ""
        if fresh
        else f" AND NOT EXISTS (SELECT 1 FROM {name} t WHERE t.owner = ?"  # noqa: S608
        " AND t.reference = s.reference)"
    )
    inserted = conn.exec_driver_sql(
        f"INSERT INTO {name} (owner, {', '.join(columns)}, version, created_at, updated_at,"  # noqa: S608
        f" created_by) SELECT ?, {selected}, 1, ?, ?, ? FROM {schema}.rows s"
        f" WHERE s.rowid BETWEEN ? AND ?{absent} ORDER BY s.rowid",
        (owner, now, now, created_by, first, last, *(() if fresh else (owner,))),
    ).rowcount
    new: list[int] = []
    if inserted:
        top = int(conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one())
        new = list(range(top - inserted + 1, top + 1))
    # Access lists of the restricted rows written (new, or changed and reset above).
    grant = (
        f"INSERT INTO {record_access.name} (kind, record_id, country)"  # noqa: S608
        f" SELECT ?, t.id, a.country FROM {schema}.access a"
        f" JOIN {schema}.rows s ON s.rowid = a.row"
        f" JOIN {name} t ON t.owner = ? AND t.reference = s.reference"
        " WHERE a.row BETWEEN ? AND ? AND "
    )
    if new:
        conn.exec_driver_sql(
            grant + "t.id BETWEEN ? AND ?", (kind, owner, first, last, new[0], new[-1])
        )
    for start in range(0, len(changed), 500):
        chunk = changed[start : start + 500]
        conn.exec_driver_sql(
            grant + f"t.id IN ({', '.join('?' for _ in chunk)})", (kind, owner, first, last, *chunk)
        )
    written = sorted(changed) + new
    record_changes(conn, kind, ChangeOp.PUT, owner, written)
    return written


def drop_lookup_indexes(conn: Connection, table: Table) -> None:
    """Drop the table's secondary indexes for a bulk load (``restore_indexes`` rebuilds them).

    Inserting millions of rows into an index at random places rewrites most of
    its pages batch after batch; building it once at the end sorts instead.
    Unique constraints stay: the upsert looks references up through them.
    """
    for index in table.indexes:
        if not index.unique:
            index.drop(conn, checkfirst=True)


def restore_indexes(conn: Connection, table: Table) -> None:
    """Create any secondary index of ``table`` that is missing (after a bulk load, or its crash)."""
    for index in table.indexes:
        index.create(conn, checkfirst=True)


def copy_values(
    conn: Connection,
    table: Table,
    kind: str,
    owner: str,
    created_by: int | None,
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    listed: Sequence[tuple[int, str]],
) -> list[int]:
    """PostgreSQL: upsert rows given in ``columns`` order, by (owner, reference), in SQL.

    The rows are copied into a temporary table (``COPY``), then one ``UPDATE … FROM``
    rewrites the changed ones and one ``INSERT … SELECT`` adds the new ones, on
    the server. ``listed`` pairs a row's 1-based position with a listed country.
    Returns the ids written; the change log is written here too.
    """
    name = table.name
    types = ", ".join(f"{c} {table.c[c].type.compile(conn.dialect)}" for c in columns)
    conn.exec_driver_sql(f"CREATE TEMP TABLE import_rows (n integer, {types}) ON COMMIT DROP")
    conn.exec_driver_sql("CREATE TEMP TABLE import_access (n integer, country text) ON COMMIT DROP")
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY import_rows (n, {', '.join(columns)}) FROM STDIN") as copy:
            for n, row in enumerate(values, start=1):
                copy.write_row((n, *row))
        if listed:
            with cursor.copy("COPY import_access (n, country) FROM STDIN") as copy:
                for pair in listed:
                    copy.write_row(pair)
    conn.exec_driver_sql("ANALYZE import_rows")
    now = dt.datetime.now(dt.UTC)
    assignments = ", ".join(f"{c} = s.{c}" for c in columns if c != "reference")
    changed = [
        int(i)
        for (i,) in conn.exec_driver_sql(
            f"UPDATE {name} t SET {assignments}, version = t.version + 1, updated_at = %(now)s"  # noqa: S608
            " FROM import_rows s WHERE t.owner = %(owner)s AND t.reference = s.reference"
            " AND t.content_hash <> s.content_hash RETURNING t.id",
            {"now": now, "owner": owner},
        )
    ]
    if changed:
        conn.exec_driver_sql(
            f"DELETE FROM {record_access.name} WHERE kind = %(kind)s AND record_id = ANY(%(ids)s)",  # noqa: S608
            {"kind": kind, "ids": changed},
        )
    selected = ", ".join(f"s.{c}" for c in columns)
    new = sorted(
        int(i)
        for (i,) in conn.exec_driver_sql(
            f"INSERT INTO {name} (owner, {', '.join(columns)}, version, created_at, updated_at,"  # noqa: S608
            f" created_by) SELECT CAST(%(owner)s AS varchar), {selected}, 1, %(now)s, %(now)s,"
            " CAST(%(by)s AS integer) FROM import_rows s WHERE NOT EXISTS (SELECT 1 FROM"
            f" {name} t WHERE t.owner = CAST(%(owner)s AS varchar) AND t.reference = s.reference)"
            " ORDER BY s.n RETURNING id",
            {"owner": owner, "now": now, "by": created_by},
        )
    )
    written = sorted(changed) + new
    if listed and written:
        conn.exec_driver_sql(
            f"INSERT INTO {record_access.name} (kind, record_id, country)"  # noqa: S608
            " SELECT %(kind)s, t.id, a.country FROM import_access a"
            " JOIN import_rows s ON s.n = a.n"
            f" JOIN {name} t ON t.owner = %(owner)s AND t.reference = s.reference"
            " WHERE t.id = ANY(%(ids)s)",
            {"kind": kind, "owner": owner, "ids": written},
        )
    record_changes(conn, kind, ChangeOp.PUT, owner, written)
    return written
