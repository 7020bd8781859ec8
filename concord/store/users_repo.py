"""User accounts and their API tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, insert, select, update

from concord.store.tables import countries, tokens, users, web_sessions


def insert_user(
    conn: Connection,
    *,
    username: str,
    role: str,
    country: str,
    password_hash: str | None,
    display_name: str | None,
    created_by: int | None,
) -> int:
    result = conn.execute(
        insert(users)
        .values(
            username=username,
            role=role,
            country=country,
            password_hash=password_hash,
            display_name=display_name,
            active=True,
            created_at=dt.datetime.now(dt.UTC),
            created_by=created_by,
        )
        .returning(users.c.id)
    )
    return int(result.scalar_one())


def by_username(conn: Connection, username: str) -> RowMapping | None:
    return conn.execute(select(users).where(users.c.username == username)).mappings().first()


def by_id(conn: Connection, user_id: int) -> RowMapping | None:
    return conn.execute(select(users).where(users.c.id == user_id)).mappings().first()


def list_users(conn: Connection, country: str | None = None) -> Sequence[RowMapping]:
    query = select(users).order_by(users.c.id)
    if country is not None:
        query = query.where(users.c.country == country)
    return conn.execute(query).mappings().all()


def set_active(conn: Connection, user_id: int, active: bool) -> None:
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(active=active, disabled_at=None if active else dt.datetime.now(dt.UTC))
    )


def set_password(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def insert_token(
    conn: Connection, *, user_id: int, token_hash: str, label: str | None, expires_at: dt.datetime
) -> int:
    result = conn.execute(
        insert(tokens)
        .values(
            user_id=user_id,
            token_hash=token_hash,
            label=label,
            created_at=dt.datetime.now(dt.UTC),
            expires_at=expires_at,
        )
        .returning(tokens.c.id)
    )
    return int(result.scalar_one())


def token_with_user(conn: Connection, token_hash: str) -> RowMapping | None:
    """The token row joined with its user and the user's country status."""
    query = (
        select(
            tokens.c.id.label("token_id"),
            tokens.c.expires_at,
            tokens.c.revoked_at,
            users.c.id.label("user_id"),
            users.c.username,
            users.c.role,
            users.c.country,
            users.c.active,
            countries.c.status.label("country_status"),
        )
        .join(users, users.c.id == tokens.c.user_id)
        .join(countries, countries.c.code == users.c.country)
        .where(tokens.c.token_hash == token_hash)
    )
    return conn.execute(query).mappings().first()


def token_by_id(conn: Connection, token_id: int) -> RowMapping | None:
    return conn.execute(select(tokens).where(tokens.c.id == token_id)).mappings().first()


def tokens_of(conn: Connection, user_id: int) -> Sequence[RowMapping]:
    return (
        conn.execute(select(tokens).where(tokens.c.user_id == user_id).order_by(tokens.c.id))
        .mappings()
        .all()
    )


def revoke_token(conn: Connection, token_id: int) -> None:
    conn.execute(
        update(tokens)
        .where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None))
        .values(revoked_at=dt.datetime.now(dt.UTC))
    )


def revoke_all(conn: Connection, user_id: int) -> None:
    """Every API token of the user, and every open web session (a disabled account
    re-enabled later starts afresh: no old cookie comes back to life)."""
    at = dt.datetime.now(dt.UTC)
    conn.execute(
        update(tokens)
        .where(tokens.c.user_id == user_id, tokens.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    conn.execute(
        update(web_sessions)
        .where(web_sessions.c.user_id == user_id, web_sessions.c.closed_at.is_(None))
        .values(closed_at=at)
    )
