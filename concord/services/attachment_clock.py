"""A background thread that deletes attachment uploads no message carries and
uploads cut off half-way, once they are older than ``attachment_unsent_hours``."""

from __future__ import annotations

from concord.periodic import Periodic
from concord.services import attachments
from concord.store import Store

HOURLY = 3600.0


class AttachmentClock(Periodic):
    thread_name = "concord-attachments"

    def __init__(self, store: Store, interval: float = HOURLY):
        super().__init__(interval=interval, run_first=True)
        self.store = store

    def start(self) -> None:
        self.start_thread()

    def tick(self) -> int:
        return attachments.purge_unsent(self.store)
