"""The notices pages: the list, the request form with the compliance rules' live
verdict, a notice's page (its timeline, its verdict, the moves the viewer may make),
and the confirmation of each move.

Every read, save, submission and move goes through ``services/notices.py``, so the
policy, the validation, the audit and the events are the API's. The live verdict
runs the rules the service runs at submission on the form as it stands, without
saving it (``notices.preview``). A notice the viewer may not see is answered as one
that does not exist (404), as in the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from concord.domain.compliance import RuleBook
from concord.domain.enums import Role
from concord.domain.notices import (
    EDITABLE,
    CrimeProgramme,
    Move,
    NoticeKind,
    NoticeState,
)
from concord.errors import ConcordError, NotFound
from concord.services import notices
from concord.services.notice_duplicates import duplicate_finder
from concord.services.notices import DuplicateFinder
from concord.web import notice_form, notice_show
from concord.web.common import (
    json_answer,
    page,
    posted_form,
    redirect,
    require,
    require_csrf_header,
    store_of,
    text_of,
)
from concord.web.i18n import Catalogue
from concord.web.notice_form import DraftForm
from concord.web.sessions import WebSession

router = APIRouter(prefix="/web", include_in_schema=False)
LISTERS = (Role.NCB, Role.GS)
READERS = (Role.NCB, Role.GS, Role.CCF)
PAGE_SIZE = 50
ACTIONS = ("save", "check", "submit")
DONE = frozenset({"saved", "created", *(m.value for m in Move)})


def rules_of(request: Request) -> RuleBook:
    rulebook: RuleBook = request.app.state.rulebook
    return rulebook


def duplicates_of(request: Request) -> DuplicateFinder:
    """The same duplicate search the API gives the rules (the person name index)."""
    state = request.app.state
    return duplicate_finder(state.store, state.names.names, state.person_checker.thresholds)


def when(value: Any) -> str:
    """A moment as the pages show it: date and minutes, UTC."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "" if value is None else str(value)


def missing(request: Request, session: WebSession, message: str) -> Response:
    return page(request, "notices/missing.html", 404, session=session, error=message)


# -- the list -----------------------------------------------------------------------------


@router.get("/notices")
async def list_notices(request: Request) -> Response:
    """An NCB's own country's requests in every state; the General Secretariat's: all."""
    session = await require(request, *LISTERS)
    principal = session.principal
    query = request.query_params
    state, kind = query.get("state", ""), query.get("kind", "")
    cursor_text = query.get("cursor", "0")
    errors: dict[str, str] = {}
    if state and state not in {s.value for s in NoticeState}:
        errors["state"] = text_of(request)("notices_error_choice")
    if kind and kind not in {k.value for k in NoticeKind}:
        errors["kind"] = text_of(request)("notices_error_choice")
    cursor = int(cursor_text) if cursor_text.isdigit() and len(cursor_text) < 19 else 0
    context: dict[str, Any] = {
        "session": session, "states": [s.value for s in NoticeState],
        "kinds": [k.value for k in NoticeKind], "chosen": {"state": state, "kind": kind},
        "errors": errors, "when": when,
    }  # fmt: skip
    if errors:
        return page(request, "notices/list.html", 422, items=[], names={}, next_cursor=None,
                    **context)  # fmt: skip
    store = store_of(request)
    items, next_cursor = await run_in_threadpool(
        lambda: notices.list_page(
            store, principal, state=state or None, kind=kind or None,
            owner=principal.country if principal.role is Role.NCB else None,
            after_id=cursor, limit=PAGE_SIZE,
        )
    )  # fmt: skip
    names = await run_in_threadpool(notice_show.subject_names, store, principal, items)
    return page(request, "notices/list.html", items=items, names=names, next_cursor=next_cursor,
                **context)  # fmt: skip


# -- the request form -----------------------------------------------------------------------


async def form_page(
    request: Request,
    session: WebSession,
    form: DraftForm,
    *,
    notice: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    report: dict[str, Any] | None = None,
    rows: list[int] | None = None,
    status_code: int = 200,
    error: str | None = None,
    done: str | None = None,
) -> Response:
    """The request form (new, or a draft being edited) beside the rules' verdict."""
    t = text_of(request)
    store = store_of(request)
    people = await run_in_threadpool(notice_show.own_persons, store, session.principal)
    chosen = form["subject_person"]
    if chosen.isdigit() and all(str(p["id"]) != chosen for p in people):
        people = [{"id": int(chosen), "display_name": f"#{chosen}", "dob": None}, *people]
    rows = rows if rows is not None else list(range(len(form.offences)))
    return page(
        request, "notices/form.html", status_code, session=session, form=form, item=notice,
        errors=errors or {}, results=notice_show.results(report, t, rows, form.subject_field),
        outcome=(report or {}).get("outcome"), people=people,
        kinds=[k.value for k in NoticeKind], programmes=[p.value for p in CrimeProgramme],
        subject_kinds=notice_form.SUBJECT_KINDS, object_kinds=notice_form.object_kinds(),
        error=error, notice=t(f"notices_done_{done}") if done else None, when=when,
        events=(notice or {}).get("events", []), moves=_moves(session, notice),
    )  # fmt: skip


def _moves(session: WebSession, notice: dict[str, Any] | None) -> list[str]:
    return notice_show.moves_for(session.principal, notice) if notice else []


@router.get("/notices/new")
async def new_form(request: Request) -> Response:
    session = await require(request, Role.NCB)
    return await form_page(request, session, DraftForm({"subject_kind": "person"}))


@router.post("/notices/new")
async def new_posted(request: Request) -> Response:
    session = await require(request, Role.NCB)
    data = await posted_form(request, session)
    return await _handle(request, session, data, None)


@router.post("/notices/compliance")
async def live_compliance(request: Request) -> Response:
    """The rules' verdict on the form as it stands, for the form's script (nothing saved)."""
    session = await require(request, Role.NCB)
    require_csrf_header(request, session)
    data = await request.form()
    t = text_of(request)
    form = notice_form.posted(data)
    parsed = notice_form.parse(form, t)
    answer: dict[str, Any] = {"outcome": None, "results": [], "errors": parsed.errors}
    if parsed.request is None:
        return json_answer(_labelled(answer, t), 422)
    draft_id = str(data.get("notice_id") or "")
    try:
        report = await run_in_threadpool(
            notices.preview, store_of(request), session.principal, parsed.request,
            rules_of(request), duplicates_of(request),
            int(draft_id) if draft_id.isdigit() and len(draft_id) < 19 else 0,
        )  # fmt: skip
    except ConcordError as exc:
        where = notice_form.form_field(exc.field or "", parsed.rows, form.subject_field)
        answer["errors"] = {where or "kind": exc.message}
        return json_answer(_labelled(answer, t), exc.status)
    answer["outcome"] = report["outcome"]
    answer["results"] = notice_show.results(report, t, parsed.rows, form.subject_field)
    return json_answer(_labelled(answer, t))


def _labelled(answer: dict[str, Any], t: Catalogue) -> dict[str, Any]:
    """Errors with the label of their field, for the script to list them."""
    answer["errors"] = [
        {"id": name, "label": notice_show.field_label(name, t), "message": message}
        for name, message in answer["errors"].items()
    ]
    return answer


@router.get("/notices/{notice_id}")
async def notice_page(request: Request, notice_id: str) -> Response:
    """A notice: its request (a form while the requester may edit it), the rules'
    verdict, its timeline, and the moves the viewer may make."""
    session = await require(request, *READERS)
    found = await _read(request, session, notice_id)
    if isinstance(found, Response):
        return found
    done = request.query_params.get("done", "")
    done = done if done in DONE else ""
    if _editable(session, found):
        report = await run_in_threadpool(
            notices.compliance, store_of(request), session.principal, int(found["id"]),
            rules_of(request), duplicates_of(request),
        )  # fmt: skip
        form = notice_form.from_notice(found)
        return await form_page(request, session, form, notice=found, report=report,
                               done=done or None)  # fmt: skip
    return await _view_page(request, session, found, done=done or None)


async def _view_page(
    request: Request,
    session: WebSession,
    found: dict[str, Any],
    *,
    done: str | None = None,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    t = text_of(request)
    store = store_of(request)
    names = await run_in_threadpool(notice_show.subject_names, store, session.principal, [found])
    return page(
        request, "notices/show.html", status_code, session=session, item=found, names=names,
        results=notice_show.results(found.get("compliance"), t),
        outcome=(found.get("compliance") or {}).get("outcome"),
        events=found.get("events", []), moves=_moves(session, found), when=when,
        notice=t(f"notices_done_{done}") if done else None, error=error,
    )  # fmt: skip


def _editable(session: WebSession, notice: dict[str, Any]) -> bool:
    principal = session.principal
    return (
        principal.role is Role.NCB
        and principal.country == notice["owner"]
        and NoticeState(notice["state"]) in EDITABLE
    )


async def _read(request: Request, session: WebSession, notice_id: str) -> dict[str, Any] | Response:
    """The notice as the service shows it to this viewer, or the 404 page."""
    if not notice_id.isdigit() or len(notice_id) > 18 or int(notice_id) < 1:
        return missing(request, session, text_of(request)("notices_missing"))
    try:
        found: dict[str, Any] = await run_in_threadpool(
            notices.get, store_of(request), session.principal, int(notice_id)
        )
    except NotFound:
        return missing(request, session, text_of(request)("notices_missing"))
    return found


@router.post("/notices/{notice_id}")
async def notice_posted(request: Request, notice_id: str) -> Response:
    session = await require(request, Role.NCB)
    data = await posted_form(request, session)
    found = await _read(request, session, notice_id)
    if isinstance(found, Response):
        return found
    return await _handle(request, session, data, found)


async def _handle(
    request: Request, session: WebSession, data: Any, notice: dict[str, Any] | None
) -> Response:
    """Check, save or submit the posted form; every write goes through the service."""
    t = text_of(request)
    store = store_of(request)
    principal = session.principal
    form = notice_form.posted(data)
    action = str(data.get("action") or "check")
    action = action if action in ACTIONS else "check"
    parsed = notice_form.parse(form, t)
    if parsed.request is None:
        return await form_page(request, session, form, notice=notice, errors=parsed.errors,
                               rows=parsed.rows, status_code=422,
                               error=t("notices_error_form"))  # fmt: skip
    request_data = parsed.request
    draft_id = int(notice["id"]) if notice else 0

    async def problem(exc: ConcordError, report: dict[str, Any] | None = None) -> Response:
        where = notice_form.form_field(exc.field or "", parsed.rows, form.subject_field)
        errors = {where: exc.message} if where else {}
        return await form_page(request, session, form, notice=notice, errors=errors, report=report,
                         rows=parsed.rows, status_code=exc.status, error=exc.message)  # fmt: skip

    try:
        report = await run_in_threadpool(
            notices.preview, store, principal, request_data, rules_of(request),
            duplicates_of(request), draft_id,
        )  # fmt: skip
    except ConcordError as exc:
        return await problem(exc)
    if action == "check":
        return await form_page(request, session, form, notice=notice, report=report,
                               rows=parsed.rows)  # fmt: skip
    if action == "submit" and report["outcome"] == "fail":
        return await form_page(request, session, form, notice=notice, report=report,
                               rows=parsed.rows, status_code=422,
                               error=t("notices_error_fails_rules"))  # fmt: skip
    try:
        if notice is None:
            saved = await run_in_threadpool(notices.create, store, principal, request_data)
        else:
            saved = await run_in_threadpool(
                notices.update, store, principal, draft_id, request_data
            )
    except ConcordError as exc:
        return await problem(exc, report)
    saved_id = int(saved["id"])
    if action == "save":
        return redirect(f"/web/notices/{saved_id}?done={'created' if notice is None else 'saved'}")
    try:
        await run_in_threadpool(
            lambda: notices.move(
                store, principal, saved_id, Move.SUBMIT,
                rulebook=rules_of(request), duplicates=duplicates_of(request),
            )
        )  # fmt: skip
    except ConcordError as exc:
        # Saved, but not submitted (the rules or the state changed meanwhile): the draft's
        # page says why.
        fresh = await run_in_threadpool(notices.get, store, principal, saved_id)
        return await form_page(request, session, notice_form.from_notice(fresh), notice=fresh,
                               report=exc.details, status_code=exc.status,
                               error=exc.message)  # fmt: skip
    return redirect(f"/web/notices/{saved_id}?done=submit")


# -- moves --------------------------------------------------------------------------------


@router.get("/notices/{notice_id}/move/{move}")
async def move_form(request: Request, notice_id: str, move: str) -> Response:
    """The confirmation of a move: what it does, its reason, then the button."""
    session = await require(request, *LISTERS)
    found = await _read(request, session, notice_id)
    if isinstance(found, Response):
        return found
    if move not in {m.value for m in notice_show.OFFERED}:
        return missing(request, session, text_of(request)("notices_no_such_move"))
    back = "review" if request.query_params.get("back") == "review" else ""
    if move not in notice_show.moves_for(session.principal, found):
        return await _view_page(request, session, found, status_code=409,
                                error=text_of(request)("notices_move_not_now"))  # fmt: skip
    return _confirm(request, session, found, move, back)


def _confirm(
    request: Request,
    session: WebSession,
    notice: dict[str, Any],
    move: str,
    back: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    return page(
        request, "notices/confirm.html", status_code, session=session, item=notice, move=move,
        back=back, values=values or {}, errors=errors or {}, error=error,
        needs_reason=notice_show.needs_reason(move), when=when,
    )  # fmt: skip


@router.post("/notices/{notice_id}/move/{move}")
async def move_posted(request: Request, notice_id: str, move: str) -> Response:
    session = await require(request, *LISTERS)
    data = await posted_form(request, session)
    found = await _read(request, session, notice_id)
    if isinstance(found, Response):
        return found
    if move not in {m.value for m in notice_show.OFFERED}:
        return missing(request, session, text_of(request)("notices_no_such_move"))
    back = "review" if data.get("back") == "review" else ""
    values = {k: str(data.get(k) or "")[:4001] for k in ("reason", "until")}
    store = store_of(request)
    try:
        await run_in_threadpool(
            lambda: notices.move(
                store, session.principal, int(found["id"]), Move(move),
                reason=values["reason"] or None, until=values["until"] or None,
                rulebook=rules_of(request), duplicates=duplicates_of(request),
            )
        )  # fmt: skip
    except ConcordError as exc:
        where = exc.field if exc.field in ("reason", "until") else ""
        return _confirm(request, session, found, move, back, values=values,
                        errors={where: exc.message} if where else {},
                        status_code=exc.status, error=exc.message)  # fmt: skip
    if back == "review":
        return redirect(f"/web/review?done={move}&id={int(found['id'])}")
    return redirect(f"/web/notices/{int(found['id'])}?done={move}")
