"""Browser sessions: a random cookie kept only as its HMAC, closed at log-out, after
``web_idle_minutes`` without a request, and ``web_session_hours`` after log-in.

Each session has its own CSRF token, which every form of the session must echo:
another site can make a browser send the cookie, never read the token.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from concord.audit import AuditEvent
from concord.domain.principal import Principal
from concord.errors import Unauthenticated
from concord.services import auth
from concord.store import Store
from concord.store.tables import web_sessions

COOKIE = "concord_session"


@dataclass(frozen=True, slots=True)
class WebSession:
    id: int
    principal: Principal
    csrf: str


def open_session(
    store: Store, principal: Principal, now: dt.datetime | None = None
) -> tuple[str, WebSession]:
    """A new session for a principal just authenticated: (the cookie's value, it)."""
    at = now or dt.datetime.now(dt.UTC)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    hours = store.settings.web_session_hours
    with store.write() as conn:
        session_id = conn.execute(
            insert(web_sessions)
            .values(
                token_hash=auth.hash_token(store, token),
                user_id=principal.user_id,
                csrf=csrf,
                created_at=at,
                last_seen_at=at,
                expires_at=at + dt.timedelta(hours=hours),
            )
            .returning(web_sessions.c.id)
        ).scalar_one()
    return token, WebSession(int(session_id), principal, csrf)


def resolve(
    store: Store, token: str | None, now: dt.datetime | None = None, *, touch: bool = True
) -> WebSession:
    """The live session of this cookie, marked seen now; Unauthenticated when there is
    none, it was closed, has been idle too long or is past its end (closed then).
    ``touch=False`` leaves it unmarked: a live page's own refreshes (its event stream,
    its re-rendered rows) are not the officer's activity, so an unattended screen
    still times out."""
    if not token:
        raise Unauthenticated("log in to continue")
    at = now or dt.datetime.now(dt.UTC)
    idle = dt.timedelta(minutes=store.settings.web_idle_minutes)
    with store.read() as conn:
        row = (
            conn.execute(
                select(web_sessions).where(
                    web_sessions.c.token_hash == auth.hash_token(store, token)
                )
            )
            .mappings()
            .first()
        )
    if row is None or row["closed_at"] is not None:
        raise Unauthenticated("log in to continue")
    if at >= row["expires_at"] or at - row["last_seen_at"] >= idle:
        _close(store, int(row["id"]), at)
        raise Unauthenticated("your session ended: log in again")
    principal = auth.principal_of_user(store, int(row["user_id"]))
    if principal is None:  # disabled meanwhile
        _close(store, int(row["id"]), at)
        raise Unauthenticated("log in to continue")
    if touch:
        with store.write() as conn:
            conn.execute(
                update(web_sessions).where(web_sessions.c.id == row["id"]).values(last_seen_at=at)
            )
    return WebSession(int(row["id"]), principal, str(row["csrf"]))


def close(store: Store, session: WebSession) -> None:
    _close(store, session.id, dt.datetime.now(dt.UTC))
    store.audit.emit(
        AuditEvent.of(session.principal, "logout", resource="user", resource_id=session.id)
    )


def _close(store: Store, session_id: int, at: dt.datetime) -> None:
    with store.write() as conn:
        conn.execute(
            update(web_sessions)
            .where(web_sessions.c.id == session_id, web_sessions.c.closed_at.is_(None))
            .values(closed_at=at)
        )
