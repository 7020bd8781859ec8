"""Bulk import of object records: documents, blank ranges, vehicles, firearms, vessels, art."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from concord.domain.principal import Principal
from concord.errors import InvalidInput
from concord.policy import Action, NewRecord, allow, ensure
from concord.services.importer import ImportReport, Prepared, Target, run_import
from concord.store import Store
from concord.store.kinds import BLANK_RANGE, DOCUMENT, ObjectKind


def target_for(kind: ObjectKind, principal: Principal) -> Target:
    issued = kind in (DOCUMENT, BLANK_RANGE)

    def prepare(data: Mapping[str, Any], _is_csv: bool) -> Prepared:
        validated = kind.validate(data, True)
        if issued:
            issuer = validated.row["issuing_country"]
            if not allow(principal, Action.CREATE, NewRecord(kind.name, principal.country, issuer)):
                own = principal.country
                message = f"only the issuing state reports its documents ({issuer}, not {own})"
                raise InvalidInput(message, field="issuing_country")
        return Prepared(validated.row, validated.countries)

    allowed = kind.csv_required | kind.csv_optional
    columnar = principal if kind is DOCUMENT else None
    return Target(kind.name, kind.name, kind.table, kind.csv_required, allowed, prepare, columnar)


def import_objects(
    store: Store,
    principal: Principal,
    kind: ObjectKind,
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
    ensure(principal, Action.CREATE, NewRecord(kind.name, principal.country))
    return run_import(
        store,
        principal,
        target_for(kind, principal),
        path,
        fmt=fmt,
        batch_size=batch_size,
        rejects=rejects,
        progress=progress,
        parallel=parallel,
        bulk=bulk,
        watch=watch,
    )
