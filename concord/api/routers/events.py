"""The event stream of a principal, as server-sent events that resume where they stopped."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from concord.api.deps import PrincipalDep, StoreDep
from concord.services import events

router = APIRouter(tags=["events"])

POLL_SECONDS = 0.2  # for events other processes write; this process's own ring the bell
HEARTBEAT_SECONDS = 15.0


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
    start = after if after is not None else _parse_id(last_event_id)
    await run_in_threadpool(events.fetch, store, principal, start, 1)  # refuses early

    wakeup = store.settings.event_stream_wakeup

    async def lines() -> AsyncIterator[bytes]:
        cursor = start
        quiet_since = beat = time.monotonic()
        while not await request.is_disconnected():
            with store.bell.waiter() as bell:
                batch = await run_in_threadpool(events.fetch, store, principal, cursor)
                if not batch:
                    now = time.monotonic()
                    if idle is not None and now - quiet_since >= idle:
                        return
                    if now - beat >= HEARTBEAT_SECONDS:
                        beat = now
                        yield b": still here\n\n"
                    if wakeup:
                        await bell.wait(POLL_SECONDS)
                    else:
                        await asyncio.sleep(POLL_SECONDS)
                    continue
            for event in batch:
                cursor = event["id"]
                data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
                yield f"id: {cursor}\nevent: {event['kind']}\ndata: {data}\n\n".encode()
            quiet_since = beat = time.monotonic()

    return StreamingResponse(
        lines(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _parse_id(value: str | None) -> int:
    try:
        return max(0, int(value)) if value else 0
    except ValueError:
        return 0
