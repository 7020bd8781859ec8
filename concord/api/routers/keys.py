"""The directory of NCB public keys for secure messages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, status

from concord.api.deps import PrincipalDep, StoreDep
from concord.services import key_directory

router = APIRouter(prefix="/keys", tags=["secure messages"])


@router.post("", status_code=status.HTTP_201_CREATED)
def register(
    principal: PrincipalDep, store: StoreDep, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Register the caller's country's public keys: the ``<country>.public.json`` that
    ``concord keys generate`` wrote on the NCB's side. Replaces the current pair."""
    return key_directory.register(store, principal, body)


@router.get("")
def directory(principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
    """Every country's current public keys."""
    return {"items": key_directory.directory(store, principal)}


@router.get("/{country}")
def history(
    principal: PrincipalDep, store: StoreDep, country: Annotated[str, Path(max_length=3)]
) -> dict[str, Any]:
    """A country's keys, the current first, then those it replaced."""
    return {"items": key_directory.history(store, principal, country)}
