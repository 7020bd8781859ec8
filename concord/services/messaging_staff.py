"""Who takes part in secure messages and their attachments: NCB and General
Secretariat staff of a country in good standing (one rule for both)."""

from __future__ import annotations

from concord.domain.enums import Role
from concord.domain.principal import Principal
from concord.errors import Forbidden

PARTICIPANTS = frozenset({Role.NCB, Role.GS})


def ensure_staff(principal: Principal, what: str) -> None:
    """Refuse anyone else (``what``: the thing refused, for the message)."""
    if principal.role not in PARTICIPANTS or not principal.in_good_standing:
        raise Forbidden(f"{what} are for NCB and General Secretariat staff", field="role")
