"""Stream events: written with the change they announce, read in id order per audience.

A reader resumes from the last id it saw, so ids must become visible in order. On
PostgreSQL a writer takes the change log's transaction-scoped advisory lock before
its event rows (as the change log does): the ids of concurrent writers then commit
in order, and a reader never sees 7 before 6 (SQLite serialises writers already).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, insert, select, text

from concord.store.changes import ADVISORY_KEY
from concord.store.store import EVENTS_WRITTEN
from concord.store.tables import events, webhook_outbox, webhooks

GS_COUNTRY = "XPO"  # the General Secretariat's command centre
NOTIFY_CHANNEL = "concord_events_"  # + the schema: one platform's processes only


def publish(
    conn: Connection,
    kind: str,
    countries: Iterable[str],
    payload: dict[str, Any],
    *,
    user_id: int | None = None,
) -> None:
    """One event per country told (the GS included by passing XPO), in ``conn``'s
    transaction; ``user_id`` adds a copy for that officer alone."""
    now = dt.datetime.now(dt.UTC)
    rows: list[dict[str, Any]] = [
        {"at": now, "country": c, "user_id": None, "kind": kind, "payload": payload}
        for c in dict.fromkeys(countries)
    ]
    if user_id:
        rows.append(
            {"at": now, "country": "", "user_id": user_id, "kind": kind, "payload": payload}
        )
    if not rows:
        return
    first = not conn.info.get(EVENTS_WRITTEN)
    conn.info[EVENTS_WRITTEN] = True  # the store rings its bell once this commits
    if conn.dialect.name == "postgresql":
        if first:  # delivered to every process's listener at commit (store/listener.py)
            conn.execute(
                text("SELECT pg_notify(:channel || current_schema(), '')"),
                {"channel": NOTIFY_CHANNEL},
            )
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})
    hooks = _webhooks(conn, [r["country"] for r in rows if r["country"]], kind)
    for row in rows:
        event_id = conn.execute(insert(events).returning(events.c.id), row).scalar_one()
        owed = [
            {"webhook_id": hook_id, "event_id": event_id, "attempts": 0, "next_attempt_at": now}
            for hook_id in hooks.get(row["country"], ())
        ]
        if owed:  # the outbox is written with the event: nothing is told twice or lost
            conn.execute(insert(webhook_outbox), owed)


def _webhooks(conn: Connection, countries: list[str], kind: str) -> dict[str, list[int]]:
    """Active webhooks of these countries that want events of ``kind``."""
    if not countries:
        return {}
    found: dict[str, list[int]] = {}
    rows = conn.execute(
        select(webhooks.c.id, webhooks.c.country, webhooks.c.kinds).where(
            webhooks.c.country.in_(countries), webhooks.c.disabled_at.is_(None)
        )
    )
    for hook_id, country, kinds in rows:
        if kinds is None or kind in kinds:
            found.setdefault(country, []).append(int(hook_id))
    return found


def since(
    conn: Connection, *, country: str | None, user_id: int | None, after: int, limit: int = 500
) -> list[dict[str, Any]]:
    """Events after id ``after`` for a country's staff (``country``) or for one officer
    about their own checks (``user_id``)."""
    audience: ColumnElement[bool]
    if country is not None:
        audience = (events.c.country == country) & events.c.user_id.is_(None)
    else:
        audience = events.c.user_id == user_id
    rows = conn.execute(
        select(events).where(events.c.id > after, audience).order_by(events.c.id).limit(limit)
    ).mappings()
    return [dict(r) for r in rows]


def head(conn: Connection) -> int:
    """The newest event's id (0 when none): a stream that starts here tells what happens
    from now on, nothing older."""
    return int(conn.execute(select(func.max(events.c.id))).scalar_one() or 0)
