"""Hits in the web application: an NCB's queue of hits on its own data (answer in two
clicks, resolve a confirmed one), the General Secretariat's command centre, the
status of a check's hits for the officer who checked, and the session's event
stream (``web/live.py``) that keeps the three current without a reload.

Everything goes through ``services/hits`` and ``services/hit_workflow``: the same
policy, validation and audit as the API. Forms work without scripts (CSRF field,
303 back); ``static/hits.js`` sends the same forms with ``X-CSRF-Token`` instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from concord.domain.enums import Role
from concord.domain.principal import Principal
from concord.domain.validation import first_error
from concord.errors import ConcordError
from concord.services import hit_workflow, hits
from concord.services.hit_workflow import Answer, Resolution
from concord.store import Store
from concord.web import hit_views, live
from concord.web.common import (
    CSRF_HEADER,
    OFFICERS,
    PageForbidden,
    json_answer,
    page,
    posted_form,
    redirect,
    require,
    require_csrf_header,
    store_of,
    text_of,
)
from concord.web.sessions import WebSession

router = APIRouter(prefix="/web", include_in_schema=False)
router.add_api_route("/events", live.stream, methods=["GET"])

HitId = Annotated[int, Path(ge=1, le=2**62)]
RESOLUTIONS = ("located", "arrested", "seized", "no_action")
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
DONE = ("confirmed", "not_same", "resolved")  # what the queue says after a plain form


@router.get("/hits")
async def queue(request: Request, hit: int = 0, done: str = "") -> Response:
    session = await require(request, Role.NCB)
    notice = text_of(request)(f"hits_done_{done}", id=hit) if done in DONE and hit else None
    return await _queue_page(request, session, notice=notice)


@router.get("/hits/rows")
async def queue_rows(request: Request) -> Response:
    """The queue's tables alone, which the page swaps in when an event arrives."""
    session = await require(request, Role.NCB, touch=False)
    tables = await _listed(_queue_tables, request, session)
    return page(request, "hits/tables.html", session=session, **tables)


@router.post("/hits/{hit_id}/answer")
async def answer(request: Request, hit_id: HitId) -> Response:
    """The owner's NCB: ``confirmed`` (the same person or object) or ``not_same``."""
    session = await require(request, Role.NCB)
    scripted, form = await _submitted(request, session)
    try:
        data = _parsed(Answer, {"answer": form.get("answer", ""), "note": form.get("note")})
        done = await run_in_threadpool(
            hit_workflow.answer, store_of(request), session.principal, hit_id, data
        )
    except ConcordError as exc:
        return await _refused(request, session, hit_id, exc, scripted)
    return _done(request, hit_id, str(done["status"]), scripted)


@router.post("/hits/{hit_id}/resolve")
async def resolve(request: Request, hit_id: HitId) -> Response:
    """Close a confirmed hit (the owner's or the checking country's NCB)."""
    session = await require(request, Role.NCB)
    scripted, form = await _submitted(request, session)
    fields = {"resolution": form.get("resolution", ""), "note": form.get("note", "")}
    try:
        data = _parsed(Resolution, fields)
        await run_in_threadpool(
            hit_workflow.resolve, store_of(request), session.principal, hit_id, data
        )
    except ConcordError as exc:
        return await _refused(request, session, hit_id, exc, scripted)
    return _done(request, hit_id, "resolved", scripted)


@router.get("/hits/{hit_id}/status")
async def status(request: Request, hit_id: HitId) -> Response:
    """A hit's status line for the check screen, to those ``hits.get_hit`` lets see it
    (the officer who checked, the two countries' NCBs, the GS); 404 to anyone else."""
    session = await require(request, *OFFICERS, touch=False)
    try:
        hit = await run_in_threadpool(hits.get_hit, store_of(request), session.principal, hit_id)
    except ConcordError as exc:
        return json_answer({"error": exc.message, "field": exc.field}, exc.status)
    line = hit_views.status_line(hit, text_of(request), dt.datetime.now(dt.UTC))
    return json_answer({"id": hit["id"], "status": hit["status"], "owner": hit["owner"], **line})


@router.get("/command-centre")
async def command_centre(request: Request) -> Response:
    session = await require(request, Role.GS)
    rows = await _listed(_centre_rows, request, session)
    return page(request, "hits/centre.html", session=session, rows=rows)


@router.get("/command-centre/rows")
async def command_centre_rows(request: Request) -> Response:
    session = await require(request, Role.GS, touch=False)
    rows = await _listed(_centre_rows, request, session)
    return page(request, "hits/centre_table.html", session=session, rows=rows)


async def _submitted(request: Request, session: WebSession) -> tuple[bool, FormData]:
    """(sent by the page's script, the form): a script proves the session with the
    ``X-CSRF-Token`` header, a plain form with its ``csrf`` field."""
    if CSRF_HEADER in request.headers:
        require_csrf_header(request, session)
        return True, await request.form()
    return False, await posted_form(request, session)


def _parsed(model: type[M], fields: dict[str, Any]) -> M:
    """The model of the form's filled-in fields; InvalidInput naming the field if not."""
    values = {k: v for k, v in fields.items() if isinstance(v, str) and v.strip()}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise first_error(exc) from None


def _done(request: Request, hit_id: int, what: str, scripted: bool) -> Response:
    if scripted:
        message = text_of(request)(f"hits_done_{what}", id=hit_id)
        return json_answer({"id": hit_id, "status": what, "message": message})
    return redirect(f"/web/hits?hit={hit_id}&done={what}")


async def _refused(
    request: Request, session: WebSession, hit_id: int, exc: ConcordError, scripted: bool
) -> Response:
    """The service's refusal at the field it names, with its 4xx status."""
    if scripted:
        return json_answer({"error": exc.message, "field": exc.field}, exc.status)
    failed = {"id": hit_id, "field": exc.field, "message": exc.message}
    return await _queue_page(request, session, exc.status, error=exc.message, failed=failed)


async def _queue_page(
    request: Request, session: WebSession, status_code: int = 200, **context: Any
) -> Response:
    tables = await _listed(_queue_tables, request, session)
    return page(request, "hits/queue.html", status_code, session=session, **tables, **context)


async def _listed(
    read: Callable[[Store, Principal], T], request: Request, session: WebSession
) -> T:
    """What a list page shows, or its 403 page when the service refuses the account
    (a suspended member's NCB, say)."""
    try:
        return await run_in_threadpool(read, store_of(request), session.principal)
    except ConcordError as exc:
        raise PageForbidden(session, exc.message) from None


def _queue_tables(store: Store, principal: Principal) -> dict[str, Any]:
    """Hits on the country's data, and hits by its officers on other countries' data."""
    found: list[dict[str, Any]] = []
    after: int | None = 0
    while after is not None:
        batch, after = hits.list_hits(
            store, principal, after_id=after, limit=500, statuses=hit_views.OPEN
        )
        found += batch
    # The latest closed ones (each table keeps its newest RECENT_CLOSED).
    latest, _ = hits.list_hits(
        store, principal, limit=100, statuses=hit_views.CLOSED, newest_first=True
    )
    found += latest
    now = dt.datetime.now(dt.UTC)
    ours = [h for h in found if h["owner"] == principal.country]
    by_us = [h for h in found if h["owner"] != principal.country]
    return {
        "ours": hit_views.queue(ours, now),
        "by_us": hit_views.queue(by_us, now),
        "resolutions": RESOLUTIONS,
    }


def _centre_rows(store: Store, principal: Principal) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC)
    return [
        {**hit_views.row(h, now), "late": h["overdue"]}
        for h in hit_workflow.command_centre(store, principal, now)
    ]
