"""Data-subject requests, handled by the CCF."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status
from starlette.concurrency import run_in_threadpool

from concord.api.deps import PrincipalDep, StoreDep
from concord.domain.subject_requests import DecisionInput, SubjectRequestInput
from concord.services import subject_requests

router = APIRouter(prefix="/subject-requests", tags=["data-subject requests"])

RequestId = Annotated[int, Path(ge=1, le=2**62)]


@router.post("", status_code=status.HTTP_201_CREATED)
def register(body: SubjectRequestInput, principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
    """Register a request received (access, correction or deletion); its deadline
    follows from its kind and the settings."""
    return subject_requests.register(store, principal, body)


@router.get("")
def list_requests(
    principal: PrincipalDep,
    store: StoreDep,
    state: Annotated[str | None, Query(pattern="^(open|decided)$")] = None,
) -> dict[str, Any]:
    """Requests by deadline, the nearest first (``overdue`` when past it and open)."""
    return {"items": subject_requests.list_requests(store, principal, state=state)}


@router.get("/{request_id}")
async def get(request_id: RequestId, principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
    """The request and what the platform holds on the person (the name check over
    every person record, with the notices about each)."""
    return await run_in_threadpool(subject_requests.get, store, principal, request_id)


@router.post("/{request_id}/decision")
def decide(
    request_id: RequestId, body: DecisionInput, principal: PrincipalDep, store: StoreDep
) -> dict[str, Any]:
    """Decide; a deletion granted is carried out at once (notices cancelled, records
    deleted, each audited)."""
    return subject_requests.decide(store, principal, request_id, body)
