"""The bulk import loop shared by every record kind.

Batched, resumable and idempotent by (owner, reference): each batch of good
rows is one transaction (all or nothing), and re-running an interrupted import
upserts the same references again. Rows already stored unchanged are not
rewritten, so the rerun finishes the first run without duplicates. Bad rows go
to a reject file with their line number, field and reason, while good rows land.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from concord.audit import AuditEvent
from concord.domain.principal import Principal
from concord.errors import InvalidInput
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
    kind: str
    table: Table
    required: frozenset[str]
    allowed: frozenset[str]
    prepare: Prepare


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
) -> ImportReport:
    """Import ``path`` as ``target.kind`` records of ``principal.country``."""
    batch_size = batch_size or store.settings.import_batch_size
    reader = RowReader(path, required=set(target.required), allowed=set(target.allowed), fmt=fmt)
    report = ImportReport(rejects_path=rejects or path.with_name(path.name + ".rejects.csv"))
    assert report.rejects_path is not None
    reject = RejectWriter(report.rejects_path)
    is_csv = reader.format == "csv"
    seen: dict[str, int] = {}
    batch: list[Prepared] = []
    lines: list[int] = []
    try:
        for row in reader:
            report.read += 1
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
                reject.add(row.line, exc.field, exc.message, row.raw)
                continue
            batch.append(prepared)
            lines.append(row.line)
            if len(batch) >= batch_size:
                _commit(store, principal, target, batch, lines, report)
                batch, lines = [], []
                if progress:
                    progress(reader.position, reader.size)
        _commit(store, principal, target, batch, lines, report)
    finally:
        reader.close()
        reject.close()
        report.rejected = reject.count
    if progress:
        progress(reader.size, reader.size)
    return report


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
