"""What happens after a hit: the owner country answers, the case is resolved, and a
missed deadline escalates to the General Secretariat's command centre.

A hit is ``new`` until the owner's NCB answers ``confirmed`` (the same person or
object) or ``not_same``; a confirmed hit is ``resolved`` (located, arrested, seized
or no action) with a note by the owner's or the checking country's NCB. The
deadline to answer follows the urgency: urgent (red and orange notices, by the
settings) minutes, routine an hour. Every function that depends on the time takes
``now``, so tests drive the clock instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import Connection, insert, select, update

from concord.audit import AuditEvent
from concord.domain.enums import Role
from concord.domain.notices import ShortText
from concord.domain.persons import Strict
from concord.domain.principal import SYSTEM, Principal
from concord.errors import Conflict, Forbidden, NotFound
from concord.services.hits import get_hit, view
from concord.settings import Settings
from concord.store import Store, events_repo
from concord.store.events_repo import GS_COUNTRY
from concord.store.tables import hits

# Built once: a new statement a hit cost its building and keying again (the hot path).
_INSERT_HIT = insert(hits).returning(hits.c.id)


class Answer(Strict):
    answer: Literal["confirmed", "not_same"]
    note: ShortText | None = None


class Resolution(Strict):
    resolution: Literal["located", "arrested", "seized", "no_action"]
    note: ShortText = Field(min_length=1)


def announce(conn: Any, kind: str, hit: Any) -> None:
    """Tell the owner, the checking country, the command centre and the checking officer
    (in ``conn``'s transaction: the event exists exactly when the change does)."""
    payload = {
        "hit_id": int(hit["id"]),
        "record_kind": hit["kind"],
        "record_id": int(hit["record_id"]),
        "owner": hit["owner"],
        "checking_country": hit["checking_country"],
        "status": hit["status"],
        "urgency": hit.get("urgency"),
        "due_at": hit["due_at"].isoformat() if hit.get("due_at") else None,
    }
    countries = (hit["owner"], hit["checking_country"], GS_COUNTRY)
    events_repo.publish(conn, kind, countries, payload, user_id=hit.get("checked_by") or None)


def deadline(
    settings: Settings, notice_kind: str | None, at: dt.datetime, record_kind: str | None = None
) -> tuple[str, dt.datetime]:
    """(urgency, due time) of a hit found at ``at``: urgent when its notice's kind, or
    the kind of record hit, is set urgent in the settings."""
    urgent = (notice_kind is not None and notice_kind in settings.hit_urgent_kinds) or (
        record_kind is not None and record_kind in settings.hit_urgent_records
    )
    minutes = settings.hit_urgent_minutes if urgent else settings.hit_routine_minutes
    return ("urgent" if urgent else "routine"), at + dt.timedelta(minutes=minutes)


def open_hit(
    conn: Connection,
    settings: Settings,
    principal: Principal,
    *,
    kind: str,
    record: Mapping[str, Any],
    query: Mapping[str, Any],
    notice: Mapping[str, Any] | None,
    at: dt.datetime,
) -> int:
    """Record a new hit of ``principal``'s check on ``record`` (its ``id`` and ``owner``)
    of ``kind``, found at ``at``, and announce it (``hit.new``), in ``conn``'s
    transaction; ``notice`` (its ``id`` and ``kind``), the notice it answered, sets the
    urgency and the deadline (routine without one). The hit's id."""
    urgency, due = deadline(settings, notice["kind"] if notice else None, at, kind)
    hit_id = int(
        conn.execute(
            _INSERT_HIT,
            {
                "kind": kind,
                "record_id": record["id"],
                "owner": record["owner"],
                "checked_by": principal.user_id,
                "checking_country": principal.country,
                "query": json.dumps(query, ensure_ascii=False),
                "status": "new",
                "at": at,
                "urgency": urgency,
                "due_at": due,
                "notice_id": notice["id"] if notice else None,
            },
        ).scalar_one()
    )
    row = conn.execute(select(hits).where(hits.c.id == hit_id)).mappings().one()
    announce(conn, "hit.new", row)
    return hit_id


def answer(
    store: Store, principal: Principal, hit_id: int, data: Answer, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The owner country's NCB says whether it is the same person or object."""
    row = _row(store, principal, hit_id)
    if principal.role is not Role.NCB or principal.country != row["owner"]:
        raise Forbidden("the owner country's NCB answers a hit", field="role")
    if row["status"] != "new":
        raise Conflict(f"this hit is {row['status']} already", field="status")
    at = now or dt.datetime.now(dt.UTC)
    values = {
        "status": data.answer,
        "answered_at": at,
        "answered_by": principal.username,
        "note": data.note,
    }
    _change(store, hit_id, "new", values, "hit.answered")
    _audit(store, principal, "hit.answer", hit_id, answer=data.answer)
    return get_hit(store, principal, hit_id)


def resolve(
    store: Store,
    principal: Principal,
    hit_id: int,
    data: Resolution,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Close a confirmed hit: what happened, by the owner's or the checking NCB."""
    row = _row(store, principal, hit_id)
    parties = (row["owner"], row["checking_country"])
    if principal.role is not Role.NCB or principal.country not in parties:
        raise Forbidden("the owner's or the checking country's NCB resolves a hit", field="role")
    if row["status"] != "confirmed":
        raise Conflict(
            f"only a confirmed hit is resolved (this one is {row['status']})", field="status"
        )
    values = {
        "status": "resolved",
        "resolution": data.resolution,
        "note": data.note,
        "resolved_at": now or dt.datetime.now(dt.UTC),
    }
    _change(store, hit_id, "confirmed", values, "hit.resolved")
    _audit(store, principal, "hit.resolve", hit_id, resolution=data.resolution)
    return get_hit(store, principal, hit_id)


def escalate(store: Store, now: dt.datetime | None = None) -> list[int]:
    """Mark every unanswered hit past its deadline as escalated (once); returns them."""
    at = now or dt.datetime.now(dt.UTC)
    with store.write() as conn:
        due = list(
            conn.execute(
                select(hits.c.id).where(
                    hits.c.status == "new",
                    hits.c.due_at < at,
                    hits.c.escalated_at.is_(None),
                )
            ).scalars()
        )
        if due:
            conn.execute(update(hits).where(hits.c.id.in_(due)).values(escalated_at=at))
            for row in conn.execute(select(hits).where(hits.c.id.in_(due))).mappings():
                announce(conn, "hit.escalated", row)
    for hit_id in due:
        _audit(store, SYSTEM, "hit.escalate", hit_id)
    return [int(i) for i in due]


def command_centre(
    store: Store, principal: Principal, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Every open hit, missed deadlines first, then the nearest deadline (the GS only)."""
    if principal.role is not Role.GS or not principal.in_good_standing:
        raise Forbidden("the command centre is the General Secretariat's", field="role")
    at = now or dt.datetime.now(dt.UTC)
    with store.read() as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                select(hits).where(hits.c.status.in_(("new", "confirmed")))
            ).mappings()
        ]

    def overdue(row: Mapping[str, Any]) -> bool:
        return row["status"] == "new" and row["due_at"] is not None and row["due_at"] < at

    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: (not overdue(r), r["due_at"] or far, r["id"]))
    _audit(store, principal, "hit.command_centre", None, count=len(rows))
    return [{**view(r), "overdue": overdue(r)} for r in rows]


def _row(store: Store, principal: Principal, hit_id: int) -> dict[str, Any]:
    get_hit(store, principal, hit_id)  # not found unless the principal may see it
    with store.read() as conn:
        row = conn.execute(select(hits).where(hits.c.id == hit_id)).mappings().first()
    if row is None:
        raise NotFound(f"no hit {hit_id}", field="id")
    return dict(row)


def _change(
    store: Store, hit_id: int, expected: str, values: Mapping[str, Any], event: str
) -> None:
    with store.write() as conn:
        done = conn.execute(
            update(hits).where(hits.c.id == hit_id, hits.c.status == expected).values(**values)
        )
        if done.rowcount != 1:
            raise Conflict("the hit changed meanwhile; read it again", field="status")
        row = conn.execute(select(hits).where(hits.c.id == hit_id)).mappings().one()
        announce(conn, event, row)


def _audit(
    store: Store, principal: Principal, action: str, hit_id: int | None, **details: Any
) -> None:
    store.audit.emit(
        AuditEvent.of(principal, action, resource="hit", resource_id=hit_id, **details)
    )
