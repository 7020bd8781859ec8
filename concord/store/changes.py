"""The change log: a monotonic sequence of record changes, written in the writer's transaction.

Readers (the in-memory indexes) poll ``changes_since(seq)``. For that to be
safe the sequence must be committed in order: a reader that has seen ``n``
must never later find a committed ``n - 1``. SQLite serialises writers
already; on PostgreSQL each writer takes a transaction-scoped advisory lock
before its change rows, held until commit, so sequence order is commit order.
Writers take it last, just before commit, to hold it briefly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, text

from concord.domain.enums import ChangeOp
from concord.store.tables import change_log

ADVISORY_KEY = 0x0C0C0D  # "concord change log"


@dataclass(frozen=True, slots=True)
class Change:
    seq: int
    kind: str
    record_id: int
    op: ChangeOp
    owner: str
    last_record_id: int | None = None

    def record_ids(self) -> range:
        """Every record the change covers (a bulk write covers a run of ids)."""
        return range(self.record_id, (self.last_record_id or self.record_id) + 1)


def _runs(ids: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive ids folded into (first, last) runs: one change row per run."""
    runs: list[tuple[int, int]] = []
    for rid in sorted(set(ids)):
        if runs and rid == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], rid)
        else:
            runs.append((rid, rid))
    return runs


def record_changes(
    conn: Connection, kind: str, op: ChangeOp, owner: str, record_ids: Iterable[int]
) -> None:
    """Append the change rows for these records (one per run of ids), in this transaction."""
    now = _now()
    rows = [
        {
            "kind": kind,
            "record_id": first,
            "last_record_id": last if last != first else None,
            "op": op.value,
            "owner": owner,
            "at": now,
        }
        for first, last in _runs(record_ids)
    ]
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})
    conn.execute(insert(change_log), rows)


def changes_since(conn: Connection, after: int, limit: int = 10_000) -> Sequence[Change]:
    """Changes with ``seq > after``, oldest first."""
    result = conn.execute(
        select(change_log).where(change_log.c.seq > after).order_by(change_log.c.seq).limit(limit)
    )
    return [
        Change(row.seq, row.kind, row.record_id, ChangeOp(row.op), row.owner, row.last_record_id)
        for row in result
    ]


def last_seq(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(change_log.c.seq), 0))).scalar_one())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
