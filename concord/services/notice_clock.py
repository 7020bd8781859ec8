"""A background thread that runs the notices' clock (``notices.sweep``) in the API.

Every API process runs it; the sweep is idempotent and its writes are guarded by
the notice's version, so two processes sweeping at once change each notice once.
"""

from __future__ import annotations

import logging

from concord.periodic import Periodic
from concord.services import notices
from concord.store import Store

log = logging.getLogger(__name__)


class NoticeClock(Periodic):
    thread_name = "concord-notice-clock"

    def __init__(self, store: Store, interval: float):
        super().__init__(interval=interval, run_first=True)
        self.store = store

    def start(self) -> None:
        self.start_thread()

    def tick(self) -> dict[str, list[int]]:
        done = notices.sweep(self.store)
        if any(done.values()):
            log.info("notice clock: %s", {k: len(v) for k, v in done.items()})
        return done
