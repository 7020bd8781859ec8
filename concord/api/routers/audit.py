"""The audit log: query and verify (GS and CCF)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from concord.api.deps import PrincipalDep, StoreDep
from concord.api.schemas import AuditEventOut, AuditPage, VerifyOut
from concord.services import audit_log

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("/events", response_model=AuditPage)
def events(
    principal: PrincipalDep,
    store: StoreDep,
    action: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    actor_country: Annotated[str | None, Query(max_length=3)] = None,
    resource: Annotated[str | None, Query(max_length=64)] = None,
    resource_id: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[str | None, Query(max_length=32, description="ISO time, inclusive")] = None,
    until: Annotated[str | None, Query(max_length=32, description="ISO time, exclusive")] = None,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    rows, next_cursor = audit_log.query(
        store,
        principal,
        action=action,
        actor=actor,
        actor_country=actor_country,
        resource=resource,
        resource_id=resource_id,
        since=since,
        until=until,
        after_seq=cursor,
        limit=limit,
    )
    return AuditPage(items=[AuditEventOut.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/verify", response_model=VerifyOut)
def verify(principal: PrincipalDep, store: StoreDep) -> VerifyOut:
    """Walk the whole chain; ``ok`` false names the first event at fault."""
    return VerifyOut(**asdict(audit_log.verify_chain(store, principal)))
