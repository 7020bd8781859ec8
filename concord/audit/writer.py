"""Batched audit writer: callers enqueue; a thread commits batches to the chain.

Checks emit thousands of events a second. Each event costs an append to an
in-memory list; a background thread turns what has gathered into one
transaction every ``interval`` seconds (sooner when ``batch_size`` is reached).
The chain stays in order across processes because every batch locks the head
row. ``close()`` (called at shutdown and at exit) writes what is pending, so a
clean shutdown loses nothing; a failed commit is retried with the batch kept.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from typing import TYPE_CHECKING

from concord.audit import chain
from concord.audit.events import AuditEvent

if TYPE_CHECKING:
    from concord.store.store import Store

log = logging.getLogger(__name__)


class AuditWriter:
    def __init__(self, store: Store, *, interval: float = 0.05, batch_size: int = 2000):
        self._store = store
        self._interval = interval
        self._batch_size = batch_size
        self._pending: list[AuditEvent] = []
        self._cond = threading.Condition()
        self._emitted = 0
        self._written = 0
        self._thread: threading.Thread | None = None
        self._closing = False
        # Held while this writer's transaction is open. SQLite has one writer at a
        # time and a blocked one retries on a backoff of sleeps (up to 100 ms each),
        # so a hit recorded while a big audit batch commits waited tens of ms; other
        # writers of this process take this lock to queue behind the batch instead.
        self.write_lock = threading.Lock()
        atexit.register(self.close)

    def emit(self, event: AuditEvent) -> None:
        """Queue an event; it is committed within about ``interval`` seconds."""
        with self._cond:
            self._pending.append(event)
            self._emitted += 1
            if self._thread is None or not self._thread.is_alive():
                self._start()
            if len(self._pending) >= self._batch_size:
                self._cond.notify_all()

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Block until every event emitted so far is committed; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            target = self._emitted
            self._cond.notify_all()
            while self._written < target:
                if self._thread is None or not self._thread.is_alive():
                    self._start()
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining if remaining is not None else 1.0)
        return True

    def close(self, timeout: float = 120.0) -> None:
        """Write what is pending and stop the thread (give up after ``timeout`` seconds)."""
        if not self.flush(timeout=timeout):
            log.error("audit: %d events could not be written before shutdown", self.pending)
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._closing = False

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._pending)

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="concord-audit", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        backoff = 0.1
        while True:
            with self._cond:
                if not self._pending:
                    if self._closing:
                        return
                    self._cond.wait(self._interval)
                    if not self._pending:
                        continue
                elif len(self._pending) < self._batch_size and not self._closing:
                    self._cond.wait(self._interval)
                batch = self._pending[: self._batch_size]
            if not batch:
                continue
            try:
                with self.write_lock, self._store.write() as conn:
                    chain.append(conn, batch)
            except Exception:
                log.exception("audit batch of %d events not written; retrying", len(batch))
                time.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            backoff = 0.1
            with self._cond:
                del self._pending[: len(batch)]
                self._written += len(batch)
                self._cond.notify_all()
