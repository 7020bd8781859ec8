"""A bell that event streams of this process wait on, rung when a write transaction
that published events commits: a hit reaches the owner's open stream at once, not
at the stream's next poll. Events written by other processes are still found by the
poll (the bell only shortens the wait for this process's own)."""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType


class Waiter:
    """Registered before the stream reads, so a commit in between is not missed."""

    def __init__(self, bell: EventBell):
        self.bell = bell
        self.loop = asyncio.get_running_loop()
        self.rung = asyncio.Event()

    def __enter__(self) -> Waiter:
        with self.bell.lock:
            self.bell.waiters.add(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self.bell.lock:
            self.bell.waiters.discard(self)

    async def wait(self, timeout: float) -> bool:
        """True when rung, False after ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self.rung.wait(), timeout)
        except TimeoutError:
            return False
        return True


class EventBell:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiters: set[Waiter] = set()

    def waiter(self) -> Waiter:
        return Waiter(self)

    def ring(self) -> None:
        """Wake every waiting stream (called from any thread)."""
        with self.lock:
            waiting = list(self.waiters)
        for waiter in waiting:
            try:
                waiter.loop.call_soon_threadsafe(waiter.rung.set)
            except RuntimeError:  # its loop has closed: the stream is gone
                continue
