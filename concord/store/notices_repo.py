"""Notices and their events: rows in, rows out, change-log entries in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, insert, select, update

from concord.domain.enums import ChangeOp
from concord.store.changes import record_changes
from concord.store.tables import notice_events, notices

KIND = "notice"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def insert_one(conn: Connection, owner: str, row: Mapping[str, Any], created_by: int | None) -> int:
    at = now()
    values = {**row, "owner": owner, "created_at": at, "updated_at": at, "created_by": created_by}
    notice_id = int(
        conn.execute(insert(notices).values(**values).returning(notices.c.id)).scalar_one()
    )
    record_changes(conn, KIND, ChangeOp.CREATE, owner, [notice_id])
    return notice_id


def get(conn: Connection, notice_id: int, *, for_update: bool = False) -> dict[str, Any] | None:
    query = select(notices).where(notices.c.id == notice_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def change(
    conn: Connection, notice_id: int, owner: str, version: int, values: Mapping[str, Any]
) -> bool:
    """Apply ``values`` if the notice is still at ``version`` (no lost update); True if so."""
    done = conn.execute(
        update(notices)
        .where(notices.c.id == notice_id, notices.c.version == version)
        .values(**values, updated_at=now(), version=version + 1)
    )
    if done.rowcount != 1:
        return False
    record_changes(conn, KIND, ChangeOp.UPDATE, owner, [notice_id])
    return True


def add_event(
    conn: Connection,
    notice_id: int,
    *,
    actor: str,
    actor_country: str,
    move: str,
    from_state: str | None,
    to_state: str,
    reason: str | None,
) -> None:
    conn.execute(
        insert(notice_events).values(
            notice_id=notice_id,
            at=now(),
            actor=actor,
            actor_country=actor_country,
            move=move,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
        )
    )


def events(conn: Connection, notice_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(notice_events)
        .where(notice_events.c.notice_id == notice_id)
        .order_by(notice_events.c.id)
    ).mappings()
    return [dict(r) for r in rows]


def page(
    conn: Connection,
    *,
    after_id: int,
    limit: int,
    owner: str | None = None,
    states: Sequence[str] | None = None,
    kind: str | None = None,
    subject: tuple[str, int] | None = None,
) -> list[dict[str, Any]]:
    query = select(notices).where(notices.c.id > after_id)
    if owner is not None:
        query = query.where(notices.c.owner == owner)
    if states is not None:
        query = query.where(notices.c.state.in_(list(states)))
    if kind is not None:
        query = query.where(notices.c.kind == kind)
    if subject is not None:
        query = query.where(
            notices.c.subject_kind == subject[0], notices.c.subject_id == subject[1]
        )
    rows = conn.execute(query.order_by(notices.c.id).limit(limit)).mappings()
    return [dict(r) for r in rows]


def in_states(
    conn: Connection, states: Sequence[str], *, channel: str | None = None
) -> list[dict[str, Any]]:
    query = select(notices).where(notices.c.state.in_(list(states)))
    if channel is not None:
        query = query.where(notices.c.channel == channel)
    rows = conn.execute(query.order_by(notices.c.id)).mappings()
    return [dict(r) for r in rows]


def subjects_in_states(conn: Connection, states: Sequence[str]) -> list[tuple[int, str, int]]:
    """(notice id, kind, person id) of the person notices in ``states``: light rows for
    questions asked on every submission."""
    rows = conn.execute(
        select(notices.c.id, notices.c.kind, notices.c.subject_id).where(
            notices.c.state.in_(list(states)), notices.c.subject_kind == "person"
        )
    )
    return [(int(i), str(k), int(s)) for i, k, s in rows]


def due(conn: Connection, states: Sequence[str], before: str) -> list[dict[str, Any]]:
    """Notices in ``states`` whose review date is before ``before`` (ISO date)."""
    rows = conn.execute(
        select(notices)
        .where(notices.c.state.in_(list(states)), notices.c.review_date < before)
        .order_by(notices.c.id)
    ).mappings()
    return [dict(r) for r in rows]
