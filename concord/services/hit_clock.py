"""A background thread that escalates hits whose owner missed the deadline to answer."""

from __future__ import annotations

from concord.periodic import Periodic
from concord.services import hit_workflow
from concord.store import Store


class HitClock(Periodic):
    thread_name = "concord-hit-clock"

    def __init__(self, store: Store, interval: float):
        super().__init__(interval=interval, run_first=True)
        self.store = store

    def start(self) -> None:
        self.start_thread()

    def tick(self) -> list[int]:
        return hit_workflow.escalate(self.store)
