"""Validated import rows staged in side SQLite files, for SQLite's own bulk copy.

Handing rows to SQLite value by value from the writing process, in batches
small enough to pickle between processes, cost more than validating them. So
on SQLite the parsing side writes each batch of good rows into a small
private file of its own (no index, no journal, no fsync), and the writing
side attaches it and copies the batch into the record table with one
``INSERT … SELECT`` and one ``UPDATE … FROM`` (``concord.store.bulk.copy_staged``),
in C, then deletes the file. Only a file name, line numbers and rejects cross
between processes.

Rows judged a column at a time arrive as a polars frame; those go into the
file through ADBC's SQLite driver, which binds the Arrow columns in C: 1.2 µs a
row where Python's ``executemany`` over the frame's tuples took 5.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import adbc_driver_manager as adbc
import adbc_driver_sqlite
import polars as pl
from sqlalchemy import Table

from concord.store.bulk import STAGED_EXCLUDED, converters

if TYPE_CHECKING:
    from concord.services.importer import Prepared


def stage_columns(table: Table) -> tuple[str, ...]:
    """The record columns an import row may set (bookkeeping is the database's)."""
    return tuple(c.name for c in table.columns if c.name not in STAGED_EXCLUDED)


class Stager:
    """Writes each batch of prepared rows to its own staging file in ``directory``."""

    def __init__(self, directory: Path, table: Table):
        self.directory = directory
        self.columns = stage_columns(table)
        self._convert = [
            (i, c) for i, c in enumerate(converters(table, self.columns, True)) if c is not None
        ]
        names = ", ".join(self.columns)
        self._create = f"CREATE TABLE rows ({names})"
        marks = ", ".join("?" for _ in self.columns)
        self._insert = f"INSERT INTO rows ({names}) VALUES ({marks})"  # noqa: S608 - schema names
        self._count = 0

    def write(self, batch: Sequence[Prepared]) -> Path:
        """The batch as ``rows`` (rowid 1..n in batch order) and ``access`` (row, country)."""
        columns = self.columns
        convert = self._convert
        values = []
        for prepared in batch:
            get = prepared.row.get
            row = [get(c) for c in columns]
            for i, fn in convert:
                row[i] = fn(row[i])
            values.append(row)
        listed = [
            (n, country)
            for n, prepared in enumerate(batch, start=1)
            for country in prepared.countries
        ]
        return self.write_values(values, listed)

    def _next_path(self) -> Path:
        self._count += 1
        path = self.directory / f"batch-{os.getpid()}-{self._count:07d}.db"  # one per parser
        path.unlink(missing_ok=True)  # left by an interrupted run
        return path

    def write_frame(self, frame: pl.DataFrame, listed: list[tuple[int, str]]) -> Path:
        """Rows as a frame of the stage columns (text or null), and (row, country) pairs."""
        assert tuple(frame.columns) == self.columns, "a frame in stage column order"
        path = self._next_path()
        database = adbc_driver_sqlite.connect(str(path))
        try:
            connection = adbc.AdbcConnection(database)
            try:
                # Scratch data the writer deletes after use, as in write_values.
                for sql in ("PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF"):
                    _execute(connection, sql)
                connection.set_autocommit(False)
                _execute(connection, self._create)
                _execute(connection, "CREATE TABLE access (row INTEGER, country TEXT)")
                _ingest(connection, "rows", frame)
                if listed:
                    pairs = pl.DataFrame(
                        listed, schema={"row": pl.Int64, "country": pl.String}, orient="row"
                    )
                    _ingest(connection, "access", pairs)
                connection.commit()
            finally:
                connection.close()
        finally:
            database.close()
        return path

    def write_values(self, values: Sequence[Sequence[Any]], listed: list[tuple[int, str]]) -> Path:
        """Rows already in stage column order (JSON already text), and (row, country) pairs."""
        path = self._next_path()
        db = sqlite3.connect(path, isolation_level=None)
        try:
            # Scratch data the writer deletes after use; a crash just means a rerun.
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute("BEGIN")
            db.execute(self._create)
            db.execute("CREATE TABLE access (row INTEGER, country TEXT)")
            db.executemany(self._insert, values)
            db.executemany("INSERT INTO access (row, country) VALUES (?, ?)", listed)
            db.execute("COMMIT")
        finally:
            db.close()
        return path


def _execute(connection: adbc.AdbcConnection, sql: str) -> None:
    statement = adbc.AdbcStatement(connection)
    try:
        statement.set_sql_query(sql)
        statement.execute_update()
    finally:
        statement.close()


def _ingest(connection: adbc.AdbcConnection, table: str, frame: pl.DataFrame) -> None:
    """Append ``frame`` to the existing ``table``, in row order (rowid 1..n)."""
    statement = adbc.AdbcStatement(connection)
    try:
        statement.set_options(
            **{
                adbc.INGEST_OPTION_TARGET_TABLE: table,
                adbc.INGEST_OPTION_MODE: adbc.INGEST_OPTION_MODE_APPEND,
            }
        )
        statement.bind_stream(frame.__arrow_c_stream__())
        statement.execute_update()
    finally:
        statement.close()
