"""Person records: the nominal data, through the generic record service."""

from __future__ import annotations

from typing import Any

from concord.domain.persons import PersonInput, person_to_row
from concord.domain.principal import Principal
from concord.errors import Conflict
from concord.services import records
from concord.store import Store, notices_repo, persons_repo
from concord.store.tables import persons

KIND = persons_repo.KIND
# Notice states in which a notice still needs its subject.
OPEN_STATES = ("draft", "under_review", "more_info_requested", "published", "suspended")


def view(principal: Principal, row: dict[str, Any]) -> dict[str, Any]:
    """The API shape of a record for this principal."""
    out = {
        name: row[name]
        for name in (
            "owner",
            "reference",
            "full_name",
            "given_names",
            "family_names",
            "display_name",
            "aliases",
            "dob",
            "place_of_birth",
            "nationalities",
            "sex",
            "identifiers",
            "description",
            "review_date",
            "created_at",
            "updated_at",
        )
    }
    out["id"] = int(row["id"])
    out["version"] = int(row["version"])
    out["access"] = records.access_view(principal, row)
    return out


def create(store: Store, principal: Principal, data: PersonInput) -> dict[str, Any]:
    row = records.create(
        store, principal, KIND, persons, person_to_row(data), data.access.countries
    )
    return view(principal, row)


def get(store: Store, principal: Principal, record_id: int) -> dict[str, Any]:
    return view(principal, records.read(store, principal, KIND, persons, record_id))


def update(store: Store, principal: Principal, record_id: int, data: PersonInput) -> dict[str, Any]:
    row = records.update(
        store, principal, KIND, persons, record_id, person_to_row(data), data.access.countries
    )
    return view(principal, row)


def delete(store: Store, principal: Principal, record_id: int) -> None:
    """Delete a record, unless a notice still open or circulating is about it (the notice
    would lose its subject): the requester withdraws the notice first."""
    with store.read() as conn:
        open_notices = [
            int(n["id"])
            for n in notices_repo.page(
                conn, after_id=0, limit=50, subject=(KIND, record_id), states=OPEN_STATES
            )
        ]
    if open_notices:
        records.visible(store, principal, KIND, persons, record_id)  # not found stays not found
        raise Conflict(
            f"notice(s) {', '.join(map(str, open_notices))} are about this person; "
            "withdraw them first",
            field="id",
        )
    records.delete(store, principal, KIND, persons, record_id)


def list_page(
    store: Store,
    principal: Principal,
    *,
    owner: str | None = None,
    name_prefix: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], int | None]:
    where = []
    if name_prefix:
        escaped = name_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(persons.c.display_name.like(escaped + "%", escape="\\"))
    rows, cursor = records.list_page(
        store, principal, KIND, persons, owner=owner, after_id=after_id, limit=limit, where=where
    )
    return [view(principal, r) for r in rows], cursor
