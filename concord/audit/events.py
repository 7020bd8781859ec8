"""One typed audit event, and the canonical form its hash is taken over."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import orjson

from concord.audit import fastjson
from concord.domain.principal import Principal

GENESIS_HASH = "0" * 64


def utc_stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def canonical_details(details: dict[str, Any]) -> str:
    """``details`` as compact JSON with sorted keys (long lists of plain strings joined fast)."""
    joined = {k: j for k, v in details.items() if (j := fastjson.string_list(v)) is not None}
    if not joined:
        return _dumps(details)
    return (
        "{"
        + ",".join(f"{_dumps(k)}:{joined.get(k) or _dumps(details[k])}" for k in sorted(details))
        + "}"
    )


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Who did what to which resource, with what outcome; ``details`` is free JSON."""

    action: str
    actor: str
    actor_id: int | None = None
    actor_role: str | None = None
    actor_country: str | None = None
    resource: str | None = None
    resource_id: str | None = None
    outcome: str = "ok"
    details: str = "{}"
    at: str = field(default_factory=utc_stamp)

    @classmethod
    def of(
        cls,
        principal: Principal | None,
        action: str,
        *,
        resource: str | None = None,
        resource_id: object = None,
        outcome: str = "ok",
        actor: str | None = None,
        **details: Any,
    ) -> AuditEvent:
        return cls(
            action=action,
            actor=actor or (principal.username if principal else "anonymous"),
            actor_id=principal.user_id if principal else None,
            actor_role=principal.role.value if principal else None,
            actor_country=principal.country if principal else None,
            resource=resource,
            resource_id=None if resource_id is None else str(resource_id)[:100],
            outcome=outcome,
            details=canonical_details(details),
        )


def _canonical_fields(seq: int, row: dict[str, Any]) -> list[Any]:
    return [
        seq,
        row["at"],
        row["actor_id"],
        row["actor"],
        row["actor_role"],
        row["actor_country"],
        row["action"],
        row["resource"],
        row["resource_id"],
        row["outcome"],
        row["details"],
    ]


def canonical(seq: int, row: dict[str, Any]) -> str:
    """The exact text the hash covers: every column but the hashes themselves."""
    return json.dumps(_canonical_fields(seq, row), ensure_ascii=False, separators=(",", ":"))


def _canonical_bytes(seq: int, row: dict[str, Any]) -> bytes:
    """``canonical(...).encode()``, by orjson: 3.2 against 7.7 µs an event with the hash.

    For text, integers and None (every column) orjson writes the same bytes
    as ``json.dumps(ensure_ascii=False)`` with compact separators (a property
    test holds them equal); anything it refuses (an integer past 64 bits, a
    lone surrogate) takes the ``json`` road and its error.
    """
    try:
        return orjson.dumps(_canonical_fields(seq, row))
    except (TypeError, orjson.JSONEncodeError):
        return canonical(seq, row).encode()


def chain_hash(prev_hash: str, seq: int, row: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical_bytes(seq, row)).hexdigest()


def event_row(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at,
        "actor_id": event.actor_id,
        "actor": event.actor[:100],
        "actor_role": event.actor_role,
        "actor_country": event.actor_country,
        "action": event.action,
        "resource": event.resource,
        "resource_id": event.resource_id,
        "outcome": event.outcome,
        "details": event.details,
    }
