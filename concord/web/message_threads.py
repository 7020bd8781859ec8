"""The messages pages' view of the mailbox: messages grouped in threads.

Only the services read the store (``services.messages``: the parties' policy, the
delivery a recipient's fetch records, the audit); this module pages through what
they answer and groups it, newest thread first, for the templates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, get_args

from concord.domain.principal import Principal
from concord.services import messages
from concord.services.messages import SendInput
from concord.store import Store

PAGE = 200
MOST = 2000  # messages read for one page of the mailbox (the newest threads shown)
PRIORITIES: tuple[str, ...] = get_args(SendInput.model_fields["priority"].annotation)
HANDLING: tuple[str, ...] = get_args(get_args(SendInput.model_fields["handling"].annotation)[0])


@dataclass
class Thread:
    """One conversation: its messages oldest first."""

    thread_id: str
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def latest(self) -> dict[str, Any]:
        return self.messages[-1]

    @property
    def countries(self) -> list[str]:
        seen = {m["sender"] for m in self.messages}
        for m in self.messages:
            seen.update(m["recipients"])
        return sorted(seen)


def _all(
    store: Store, principal: Principal, which: str, thread_id: str | None = None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor: int | None = 0
    while cursor is not None and len(out) < MOST:
        items, cursor = messages.box(
            store, principal, which=which, after_id=cursor, limit=PAGE, thread_id=thread_id
        )
        out += items
    return out


def threads(store: Store, principal: Principal, which: str) -> list[Thread]:
    """The inbox's (``in``) or the sent box's (``out``) threads, newest first."""
    grouped: dict[str, Thread] = {}
    for message in _all(store, principal, which):
        prepare(message, principal)
        grouped.setdefault(message["thread_id"], Thread(message["thread_id"])).messages.append(
            message
        )
    return sorted(grouped.values(), key=lambda t: t.latest["cursor"], reverse=True)


def conversation(
    store: Store, principal: Principal, message_id: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The message (its recipient's fetch records delivery) and its whole thread as the
    principal's country sees it, received and sent, oldest first."""
    chosen = messages.get(store, principal, message_id)
    seen: dict[str, dict[str, Any]] = {}
    for which in ("in", "out"):
        for message in _all(store, principal, which, chosen["thread_id"]):
            seen[message["message_id"]] = message
    seen.setdefault(chosen["message_id"], chosen)
    thread = sorted(seen.values(), key=lambda m: m["cursor"])
    for message in thread:
        prepare(message, principal)
    return chosen, thread


def prepare(message: dict[str, Any], principal: Principal) -> None:
    """Add what the templates show: ``unread`` (addressed to the principal's country, its
    receipt without a read time) and the times as text."""
    own = [r for r in message["receipts"] if r["recipient"] == principal.country]
    message["unread"] = bool(own) and own[0]["read_at"] is None
    message["sent_text"] = when(message["sent_at"])
    for receipt in message["receipts"]:
        receipt["delivered_text"] = when(receipt["delivered_at"])
        receipt["read_text"] = when(receipt["read_at"])


def when(value: dt.datetime | None) -> str:
    """A time as the pages write it, in UTC (stored naive times are UTC)."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%d %H:%M UTC")
