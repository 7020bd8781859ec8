"""Secure messages between NCBs (and the General Secretariat): sent, delivered, read.

The sender seals the message on its side (``messaging.envelope.seal``) and posts
the envelope with its routing data (priority, handling codes, links, thread).
The platform verifies the signature against the key directory, checks that it is
sealed for each recipient's current key (and its sender's copy, when it carries
one, for the sender's current key: the sender is no recipient, nothing is
delivered to it), and stores it; it never sees the content. A message id is the
sender's: posting the same envelope again answers the stored message (never a
second copy), another envelope under the same id is a conflict. Only the sender's
and the recipients' NCB staff see a message; a recipient fetching it records
delivery, marking it read records the read receipt, and the sender sees both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from concord.audit import AuditEvent
from concord.domain.persons import Strict
from concord.domain.principal import Principal
from concord.errors import Conflict, Forbidden, InvalidInput, NotFound
from concord.messaging.envelope import Envelope, EnvelopeRefused, verify
from concord.services import attachments, key_directory
from concord.services.messaging_staff import ensure_staff
from concord.store import Store, events_repo
from concord.store.tables import countries, message_receipts, messages

_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class Link(Strict):
    kind: Literal["notice", "hit", "person", "document", "vehicle", "firearm", "vessel", "artwork"]
    id: int = Field(ge=1, le=2**62)


class SendInput(Strict):
    envelope: dict[str, Any]
    thread_id: str | None = Field(default=None, max_length=64)
    priority: Literal["urgent", "high", "normal", "low"] = "normal"
    handling: list[
        Literal[
            "no_onward_transmission",
            "police_use_only",
            "not_for_court_use",
            "originator_consent_required",
        ]
    ] = Field(default_factory=list, max_length=4)
    links: list[Link] = Field(default_factory=list, max_length=50)


def send(store: Store, principal: Principal, data: SendInput) -> tuple[dict[str, Any], bool]:
    """Store a sealed message; (the message, True) when new, (it, False) when already there."""
    ensure_staff(principal, "messages")
    envelope = Envelope.from_json(data.envelope)
    message_id = str(envelope.header.get("message_id", ""))
    if not _ID.match(message_id):
        raise InvalidInput("8 to 64 letters, digits or . _ : -", field="envelope.header.message_id")
    if envelope.sender != principal.country:
        raise Forbidden("a message is sent in the name of the sender's own country", field="sender")
    _check_keys(store, principal, envelope)
    carried = envelope.attachments
    attachments.check_uploaded(store, envelope.sender, carried)
    stored = json.dumps(envelope.as_json(), sort_keys=True)
    digest = hashlib.sha256(stored.encode()).hexdigest()
    existing = _by_id(store, message_id)
    if existing is not None:
        if existing["envelope_sha256"] != digest:
            raise Conflict("another message has this id", field="envelope.header.message_id")
        _audit_send(store, principal, envelope, data, stored_before=True)
        return _view(store, principal, existing), False
    thread = data.thread_id or message_id
    if data.thread_id is not None:
        _thread_member(store, principal, data.thread_id)
    now = dt.datetime.now(dt.UTC)
    try:
        with store.write() as conn:
            known = set(
                conn.execute(
                    select(countries.c.code).where(countries.c.code.in_(envelope.recipients))
                ).scalars()
            )
            if known != set(envelope.recipients):
                raise InvalidInput("an unknown recipient country", field="recipients")
            conn.execute(
                insert(messages).values(
                    message_id=message_id,
                    thread_id=thread,
                    sender=envelope.sender,
                    sent_by=principal.username,
                    recipients=envelope.recipients,
                    priority=data.priority,
                    handling=list(data.handling),
                    links=[link.model_dump() for link in data.links],
                    envelope=envelope.as_json(),
                    envelope_sha256=digest,
                    sent_at=now,
                )
            )
            conn.execute(
                insert(message_receipts),
                [{"message_id": message_id, "recipient": c} for c in envelope.recipients],
            )
            attachments.link(conn, message_id, carried)
            events_repo.publish(
                conn,
                "message.new",
                envelope.recipients,
                {"message_id": message_id, "sender": envelope.sender, "priority": data.priority},
            )
    except IntegrityError:  # the same id posted at the same moment by a retry
        again = _by_id(store, message_id)
        if again is None or again["envelope_sha256"] != digest:
            raise Conflict(
                "another message has this id", field="envelope.header.message_id"
            ) from None
        _audit_send(store, principal, envelope, data, stored_before=True)
        return _view(store, principal, again), False
    _audit_send(store, principal, envelope, data, stored_before=False)
    row = _by_id(store, message_id)
    assert row is not None
    return _view(store, principal, row), True


def _check_keys(store: Store, principal: Principal, envelope: Envelope) -> None:
    """The signature holds under the sender's current key, and the content key is
    wrapped for each recipient's current key and, in the sender's copy, for the
    sender's own; any other is refused, naming the field."""
    sender_keys = key_directory.signing_keys(
        store, envelope.sender, envelope.header.get("sender_key", "")
    )
    verify(envelope, sender_keys)  # raises EnvelopeRefused, naming what is wrong
    current = {k["country"]: k for k in key_directory.directory(store, principal)}
    if (
        sender_keys is None
        or current.get(envelope.sender, {}).get("signing_fingerprint")
        != sender_keys.signing_fingerprint
    ):
        raise EnvelopeRefused(
            "signed with a replaced key: sign with the current one", field="sender_key"
        )
    for country in envelope.recipients:
        held = current.get(country)
        if held is None:
            raise InvalidInput(f"{country} has no registered keys", field="recipients")
        if envelope.wrapped[country].get("key") != held["encryption_fingerprint"]:
            raise EnvelopeRefused(f"sealed for an old key of {country}", field="recipients")
    own_key = current[envelope.sender]["encryption_fingerprint"]
    if envelope.sender_copy is not None and envelope.sender_copy.get("key") != own_key:
        raise EnvelopeRefused(
            "the sender's copy is not sealed for the sender's current encryption key",
            field="sender_copy",
        )


def _audit_send(
    store: Store, principal: Principal, envelope: Envelope, data: SendInput, *, stored_before: bool
) -> None:
    """Every post is audited, a retry too: if the process died after storing the message
    and before its audit batch was written, the sender's retry records the send."""
    store.audit.emit(
        AuditEvent.of(
            principal,
            "message.send",
            resource="message",
            resource_id=str(envelope.header.get("message_id")),
            recipients=envelope.recipients,
            priority=data.priority,
            already_stored=stored_before,
        )
    )


def _by_id(store: Store, message_id: str) -> dict[str, Any] | None:
    with store.read() as conn:
        row = (
            conn.execute(select(messages).where(messages.c.message_id == message_id))
            .mappings()
            .first()
        )
    return None if row is None else dict(row)


def _party(principal: Principal, row: dict[str, Any]) -> bool:
    return principal.country == row["sender"] or principal.country in row["recipients"]


def _thread_member(store: Store, principal: Principal, thread_id: str) -> None:
    with store.read() as conn:
        rows = conn.execute(
            select(messages.c.sender, messages.c.recipients).where(
                messages.c.thread_id == thread_id
            )
        ).all()
    if not any(principal.country == s or principal.country in r for s, r in rows):
        raise NotFound(f"no thread {thread_id[:64]!r}", field="thread_id")


def get(store: Store, principal: Principal, message_id: str) -> dict[str, Any]:
    """A message for its sender or a recipient (others: not found). A recipient's first
    fetch records the delivery."""
    ensure_staff(principal, "messages")
    row = _by_id(store, message_id)
    if row is None or not _party(principal, row):
        raise NotFound(f"no message {message_id[:64]!r}", field="message_id")
    if principal.country in row["recipients"]:
        _mark(store, message_id, principal, delivered=True)
    store.audit.emit(
        AuditEvent.of(principal, "message.read", resource="message", resource_id=message_id)
    )
    return _view(store, principal, row)


def mark_read(store: Store, principal: Principal, message_id: str) -> dict[str, Any]:
    """The recipient's read receipt (idempotent: the first read is kept)."""
    ensure_staff(principal, "messages")
    row = _by_id(store, message_id)
    if row is None or not _party(principal, row):
        raise NotFound(f"no message {message_id[:64]!r}", field="message_id")
    if principal.country not in row["recipients"]:
        raise Forbidden("only a recipient marks a message read", field="message_id")
    _mark(store, message_id, principal, delivered=True, read=True)
    store.audit.emit(
        AuditEvent.of(principal, "message.receipt", resource="message", resource_id=message_id)
    )
    return _view(store, principal, row)


def _mark(
    store: Store, message_id: str, principal: Principal, *, delivered: bool, read: bool = False
) -> None:
    now = dt.datetime.now(dt.UTC)
    mine = (message_receipts.c.message_id == message_id) & (
        message_receipts.c.recipient == principal.country
    )
    with store.write() as conn:
        receipts = []
        if delivered:
            first = conn.execute(
                update(message_receipts)
                .where(mine, message_receipts.c.delivered_at.is_(None))
                .values(delivered_at=now)
            )
            receipts += ["message.delivered"] if first.rowcount else []
        if read:
            first = conn.execute(
                update(message_receipts)
                .where(mine, message_receipts.c.read_at.is_(None))
                .values(read_at=now, read_by=principal.username)
            )
            receipts += ["message.read"] if first.rowcount else []
        if receipts:  # the sender hears of each receipt once
            sender = conn.execute(
                select(messages.c.sender).where(messages.c.message_id == message_id)
            ).scalar_one()
            for kind in receipts:
                events_repo.publish(
                    conn, kind, [sender], {"message_id": message_id, "recipient": principal.country}
                )


def box(
    store: Store,
    principal: Principal,
    *,
    which: str = "in",
    after_id: int = 0,
    limit: int = 50,
    thread_id: str | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """The inbox (messages to the principal's country) or the outbox, oldest first after
    ``after_id``; fetching the inbox records delivery of what it returns."""
    ensure_staff(principal, "messages")
    if which not in ("in", "out"):
        raise InvalidInput("in or out", field="box")
    query = select(messages).where(messages.c.id > after_id).order_by(messages.c.id)
    if which == "out":
        query = query.where(messages.c.sender == principal.country)
    else:
        mine = select(message_receipts.c.message_id).where(
            message_receipts.c.recipient == principal.country
        )
        query = query.where(messages.c.message_id.in_(mine))
    if thread_id is not None:
        query = query.where(messages.c.thread_id == thread_id)
    with store.read() as conn:
        rows = [dict(r) for r in conn.execute(query.limit(limit)).mappings()]
    if which == "in":
        for row in rows:
            _mark(store, row["message_id"], principal, delivered=True)
    store.audit.emit(
        AuditEvent.of(principal, f"message.{which}box", resource="message", count=len(rows))
    )
    cursor = int(rows[-1]["id"]) if len(rows) == limit else None
    return [_view(store, principal, r) for r in rows], cursor


def _view(store: Store, principal: Principal, row: dict[str, Any]) -> dict[str, Any]:
    out = {
        "message_id": row["message_id"],
        "cursor": int(row["id"]),
        "thread_id": row["thread_id"],
        "sender": row["sender"],
        "sent_by": row["sent_by"],
        "recipients": list(row["recipients"]),
        "priority": row["priority"],
        "handling": list(row["handling"]),
        "links": list(row["links"]),
        "sent_at": row["sent_at"],
        "envelope": row["envelope"],
    }
    with store.read() as conn:
        receipts = (
            conn.execute(
                select(message_receipts)
                .where(message_receipts.c.message_id == row["message_id"])
                .order_by(message_receipts.c.recipient)
            )
            .mappings()
            .all()
        )
        out["attachments"] = attachments.carried(conn, row["message_id"])
    shown = [
        r
        for r in receipts
        if principal.country == row["sender"] or r["recipient"] == principal.country
    ]
    out["receipts"] = [
        {"recipient": r["recipient"], "delivered_at": r["delivered_at"], "read_at": r["read_at"]}
        for r in shown
    ]
    return out
