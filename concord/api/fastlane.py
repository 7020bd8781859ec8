"""A lean ASGI lane for ``POST /checks`` and ``POST /checks/batch``, the hot path.

Why: FastAPI's routing over every route, its dependency injection and the
pydantic request models cost several times the check itself (profiled at about
230 of the 270 µs a single check took in-process). The lane sits inside
``Metrics`` and ``BodyLimit``, so both apply as before, and answers with what
the routes use: the bearer token through ``deps.principal_awaited`` (the resolver and
its cache), the ``Checker`` (access policy, hits, audit), the error format of
``api.errors`` and the routes' JSON encoding.

It answers only what it can answer exactly as the route would: a JSON body of
the commonest shape (``api.check_bodies``). Any other request (another content
type, JSON it cannot parse, another shape, a client gone mid-body, a body over
the limit while streaming) goes on to FastAPI with the body messages already
read replayed, so FastAPI's answer and error stay the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi.routing import APIRoute
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from concord.api import check_bodies
from concord.api.deps import bearer_token, principal_awaited
from concord.api.errors import concord_error_response
from concord.domain.principal import Principal
from concord.errors import ConcordError
from concord.services.checks import Checker

SINGLE_PATH = "/checks"
BATCH_PATH = "/checks/batch"

# What FastAPI does with a route returning dict[str, Any]: validate, then dump_json.
_ANSWER = TypeAdapter(dict[str, Any])
_JSON = b"application/json"


@dataclass(frozen=True, slots=True)
class _Lane:
    route: BaseRoute  # set as scope["route"], as routing would (the metrics label)
    parse: Callable[[Any], Any]  # the body's work, or None: not for the lane
    run: Callable[[Principal, Any], dict[str, Any]]  # in a worker thread: it may write
    quick: Callable[[Principal, Any], dict[str, Any] | None] | None = None  # on the loop


class ChecksLane:
    """Pure ASGI middleware answering check requests before FastAPI's router."""

    def __init__(self, app: ASGIApp, checker: Checker, routes: Iterable[BaseRoute]):
        self.app = app
        self.store = checker.store
        by_path = {
            r.path: r for r in routes if isinstance(r, APIRoute) and "POST" in (r.methods or ())
        }
        self.lanes = {
            SINGLE_PATH: _Lane(
                by_path[SINGLE_PATH],
                check_bodies.single_item,
                checker.check_one,
                checker.quick_miss,
            ),
            BATCH_PATH: _Lane(
                by_path[BATCH_PATH],
                check_bodies.manifest_rows,
                lambda principal, rows: {"results": checker.check_documents(principal, rows)},
            ),  # a batch runs in a worker thread: a hit in it writes
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        lane = self.lanes.get(scope.get("path", "")) if scope["type"] == "http" else None
        if lane is None or scope["method"] != "POST" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        content_type, authorization = _headers(scope["headers"])
        if content_type != _JSON:
            await self.app(scope, receive, send)
            return
        messages, failure = await _read(receive)
        work = None
        if failure is None and messages[-1]["type"] == "http.request":
            body = b"".join(m.get("body", b"") for m in messages)
            try:
                work = lane.parse(orjson.loads(body)) if body else None
            except ValueError:  # not JSON to orjson: FastAPI parses it again and says why
                work = None
        if work is None:
            await self.app(scope, _replay(messages, failure, receive), send)
            return
        scope["route"] = lane.route
        try:
            principal = await principal_awaited(self.store, bearer_token(authorization))
            answer = lane.quick(principal, work) if lane.quick is not None else None
            if answer is None:
                # A hit waits for the database's write lock: never on the event loop.
                answer = await run_in_threadpool(lane.run, principal, work)
        except ConcordError as exc:
            await concord_error_response(exc)(scope, receive, send)
            return
        content = _encode(answer)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(content)).encode()),
                    (b"content-type", _JSON),
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})


def _encode(answer: dict[str, Any]) -> bytes:
    """The route's JSON, byte for byte: orjson for answers without matches, pydantic else.

    Without matches an answer holds only strings, booleans, None, lists and
    dicts, which orjson writes exactly as pydantic does (a test holds them
    equal) in a third of the time. Matches carry database values (datetimes):
    those answers, one in thousands, take FastAPI's own path.
    """
    rows = answer.get("results")
    matched = (
        any(row.get("matches") for row in rows) if type(rows) is list else answer.get("matches")
    )
    if matched:
        return _ANSWER.dump_json(_ANSWER.validate_python(answer))
    return orjson.dumps(answer)


def _headers(raw: Sequence[tuple[bytes, bytes]]) -> tuple[bytes | None, str | None]:
    """The first Content-Type and Authorization headers, as Starlette's ``headers.get``."""
    content_type: bytes | None = None
    authorization: str | None = None
    for name, value in raw:
        if name == b"content-type":
            if content_type is None:
                content_type = value
        elif name == b"authorization" and authorization is None:
            authorization = value.decode("latin-1")
    return content_type, authorization


async def _read(receive: Receive) -> tuple[list[Message], Exception | None]:
    """Every body message up to the last one (or a disconnect), and what raised, if anything."""
    messages: list[Message] = []
    try:
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                return messages, None
    except Exception as exc:  # e.g. BodyLimit's 413 for a streamed body: FastAPI maps it
        return messages, exc


def _replay(messages: list[Message], failure: Exception | None, receive: Receive) -> Receive:
    """A receive that gives the messages read again, raises what raised, then goes on."""
    pending = list(messages)
    raised = failure

    async def replayed() -> Message:
        nonlocal raised
        if pending:
            return pending.pop(0)
        if raised is not None:
            exc, raised = raised, None
            raise exc
        return await receive()

    return replayed
