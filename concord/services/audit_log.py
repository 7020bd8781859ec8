"""Reading and verifying the audit log (GS and CCF only)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from concord.audit import AuditEvent, VerifyResult, verify
from concord.domain.principal import Principal
from concord.errors import InvalidInput
from concord.policy import Action, AuditLog, ensure
from concord.store import Store
from concord.store.tables import audit_events


def query(
    store: Store,
    principal: Principal,
    *,
    action: str | None = None,
    actor: str | None = None,
    actor_country: str | None = None,
    resource: str | None = None,
    resource_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    after_seq: int = 0,
    limit: int = 100,
    before_seq: int | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """Events by filters, oldest first, with the next cursor; given ``before_seq``, the
    events below it newest first (the web page's order), the cursor the next
    ``before_seq``. Reading the log is itself audited."""
    ensure(principal, Action.READ, AuditLog())
    if not 1 <= limit <= 1000:
        raise InvalidInput("must be between 1 and 1000", field="limit")
    seq = audit_events.c.seq
    if before_seq is None:
        stmt = select(audit_events).where(seq > after_seq).order_by(seq).limit(limit)
    else:
        stmt = select(audit_events).where(seq < before_seq).order_by(seq.desc()).limit(limit)
    filters = {
        "action": action,
        "actor": actor,
        "actor_country": actor_country,
        "resource": resource,
        "resource_id": resource_id,
    }
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(audit_events.c[column] == value)
    if since:
        stmt = stmt.where(audit_events.c.at >= since)
    if until:
        stmt = stmt.where(audit_events.c.at < until)
    with store.read() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    for row in rows:
        row["details"] = json.loads(row["details"])
    store.audit.emit(
        AuditEvent.of(
            principal,
            "audit.query",
            resource="audit",
            filters={k: v for k, v in filters.items() if v},
            count=len(rows),
        )
    )
    cursor = int(rows[-1]["seq"]) if len(rows) == limit else None
    return rows, cursor


def verify_chain(store: Store, principal: Principal) -> VerifyResult:
    ensure(principal, Action.VERIFY, AuditLog())
    store.audit.flush()
    result = verify(store)
    store.audit.emit(
        AuditEvent.of(
            principal, "audit.verify", resource="audit", ok=result.ok, checked=result.checked
        )
    )
    return result
