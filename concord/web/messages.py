"""Secure messages in the browser: the inbox and sent box in threads, a thread read,
a letter composed, for NCB and General Secretariat staff.

The platform never holds a private key, so the pages only carry envelopes: the
page's scripts (``static/messages/*.js``) verify each signature against the key
directory, open the letter and its attachments, and seal what is sent, with the
keys the officer unlocks in the browser. The JSON endpoints the scripts call
(session cookie and the X-CSRF-Token header) go through the same services as the
API, so its policy, size limits, quotas and audit apply unchanged; a service's
refusal is answered as ``{"error", "field"}`` with its 4xx status.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from concord.api.routers.attachments import receive
from concord.domain.enums import Role
from concord.domain.principal import Principal
from concord.errors import ConcordError, InvalidInput
from concord.services import attachments, key_directory, messages
from concord.services.messages import SendInput
from concord.store import Store
from concord.web.common import HEADERS, json_answer, page, require, require_csrf_header, store_of
from concord.web.message_threads import HANDLING, PRIORITIES, Thread, conversation, threads

router = APIRouter(prefix="/web", include_in_schema=False)
PARTIES = (Role.NCB, Role.GS)
MessageId = Annotated[str, Path(min_length=8, max_length=64)]
Sha256 = Annotated[str, Path(pattern="^[0-9a-f]{64}$")]
_SHA256 = re.compile("^[0-9a-f]{64}$")
Box = Annotated[str, Query(max_length=8)]


def _refused(exc: ConcordError) -> Response:
    return json_answer({"error": exc.message, "field": exc.field}, exc.status)


def _invalid(exc: ValidationError) -> Response:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or "body"
    return json_answer({"error": str(first.get("msg", "invalid")), "field": field}, 422)


# -- pages -------------------------------------------------------------------------


@router.get("/messages")
async def inbox(request: Request, box: Box = "in") -> Response:
    """Received (or sent) messages grouped in threads, newest thread first; the page's
    script opens each envelope to show its subject and whether it verifies."""
    session = await require(request, *PARTIES)
    store = store_of(request)
    box = box if box in ("in", "out") else "in"
    try:
        found: list[Thread] = await run_in_threadpool(threads, store, session.principal, box)
    except ConcordError as exc:
        return page(
            request, "messages/inbox.html", exc.status, session=session, box=box,
            threads=[], envelopes={}, error=exc.message,
        )  # fmt: skip
    envelopes = {m["message_id"]: m["envelope"] for t in found for m in t.messages}
    return page(
        request, "messages/inbox.html", session=session, box=box, threads=found,
        envelopes=envelopes,
    )  # fmt: skip


@router.get("/messages/new")
async def compose(request: Request, reply: Annotated[str, Query(max_length=64)] = "") -> Response:
    """The letter form: recipients are the countries with registered keys; a reply
    keeps the thread and its parties."""
    session = await require(request, *PARTIES)
    store = store_of(request)
    principal = session.principal
    original: dict[str, Any] | None = None
    try:
        directory = await run_in_threadpool(key_directory.directory, store, principal)
        if reply:
            original = await run_in_threadpool(messages.get, store, principal, reply)
    except ConcordError as exc:
        return page(
            request, "messages/missing.html", exc.status, session=session, error=exc.message
        )
    chosen: set[str] = set()
    if original is not None:
        chosen = ({original["sender"], *original["recipients"]}) - {principal.country}
    countries = [k["country"] for k in directory if k["country"] != principal.country]
    own = any(k["country"] == principal.country for k in directory)
    limit = store.settings.attachment_max_bytes
    return page(
        request, "messages/compose.html", session=session, countries=countries,
        chosen=chosen, original=original, own_keys=own, priorities=PRIORITIES,
        handling=HANDLING, max_bytes=limit, max_text=f"{limit / 1024 / 1024:g} MiB",
    )  # fmt: skip


# -- the scripts' endpoints (session and X-CSRF-Token) -------------------------------


@router.get("/messages/keys/{country}")
async def key_history(request: Request, country: Annotated[str, Path(max_length=3)]) -> Response:
    """A country's public keys, current first then replaced: what a signature is checked on."""
    return await _keys(
        request, lambda store, principal: key_directory.history(store, principal, country)
    )


@router.get("/messages/keys")
async def key_directory_now(request: Request) -> Response:
    """Every country's current public keys: what a letter is sealed for."""
    return await _keys(request, key_directory.directory)


async def _keys(request: Request, read: Callable[[Store, Principal], Any]) -> Response:
    """Public keys from the directory, for the page's script (session and CSRF header)."""
    session = await require(request, *PARTIES)
    require_csrf_header(request, session)
    try:
        items = await run_in_threadpool(read, store_of(request), session.principal)
    except ConcordError as exc:
        return _refused(exc)
    return json_answer({"items": _jsonable(items)})


@router.post("/messages/attachments")
async def upload(request: Request) -> Response:
    """One attachment sealed in the browser, as the API's POST /attachments takes it."""
    session = await require(request, *PARTIES)
    require_csrf_header(request, session)
    announced = request.headers.get("x-content-sha256")
    try:
        if announced is not None and not _SHA256.match(announced):
            raise InvalidInput("a SHA-256 in hex", field="sha256")
        stored = await receive(request, store_of(request), session.principal, announced)
    except ConcordError as exc:
        return _refused(exc)
    return json_answer(stored, 201)


@router.post("/messages/send")
async def send(request: Request) -> Response:
    """Post an envelope sealed in the browser, with its routing (priority, handling,
    thread); the same envelope again answers the stored message."""
    session = await require(request, *PARTIES)
    require_csrf_header(request, session)
    try:
        body = await request.json()
    except ValueError:
        return json_answer({"error": "a JSON body", "field": "body"}, 422)
    try:
        data = SendInput.model_validate(body)
        stored, new = await run_in_threadpool(
            messages.send, store_of(request), session.principal, data
        )
    except ValidationError as exc:
        return _invalid(exc)
    except ConcordError as exc:
        return _refused(exc)
    return json_answer(_jsonable(stored), 201 if new else 200)


@router.post("/messages/{message_id}/read")
async def mark_read(request: Request, message_id: MessageId) -> Response:
    """The recipient's read receipt; answers the message's receipts as the reader sees them."""
    session = await require(request, *PARTIES)
    require_csrf_header(request, session)
    try:
        seen = await run_in_threadpool(
            messages.mark_read, store_of(request), session.principal, message_id
        )
    except ConcordError as exc:
        return _refused(exc)
    return json_answer({"receipts": _jsonable(seen["receipts"])})


@router.get("/messages/{message_id}/attachments/{sha256}")
async def attachment(request: Request, message_id: MessageId, sha256: Sha256) -> Response:
    """The sealed attachment for the parties to the message; the page checks its digest
    against the signed header and opens it."""
    session = await require(request, *PARTIES)
    require_csrf_header(request, session)
    try:
        found = await run_in_threadpool(
            attachments.fetch, store_of(request), session.principal, message_id, sha256
        )
    except ConcordError as exc:
        return _refused(exc)
    return FileResponse(
        found.path,
        media_type="application/octet-stream",
        headers={**HEADERS, "X-Content-SHA256": found.sha256},
    )


# -- a thread (after the fixed paths above, which its pattern would also match) -----


@router.get("/messages/{message_id}")
async def read(request: Request, message_id: MessageId) -> Response:
    """One thread, the chosen message first opened; a recipient's visit records delivery."""
    session = await require(request, *PARTIES)
    store = store_of(request)
    try:
        chosen, thread = await run_in_threadpool(conversation, store, session.principal, message_id)
    except ConcordError as exc:
        return page(
            request, "messages/missing.html", exc.status, session=session, error=exc.message
        )
    envelopes = {m["message_id"]: m["envelope"] for m in thread}
    return page(
        request, "messages/read.html", session=session, chosen=chosen, thread=thread,
        envelopes=envelopes,
    )  # fmt: skip


def _jsonable(value: Any) -> Any:
    """Dates as ISO text, the rest as it is (the services answer datetimes)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
