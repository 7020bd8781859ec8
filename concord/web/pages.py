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
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from concord.errors import Forbidden, Unauthenticated
from concord.services import auth
from concord.store import Store
from concord.web import checking, sessions
from concord.web.i18n import Catalogue, catalogue
from concord.web.sessions import COOKIE, WebSession

router = APIRouter(prefix="/web", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC = Path(__file__).parent / "static"
LOGIN_CSRF = "concord_login_csrf"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_COOKIE_FLAGS: dict[str, Any] = {"httponly": True, "secure": True, "samesite": "strict"}


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _text(request: Request) -> Catalogue:
    return catalogue(request.cookies.get("concord_lang", "en"))


def _page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    t = _text(request)
    idle = f"{_store(request).settings.web_idle_minutes:g}"
    response = templates.TemplateResponse(
        request, template,
        {"t": t, "lang": t.language, "dir": t.direction, "idle_minutes": idle, **context},
        status_code=status_code,
    )  # fmt: skip
    response.headers.update(HEADERS)
    return response


def _redirect(url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    response.headers.update(HEADERS)
    return response


async def _session(request: Request) -> WebSession | None:
    try:
        return await run_in_threadpool(
            sessions.resolve, _store(request), request.cookies.get(COOKIE)
        )
    except Unauthenticated:
        return None


@router.get("")
async def root(request: Request) -> Response:
    return _redirect("/web/home" if await _session(request) else "/web/login")


@router.get("/login")
async def login_form(request: Request) -> Response:
    return _login_page(request)


def _login_page(
    request: Request, error: str | None = None, status_code: int = 200, username: str = ""
) -> Response:
    token = secrets.token_urlsafe(32)
    response = _page(request, "login.html", status_code, csrf=token, error=error, username=username)
    response.set_cookie(LOGIN_CSRF, token, path="/web/login", max_age=3600, **_COOKIE_FLAGS)
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
        return _login_page(request, _text(request)("csrf_refused"), 403, username)
    store = _store(request)
    try:
        principal = await run_in_threadpool(
            auth.authenticate, store, username, password, otp or None, via="web"
        )
    except Unauthenticated as exc:
        return _login_page(request, exc.message, 401, username)
    token, _ = await run_in_threadpool(sessions.open_session, store, principal)
    response = _redirect("/web/home")
    response.set_cookie(COOKIE, token, path="/", **_COOKIE_FLAGS)
    response.delete_cookie(LOGIN_CSRF, path="/web/login")
    return response


@router.get("/home")
async def home(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return _redirect("/web/login")
    return _page(request, "home.html", session=session)


@router.post("/logout")
async def logout(request: Request, csrf: Annotated[str, Form(max_length=100)]) -> Response:
    session = await _session(request)
    if session is None:
        return _redirect("/web/login")
    if not hmac.compare_digest(session.csrf, csrf):
        return _page(
            request, "home.html", 403, session=session, error=_text(request)("csrf_refused")
        )
    await run_in_threadpool(sessions.close, _store(request), session)
    response = _redirect("/web/login")
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/check")
async def check_form(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return _redirect("/web/login")
    return _page(request, "check.html", session=session, form={}, outcome=None)


@router.post("/check")
async def check(request: Request) -> Response:
    """One submit checks every database the officer may use (``web/checking.py``)."""
    session = await _session(request)
    if session is None:
        return _redirect("/web/login")
    posted = await request.form()
    form = {k: str(posted.get(k, ""))[:2000] for k in (*checking.FIELDS, "csrf")}
    if not hmac.compare_digest(session.csrf, form.pop("csrf")):
        return _page(
            request, "check.html", 403, session=session, form=form, outcome=None,
            error=_text(request)("csrf_refused"),
        )  # fmt: skip
    state = request.app.state
    try:
        outcome = await run_in_threadpool(
            checking.run, state.checker, state.person_checker, session.principal, form
        )
    except Forbidden as exc:
        return _page(
            request, "check.html", 403, session=session, form=form, outcome=None,
            error=exc.message,
        )  # fmt: skip
    status = 422 if outcome.errors and not outcome.findings else 200
    return _page(request, "check.html", status, session=session, form=form, outcome=outcome)
