"""The identifier index of one process: every object key, and the blank ranges.

Built from the store at start, then kept fresh by a thread that follows the
change log (every ``poll_interval`` seconds), so a record written through any
process is found here within about that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
from sqlalchemy import Connection, select

from concord.domain.enums import ChangeOp
from concord.index.follower import ChangeLogFollower
from concord.index.keyset import KeySet
from concord.index.ranges import RangeIndex
from concord.store import Store
from concord.store.changes import changes_since, last_seq
from concord.store.kinds import BLANK_RANGE, BY_NAME, OBJECT_KINDS, ObjectKind
from concord.store.tables import blank_ranges


class IdentifierIndex(ChangeLogFollower):
    thread_name = "concord-index"

    def __init__(self, store: Store, *, poll_interval: float = 0.2):
        super().__init__(poll_interval=poll_interval)
        self.store = store
        self.keys = KeySet()
        self.ranges = RangeIndex()
        self.seq = 0
        self.loaded_at = 0.0
        self._refresh_lock = threading.Lock()

    def load(self) -> None:
        """Rebuild from the store. Changes made meanwhile are applied by the next refresh."""
        with self._refresh_lock, self.store.read() as conn:
            seq = last_seq(conn)
            count = sum(self._count(conn, kind) for kind in OBJECT_KINDS if kind.lookups)
            hashes = np.fromiter(self._all_keys(conn), dtype=np.int64, count=count)
            self.keys.replace(hashes)
            self.ranges.clear()
            for row in conn.execute(select(blank_ranges)).mappings():
                self._add_range(row)
            self.seq = seq
            self.loaded_at = time.time()

    def _count(self, conn: Connection, kind: ObjectKind) -> int:
        """How many hashes ``_all_keys`` yields for a kind (one per non-empty key)."""
        from sqlalchemy import func

        total = 0
        for lookup in kind.lookups:
            column = kind.table.c[lookup.columns[-1]]
            total += int(conn.execute(select(func.count()).where(column.is_not(None))).scalar_one())
        return total

    def _all_keys(self, conn: Connection) -> Iterator[int]:
        for kind in OBJECT_KINDS:
            for lookup in kind.lookups:
                cols = [kind.table.c[c] for c in lookup.columns]
                result = conn.execution_options(yield_per=50_000).execute(
                    select(*cols).where(cols[-1].is_not(None))
                )
                prefix = lookup.prefix
                if len(cols) == 1:
                    for (a,) in result:
                        yield hash(f"{prefix}|{a}")
                else:
                    for a, b in result:
                        yield hash(f"{prefix}|{a}|{b}")

    def _add_range(self, row: object) -> None:
        r = dict(row)  # type: ignore[call-overload]
        self.ranges.add(
            r["issuing_country"],
            r["prefix"],
            r["width"],
            r["first_value"],
            r["last_value"],
            r["id"],
        )

    def refresh(self) -> int:
        """Apply the change log since the last look; returns the number of changes applied."""
        applied = 0
        with self._refresh_lock:
            while True:
                keys: list[str] = []
                with self.store.read() as conn:
                    changes = changes_since(conn, self.seq, limit=5000)
                    for change in changes:
                        if change.op is not ChangeOp.DELETE:
                            keys += self._apply(conn, change.kind, change.record_ids())
                self.keys.add(keys)  # once: each add copies the delta
                if not changes:
                    return applied
                applied += len(changes)
                self.seq = changes[-1].seq

    def _apply(self, conn: Connection, kind_name: str, ids: range) -> list[str]:
        """Add changed blank ranges; return the changed records' keys."""
        kind = BY_NAME.get(kind_name)
        if kind is None:
            return []
        table = kind.table
        id_filter = table.c.id.between(ids.start, ids.stop - 1)
        if kind is BLANK_RANGE:
            for row in conn.execute(select(table).where(id_filter)).mappings():
                self._add_range(row)
            return []
        columns = [table.c[c] for c in kind.key_columns]
        rows = conn.execute(select(*columns).where(id_filter)).mappings()
        return [key for row in rows for key in kind.keys(dict(row))]
