"""Load an index from the store, then follow the change log in a background thread.

Every in-memory index of a process (identifiers, person names) is rebuilt the
same way: ``load`` once, then ``refresh`` every ``poll_interval`` seconds, a
failed refresh logged and retried at the next tick.
"""

from __future__ import annotations

from concord.periodic import Periodic


class ChangeLogFollower(Periodic):
    thread_name = "concord-index"

    def __init__(self, *, poll_interval: float):
        super().__init__(interval=poll_interval)

    @property
    def poll_interval(self) -> float:
        return self.interval

    def load(self) -> None:
        raise NotImplementedError

    def refresh(self) -> int:
        raise NotImplementedError

    def tick(self) -> int:
        return self.refresh()

    def start(self) -> None:
        """Load, then follow the change log in a background thread."""
        self.load()
        self.start_thread()
