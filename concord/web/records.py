"""An NCB's own records: the list of every kind, the create and edit forms, the access
restriction and deletion.

Every page calls the record services the API calls (with the API's body shape and
schema), so the owner rules, the validation and the audit are the API's. The pages
show the own country's records only: another country's record, even one the NCB
may read, is answered as not found here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from concord.domain.enums import Role
from concord.domain.persons import PersonInput
from concord.domain.principal import Principal
from concord.errors import ConcordError, NotFound
from concord.services import objects, persons
from concord.store import Store
from concord.web import record_forms as forms
from concord.web.common import page, posted_form, redirect, require, store_of, text_of
from concord.web.record_forms import KINDS, PERSONS, Kind
from concord.web.sessions import WebSession

router = APIRouter(prefix="/web", include_in_schema=False)
PAGE_SIZE = 50
RecordId = Annotated[int, Path(ge=1, le=2**62)]
DONE = ("created", "saved", "restricted", "deleted")


def _kind(path: str) -> Kind:
    kind = KINDS.get(path)
    if kind is None:
        raise NotFound(f"no kind of record {path[:40]!r}", field="kind")
    return kind


def _list(
    store: Store, principal: Principal, kind: Kind, search: str, cursor: int
) -> tuple[list[dict[str, Any]], int | None]:
    own = principal.country
    if kind.objects is None:
        return persons.list_page(
            store, principal, owner=own, name_prefix=search or None, after_id=cursor,
            limit=PAGE_SIZE,
        )  # fmt: skip
    return objects.list_page(
        store, principal, kind.objects, owner=own, after_id=cursor, limit=PAGE_SIZE,
        search=search or None,
    )  # fmt: skip


def _own(store: Store, principal: Principal, kind: Kind, record_id: int) -> dict[str, Any]:
    """The record, read through its service, when it is the NCB's country's own."""
    if kind.objects is None:
        record = persons.get(store, principal, record_id)
    else:
        record = objects.get(store, principal, kind.objects, record_id)
    if record["owner"] != principal.country:
        raise NotFound(f"no {kind.name} {record_id} of yours", field="id")
    return record


def _save(
    store: Store, principal: Principal, kind: Kind, record_id: int | None, body: dict[str, Any]
) -> dict[str, Any]:
    """Create (no id) or replace a record with the API's body: the API's own checks."""
    if kind.objects is None:
        data = PersonInput.model_validate(body)
        if record_id is None:
            return persons.create(store, principal, data)
        return persons.update(store, principal, record_id, data)
    if record_id is None:
        return objects.create(store, principal, kind.objects, body)
    return objects.update(store, principal, kind.objects, record_id, body)


def _delete(store: Store, principal: Principal, kind: Kind, record_id: int) -> None:
    if kind.objects is None:
        persons.delete(store, principal, record_id)
    else:
        objects.delete(store, principal, kind.objects, record_id)


def _row(kind: Kind, record: Mapping[str, Any], today: str) -> dict[str, Any]:
    cells = []
    for column in kind.columns:
        value = record.get(column)
        cells.append(" ".join(value) if isinstance(value, list) else value or "")
    review = str(record.get("review_date") or "")
    access = record.get("access") or {}
    return {
        "id": record["id"], "reference": record.get("reference") or f"#{record['id']}",
        "cells": cells, "review_date": review, "late": bool(review) and review < today,
        "visibility": access.get("visibility", "all"), "countries": access.get("countries", []),
    }  # fmt: skip


@router.get("/records")
async def record_list(
    request: Request, kind: str = "persons", q: str = "", cursor: int = 0, done: str = ""
) -> Response:
    session = await require(request, Role.NCB)
    chosen = KINDS.get(kind, PERSONS)
    search, cursor = q.strip()[:100], min(max(cursor, 0), 2**62)
    try:
        items, next_cursor = await run_in_threadpool(
            _list, store_of(request), session.principal, chosen, search, cursor
        )
    except ConcordError as exc:
        return _list_page(request, session, chosen, search, cursor, [], None, problem=exc)
    notice = text_of(request)("records_done_" + done) if done in DONE else None
    return _list_page(request, session, chosen, search, cursor, items, next_cursor, notice)


def _list_page(
    request: Request,
    session: WebSession,
    kind: Kind,
    search: str,
    cursor: int,
    items: list[dict[str, Any]],
    next_cursor: int | None,
    notice: str | None = None,
    problem: ConcordError | None = None,
) -> Response:
    today = dt.date.today().isoformat()
    return page(
        request, "records/list.html", problem.status if problem else 200, session=session,
        kinds=KINDS, kind=kind, q=search, cursor=cursor, next_cursor=next_cursor,
        rows=[_row(kind, r, today) for r in items], error=problem.message if problem else None,
        notice=notice,
    )  # fmt: skip


def _form_page(
    request: Request,
    session: WebSession,
    kind: Kind,
    *,
    record: Mapping[str, Any] | None,
    form: Mapping[str, str],
    access: Mapping[str, str],
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
    done: str = "",
    warnings: list[str] | tuple[str, ...] = (),
) -> Response:
    errors = dict(errors or {})
    t = text_of(request)
    notice = t("records_done_" + done) if done in DONE else None
    if warnings:
        notice = "; ".join([notice or t("records_done_saved"), *warnings])
    return page(
        request, "records/form.html", status_code, session=session, kind=kind, record=record,
        form=form, access=access, errors=errors, error=errors.pop("_form", None),
        notice=notice, visibilities=forms.VISIBILITIES,
    )  # fmt: skip


def _not_found(request: Request, session: WebSession, message: str) -> Response:
    return page(request, "records/not_found.html", 404, session=session, error=message)


async def _found(
    request: Request, session: WebSession, kind_path: str, record_id: int
) -> tuple[Kind, dict[str, Any]] | Response:
    """The kind and the NCB's own record of this path, or the not-found page."""
    try:
        kind = _kind(kind_path)
        record = await run_in_threadpool(
            _own, store_of(request), session.principal, kind, record_id
        )
    except NotFound as exc:
        return _not_found(request, session, exc.message)
    return kind, record


@router.get("/records/{kind_path}/new")
async def new_form(request: Request, kind_path: str) -> Response:
    session = await require(request, Role.NCB)
    kind = KINDS.get(kind_path)
    if kind is None:
        return _not_found(request, session, text_of(request)("records_no_kind"))
    empty = {f.name: "" for f in kind.fields}
    return _form_page(
        request, session, kind, record=None, form=empty, access=forms.filled_access({})
    )


@router.post("/records/{kind_path}/new")
async def create(request: Request, kind_path: str) -> Response:
    session = await require(request, Role.NCB)
    posted = await posted_form(request, session)
    kind = KINDS.get(kind_path)
    if kind is None:
        return _not_found(request, session, text_of(request)("records_no_kind"))
    form, access = forms.typed(kind, posted), forms.typed_access(posted)
    body = forms.body(kind, form, forms.access_body(access))
    try:
        saved = await run_in_threadpool(
            _save, store_of(request), session.principal, kind, None, body
        )
    except (ConcordError, ValidationError) as exc:
        status = exc.status if isinstance(exc, ConcordError) else 422
        errors = forms.errors_of(kind, exc)
        return _form_page(
            request, session, kind, record=None, form=form, access=access, errors=errors,
            status_code=status,
        )  # fmt: skip
    return _after_save(request, session, kind, saved, "created")


def _after_save(
    request: Request, session: WebSession, kind: Kind, saved: Mapping[str, Any], done: str
) -> Response:
    """To the record's page; shown at once instead when the service warned of something."""
    warnings = list(saved.get("warnings") or [])
    if not warnings:
        return redirect(f"/web/records/{kind.path}/{saved['id']}?done={done}")
    return _form_page(
        request, session, kind, record=saved, form=forms.filled(kind, saved),
        access=forms.filled_access(saved), done=done, warnings=warnings,
    )  # fmt: skip


@router.get("/records/{kind_path}/{record_id}")
async def show(request: Request, kind_path: str, record_id: RecordId, done: str = "") -> Response:
    session = await require(request, Role.NCB)
    found = await _found(request, session, kind_path, record_id)
    if isinstance(found, Response):
        return found
    kind, record = found
    return _form_page(
        request, session, kind, record=record, form=forms.filled(kind, record),
        access=forms.filled_access(record), done=done,
    )  # fmt: skip


@router.post("/records/{kind_path}/{record_id}")
async def edit(request: Request, kind_path: str, record_id: RecordId) -> Response:
    """Replace the record's content; its access restriction stays as it is."""
    return await _replace(request, kind_path, record_id, content=True)


@router.post("/records/{kind_path}/{record_id}/access")
async def restrict(request: Request, kind_path: str, record_id: RecordId) -> Response:
    """Set or clear who besides the owner may see the record; the content stays."""
    return await _replace(request, kind_path, record_id, content=False)


async def _replace(request: Request, kind_path: str, record_id: int, *, content: bool) -> Response:
    """Save the record with the posted content (``content``) or the posted access,
    the other part as stored: there is one update service, so one audited write."""
    session = await require(request, Role.NCB)
    posted = await posted_form(request, session)
    store, principal = store_of(request), session.principal
    found = await _found(request, session, kind_path, record_id)
    if isinstance(found, Response):
        return found
    kind, current = found
    form = forms.typed(kind, posted) if content else forms.filled(kind, current)
    access = forms.filled_access(current) if content else forms.typed_access(posted)
    body = forms.body(kind, form, forms.access_body(access))
    try:
        saved = await run_in_threadpool(_save, store, principal, kind, record_id, body)
    except (ConcordError, ValidationError) as exc:
        status = exc.status if isinstance(exc, ConcordError) else 422
        return _form_page(
            request, session, kind, record=current, form=form, access=access,
            errors=forms.errors_of(kind, exc), status_code=status,
        )  # fmt: skip
    if content:
        return _after_save(request, session, kind, saved, "saved")
    return redirect(f"/web/records/{kind.path}/{record_id}?done=restricted")


@router.get("/records/{kind_path}/{record_id}/delete")
async def confirm_delete(request: Request, kind_path: str, record_id: RecordId) -> Response:
    session = await require(request, Role.NCB)
    found = await _found(request, session, kind_path, record_id)
    if isinstance(found, Response):
        return found
    kind, record = found
    return page(request, "records/delete.html", session=session, kind=kind, record=record)


@router.post("/records/{kind_path}/{record_id}/delete")
async def delete(request: Request, kind_path: str, record_id: RecordId) -> Response:
    session = await require(request, Role.NCB)
    await posted_form(request, session)
    store, principal = store_of(request), session.principal
    found = await _found(request, session, kind_path, record_id)
    if isinstance(found, Response):
        return found
    kind, record = found
    try:
        await run_in_threadpool(_delete, store, principal, kind, record_id)
    except ConcordError as exc:
        return page(
            request, "records/delete.html", exc.status, session=session, kind=kind,
            record=record, error=exc.message,
        )  # fmt: skip
    return redirect(f"/web/records?kind={kind.path}&done=deleted")
