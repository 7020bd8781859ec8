"""Bulk import by upload: an NCB sends a CSV or JSON-lines file of one kind of record,
watches it land (rows read, accepted, rejected, updated twice a second by
``imports.js``) and downloads the rejected rows with their reasons.

The import itself is ``concord import``'s (``web/import_jobs.py`` runs it in a
thread): the same policy, validation, batches, idempotence and audit. An import,
its progress and its reject file are its country's NCB's only; to anyone else
they do not exist (404).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from concord.audit import AuditEvent
from concord.domain.enums import Role
from concord.errors import ConcordError, NotFound
from concord.policy import Action, NewRecord, allow
from concord.store.kinds import BY_PATH
from concord.web import import_jobs as jobs
from concord.web.common import (
    HEADERS,
    json_answer,
    page,
    posted_form,
    redirect,
    require,
    store_of,
    text_of,
)
from concord.web.import_jobs import Job
from concord.web.sessions import WebSession

router = APIRouter(prefix="/web", include_in_schema=False)
JobId = Annotated[str, Path(max_length=40)]


def _kind_name(kind: str) -> str:
    return "person" if kind == "persons" else BY_PATH[kind].name


def _list_page(
    request: Request,
    session: WebSession,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    chosen: dict[str, str] | None = None,
) -> Response:
    store = store_of(request)
    limit = jobs.upload_limit(store)
    listed = jobs.listing(store, session.principal.country)
    return page(
        request, "imports/list.html", status_code, session=session, jobs=listed,
        kinds=jobs.KINDS, formats=jobs.FORMATS, limit=limit, limit_mb=f"{limit / 1e6:.1f}",
        errors=errors or {}, chosen=chosen or {},
    )  # fmt: skip


@router.get("/imports")
async def imports_page(request: Request) -> Response:
    session = await require(request, Role.NCB)
    return await run_in_threadpool(_list_page, request, session)


@router.post("/imports")
async def upload(request: Request) -> Response:
    session = await require(request, Role.NCB)
    posted = await posted_form(request, session)
    store, principal = store_of(request), session.principal
    kind, fmt = str(posted.get("kind") or ""), str(posted.get("format") or "")
    chosen = {"kind": kind[:30], "format": fmt[:10]}
    sent = posted.get("file")
    if kind in jobs.KINDS and not allow(
        principal, Action.CREATE, NewRecord(_kind_name(kind), principal.country)
    ):
        message = f"not allowed to create {kind} records"
        return _list_page(request, session, 403, {"kind": message}, chosen)
    if not isinstance(sent, UploadFile) or not sent.filename:
        errors = {"file": text_of(request)("imports_choose_file")}
        return _list_page(request, session, 422, errors, chosen)
    try:
        job = await run_in_threadpool(
            jobs.receive, store, principal, kind, sent.filename, sent.file, fmt
        )
        try:
            await run_in_threadpool(jobs.start, store, principal, job)
        except ConcordError:
            await run_in_threadpool(jobs.remove, store, job)
            raise
    except ConcordError as exc:
        where = exc.field if exc.field in ("kind", "format") else "file"
        return _list_page(request, session, exc.status, {where: exc.message}, chosen)
    finally:
        await sent.close()
    return redirect(f"/web/imports/{job.id}")


async def _job(request: Request, job_id: str) -> tuple[WebSession, Job | None, str]:
    """The import, for its own country's NCB staff; for everyone else none (and why)."""
    session = await require(request)
    try:
        if session.principal.role is not Role.NCB:
            raise NotFound(f"no import {job_id[:20]!r}", field="id")
        job = await run_in_threadpool(
            jobs.load, store_of(request), session.principal.country, job_id
        )
    except NotFound as exc:
        return session, None, exc.message
    return session, job, ""


def _not_found(request: Request, session: WebSession, message: str) -> Response:
    return page(request, "imports/not_found.html", 404, session=session, error=message)


@router.get("/imports/{job_id}")
async def job_page(request: Request, job_id: JobId) -> Response:
    session, job, missing = await _job(request, job_id)
    if job is None:
        return _not_found(request, session, missing)
    store = store_of(request)
    earlier = await run_in_threadpool(jobs.earlier_same_file, store, job)
    has_rejects = await run_in_threadpool(jobs.rejects_file, store, job) is not None
    return page(
        request, "imports/job.html", session=session, job=job, state=job.state_now,
        earlier=earlier, has_rejects=has_rejects,
    )  # fmt: skip


@router.get("/imports/{job_id}/progress")
async def progress(request: Request, job_id: JobId) -> Response:
    """What the job page's script shows: the counts and the state, never cached."""
    _, job, missing = await _job(request, job_id)
    if job is None:
        return json_answer({"error": missing}, 404)
    store, t = store_of(request), text_of(request)
    state = job.state_now
    has_rejects = await run_in_threadpool(jobs.rejects_file, store, job) is not None
    return json_answer(
        {
            "state": state, "state_text": t("imports_state_" + state), "read": job.read,
            "accepted": job.accepted, "written": job.written, "unchanged": job.unchanged,
            "rejected": job.rejected, "done_bytes": job.done_bytes, "size": job.size,
            "message": job.message, "field": job.field,
            "rejects_url": f"/web/imports/{job.id}/rejects" if has_rejects else None,
        }
    )  # fmt: skip


@router.get("/imports/{job_id}/rejects")
async def rejects(request: Request, job_id: JobId) -> Response:
    """The rejected rows (line, field, reason, row) as CSV, for the uploading NCB only."""
    session, job, missing = await _job(request, job_id)
    if job is None:
        return _not_found(request, session, missing)
    store = store_of(request)
    path = await run_in_threadpool(jobs.rejects_file, store, job)
    if path is None:
        return _not_found(request, session, text_of(request)("imports_no_rejects"))
    store.audit.emit(
        AuditEvent.of(
            session.principal, "import.rejects", resource=job.kind, resource_id=job.id,
            rows=job.rejected,
        )
    )  # fmt: skip
    stem = job.filename.rsplit(".", 1)[0] or "import"
    return FileResponse(
        path, media_type="text/csv; charset=utf-8", filename=f"{stem}-rejects.csv",
        headers=HEADERS,
    )  # fmt: skip


@router.post("/imports/{job_id}/resume")
async def resume(request: Request, job_id: JobId) -> Response:
    """Run an interrupted or failed import again: rows already stored are not rewritten."""
    session, job, missing = await _job(request, job_id)
    if job is None:
        return _not_found(request, session, missing)
    await posted_form(request, session)
    if job.state_now in ("interrupted", "failed"):
        try:
            await run_in_threadpool(jobs.start, store_of(request), session.principal, job)
        except ConcordError as exc:
            return page(
                request, "imports/job.html", exc.status, session=session, job=job,
                state=job.state_now, earlier=None, has_rejects=False, error=exc.message,
            )  # fmt: skip
    return redirect(f"/web/imports/{job.id}")


@router.post("/imports/{job_id}/delete")
async def remove(request: Request, job_id: JobId) -> Response:
    """Delete a finished import's upload and reject file."""
    session, job, missing = await _job(request, job_id)
    if job is None:
        return _not_found(request, session, missing)
    await posted_form(request, session)
    try:
        await run_in_threadpool(jobs.remove, store_of(request), job)
    except ConcordError as exc:
        return page(
            request, "imports/job.html", exc.status, session=session, job=job,
            state=job.state_now, earlier=None, has_rejects=False, error=exc.message,
        )  # fmt: skip
    return redirect("/web/imports")
