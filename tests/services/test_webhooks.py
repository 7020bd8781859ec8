"""Webhooks against a real HTTP server standing in for a national system, on both stores:
signed, at least once with one idempotency key, retried with backoff on a clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import Principal
from concord.errors import Forbidden, InvalidInput, NotFound
from concord.services import webhooks
from concord.services.webhooks import WebhookInput
from concord.store import Store, events_repo
from concord.store.tables import webhook_outbox

DEU = Principal(1, "ncb.deu", Role.NCB, "DEU", MembershipStatus.MEMBER)
FRA = Principal(2, "ncb.fra", Role.NCB, "FRA", MembershipStatus.MEMBER)


class NationalSystem(ThreadingHTTPServer):
    """Answers the planned statuses in turn (then 200), keeping what it received."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/concord"


class _Handler(BaseHTTPRequestHandler):
    server: NationalSystem

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def national() -> Iterator[NationalSystem]:
    server = NationalSystem()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _event(store: Store, kind: str = "hit.new", country: str = "DEU") -> None:
    with store.write() as conn:
        events_repo.publish(conn, kind, [country], {"hit_id": 7})


def test_signed_delivery_once_per_event(store: Store, national: NationalSystem) -> None:
    hook = webhooks.register(store, DEU, WebhookInput(url=national.url))
    _event(store)
    _event(store, country="FRA")  # another country's event is not DEU's
    assert webhooks.deliver_due(store) == 1
    assert webhooks.deliver_due(store) == 0  # delivered: never again
    ((headers, body),) = national.received
    expected = "sha256=" + hmac.new(hook["secret"].encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Concord-Signature"] == expected
    assert json.loads(body)["kind"] == "hit.new" and json.loads(body)["hit_id"] == 7
    assert headers["Idempotency-Key"].startswith("concord-")


def test_failures_retry_with_backoff_and_the_same_key(
    store: Store, national: NationalSystem
) -> None:
    webhooks.register(store, DEU, WebhookInput(url=national.url, kinds=["hit.new"]))
    _event(store, kind="message.new")  # not wanted by this webhook
    _event(store)
    national.statuses = [500, 503]
    start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert webhooks.deliver_due(store, start) == 0  # 500: next in 1 s
    assert webhooks.deliver_due(store, start + dt.timedelta(milliseconds=500)) == 0  # not due
    assert webhooks.deliver_due(store, start + dt.timedelta(seconds=1)) == 0  # 503: next in 2 s
    assert webhooks.deliver_due(store, start + dt.timedelta(seconds=2)) == 0  # not due yet
    assert webhooks.deliver_due(store, start + dt.timedelta(seconds=3)) == 1
    keys = {h["Idempotency-Key"] for h, _ in national.received}
    assert len(national.received) == 3 and len(keys) == 1
    with store.read() as conn:
        (row,) = conn.execute(select(webhook_outbox)).mappings().all()
    assert row["attempts"] == 3 and row["delivered_at"] is not None


def test_an_unreachable_system_is_retried_and_disabled_hooks_stop(store: Store) -> None:
    hook = webhooks.register(store, DEU, WebhookInput(url="http://127.0.0.1:9/nothing"))
    _event(store)
    assert webhooks.deliver_due(store) == 0
    with store.read() as conn:
        (row,) = conn.execute(select(webhook_outbox)).mappings().all()
    assert row["last_error"].startswith("unreachable") and row["attempts"] == 1
    webhooks.disable(store, DEU, hook["id"])
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    assert webhooks.deliver_due(store, later) == 0
    with store.read() as conn:
        assert conn.execute(select(webhook_outbox.c.attempts)).scalar_one() == 1
    with pytest.raises(NotFound):
        webhooks.disable(store, FRA, hook["id"])  # not FRA's


def test_bad_registrations(store: Store) -> None:
    with pytest.raises(InvalidInput) as plain:
        webhooks.register(store, DEU, WebhookInput(url="http://ncb.example.de/hook"))
    assert plain.value.field == "url"
    officer = Principal(3, "border", Role.FRONTLINE, "DEU", MembershipStatus.MEMBER)
    with pytest.raises(Forbidden):
        webhooks.register(store, officer, WebhookInput(url="https://ncb.example.de/hook"))
