"""Bulk import of person records: batched, resumable, idempotent by (owner, reference).

Each batch of good rows is one transaction (all or nothing). Re-running an
interrupted import upserts the same references again: rows already stored
unchanged are not rewritten, so the second run finishes the first without
duplicates. Bad rows go to a reject file with their line number and reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from concord.audit import AuditEvent
from concord.domain.persons import PersonInput, person_to_row
from concord.domain.principal import Principal
from concord.domain.validation import first_error
from concord.errors import InvalidInput
from concord.policy import Action, NewRecord, ensure
from concord.services.rows import RejectWriter, Row, RowReader
from concord.store import Store, persons_repo

CSV_COLUMNS = {
    "reference",
    "full_name",
    "given_names",
    "family_names",
    "aliases",
    "dob",
    "place_of_birth",
    "nationalities",
    "sex",
    "description",
    "visibility",
    "visibility_countries",
    "review_date",
}
_LISTS = ("aliases", "nationalities", "visibility_countries")


@dataclass
class ImportReport:
    read: int = 0
    written: int = 0
    unchanged: int = 0
    rejected: int = 0
    batches: int = 0
    rejects_path: Path | None = None


def csv_to_input(data: dict[str, Any]) -> dict[str, Any]:
    """A flat CSV row to the PersonInput shape: empty cells are absent, lists split on ``|``."""
    out: dict[str, Any] = {}
    for key, cell in data.items():
        value = cell.strip()
        if not value:
            continue
        if key in _LISTS:
            out[key] = [v.strip() for v in value.split("|") if v.strip()]
        else:
            out[key] = value
    if "aliases" in out:
        out["aliases"] = [{"full_name": a} for a in out["aliases"]]
    visibility = out.pop("visibility", None)
    countries = out.pop("visibility_countries", None)
    if visibility or countries:
        out["access"] = {"visibility": visibility or "all", "countries": countries or []}
    return out


def import_persons(
    store: Store,
    principal: Principal,
    path: Path,
    *,
    fmt: str | None = None,
    batch_size: int | None = None,
    rejects: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import ``path`` as records of ``principal.country``; see the module docstring."""
    ensure(principal, Action.CREATE, NewRecord(persons_repo.KIND, principal.country))
    batch_size = batch_size or store.settings.import_batch_size
    reader = RowReader(path, required={"reference"}, allowed=CSV_COLUMNS, fmt=fmt)
    report = ImportReport(rejects_path=rejects or path.with_name(path.name + ".rejects.csv"))
    assert report.rejects_path is not None
    reject = RejectWriter(report.rejects_path)
    seen: dict[str, int] = {}
    batch: list[tuple[Row, PersonInput]] = []
    try:
        for row in reader:
            report.read += 1
            parsed = _parse(row, reader.format == "csv", seen)
            if isinstance(parsed, InvalidInput):
                reject.add(row.line, parsed.field, parsed.message, row.raw)
                continue
            batch.append((row, parsed))
            if len(batch) >= batch_size:
                _commit(store, principal, batch, report)
                batch = []
                if progress:
                    progress(reader.position, reader.size)
        _commit(store, principal, batch, report)
    finally:
        reader.close()
        reject.close()
        report.rejected = reject.count
    if progress:
        progress(reader.size, reader.size)
    return report


def _parse(row: Row, is_csv: bool, seen: dict[str, int]) -> PersonInput | InvalidInput:
    if row.data is None:
        return InvalidInput(row.error or "unreadable row", field=None)
    try:
        data = PersonInput.model_validate(csv_to_input(row.data) if is_csv else row.data)
    except ValidationError as exc:
        return first_error(exc)
    if not data.reference:
        return InvalidInput("an imported record needs its reference", field="reference")
    first = seen.setdefault(data.reference, row.line)
    if first != row.line:
        return InvalidInput(f"reference repeated (first at line {first})", field="reference")
    return data


def _commit(
    store: Store, principal: Principal, batch: list[tuple[Row, PersonInput]], report: ImportReport
) -> None:
    if not batch:
        return
    rows = [person_to_row(data) for _, data in batch]
    listed = {
        data.reference or "": list(data.access.countries)
        for _, data in batch
        if data.access.countries
    }
    with store.write() as conn:
        written = persons_repo.upsert_batch(
            conn, principal.country, rows, listed, principal.user_id or None
        )
    report.batches += 1
    report.written += len(written)
    report.unchanged += len(batch) - len(written)
    store.audit.emit(
        AuditEvent.of(
            principal,
            "person.import",
            resource=persons_repo.KIND,
            first_line=batch[0][0].line,
            last_line=batch[-1][0].line,
            rows=len(batch),
            written=len(written),
        )
    )
