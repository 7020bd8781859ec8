"""Walk the chain and name the first event that was altered, inserted or deleted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from concord.audit.chain import HEAD_ID
from concord.audit.events import GENESIS_HASH, chain_hash
from concord.store.store import Store
from concord.store.tables import audit_events, audit_head

_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int
    seq: int | None = None  # the first event at fault
    problem: str | None = None  # altered | inserted | deleted | head
    message: str = ""


def _rows(conn: Connection) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        chunk = (
            conn.execute(
                select(audit_events)
                .where(audit_events.c.seq > last)
                .order_by(audit_events.c.seq)
                .limit(_CHUNK)
            )
            .mappings()
            .all()
        )
        if not chunk:
            return
        for row in chunk:
            yield dict(row)
        last = int(chunk[-1]["seq"])


def verify(store: Store) -> VerifyResult:
    """Check every link and every event's own hash against the recorded head."""
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # One snapshot for the whole walk while writers keep appending.
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            return _walk(conn)


def _walk(conn: Connection) -> VerifyResult:
    head_row = conn.execute(select(audit_head).where(audit_head.c.id == HEAD_ID)).first()
    head_seq = int(head_row.seq) if head_row else 0
    head_hash = str(head_row.hash) if head_row else GENESIS_HASH
    prev_seq, prev_hash, before_prev = 0, GENESIS_HASH, None
    checked = 0

    def fail(seq: int, problem: str, message: str) -> VerifyResult:
        return VerifyResult(False, checked, head_seq, seq, problem, message)

    rows = _rows(conn)
    row = next(rows, None)
    while row is not None:
        nxt = next(rows, None)
        seq = int(row["seq"])
        if seq != prev_seq + 1:
            gap = _span(prev_seq + 1, seq - 1)
            return fail(
                prev_seq + 1, "deleted", f"{gap} deleted: the log jumps from {prev_seq} to {seq}"
            )
        if seq > head_seq:
            return fail(
                seq, "inserted", f"event {seq} inserted: it lies beyond the head {head_seq}"
            )
        link_ok = row["prev_hash"] == prev_hash
        content_ok = chain_hash(str(row["prev_hash"]), seq, row) == row["hash"]
        if not (link_ok and content_ok):
            if nxt is not None and nxt["prev_hash"] == prev_hash:
                return fail(seq, "inserted", f"event {seq} inserted: the next event links past it")
            if before_prev is not None and row["prev_hash"] == before_prev:
                return fail(
                    prev_seq, "inserted", f"event {prev_seq} inserted: event {seq} links past it"
                )
            if not content_ok:
                return fail(
                    seq, "altered", f"event {seq} altered: its content does not match its hash"
                )
            return fail(
                prev_seq, "altered", f"event {prev_seq} altered: event {seq} no longer links to it"
            )
        checked += 1
        before_prev, prev_seq, prev_hash = prev_hash, seq, str(row["hash"])
        row = nxt
    if prev_seq < head_seq:
        gap = _span(prev_seq + 1, head_seq)
        return fail(
            prev_seq + 1,
            "deleted",
            f"{gap} deleted: the log ends at {prev_seq}, its head at {head_seq}",
        )
    if prev_hash != head_hash:
        return fail(
            prev_seq, "altered", f"event {prev_seq} altered: it does not match the chain head"
        )
    return VerifyResult(True, checked, head_seq, message=f"{checked} events verified, chain intact")


def _span(first: int, last: int) -> str:
    return f"event {first}" if first == last else f"events {first} to {last}"
