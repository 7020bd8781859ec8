"""The logged-in session's event stream (``/web/events``): the API's stream (the same
events, the same resumption, the same bell) for the session's account instead of a
token, ending when the session ends. Pages listen through ``static/live.js``; the
hits router serves it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from concord.api import event_stream
from concord.domain.principal import Principal
from concord.errors import Forbidden
from concord.services import events
from concord.web.common import HEADERS, LoginRequired, json_answer, require, store_of


async def stream(
    request: Request,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    after: Annotated[int | None, Query(ge=0)] = None,
    idle: Annotated[float | None, Query(gt=0, le=3600)] = None,
) -> Response:
    """Server-sent events for this session, from now on (or after ``Last-Event-ID``,
    which the browser sends when it reconnects, else ``after``). A closed session is
    answered 401 and a role without a stream 403, so the browser stops retrying."""
    store = store_of(request)
    try:
        session = await require(request, touch=False)
        await run_in_threadpool(events.fetch, store, session.principal, 0, 1)  # refuses early
    except LoginRequired:
        return json_answer({"error": "log in to continue"}, 401)
    except Forbidden as exc:
        return json_answer({"error": exc.message}, 403)
    if last_event_id:
        start = event_stream.parse_id(last_event_id)
    elif after is not None:
        start = after
    else:
        start = await run_in_threadpool(events.head, store)

    async def still_in() -> Principal | None:
        try:
            return (await require(request, touch=False)).principal
        except LoginRequired:
            return None

    body = event_stream.lines(
        request, store, session.principal, start, idle=idle, named=False, recheck=still_in
    )
    return event_stream.response(body, HEADERS)
