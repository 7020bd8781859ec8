"""Countries and membership."""

from __future__ import annotations

from fastapi import APIRouter

from concord.api.deps import PrincipalDep, StoreDep
from concord.api.schemas import CountryOut, CountryUpdate
from concord.services import members

router = APIRouter(prefix="/countries", tags=["members"])


@router.get("", response_model=list[CountryOut])
def list_countries(
    principal: PrincipalDep, store: StoreDep, status: str | None = None
) -> list[CountryOut]:
    return [CountryOut.model_validate(c) for c in members.list_countries(store, principal, status)]


@router.get("/{code}", response_model=CountryOut)
def get(code: str, principal: PrincipalDep, store: StoreDep) -> CountryOut:
    return CountryOut.model_validate(members.get_country(store, principal, code))


@router.patch("/{code}", response_model=CountryOut)
def update(code: str, body: CountryUpdate, principal: PrincipalDep, store: StoreDep) -> CountryOut:
    """Admit, suspend or remove a member (General Secretariat)."""
    return CountryOut.model_validate(
        members.set_status(store, principal, code, body.status, body.ncb_name)
    )
