"""The bulk import loop shared by every record kind.

Batched, resumable and idempotent by (owner, reference): each batch of good
rows is one transaction (all or nothing), and re-running an interrupted import
upserts the same references again. Rows already stored unchanged are not
rewritten, so the rerun finishes the first run without duplicates. Bad rows go
to a reject file with their line number, field and reason, while good rows land.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from concord.audit import AuditEvent
from concord.domain.principal import Principal
from concord.errors import InvalidInput
from concord.services.import_parallel import PARALLEL_FROM_BYTES, parallel_chunks
from concord.services.rows import RejectWriter, RowReader
from concord.store import Store, records_repo


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


@dataclass(slots=True)
class Chunk:
    """A batch of good rows with the rejects met on the way, as read from the file."""

    prepared: list[Prepared]
    lines: list[int]
    rejects: list[tuple[int, str | None, str, str]]
    read: int
    position: int
    size: int


def read_chunks(target: Target, path: Path, fmt: str | None, batch_size: int) -> Iterator[Chunk]:
    """Parse and validate the file into batches; the first refusal (bad header) raises."""
    reader = RowReader(path, required=set(target.required), allowed=set(target.allowed), fmt=fmt)
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
                yield chunk
                chunk = Chunk([], [], [], 0, 0, reader.size)
        chunk.position = reader.size
        yield chunk
    finally:
        reader.close()


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
) -> ImportReport:
    """Import ``path`` as ``target.kind`` records of ``principal.country``.

    ``parallel`` (default: for files over 8 MB) parses and validates in a second
    process while this one writes, so both cores work on a large import.
    """
    batch_size = batch_size or store.settings.import_batch_size
    # Refuse a bad file or header before anything is written or spawned.
    RowReader(path, required=set(target.required), allowed=set(target.allowed), fmt=fmt).close()
    if parallel is None:
        parallel = path.stat().st_size > PARALLEL_FROM_BYTES
    chunks = (
        parallel_chunks(target.name, principal, path, fmt, batch_size)
        if parallel
        else read_chunks(target, path, fmt, batch_size)
    )
    report = ImportReport(rejects_path=rejects or path.with_name(path.name + ".rejects.csv"))
    assert report.rejects_path is not None
    reject = RejectWriter(report.rejects_path)
    analysed_at = 0
    try:
        for chunk in chunks:
            report.read += chunk.read
            for line, field, message, raw in chunk.rejects:
                reject.add(line, field, message, raw)
            _commit(store, principal, target, chunk.prepared, chunk.lines, report)
            if not store.is_sqlite and report.written > 2 * analysed_at:
                # Statistics at every doubling: without them PostgreSQL scans the
                # owner's rows for each batch's reference lookup.
                _analyse(store, target)
                analysed_at = report.written
            if progress:
                progress(chunk.position, chunk.size)
    finally:
        reject.close()
        report.rejected = reject.count
    if report.written and not store.is_sqlite:
        _analyse(store, target)  # fresh statistics for the checks on what was just loaded
    return report


def _analyse(store: Store, target: Target) -> None:
    with store.write() as conn:
        conn.exec_driver_sql(f"ANALYZE {target.table.name}")


def _commit(
    store: Store,
    principal: Principal,
    target: Target,
    batch: list[Prepared],
    lines: list[int],
    report: ImportReport,
) -> None:
    if not batch:
        return
    rows = [p.row for p in batch]
    listed = {p.row["reference"]: p.countries for p in batch if p.countries}
    with store.write() as conn:
        written = records_repo.upsert_batch(
            conn,
            target.table,
            target.kind,
            principal.country,
            rows,
            listed,
            principal.user_id or None,
        )
    report.batches += 1
    report.written += len(written)
    report.unchanged += len(batch) - len(written)
    store.audit.emit(
        AuditEvent.of(
            principal,
            f"{target.kind}.import",
            resource=target.kind,
            first_line=lines[0],
            last_line=lines[-1],
            rows=len(batch),
            written=len(written),
        )
    )
