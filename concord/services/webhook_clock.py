"""A background thread that delivers the webhook outbox (each API process runs one; an
entry two processes post at once reaches the consumer twice with the same
Idempotency-Key, which is what at-least-once delivery promises)."""

from __future__ import annotations

from concord.periodic import Periodic
from concord.services import webhooks
from concord.store import Store


class WebhookClock(Periodic):
    thread_name = "concord-webhooks"

    def __init__(self, store: Store, interval: float):
        super().__init__(interval=interval, run_first=True)
        self.store = store

    def start(self) -> None:
        self.start_thread()

    def tick(self) -> int:
        return webhooks.deliver_due(self.store)
