"""The bulk import loop shared by every record kind.

Batched, resumable and idempotent by (owner, reference): each batch of good
rows is one transaction (all or nothing), and re-running an interrupted import
upserts the same references again. Rows already stored unchanged are not
rewritten, so the rerun finishes the first run without duplicates. Bad rows go
to a reject file with their line number, field and reason, while good rows land.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, make_url, select
from sqlalchemy.exc import IntegrityError

from concord.audit import AuditEvent
from concord.domain.principal import Principal
from concord.errors import InvalidInput
from concord.services.import_parallel import PARALLEL_FROM_BYTES, parallel_chunks
from concord.services.import_stage import Stager, stage_columns
from concord.services.rows import RejectWriter, RowReader
from concord.store import Store, bulk, records_repo
from concord.store.checkpoint import WalCheckpointer

if TYPE_CHECKING:
    from concord.services.import_columnar import Span

# The writing connection's page cache during a SQLite import (KiB): the key
# index of a large table is updated at random places, batch after batch.
IMPORT_CACHE_KIB = 256 * 1024
# A SQLite import of a file this large, holding (estimated) at least twice as
# many rows as the table, drops the lookup indexes and builds them again at
# the end (see bulk.drop_lookup_indexes). Below that, rebuilding the index over
# the table cost more than inserting into it: 25 files of 10M documents, the
# 2nd to 5th files took 6.2-8.1 s in bulk, 4.6 s and less inserted live.
BULK_FROM_BYTES = 16 * 1024 * 1024
# The page cache while a bulk load rebuilds its indexes (KiB; see _Writer.__exit__).
INDEX_BUILD_CACHE_KIB = 16 * 1024
BULK_BYTES_PER_ROW = 64
# A plain CSV of documents this large is parsed by two processes at once.
SPLIT_FROM_BYTES = 16 * 1024 * 1024


@dataclass
class ImportReport:
    read: int = 0
    written: int = 0
    unchanged: int = 0
    rejected: int = 0
    batches: int = 0
    rejects_path: Path | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A good row: its table columns (with ``reference``) and its access list."""

    row: dict[str, Any]
    countries: list[str]


# (raw row, is_csv) -> Prepared, or raise InvalidInput naming the field.
Prepare = Callable[[Mapping[str, Any], bool], Prepared]


@dataclass(frozen=True, slots=True)
class Target:
    name: str  # as known to concord.services.import_targets (for the parsing process)
    kind: str
    table: Table
    required: frozenset[str]
    allowed: frozenset[str]
    prepare: Prepare
    # Set for a target whose plain CSV rows can be judged a column at a time.
    columnar_for: Principal | None = None


@dataclass(slots=True)
class Chunk:
    """A batch of good rows with the rejects met on the way, as read from the file.

    With a stage directory the good rows are in the staging file ``staged``
    (``prepared`` is then empty) and ``lines`` still names them.
    """

    prepared: list[Prepared]
    lines: list[int]
    rejects: list[tuple[int, str | None, str, str]]
    read: int
    position: int
    size: int
    staged: str | None = None
    # Rows in stage column order and (row number, country) pairs, not staged in a file.
    values: list[tuple[Any, ...]] | None = None
    listed: list[tuple[int, str]] | None = None


def read_chunks(
    target: Target,
    path: Path,
    fmt: str | None,
    batch_size: int,
    stage_dir: Path | None = None,
    span: Span | None = None,
) -> Iterator[Chunk]:
    """Parse and validate the file (or a span of it) into batches; a bad header raises."""
    stager = Stager(stage_dir, target.table) if stage_dir is not None else None
    reader = RowReader(path, required=set(target.required), allowed=set(target.allowed), fmt=fmt)
    if target.columnar_for is not None and reader.format == "csv":
        from concord.services.import_columnar import columnar_chunks

        reader.close()
        yield from columnar_chunks(
            target, target.columnar_for, path, reader.header, reader.size, batch_size, stager, span
        )
        return
    assert span is None, "only plain CSV documents are read in parts"
    is_csv = reader.format == "csv"
    seen: dict[str, int] = {}
    chunk = Chunk([], [], [], 0, 0, reader.size)
    try:
        for row in reader:
            chunk.read += 1
            try:
                if row.data is None:
                    raise InvalidInput(row.error or "unreadable row")
                prepared = target.prepare(row.data, is_csv)
                reference = prepared.row.get("reference")
                if not reference:
                    raise InvalidInput("an imported record needs its reference", field="reference")
                first = seen.setdefault(reference, row.line)
                if first != row.line:
                    raise InvalidInput(
                        f"reference repeated (first at line {first})", field="reference"
                    )
            except InvalidInput as exc:
                chunk.rejects.append((row.line, exc.field, exc.message, str(row.raw)))
                continue
            chunk.prepared.append(prepared)
            chunk.lines.append(row.line)
            if len(chunk.prepared) >= batch_size:
                chunk.position = reader.position
                yield _staged(chunk, stager)
                chunk = Chunk([], [], [], 0, 0, reader.size)
        chunk.position = reader.size
        yield _staged(chunk, stager)
    finally:
        reader.close()


def _staged(chunk: Chunk, stager: Stager | None) -> Chunk:
    if stager is not None and chunk.prepared:
        chunk.staged = str(stager.write(chunk.prepared))
        chunk.prepared = []
    return chunk


def run_import(
    store: Store,
    principal: Principal,
    target: Target,
    path: Path,
    *,
    fmt: str | None = None,
    batch_size: int | None = None,
    rejects: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    parallel: bool | None = None,
    bulk: bool | None = None,
    watch: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import ``path`` as ``target.kind`` records of ``principal.country``.

    ``watch`` is handed the report (rows read, written, unchanged, rejected so far)
    after each committed group: the web page's live progress.

    ``parallel`` (default: for files over 8 MB) parses and validates in a second
    process while this one writes, so both cores work on a large import.
    ``bulk`` (SQLite; default: for a file large beside its table) rebuilds the
    table's lookup indexes at the end instead of updating them row by row:
    checks stay right meanwhile (answered from memory, confirmed by a scan).
    """
    batch_size = batch_size or store.settings.import_batch_size
    # Refuse a bad file or header before anything is written or spawned.
    RowReader(path, required=set(target.required), allowed=set(target.allowed), fmt=fmt).close()
    if parallel is None:
        parallel = path.stat().st_size > PARALLEL_FROM_BYTES
    stage_dir = _stage_dir(store) if store.is_sqlite else None
    if not store.is_sqlite:
        bulk = False
    elif bulk is None:
        bulk = _large_beside(store, target, path)
    spans = _split(target, path, fmt, stage_dir) if parallel else None
    groups = (
        parallel_chunks(target.name, principal, path, fmt, batch_size, stage_dir, spans)
        if parallel
        else ([chunk] for chunk in read_chunks(target, path, fmt, batch_size, stage_dir))
    )
    report = ImportReport(rejects_path=rejects or path.with_name(path.name + ".rejects.csv"))
    assert report.rejects_path is not None
    reject = RejectWriter(report.rejects_path)
    analysed_at = 0
    try:
        with _Writer(store, principal, target, bulk=bulk) as writer:
            for group in groups:
                for chunk in group:
                    report.read += chunk.read
                    for line, field, message, raw in chunk.rejects:
                        reject.add(line, field, message, raw)
                writer.commit(group, report)
                if not store.is_sqlite and report.written > 2 * analysed_at:
                    # Statistics at every doubling: without them PostgreSQL scans the
                    # owner's rows for each batch's reference lookup.
                    _analyse(store, target)
                    analysed_at = report.written
                if progress:
                    progress(group[-1].position, group[-1].size)
                if watch:
                    report.rejected = reject.count
                    watch(report)
    finally:
        reject.close()
        report.rejected = reject.count
        if stage_dir is not None:
            shutil.rmtree(stage_dir, ignore_errors=True)
    if report.written and not store.is_sqlite:
        _analyse(store, target)  # fresh statistics for the checks on what was just loaded
    return report


def _split(target: Target, path: Path, fmt: str | None, stage_dir: Path | None) -> Any:
    """Two parsing processes for a large plain CSV of documents on SQLite (see split_spans):
    the writer needs less than half a core a row, a parser nearly one."""
    if stage_dir is None or target.columnar_for is None or path.stat().st_size < SPLIT_FROM_BYTES:
        return None
    if RowReader.format_of(path, fmt) != "csv":
        return None
    from concord.services.import_columnar import split_spans

    return split_spans(path, 2)


def _large_beside(store: Store, target: Target, path: Path) -> bool:
    size = path.stat().st_size
    if size < BULK_FROM_BYTES:
        return False
    with store.read() as conn:
        rows = conn.exec_driver_sql(f"SELECT max(id) FROM {target.table.name}").scalar_one()  # noqa: S608
    return size / BULK_BYTES_PER_ROW >= 2 * (rows or 0)


def _stage_dir(store: Store) -> Path:
    """A private directory for staging files, beside the SQLite database (same disk)."""
    database = _sqlite_file(store)
    parent = Path(database).resolve().parent if database else None
    return Path(tempfile.mkdtemp(prefix=".concord-import-", dir=parent))


def _sqlite_file(store: Store) -> str | None:
    """The SQLite database's file, or None (in memory)."""
    database = make_url(str(store.engine.url)).database
    return database if database and database != ":memory:" else None


def _analyse(store: Store, target: Target) -> None:
    with store.write() as conn:
        conn.exec_driver_sql(f"ANALYZE {target.table.name}")


class _Writer:
    """Stores each chunk in its own transaction: staged copy on SQLite, batched upsert otherwise.

    On SQLite one connection serves the whole import, with a large page cache,
    and attaches each chunk's staging file outside the transaction.
    """

    def __init__(self, store: Store, principal: Principal, target: Target, *, bulk: bool):
        self.store = store
        self.principal = principal
        self.target = target
        self.bulk = bulk
        self.fresh = False  # the owner has no row in the table yet (SQLite; see copy_staged)
        self._conn: Connection | None = None
        self._checkpointer: WalCheckpointer | None = None

    def __enter__(self) -> _Writer:
        if self.store.is_sqlite:
            self._conn = conn = self.store.engine.connect()
            conn.execution_options(concord_write=True)
            self._raw().execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
            database = _sqlite_file(self.store)
            if database:
                # The batches' commits leave the WAL to a checkpointing thread.
                self._raw().execute("PRAGMA wal_autocheckpoint=0")
                self._checkpointer = WalCheckpointer(database)
                self._checkpointer.start()
            with conn.begin():
                # A bulk load killed earlier left its indexes dropped: rebuild first.
                bulk.restore_indexes(conn, self.target.table)
                if self.bulk:
                    bulk.drop_lookup_indexes(conn, self.target.table)
                table = self.target.table
                self.fresh = (
                    conn.execute(
                        select(table.c.id).where(table.c.owner == self.principal.country).limit(1)
                    ).first()
                    is None
                )
        return self

    def __exit__(self, *exc: object) -> None:
        conn = self._conn
        if conn is None:
            return
        try:
            if conn.in_transaction():
                conn.rollback()
            if self.bulk:
                # Sorting the keys with helper threads: 13.3 -> 9.1 s for 10M documents.
                self._raw().execute(f"PRAGMA threads={min(os.cpu_count() or 1, 8)}")
                # The sorter's runs are as large as the page cache: small runs sorted
                # in the CPU's caches and merged by the helper threads built the key
                # index of 10M documents in 12.3-16.0 s, the import's 256 MB in 19.7-20.7.
                self._raw().execute(f"PRAGMA cache_size=-{INDEX_BUILD_CACHE_KIB}")
                with conn.begin():
                    bulk.restore_indexes(conn, self.target.table)
        finally:
            if self._checkpointer is not None:
                self._checkpointer.stop()
            self._raw().execute("PRAGMA threads=0")  # the defaults, for the pool
            self._raw().execute("PRAGMA cache_size=-2000")
            self._raw().execute("PRAGMA wal_autocheckpoint=1000")
            conn.close()

    def _raw(self) -> Any:
        assert self._conn is not None
        return self._conn.connection.driver_connection

    def commit(self, group: list[Chunk], report: ImportReport) -> None:
        """The group's rows: one transaction for staged chunks (see GROUP_ROWS), else
        one a chunk. Every chunk is audited on its own, with its lines."""
        chunks = [c for c in group if c.staged is not None or c.values or c.prepared]
        staged = [c.staged for c in chunks if c.staged is not None]
        if staged:
            assert len(staged) == len(chunks), "an import stages every chunk or none"
            written_each = self._copy(staged)
        else:
            written_each = [self._write(chunk) for chunk in chunks]
        for chunk, written in zip(chunks, written_each, strict=True):
            count = len(chunk.prepared) if chunk.prepared else len(chunk.lines)
            report.batches += 1
            report.written += len(written)
            report.unchanged += count - len(written)
            self.store.audit.emit(
                AuditEvent.of(
                    self.principal,
                    f"{self.target.kind}.import",
                    resource=self.target.kind,
                    first_line=chunk.lines[0],
                    last_line=chunk.lines[-1],
                    rows=count,
                    written=len(written),
                )
            )

    def _write(self, chunk: Chunk) -> list[int]:
        """An unstaged chunk in its own transaction."""
        if chunk.values is not None:
            return self._copy_values(chunk.values, chunk.listed or [])
        return self._upsert(chunk.prepared)

    def _copy(self, staged: list[str]) -> list[list[int]]:
        """Staging files attached together and copied in one transaction."""
        raw = self._raw()
        schemas: list[str] = []
        try:
            for n, path in enumerate(staged):
                raw.execute(f"ATTACH DATABASE ? AS stage{n}", (path,))
                schemas.append(f"stage{n}")
            try:
                written = self._copy_attached(schemas, fresh=self.fresh)
            except IntegrityError:
                if not self.fresh:
                    raise
                self.fresh = False  # another writer added a row of this owner meanwhile
                written = self._copy_attached(schemas, fresh=False)
        finally:
            for schema in schemas:
                raw.execute(f"DETACH DATABASE {schema}")
        for path in staged:
            Path(path).unlink(missing_ok=True)
        return written

    def _copy_attached(self, schemas: list[str], *, fresh: bool) -> list[list[int]]:
        conn = self._conn
        assert conn is not None
        written = []
        with conn.begin():
            for schema in schemas:
                count = conn.exec_driver_sql(f"SELECT count(*) FROM {schema}.rows").scalar_one()  # noqa: S608
                written.append(
                    bulk.copy_staged(
                        conn, *self._owner_args(), (1, int(count)), fresh=fresh, schema=schema
                    )
                )
        return written

    def _copy_values(
        self, values: list[tuple[Any, ...]], listed: list[tuple[int, str]]
    ) -> list[int]:
        with self.store.write() as conn:
            return bulk.copy_values(conn, *self._owner_args(), values, listed)

    def _owner_args(self) -> tuple[Table, str, str, int | None, tuple[str, ...]]:
        """What both bulk copies take first: table, kind, owner, author, stage columns."""
        table, author = self.target.table, self.principal.user_id or None
        return table, self.target.kind, self.principal.country, author, stage_columns(table)

    def _upsert(self, batch: list[Prepared]) -> list[int]:
        rows = [p.row for p in batch]
        listed = {p.row["reference"]: p.countries for p in batch if p.countries}
        with self.store.write() as conn:
            return records_repo.upsert_batch(
                conn,
                self.target.table,
                self.target.kind,
                self.principal.country,
                rows,
                listed,
                self.principal.user_id or None,
            )
