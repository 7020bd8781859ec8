"""Hits: visible to the country that owns the record and the country that checked."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import or_, select

from concord.audit import AuditEvent
from concord.domain.enums import Role
from concord.domain.principal import Principal
from concord.errors import Forbidden, InvalidInput, NotFound
from concord.store import Store
from concord.store.tables import hits


def _may_see(principal: Principal, row: Any) -> bool:
    if not principal.in_good_standing:
        return False
    if principal.role in (Role.GS, Role.CCF):
        return True
    if principal.role not in (Role.NCB, Role.FRONTLINE):
        return False
    if principal.role is Role.FRONTLINE:  # an officer follows the hits of its own checks
        return bool(row["checked_by"] == principal.user_id)
    return principal.country in (row["owner"], row["checking_country"])


def view(row: Any) -> dict[str, Any]:
    """A hit row as answered: its query as JSON again."""
    out = dict(row)
    out["query"] = json.loads(out["query"])
    return out


def list_hits(
    store: Store,
    principal: Principal,
    *,
    after_id: int = 0,
    limit: int = 100,
    statuses: tuple[str, ...] | None = None,
    newest_first: bool = False,
) -> tuple[list[dict[str, Any]], int | None]:
    """Hits on the caller's country's records and hits by its officers, oldest first
    (``newest_first``: the latest ``limit``, no cursor), of ``statuses`` only when given:
    a queue reads its open hits, not the country's whole history."""
    if not 1 <= limit <= 500:
        raise InvalidInput("must be between 1 and 500", field="limit")
    if not principal.in_good_standing or principal.role is Role.PARTNER:
        raise Forbidden("not allowed to see hits")
    if newest_first:
        query = select(hits).order_by(hits.c.id.desc()).limit(limit)
    else:
        query = select(hits).where(hits.c.id > after_id).order_by(hits.c.id).limit(limit)
    if statuses is not None:
        query = query.where(hits.c.status.in_(statuses))
    if principal.role is Role.FRONTLINE:
        query = query.where(hits.c.checked_by == principal.user_id)
    elif principal.role not in (Role.GS, Role.CCF):
        query = query.where(
            or_(hits.c.owner == principal.country, hits.c.checking_country == principal.country)
        )
    with store.read() as conn:
        rows = [r for r in conn.execute(query).mappings() if _may_see(principal, r)]
    store.audit.emit(
        AuditEvent.of(principal, "hit.list", resource="hit", ids=[r["id"] for r in rows])
    )
    more = len(rows) == limit and not newest_first
    return [view(r) for r in rows], (rows[-1]["id"] if more else None)


def get_hit(store: Store, principal: Principal, hit_id: int) -> dict[str, Any]:
    with store.read() as conn:
        row = conn.execute(select(hits).where(hits.c.id == hit_id)).mappings().first()
    if row is None or not _may_see(principal, row):
        raise NotFound(f"no hit {hit_id}", field="id")
    store.audit.emit(AuditEvent.of(principal, "hit.read", resource="hit", resource_id=hit_id))
    return view(row)
