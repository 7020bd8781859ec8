"""The users pages: an NCB administers its own country's accounts, the General
Secretariat every NCB, GS and CCF account. Listing, creating, disabling, enabling, a
new temporary password and a new authenticator all go through ``services/users.py``,
so the policy (which roles whom), the validation and the audit are the API's.

Secrets are shown once, on the page that answers the form that made them: a new
account's temporary password and, for staff (NCB, GS, CCF), its authenticator secret
with its ``otpauth://`` address and a QR code drawn on the server (``segno``, as an
SVG ``data:`` image the CSP admits). A staff account is never created without one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

import segno
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from concord.domain.enums import Role
from concord.domain.principal import Principal
from concord.errors import ConcordError, Forbidden, InvalidInput
from concord.policy import Action, UserRef, allow
from concord.services import second_factor, users
from concord.store import Store
from concord.web.common import page, posted_form, redirect, require, store_of, text_of
from concord.web.sessions import WebSession

router = APIRouter(prefix="/web", include_in_schema=False)
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # the column's range: larger is 422, not 500
ADMINS = (Role.NCB, Role.GS)
DONE = frozenset({"disabled", "enabled"})
FIELDS = ("username", "display_name", "role", "country")


@dataclass(frozen=True, slots=True)
class Handover:
    """What is shown once: a temporary password, an authenticator (secret, address, QR)."""

    user: users.UserView
    password: str | None = None
    secret: str | None = None
    uri: str | None = None
    qr: str | None = None  # a data: URI of an SVG image


def creatable_roles(principal: Principal) -> list[Role]:
    """The roles the policy lets ``principal`` create in its own reach (for the form)."""
    return [r for r in Role if allow(principal, Action.CREATE, UserRef(principal.country, r))]


def temporary_password() -> str:
    """A random first password (the holder changes it): 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def qr_code(uri: str) -> str:
    """The ``otpauth://`` address as a QR code, an SVG image in a data: URI."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=4))


def _handover(
    store: Store, principal: Principal, view: users.UserView, password: str | None, enrol: bool
) -> Handover:
    if not enrol:
        return Handover(view, password)
    enrolled = users.enrol_second_factor(store, principal, view.id)
    view = users.get_user(store, principal, view.id)
    return Handover(view, password, enrolled["secret"], enrolled["uri"], qr_code(enrolled["uri"]))


def _create(store: Store, principal: Principal, form: dict[str, str]) -> Handover:
    """The account, its temporary password and (staff) its authenticator."""
    password = temporary_password()
    view = users.create_user(
        store,
        principal,
        username=form["username"],
        role=form["role"],
        country=form["country"],
        password=password,
        display_name=form["display_name"] or None,
    )
    return _handover(store, principal, view, password, second_factor.required(view.role))


@router.get("/users")
async def list_page(request: Request) -> Response:
    session = await require(request, *ADMINS)
    return await _list(request, session, {"country": _default_country(session)})


async def _list(
    request: Request,
    session: WebSession,
    form: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    listed = await run_in_threadpool(users.list_users, store_of(request), session.principal)
    return page(
        request, "users/list.html", status_code, session=session, users=listed, form=form,
        errors=errors or {}, roles=creatable_roles(session.principal), error=error,
        fixed_country=session.principal.role is not Role.GS,
    )  # fmt: skip


def _default_country(session: WebSession) -> str:
    return "" if session.principal.role is Role.GS else session.principal.country


@router.post("/users")
async def create(request: Request) -> Response:
    session = await require(request, *ADMINS)
    posted = await posted_form(request, session)
    form = {k: str(posted.get(k, "")).strip()[:200] for k in FIELDS}
    try:
        handed = await run_in_threadpool(_create, store_of(request), session.principal, form)
    except ConcordError as exc:
        errors, error = _placed(request, exc)
        return await _list(request, session, form, errors, exc.status, error)
    return page(request, "users/handover.html", 201, session=session, handed=handed, created=True)


def _placed(request: Request, exc: ConcordError) -> tuple[dict[str, str], str | None]:
    """A service error at its field, or as the page's banner (a refusal names no field)."""
    if exc.field in FIELDS:
        return {str(exc.field): exc.message}, text_of(request)("users_form_has_errors")
    if isinstance(exc, Forbidden):
        return {}, f"{exc.message}: {text_of(request)('users_refused_hint')}"
    return {}, exc.message


@router.get("/users/{user_id}")
async def user_page(request: Request, user_id: UserId) -> Response:
    session = await require(request, *ADMINS)
    done = request.query_params.get("done")
    return await _user(request, session, user_id, notice_key=done if done in DONE else None)


async def _user(
    request: Request,
    session: WebSession,
    user_id: int,
    *,
    notice_key: str | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    try:
        view = await run_in_threadpool(
            users.get_user, store_of(request), session.principal, user_id
        )
    except ConcordError as exc:
        return page(request, "users/user.html", exc.status, session=session, user=None,
                    errors={}, error=exc.message)  # fmt: skip
    notice = text_of(request)(f"users_done_{notice_key}", who=view.username) if notice_key else None
    return page(
        request, "users/user.html", status_code, session=session, user=view, errors=errors or {},
        error=error, notice=notice, staff=second_factor.required(view.role),
        self_account=view.id == session.principal.user_id,
    )  # fmt: skip


def _confirmed(posted: FormData) -> None:
    if posted.get("confirm") != "yes":
        raise InvalidInput("tick the box to confirm", field="confirm")


@router.post("/users/{user_id}/{action}")
async def act(request: Request, user_id: UserId, action: str) -> Response:
    """disable, enable, password (a new temporary one) or second-factor (a new secret)."""
    session = await require(request, *ADMINS)
    posted = await posted_form(request, session)
    store, principal = store_of(request), session.principal
    try:
        if action in ("disable", "enable"):
            if action == "disable":
                _confirmed(posted)
            await run_in_threadpool(users.set_active, store, principal, user_id, action == "enable")
            return redirect(f"/web/users/{user_id}?done={action}d")
        if action == "password":
            _confirmed(posted)
            handed = await run_in_threadpool(_new_password, store, principal, user_id)
        elif action == "second-factor":
            _confirmed(posted)
            handed = await run_in_threadpool(_new_second_factor, store, principal, user_id)
        else:
            raise InvalidInput(f"unknown action {action[:40]!r}", field="action")
    except ConcordError as exc:
        errors = {exc.field: exc.message} if exc.field == "confirm" else {}
        return await _user(request, session, user_id, errors=errors, status_code=exc.status,
                           error=None if errors else exc.message)  # fmt: skip
    return page(request, "users/handover.html", session=session, handed=handed, created=False)


def _new_password(store: Store, principal: Principal, user_id: int) -> Handover:
    password = temporary_password()
    users.set_password(store, principal, user_id, password)
    return Handover(users.get_user(store, principal, user_id), password)


def _new_second_factor(store: Store, principal: Principal, user_id: int) -> Handover:
    return _handover(store, principal, users.get_user(store, principal, user_id), None, True)
