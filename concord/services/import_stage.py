"""Validated import rows staged in side SQLite files, for SQLite's own bulk copy.

Handing rows to SQLite value by value from the writing process, in batches
small enough to pickle between processes, cost more than validating them. So
on SQLite the parsing side writes each batch of good rows into a small
private file of its own (no index, no journal, no fsync), and the writing
side attaches it and copies the batch into the record table with one
``INSERT … SELECT`` and one ``UPDATE … FROM`` (``concord.store.bulk.copy_staged``),
in C, then deletes the file. Only a file name, line numbers and rejects cross
between processes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

    def write_values(self, values: Sequence[Sequence[Any]], listed: list[tuple[int, str]]) -> Path:
        """Rows already in stage column order (JSON already text), and (row, country) pairs."""
        self._count += 1
        path = self.directory / f"batch-{os.getpid()}-{self._count:07d}.db"  # one per parser
        path.unlink(missing_ok=True)  # left by an interrupted run
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
