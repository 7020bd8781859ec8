"""Load an index from the store, then follow the change log in a background thread.

Every in-memory index of a process (identifiers, person names) is rebuilt the
same way: ``load`` once, then ``refresh`` every ``poll_interval`` seconds, a
failed refresh logged and retried at the next tick.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class ChangeLogFollower:
    thread_name = "concord-index"

    def __init__(self, *, poll_interval: float):
        self.poll_interval = poll_interval
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def load(self) -> None:
        raise NotImplementedError

    def refresh(self) -> int:
        raise NotImplementedError

    def start(self) -> None:
        """Load, then follow the change log in a background thread."""
        self.load()
        self._stop.clear()
        self._thread = threading.Thread(target=self._follow, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _follow(self) -> None:
        while not self._stop.wait(self.poll_interval):
            try:
                self.refresh()
            except Exception:
                log.exception("%s refresh failed; retrying", self.thread_name)
