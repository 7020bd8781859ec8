"""A principal's events: hits about its country's records and checks, messages and
receipts. NCB and GS staff get their country's (the GS: the command centre's); a
frontline officer gets the events about their own checks; partners and the CCF none."""

from __future__ import annotations

from typing import Any

from concord.domain.enums import Role
from concord.domain.principal import Principal
from concord.errors import Forbidden
from concord.store import Store, events_repo


def fetch(store: Store, principal: Principal, after: int, limit: int = 200) -> list[dict[str, Any]]:
    """Events after id ``after``, oldest first."""
    if not principal.in_good_standing or principal.role not in (
        Role.NCB,
        Role.GS,
        Role.FRONTLINE,
    ):
        raise Forbidden("no event stream for this account", field="role")
    with store.read() as conn:
        if principal.role is Role.FRONTLINE:
            rows = events_repo.since(
                conn, country=None, user_id=principal.user_id, after=after, limit=limit
            )
        else:
            rows = events_repo.since(
                conn, country=principal.country, user_id=None, after=after, limit=limit
            )
    return [
        {**r["payload"], "id": int(r["id"]), "kind": r["kind"], "at": r["at"].isoformat()}
        for r in rows
    ]


def head(store: Store) -> int:
    """Where a stream that wants only what happens from now on starts (the newest
    event's id, anyone's: ids say nothing about whose they are)."""
    with store.read() as conn:
        return events_repo.head(conn)
