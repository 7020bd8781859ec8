"""Hits as the pages show them: what was checked in a few words, the deadline in UTC,
late or not, the checking side's status line. Pure functions of a hit (as the
services answer it) and the catalogue, so the queue, the command centre and the
check screen say the same thing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from concord.web.i18n import Catalogue

OPEN = ("new", "confirmed")
CLOSED = ("not_same", "resolved")
RECENT_CLOSED = 20  # answered or resolved hits the queue still shows, newest first


def overdue(hit: Mapping[str, Any], now: dt.datetime) -> bool:
    """Unanswered past its deadline (the command centre's rule)."""
    due = hit.get("due_at")
    return hit["status"] == "new" and due is not None and _utc(due) < now


def when(value: Any, now: dt.datetime) -> str:
    """A time in UTC: the hour alone today, with the date otherwise."""
    if value is None:
        return ""
    at = _utc(value)
    return at.strftime("%H:%M UTC" if at.date() == now.date() else "%Y-%m-%d %H:%M UTC")


def checked(query: Mapping[str, Any]) -> str:
    """What the check gave, as ``vin 1M8…; document C01X00T47 FRA`` or ``name Karim
    Benali; dob 1985-06-01; score 0.97``."""
    parts: list[str] = []
    for key, value in query.items():
        if key == "qid" or value in (None, "", {}, []):
            continue
        if isinstance(value, Mapping):
            inner = " ".join(str(v) for v in value.values() if v not in (None, ""))
            parts.append(f"{key} {inner}")
        elif isinstance(value, list):
            parts.append(f"{key} {', '.join(str(v) for v in value)}")
        elif isinstance(value, float):
            parts.append(f"{key} {value:.2f}")
        else:
            parts.append(f"{key} {value}")
    return "; ".join(parts)


def row(hit: Mapping[str, Any], now: dt.datetime) -> dict[str, Any]:
    """A table row of a hit."""
    return {
        **hit,
        "what": checked(hit.get("query") or {}),
        "late": overdue(hit, now),
        "due": when(hit.get("due_at"), now),
        "answered": when(hit.get("answered_at"), now),
    }


def queue(hits: Iterable[Mapping[str, Any]], now: dt.datetime) -> list[dict[str, Any]]:
    """Open hits, missed deadlines first, then the nearest deadline; then the latest
    closed ones, newest first."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows = [row(h, now) for h in hits]
    open_ = [r for r in rows if r["status"] in OPEN]
    open_.sort(key=lambda r: (not r["late"], _utc(r["due_at"]) if r["due_at"] else far, r["id"]))
    closed = sorted((r for r in rows if r["status"] not in OPEN), key=lambda r: -int(r["id"]))
    return open_ + closed[:RECENT_CLOSED]


def status_line(hit: Mapping[str, Any], t: Catalogue, now: dt.datetime) -> dict[str, str]:
    """What the checking officer reads about a hit of their check: ``tone`` (waiting,
    late, confirmed, not-same, resolved) and ``text``."""
    status, owner = hit["status"], hit["owner"]
    if status == "new":
        due = when(hit.get("due_at"), now)
        if overdue(hit, now):
            return {"tone": "late", "text": t("hits_status_late", owner=owner, due=due)}
        return {"tone": "waiting", "text": t("hits_status_waiting", owner=owner, due=due)}
    if status == "confirmed":
        return {"tone": "confirmed", "text": t("hits_status_confirmed", owner=owner)}
    if status == "not_same":
        return {"tone": "not-same", "text": t("hits_status_not_same", owner=owner)}
    resolution = t(f"hits_resolution_{hit.get('resolution') or 'no_action'}")
    return {"tone": "resolved", "text": t("hits_status_resolved", resolution=resolution)}


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
