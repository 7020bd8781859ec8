"""Checks (the hot path) and the hits they create."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from concord.api.deps import BigId, PrincipalDep, StoreDep
from concord.api.schemas import BatchCheckRequest, CheckQuery
from concord.services import hits
from concord.services.checks import Checker

router = APIRouter(tags=["checks"])


def _checker(request: Request) -> Checker:
    checker: Checker = request.app.state.checker
    return checker


@router.post("/checks")
async def check(body: CheckQuery, principal: PrincipalDep, request: Request) -> dict[str, Any]:
    """Check one identifier against every object database the caller may use.

    A plain document that misses is answered on the event loop, from memory;
    anything else runs in a worker thread, since it may read and record a hit.

    Give exactly one of: ``document`` {number, issuing_country, type?}, ``mrz``
    (the zone as text), ``vin``, ``plate`` {number, country}, ``firearm``
    {serial, make?}, ``imo``, ``hin``, ``art`` {object_id}. Partners get
    ``{"valid": true|false}`` only.
    """
    checker = _checker(request)
    item = body.model_dump(exclude_none=True)
    answer = checker.quick_miss(principal, item)
    if answer is None:
        answer = await run_in_threadpool(checker.check_one, principal, item)
    return answer


@router.post("/checks/batch")
async def check_batch(
    body: BatchCheckRequest, principal: PrincipalDep, request: Request
) -> dict[str, Any]:
    """Check a manifest: every row answered in order; a bad row carries its own error."""
    checker = _checker(request)
    if body.items and all(_document_only(item) for item in body.items):
        rows = [
            (item.qid, item.document.number, item.document.issuing_country, item.document.type)
            for item in body.items
            if item.document is not None
        ]
        return {"results": await run_in_threadpool(checker.check_documents, principal, rows)}
    items = [item.model_dump(exclude_none=True) for item in body.items]
    return {"results": await run_in_threadpool(checker.check_many, principal, items)}


def _document_only(item: CheckQuery) -> bool:
    """A manifest row: a document and nothing else (the lean batch path)."""
    others = (item.mrz, item.vin, item.plate, item.firearm, item.imo, item.hin, item.art)
    return item.document is not None and all(o is None for o in others)


@router.get("/hits")
def list_hits(
    principal: PrincipalDep,
    store: StoreDep,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Hits on the caller's country's records, and hits of its own checks."""
    items, next_cursor = hits.list_hits(store, principal, after_id=cursor, limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/hits/{hit_id}")
def get_hit(hit_id: BigId, principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
    return hits.get_hit(store, principal, hit_id)
