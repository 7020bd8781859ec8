"""The web application's pages: log-in with the second factor, home, the check screen,
log-out.

Every page sets a strict Content-Security-Policy (nothing from another origin, no
inline script), is never cached, and cannot be framed. Forms carry a CSRF token:
the session's own once logged in, before that a random one matched against a
cookie of the log-in page (double submit).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from concord.errors import Forbidden, Unauthenticated
from concord.services import auth
from concord.web import checking, sessions
from concord.web.common import (
    COOKIE_FLAGS,
    LANGUAGE_COOKIE,
    OFFICERS,
    current_session,
    page,
    posted_form,
    redirect,
    require,
    store_of,
    text_of,
)
from concord.web.i18n import available
from concord.web.sessions import COOKIE

router = APIRouter(prefix="/web", include_in_schema=False)
LOGIN_CSRF = "concord_login_csrf"


@router.get("")
async def root(request: Request) -> Response:
    return redirect("/web/home" if await current_session(request) else "/web/login")


@router.get("/language")
async def language(request: Request, lang: str = "en", back: str = "/web/home") -> Response:
    """Switch the interface language (a cookie); back to the page it was chosen on."""
    if lang not in available():
        lang = "en"
    target = back if back.startswith("/web/") and "//" not in back else "/web/home"
    response = redirect(target)
    response.set_cookie(LANGUAGE_COOKIE, lang, path="/", max_age=365 * 86400, **COOKIE_FLAGS)
    return response


@router.get("/login")
async def login_form(request: Request) -> Response:
    return _loginpage(request)


def _loginpage(
    request: Request, error: str | None = None, status_code: int = 200, username: str = ""
) -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", status_code, csrf=token, error=error, username=username)
    response.set_cookie(LOGIN_CSRF, token, path="/web/login", max_age=3600, **COOKIE_FLAGS)
    return response


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=100)],
    otp: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(expected, csrf):
        return _loginpage(request, text_of(request)("csrf_refused"), 403, username)
    store = store_of(request)
    try:
        principal = await run_in_threadpool(
            auth.authenticate, store, username, password, otp or None, via="web"
        )
    except Unauthenticated as exc:
        return _loginpage(request, exc.message, 401, username)
    token, _ = await run_in_threadpool(sessions.open_session, store, principal)
    response = redirect("/web/home")
    response.set_cookie(COOKIE, token, path="/", **COOKIE_FLAGS)
    response.delete_cookie(LOGIN_CSRF, path="/web/login")
    return response


@router.get("/home")
async def home(request: Request) -> Response:
    session = await require(request)
    return page(request, "home.html", session=session)


@router.post("/logout")
async def logout(request: Request, csrf: Annotated[str, Form(max_length=100)]) -> Response:
    session = await current_session(request)
    if session is None:
        return redirect("/web/login")
    if not hmac.compare_digest(session.csrf, csrf):
        return page(
            request, "home.html", 403, session=session, error=text_of(request)("csrf_refused")
        )
    await run_in_threadpool(sessions.close, store_of(request), session)
    response = redirect("/web/login")
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/check")
async def check_form(request: Request) -> Response:
    session = await require(request, *OFFICERS)
    return page(request, "check.html", session=session, form={}, outcome=None)


@router.post("/check")
async def check(request: Request) -> Response:
    """One submit checks every database the officer may use (``web/checking.py``)."""
    session = await require(request, *OFFICERS)
    posted = await posted_form(request, session)
    form = {k: str(posted.get(k, ""))[:2000] for k in checking.FIELDS}
    state = request.app.state
    try:
        outcome = await run_in_threadpool(
            checking.run, state.checker, state.person_checker, session.principal, form
        )
    except Forbidden as exc:
        return page(
            request, "check.html", 403, session=session, form=form, outcome=None,
            error=exc.message,
        )  # fmt: skip
    status = 422 if outcome.errors and not outcome.findings else 200
    return page(request, "check.html", status, session=session, form=form, outcome=outcome)
