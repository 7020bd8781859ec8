"""What every page of the web application shares: rendering with the strict headers,
the session a page needs (and the roles it admits), CSRF on every form and on every
script's request, the menu each role sees.

Pages raise ``LoginRequired`` (answered with a redirect to the log-in page) or
``PageForbidden`` (a 403 page naming the reason); ``install`` registers both.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from concord.domain.enums import Role
from concord.errors import Unauthenticated
from concord.store import Store
from concord.web import sessions
from concord.web.i18n import Catalogue, catalogue, choose, languages
from concord.web.sessions import COOKIE, WebSession

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC = Path(__file__).parent / "static"
CSRF_HEADER = "x-csrf-token"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
COOKIE_FLAGS: dict[str, Any] = {"httponly": True, "secure": True, "samesite": "strict"}
STAFF = (Role.NCB, Role.GS, Role.CCF)
OFFICERS = (Role.FRONTLINE, Role.NCB, Role.GS)


@dataclass(frozen=True, slots=True)
class MenuItem:
    path: str
    text_key: str
    roles: tuple[Role, ...]


MENU = (
    MenuItem("/web/check", "menu_check", OFFICERS),
    MenuItem("/web/hits", "menu_hits", (Role.NCB,)),
    MenuItem("/web/records", "menu_records", (Role.NCB,)),
    MenuItem("/web/imports", "menu_imports", (Role.NCB,)),
    MenuItem("/web/notices", "menu_notices", (Role.NCB, Role.GS)),
    MenuItem("/web/review", "menu_review", (Role.GS, Role.CCF)),
    MenuItem("/web/command-centre", "menu_command_centre", (Role.GS,)),
    MenuItem("/web/messages", "menu_messages", (Role.NCB, Role.GS)),
    MenuItem("/web/users", "menu_users", (Role.NCB, Role.GS)),
    MenuItem("/web/members", "menu_members", (Role.GS,)),
    MenuItem("/web/audit", "menu_audit", (Role.GS, Role.CCF)),
    MenuItem("/web/dashboard", "menu_dashboard", (Role.NCB, Role.GS, Role.CCF)),
)


class LoginRequired(Exception):
    """No live session: the browser is sent to the log-in page."""


class PageForbidden(Exception):
    """A live session whose role or country may not see this page."""

    def __init__(self, session: WebSession, reason: str) -> None:
        super().__init__(reason)
        self.session = session
        self.reason = reason


class CsrfRefused(Exception):
    """A form or script request without the session's token."""

    def __init__(self, session: WebSession) -> None:
        super().__init__("csrf")
        self.session = session


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


LANGUAGE_COOKIE = "concord_lang"


def text_of(request: Request) -> Catalogue:
    return catalogue(
        choose(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))
    )


def menu_for(session: WebSession | None) -> list[MenuItem]:
    if session is None:
        return []
    return [item for item in MENU if session.principal.role in item.roles]


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page rendered with the interface text, the menu and the strict headers."""
    t = text_of(request)
    idle = f"{store_of(request).settings.web_idle_minutes:g}"
    session = context.get("session")
    response = templates.TemplateResponse(
        request, template,
        {"t": t, "lang": t.language, "dir": t.direction, "idle_minutes": idle,
         "menu": menu_for(session), "here": request.url.path, "languages": languages(),
         **context},
        status_code=status_code,
    )  # fmt: skip
    response.headers.update(HEADERS)
    return response


def redirect(url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    response.headers.update(HEADERS)
    return response


def json_answer(content: Any, status_code: int = 200) -> JSONResponse:
    """For the pages' own scripts: never cached, same headers as the pages."""
    response = JSONResponse(content, status_code=status_code)
    response.headers.update(HEADERS)
    return response


async def current_session(request: Request, *, touch: bool = True) -> WebSession | None:
    """The request's live session; ``touch=False`` for what a page fetches by itself
    (its event stream, re-rendered rows), which is not the officer's activity."""
    try:
        return await run_in_threadpool(
            sessions.resolve, store_of(request), request.cookies.get(COOKIE), touch=touch
        )
    except Unauthenticated:
        return None


async def require(request: Request, *roles: Role, touch: bool = True) -> WebSession:
    """The live session of this request, whose role is one of ``roles`` (any when none)."""
    session = await current_session(request, touch=touch)
    if session is None:
        raise LoginRequired
    if roles and session.principal.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise PageForbidden(session, f"this page is for {allowed} accounts")
    return session


def csrf_matches(session: WebSession, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf, str(token))


async def posted_form(request: Request, session: WebSession) -> FormData:
    """The submitted form, once its CSRF token is the session's (``CsrfRefused`` if not)."""
    form = await request.form()
    token = form.get("csrf")
    if not isinstance(token, str) or not csrf_matches(session, token):
        raise CsrfRefused(session)
    return form


def require_csrf_header(request: Request, session: WebSession) -> None:
    """For scripts' requests (fetch): the token travels in the X-CSRF-Token header."""
    if not csrf_matches(session, request.headers.get(CSRF_HEADER)):
        raise CsrfRefused(session)


def install(app: FastAPI) -> None:
    """Answer the pages' exceptions: to log-in, a 403 page, a refused form."""

    async def to_login(request: Request, exc: Exception) -> Response:
        if _wants_json(request):
            return json_answer({"error": "log in to continue"}, 401)
        return redirect("/web/login")

    async def forbidden(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageForbidden)
        if _wants_json(request):
            return json_answer({"error": exc.reason}, 403)
        return page(request, "forbidden.html", 403, session=exc.session, error=exc.reason)

    async def csrf_refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CsrfRefused)
        message = text_of(request)("csrf_refused")
        if _wants_json(request):
            return json_answer({"error": message}, 403)
        return page(request, "forbidden.html", 403, session=exc.session, error=message)

    app.add_exception_handler(LoginRequired, to_login)
    app.add_exception_handler(PageForbidden, forbidden)
    app.add_exception_handler(CsrfRefused, csrf_refused)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "") or CSRF_HEADER in request.headers
