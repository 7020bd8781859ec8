"""Notices: requests, the compliance rules' verdict, moves, and the review queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from concord.api.deps import PrincipalDep, StoreDep
from concord.domain.compliance import RuleBook
from concord.domain.notices import DiffusionInput, Move, NoticeInput, NoticeKind, NoticeState
from concord.domain.persons import Strict
from concord.errors import InvalidInput
from concord.services import notices
from concord.services.notice_duplicates import duplicate_finder
from concord.services.notices import DuplicateFinder

router = APIRouter(tags=["notices"])

NoticeId = Annotated[int, Path(ge=1, le=2**62)]
# The moves a person asks for (expiry is the clock's).
_ASKED = [m.value for m in Move if m is not Move.EXPIRE]


class MoveBody(Strict):
    reason: str | None = Field(default=None, max_length=4000)
    until: str | None = Field(default=None, max_length=10, description="suspend: YYYY-MM-DD")


def _rules(request: Request) -> RuleBook:
    rulebook: RuleBook = request.app.state.rulebook
    return rulebook


def _duplicates(request: Request) -> DuplicateFinder:
    app = request.app.state
    return duplicate_finder(app.store, app.names.names, app.person_checker.thresholds)


@router.post("/notices", status_code=status.HTTP_201_CREATED)
def create(body: NoticeInput, principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
    """Draft a notice about a record of the caller's country (NCB officers)."""
    return notices.create(store, principal, body)


@router.post("/diffusions", status_code=status.HTTP_201_CREATED)
async def diffuse(
    body: DiffusionInput, principal: PrincipalDep, store: StoreDep, request: Request
) -> dict[str, Any]:
    """Send a diffusion about a record of the caller's country straight to ``recipients``:
    they see it at once; the compliance rules review it right after, and a failing rule
    stops it (``stop_relying`` for its recipients), a flag puts it in the GS's queue."""
    return await run_in_threadpool(
        lambda: notices.diffuse(
            store, principal, body, rulebook=_rules(request), duplicates=_duplicates(request)
        )
    )


@router.get("/notices")
def list_notices(
    principal: PrincipalDep,
    store: StoreDep,
    state: NoticeState | None = None,
    kind: NoticeKind | None = None,
    owner: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    channel: Annotated[str | None, Query(pattern="^(notice|diffusion)$")] = None,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Notices the caller may see: its own country's requests in every state, and the
    published notices of others whose subject it may see."""
    items, next_cursor = notices.list_page(
        store,
        principal,
        state=state.value if state else None,
        kind=kind.value if kind else None,
        owner=owner.upper() if owner else None,
        channel=channel,
        after_id=cursor,
        limit=limit,
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/notices/{notice_id}")
def get(notice_id: NoticeId, principal: PrincipalDep, store: StoreDep) -> dict[str, Any]:
    return notices.get(store, principal, notice_id)


@router.put("/notices/{notice_id}")
def replace(
    notice_id: NoticeId, body: NoticeInput, principal: PrincipalDep, store: StoreDep
) -> dict[str, Any]:
    """Edit a draft, or a request sent back for more information (the requester only)."""
    return notices.update(store, principal, notice_id, body)


@router.get("/notices/{notice_id}/compliance")
async def compliance(
    notice_id: NoticeId, principal: PrincipalDep, store: StoreDep, request: Request
) -> dict[str, Any]:
    """The compliance rules' verdict on the request as it stands (nothing moves)."""
    return await run_in_threadpool(
        notices.compliance, store, principal, notice_id, _rules(request), _duplicates(request)
    )


@router.post("/notices/{notice_id}/{move}")
async def make_move(
    notice_id: NoticeId,
    move: Annotated[str, Path(max_length=20, description=" | ".join(_ASKED))],
    principal: PrincipalDep,
    store: StoreDep,
    request: Request,
    body: MoveBody | None = None,
) -> dict[str, Any]:
    """Submit, publish, refuse, request_info, suspend, resume, withdraw, cancel or renew.

    Refusing, asking for more information, suspending, withdrawing and cancelling need
    a ``reason``; a suspension lasts until ``until`` (six months at most, the default).
    """
    if move not in _ASKED:
        raise InvalidInput(f"unknown move {move[:20]!r}; one of: {', '.join(_ASKED)}", field="move")
    given = body or MoveBody()
    return await run_in_threadpool(
        lambda: notices.move(
            store,
            principal,
            notice_id,
            Move(move),
            reason=given.reason,
            until=given.until,
            rulebook=_rules(request),
            duplicates=_duplicates(request),
        )
    )


@router.get("/review/notices")
def review_queue(
    principal: PrincipalDep,
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """The General Secretariat's queue of requests under review, most urgent first."""
    return {"items": notices.review_queue(store, principal, limit=limit)}
