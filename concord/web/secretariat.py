"""The General Secretariat's pages: the member countries (status and region; a change
of status with its reason, confirmed), and the audit log for the GS and the CCF
(filtered, newest first, paged) under the result of verifying its hash chain, the
same walk the API's ``/audit/verify`` does. Everything goes through
``services/members.py`` and ``services/audit_log.py`` (policy and audit included)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from concord.audit import VerifyResult
from concord.domain.countries import normalise_country
from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import Principal
from concord.errors import ConcordError, InvalidInput
from concord.services import audit_log, members
from concord.services.statistics import region_of
from concord.store import Store
from concord.web.common import page, posted_form, redirect, require, store_of, text_of
from concord.web.sessions import WebSession

router = APIRouter(prefix="/web", include_in_schema=False)
AUDIT_READERS = (Role.GS, Role.CCF)
AUDIT_PAGE = 50
NEWEST = 2**62  # below every sequence number: the first page
FILTERS = ("actor", "action", "country", "since", "until")


@router.get("/members")
async def members_page(request: Request) -> Response:
    session = await require(request, Role.GS)
    status = request.query_params.get("status", "")[:16] or None
    changed = request.query_params.get("changed", "")[:3].upper()
    try:
        rows = await run_in_threadpool(
            members.list_countries, store_of(request), session.principal, status
        )
    except ConcordError as exc:
        return page(request, "secretariat/members.html", exc.status, session=session,
                    countries=[], status=status, statuses=list(MembershipStatus),
                    errors={exc.field or "status": exc.message})  # fmt: skip
    for row in rows:
        row["region"] = region_of(row["code"])
    t = text_of(request)
    notice = None
    done = next((r for r in rows if r["code"] == changed), None)
    if done is not None:
        now = t(f"members_status_{done['status'].replace('-', '_')}")
        notice = t("members_changed", country=done["name"], status=now)
    return page(
        request, "secretariat/members.html", session=session, countries=rows, status=status,
        statuses=list(MembershipStatus), errors={}, notice=notice, changed=changed,
    )  # fmt: skip


@router.get("/members/{code}")
async def member_page(request: Request, code: str) -> Response:
    session = await require(request, Role.GS)
    return await _member(request, session, code, {})


async def _member(
    request: Request,
    session: WebSession,
    code: str,
    form: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    try:
        country = await run_in_threadpool(
            members.get_country, store_of(request), session.principal, code[:10]
        )
    except ConcordError as exc:
        return page(request, "secretariat/member.html", exc.status, session=session,
                    country=None, form={}, errors={}, error=exc.message)  # fmt: skip
    country["region"] = region_of(country["code"])
    return page(
        request, "secretariat/member.html", status_code, session=session, country=country,
        form=form, errors=errors or {}, statuses=list(MembershipStatus),
        error=text_of(request)("members_form_has_errors") if errors else None,
    )  # fmt: skip


@router.post("/members/{code}")
async def change_status(request: Request, code: str) -> Response:
    """A new status for a member, with the reason, once the GS ticked the confirmation."""
    session = await require(request, Role.GS)
    posted = await posted_form(request, session)
    form = {k: str(posted.get(k, "")).strip()[:1200] for k in ("status", "reason", "ncb_name")}
    try:
        if not form["reason"]:
            raise InvalidInput("say why the status changes (it is kept in the audit log)",
                               field="reason")  # fmt: skip
        if posted.get("confirm") != "yes":
            raise InvalidInput("tick the box to confirm the change", field="confirm")
        changed = await run_in_threadpool(
            _set_status, store_of(request), session.principal, code[:10], form
        )
    except ConcordError as exc:
        return await _member(
            request, session, code, form, {exc.field or "status": exc.message}, exc.status
        )
    return redirect(f"/web/members?changed={changed['code']}")


def _set_status(
    store: Store, principal: Principal, code: str, form: dict[str, str]
) -> dict[str, Any]:
    return members.set_status(
        store, principal, code, form["status"], form["ncb_name"] or None, reason=form["reason"]
    )


@dataclass(frozen=True, slots=True)
class AuditView:
    verified: VerifyResult
    events: list[dict[str, Any]]
    cursor: int | None  # the next page's ``before``


@router.get("/audit")
async def audit_page(request: Request) -> Response:
    session = await require(request, *AUDIT_READERS)
    form = {k: request.query_params.get(k, "").strip()[:100] for k in FILTERS}
    try:
        filters = _filters(form)
        before = _before(request.query_params.get("before", ""))
        view = await run_in_threadpool(
            _audit, store_of(request), session.principal, filters, before
        )
    except ConcordError as exc:
        return page(request, "secretariat/audit.html", exc.status, session=session, form=form,
                    view=None, errors={exc.field or "actor": exc.message},
                    error=text_of(request)("audit_filter_has_errors"))  # fmt: skip
    kept = {k: v for k, v in form.items() if v}
    older = urlencode({**kept, "before": view.cursor}) if view.cursor else None
    return page(
        request, "secretariat/audit.html", session=session, form=form, view=view, errors={},
        older=older, newest=urlencode(kept) if before != NEWEST else None,
    )  # fmt: skip


def _filters(form: dict[str, str]) -> dict[str, str | None]:
    """The service's filters from the form: a country code normalised, the days of the
    range as the ISO bounds the log's timestamps compare with (``until`` inclusive)."""
    since = _day(form["since"], "since")
    until = _day(form["until"], "until")
    if since and until and until < since:
        raise InvalidInput("the range ends before it starts", field="until")
    country = normalise_country(form["country"], "country") if form["country"] else None
    return {
        "actor": form["actor"] or None,
        "action": form["action"] or None,
        "actor_country": country,
        "since": since.isoformat() if since else None,
        "until": (until + dt.timedelta(days=1)).isoformat() if until else None,
    }


def _day(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("a date as YYYY-MM-DD", field=field) from None


def _before(value: str) -> int:
    if not value:
        return NEWEST
    if not value.isdigit() or len(value) > 18:
        raise InvalidInput("a sequence number", field="before")
    return int(value)


def _audit(
    store: Store, principal: Principal, filters: dict[str, str | None], before: int
) -> AuditView:
    verified = audit_log.verify_chain(store, principal)
    rows, cursor = audit_log.query(
        store,
        principal,
        actor=filters["actor"],
        action=filters["action"],
        actor_country=filters["actor_country"],
        since=filters["since"],
        until=filters["until"],
        limit=AUDIT_PAGE,
        before_seq=before,
    )
    for row in rows:
        text = json.dumps(row["details"], ensure_ascii=False, sort_keys=True)
        row["details_text"] = text if len(text) <= 300 else text[:299] + "…"
    return AuditView(verified, rows, cursor)
