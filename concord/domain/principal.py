"""Who is asking: the resolved identity every service and policy decision takes."""

from __future__ import annotations

from dataclasses import dataclass

from concord.domain.enums import MembershipStatus, Role


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    username: str
    role: Role
    country: str
    country_status: MembershipStatus

    @property
    def in_good_standing(self) -> bool:
        """A country acts only while a member in good standing."""
        return self.country_status is MembershipStatus.MEMBER


# The operator at the command line: it has the database in hand already.
SYSTEM = Principal(0, "system", Role.GS, "XPO", MembershipStatus.MEMBER)
