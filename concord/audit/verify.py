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


def _fail(checked: int, head: int, seq: int, problem: str, message: str) -> VerifyResult:
    return VerifyResult(False, checked, head, seq, problem, message)


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
    head_seq, head_hash = (int(head_row.seq), str(head_row.hash)) if head_row else (0, GENESIS_HASH)
    prev_seq, prev_hash, before_prev = 0, GENESIS_HASH, None
    checked = 0
    rows = _rows(conn)
    row = next(rows, None)
    while row is not None:
        nxt = next(rows, None)
        seq = int(row["seq"])
        if seq != prev_seq + 1:
            gap = (
                f"event {prev_seq + 1}"
                if seq == prev_seq + 2
                else f"events {prev_seq + 1} to {seq - 1}"
            )
            return _fail(
                checked,
                head_seq,
                prev_seq + 1,
                "deleted",
                f"{gap} deleted: the log jumps from {prev_seq} to {seq}",
            )
        if seq > head_seq:
            return _fail(
                checked,
                head_seq,
                seq,
                "inserted",
                f"event {seq} inserted: it lies beyond the chain head {head_seq}",
            )
        link_ok = row["prev_hash"] == prev_hash
        content_ok = chain_hash(str(row["prev_hash"]), seq, row) == row["hash"]
        if not (link_ok and content_ok):
            if nxt is not None and nxt["prev_hash"] == prev_hash:
                return _fail(
                    checked,
                    head_seq,
                    seq,
                    "inserted",
                    f"event {seq} inserted: event {nxt['seq']} links past it to event {prev_seq}",
                )
            if not content_ok:
                return _fail(
                    checked,
                    head_seq,
                    seq,
                    "altered",
                    f"event {seq} altered: its content no longer matches its hash",
                )
            if before_prev is not None and row["prev_hash"] == before_prev:
                return _fail(
                    checked,
                    head_seq,
                    prev_seq,
                    "inserted",
                    f"event {prev_seq} inserted: event {seq} links past it",
                )
            return _fail(
                checked,
                head_seq,
                prev_seq,
                "altered",
                f"event {prev_seq} altered: event {seq} no longer links to it",
            )
        checked += 1
        before_prev, prev_seq, prev_hash = prev_hash, seq, str(row["hash"])
        row = nxt
    if prev_seq < head_seq:
        gap = (
            f"event {head_seq}"
            if head_seq == prev_seq + 1
            else f"events {prev_seq + 1} to {head_seq}"
        )
        return _fail(
            checked,
            head_seq,
            prev_seq + 1,
            "deleted",
            f"{gap} deleted: the log ends at {prev_seq} but its head records {head_seq}",
        )
    if prev_hash != head_hash:
        return _fail(
            checked,
            head_seq,
            prev_seq,
            "altered",
            f"event {prev_seq} altered: it does not match the chain head",
        )
    return VerifyResult(True, checked, head_seq, message=f"{checked} events verified, chain intact")
