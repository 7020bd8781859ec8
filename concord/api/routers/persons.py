"""Person records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from concord.api.deps import BigId, PrincipalDep, StoreDep
from concord.api.schemas import PersonOut, PersonPage
from concord.domain.countries import normalise_country
from concord.domain.persons import PersonInput
from concord.services import persons

router = APIRouter(prefix="/persons", tags=["persons"])

RecordId = Annotated[int, Query(ge=1, le=2**62)]


@router.post("", response_model=PersonOut, status_code=status.HTTP_201_CREATED)
def create(body: PersonInput, principal: PrincipalDep, store: StoreDep) -> PersonOut:
    """Enter a person record owned by the caller's country (NCB officers)."""
    return PersonOut.model_validate(persons.create(store, principal, body))


@router.get("", response_model=PersonPage)
def list_persons(
    principal: PrincipalDep,
    store: StoreDep,
    owner: Annotated[str | None, Query(min_length=2, max_length=3)] = None,
    name: Annotated[
        str | None, Query(max_length=200, description="prefix of the display name")
    ] = None,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> PersonPage:
    """Records the caller may see, by id; pass ``next_cursor`` back as ``cursor``."""
    owner_code = normalise_country(owner, "owner") if owner else None
    items, next_cursor = persons.list_page(
        store, principal, owner=owner_code, name_prefix=name, after_id=cursor, limit=limit
    )
    return PersonPage(items=[PersonOut.model_validate(i) for i in items], next_cursor=next_cursor)


@router.get("/{record_id}", response_model=PersonOut)
def get(record_id: BigId, principal: PrincipalDep, store: StoreDep) -> PersonOut:
    return PersonOut.model_validate(persons.get(store, principal, record_id))


@router.put("/{record_id}", response_model=PersonOut)
def replace(
    record_id: BigId, body: PersonInput, principal: PrincipalDep, store: StoreDep
) -> PersonOut:
    """Replace a record's content (owner's NCB only)."""
    return PersonOut.model_validate(persons.update(store, principal, record_id, body))


@router.delete("/{record_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete(record_id: BigId, principal: PrincipalDep, store: StoreDep) -> None:
    persons.delete(store, principal, record_id)
