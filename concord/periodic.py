"""Work repeated in a background thread until stopped: index refreshes, the notices' clock.

A failed round is logged and tried again at the next tick; it never stops the thread.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class Periodic:
    thread_name = "concord-periodic"

    def __init__(self, *, interval: float, run_first: bool = False):
        self.interval = interval
        self.run_first = run_first  # one round at once, not after the first interval
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def tick(self) -> object:
        raise NotImplementedError

    def start_thread(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _loop(self) -> None:
        if self.run_first:
            self._round()
        while not self._stop.wait(self.interval):
            self._round()

    def _round(self) -> None:
        try:
            self.tick()
        except Exception:
            log.exception("%s failed; retrying at the next tick", self.thread_name)
