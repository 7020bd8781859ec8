"""A principal's events as server-sent events, for the API's ``/events/stream`` and the
web application's ``/web/events``: one loop, so both see exactly ``events.fetch``'s
events, resume the same way and wake on the same bell."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from concord.domain.principal import Principal
from concord.errors import Forbidden
from concord.services import events
from concord.store import Store

POLL_SECONDS = 0.2  # for events other processes write; this process's own ring the bell
HEARTBEAT_SECONDS = 15.0
RECHECK_SECONDS = 10.0  # how often a stream asks whether its caller may still listen

# Who is listening now: None when they may no longer (logged out, disabled, timed out).
Recheck = Callable[[], Awaitable[Principal | None]]


def parse_id(value: str | None) -> int:
    """A ``Last-Event-ID`` header as the id to resume after (0 when absent or garbled)."""
    try:
        return max(0, int(value)) if value else 0
    except ValueError:
        return 0


async def lines(
    request: Request,
    store: Store,
    principal: Principal,
    start: int,
    *,
    idle: float | None = None,
    named: bool = True,
    recheck: Recheck | None = None,
) -> AsyncIterator[bytes]:
    """Events after id ``start``, each with its id, until the client goes, ``idle`` quiet
    seconds pass, or ``recheck`` says the caller may no longer listen. ``named`` sets
    each event's SSE type to its kind (else the client reads the kind in the data)."""
    wakeup = store.settings.event_stream_wakeup
    cursor = start
    quiet_since = beat = checked = time.monotonic()
    while not await request.is_disconnected():
        if recheck is not None and time.monotonic() - checked >= RECHECK_SECONDS:
            current = await recheck()
            if current is None:
                return
            principal, checked = current, time.monotonic()
        with store.bell.waiter() as bell:
            try:
                batch = await run_in_threadpool(events.fetch, store, principal, cursor)
            except Forbidden:  # no longer in good standing
                return
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
            kind = f"event: {event['kind']}\n" if named else ""
            yield f"id: {cursor}\n{kind}data: {data}\n\n".encode()
        quiet_since = beat = time.monotonic()


def response(body: AsyncIterator[bytes], headers: Mapping[str, str] = {}) -> StreamingResponse:
    """``text/event-stream``, never cached nor buffered by a proxy."""
    return StreamingResponse(
        body,
        media_type="text/event-stream",
        headers={**headers, "Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
