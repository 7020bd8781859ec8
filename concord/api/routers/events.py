"""The event stream of a principal, as server-sent events that resume where they stopped."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from concord.api import event_stream
from concord.api.deps import PrincipalDep, StoreDep
from concord.services import events

router = APIRouter(tags=["events"])


@router.get("/events/stream")
async def stream(
    request: Request,
    principal: PrincipalDep,
    store: StoreDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    after: Annotated[int | None, Query(ge=0, description="resume after this event id")] = None,
    idle: Annotated[
        float | None, Query(gt=0, le=3600, description="close after this many idle seconds")
    ] = None,
) -> StreamingResponse:
    """Hits, messages and receipts for the caller, as ``text/event-stream``. Each event
    carries its id: reconnect with ``Last-Event-ID`` (or ``after``) and nothing is
    missed or repeated. A comment line every 15 s keeps proxies from closing it."""
    start = after if after is not None else event_stream.parse_id(last_event_id)
    await run_in_threadpool(events.fetch, store, principal, start, 1)  # refuses early
    return event_stream.response(event_stream.lines(request, store, principal, start, idle=idle))
