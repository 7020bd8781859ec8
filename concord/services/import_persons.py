"""Bulk import of person records (see concord.services.importer for the guarantees)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from concord.domain.persons import PersonInput, person_to_row
from concord.domain.principal import Principal
from concord.domain.validation import first_error
from concord.policy import Action, NewRecord, ensure
from concord.services.importer import ImportReport, Prepared, Target, run_import
from concord.store import Store, persons_repo
from concord.store.tables import persons

CSV_COLUMNS = frozenset(
    {
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
)
_LISTS = ("aliases", "nationalities", "visibility_countries")

__all__ = ["CSV_COLUMNS", "ImportReport", "csv_to_input", "import_persons"]


def csv_to_input(data: Mapping[str, Any]) -> dict[str, Any]:
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


def _prepare(data: Mapping[str, Any], is_csv: bool) -> Prepared:
    try:
        person = PersonInput.model_validate(csv_to_input(data) if is_csv else data)
    except ValidationError as exc:
        raise first_error(exc) from None
    return Prepared(person_to_row(person), list(person.access.countries))


TARGET = Target(
    persons_repo.KIND, persons_repo.KIND, persons, frozenset({"reference"}), CSV_COLUMNS, _prepare
)


def import_persons(
    store: Store,
    principal: Principal,
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
    """Import ``path`` as person records of ``principal.country``."""
    ensure(principal, Action.CREATE, NewRecord(persons_repo.KIND, principal.country))
    return run_import(
        store,
        principal,
        TARGET,
        path,
        fmt=fmt,
        batch_size=batch_size,
        rejects=rejects,
        progress=progress,
        parallel=parallel,
        bulk=bulk,
        watch=watch,
    )
