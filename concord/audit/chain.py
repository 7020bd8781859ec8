"""Appending a batch to the chain under the head lock, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, insert, select, update

from concord.audit.events import GENESIS_HASH, AuditEvent, chain_hash, event_row
from concord.store.tables import audit_events, audit_head

HEAD_ID = 1


def lock_head(conn: Connection) -> tuple[int, str]:
    """Read the head, locking it against writers in other processes until commit.

    SQLite: the BEGIN IMMEDIATE of a write transaction already holds the lock.
    """
    query = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == HEAD_ID)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:  # a database created before the head row was seeded
        conn.execute(insert(audit_head).values(id=HEAD_ID, seq=0, hash=GENESIS_HASH))
        return lock_head(conn)
    return int(row.seq), str(row.hash)


def append(conn: Connection, events: Sequence[AuditEvent]) -> int:
    """Chain and insert ``events``; return the new head sequence number."""
    seq, prev = lock_head(conn)
    rows = []
    for event in events:
        seq += 1
        row = event_row(event)
        row["seq"] = seq
        row["prev_hash"] = prev
        row["hash"] = prev = chain_hash(prev, seq, row)
        rows.append(row)
    if rows:
        conn.execute(insert(audit_events), rows)
        conn.execute(
            update(audit_head).where(audit_head.c.id == HEAD_ID).values(seq=seq, hash=prev)
        )
    return seq
