"""Shared shape of owned records: the policy reference and the not-found rule."""

from __future__ import annotations

from typing import Any

from concord.domain.enums import Role, Visibility
from concord.domain.principal import Principal
from concord.policy import RecordRef


def record_ref(kind: str, row: dict[str, Any]) -> RecordRef:
    return RecordRef(
        kind=kind,
        owner=row["owner"],
        visibility=Visibility(row["visibility"]),
        countries=frozenset(row.get("access_countries") or ()),
    )


def shows_restriction(principal: Principal, owner: str) -> bool:
    """Only the owner (and the oversight roles) learn whom a record is hidden from."""
    return principal.country == owner or principal.role in (Role.GS, Role.CCF)
