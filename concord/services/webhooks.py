"""Webhooks for national systems: their country's events, delivered at least once.

An NCB registers an HTTPS (or, for a system on the same host, HTTP) endpoint and
gets a secret once. Each event for its country is written to the outbox in the
event's own transaction; a dispatcher posts due entries as JSON with
``Idempotency-Key`` (the same for every attempt of an entry, so a consumer that
remembers keys applies each event once) and ``X-Concord-Signature: sha256=<HMAC
of the body under the secret>``, and retries failures with exponential backoff
(1 s, 2 s, 4 s … at most an hour apart). The dispatcher's functions take ``now``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from pydantic import Field
from sqlalchemy import insert, select, update

from concord.audit import AuditEvent
from concord.domain.enums import Role
from concord.domain.persons import Strict
from concord.domain.principal import Principal
from concord.errors import Forbidden, InvalidInput, NotFound
from concord.store import Store
from concord.store.tables import events, webhook_outbox, webhooks

MAX_BACKOFF_SECONDS = 3600
BATCH = 100
# (url, body, headers) -> HTTP status; raises OSError when the endpoint cannot be reached
Sender = Callable[[str, bytes, dict[str, str]], int]


class WebhookInput(Strict):
    url: str = Field(min_length=8, max_length=500)
    kinds: list[str] | None = Field(default=None, max_length=20)


def register(store: Store, principal: Principal, data: WebhookInput) -> dict[str, Any]:
    """The secret is in this answer only: keep it on the national system."""
    if principal.role is not Role.NCB or not principal.in_good_standing:
        raise Forbidden("an NCB registers its country's webhooks", field="role")
    parsed = urlparse(data.url)
    local = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme != "https" and not (parsed.scheme == "http" and local):
        raise InvalidInput("use https (http only for this host)", field="url")
    secret = secrets.token_urlsafe(32)
    with store.write() as conn:
        hook_id = conn.execute(
            insert(webhooks).returning(webhooks.c.id),
            {
                "country": principal.country,
                "url": data.url,
                "secret": secret,
                "kinds": data.kinds,
                "created_at": dt.datetime.now(dt.UTC),
            },
        ).scalar_one()
    store.audit.emit(
        AuditEvent.of(
            principal, "webhook.register", resource="webhook", resource_id=hook_id, url=data.url
        )
    )
    return {"id": int(hook_id), "url": data.url, "kinds": data.kinds, "secret": secret}


def disable(store: Store, principal: Principal, hook_id: int) -> None:
    with store.write() as conn:
        done = conn.execute(
            update(webhooks)
            .where(webhooks.c.id == hook_id, webhooks.c.country == principal.country)
            .values(disabled_at=dt.datetime.now(dt.UTC))
        )
    if principal.role is not Role.NCB or done.rowcount != 1:
        raise NotFound(f"no webhook {hook_id}", field="id")
    store.audit.emit(
        AuditEvent.of(principal, "webhook.disable", resource="webhook", resource_id=hook_id)
    )


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - scheme checked
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def deliver_due(store: Store, now: dt.datetime | None = None, send: Sender = http_post) -> int:
    """Post every due outbox entry once; returns how many were delivered."""
    at = now or dt.datetime.now(dt.UTC)
    with store.read() as conn:
        due = [
            dict(r)
            for r in conn.execute(
                select(
                    webhook_outbox,
                    webhooks.c.url,
                    webhooks.c.secret,
                    events.c.kind,
                    events.c.payload,
                    events.c.at.label("event_at"),
                )
                .join(webhooks, webhooks.c.id == webhook_outbox.c.webhook_id)
                .join(events, events.c.id == webhook_outbox.c.event_id)
                .where(
                    webhook_outbox.c.delivered_at.is_(None),
                    webhook_outbox.c.next_attempt_at <= at,
                    webhooks.c.disabled_at.is_(None),
                )
                .order_by(webhook_outbox.c.id)
                .limit(BATCH)
            ).mappings()
        ]
    delivered = 0
    for entry in due:
        body = json.dumps(
            {
                "id": int(entry["event_id"]),
                "kind": entry["kind"],
                "at": entry["event_at"].isoformat(),
                **entry["payload"],
            },
            separators=(",", ":"),
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": f"concord-{entry['event_id']}-{entry['webhook_id']}",
            "X-Concord-Signature": signature(entry["secret"], body),
            "X-Concord-Event": entry["kind"],
        }
        try:
            status = send(entry["url"], body, headers)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except OSError as exc:
            error = f"unreachable: {type(exc).__name__}"
        attempts = int(entry["attempts"]) + 1
        values: dict[str, Any] = {"attempts": attempts}
        if error is None:
            values["delivered_at"] = at
            delivered += 1
        else:
            wait = min(MAX_BACKOFF_SECONDS, 2 ** (attempts - 1))
            values.update(next_attempt_at=at + dt.timedelta(seconds=wait), last_error=error[:500])
        with store.write() as conn:
            conn.execute(
                update(webhook_outbox)
                .where(webhook_outbox.c.id == entry["id"], webhook_outbox.c.delivered_at.is_(None))
                .values(**values)
            )
    return delivered
