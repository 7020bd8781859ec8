"""Closed vocabularies shared by every layer."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a principal is; see the role table in docs/architecture.md."""

    GS = "gs"
    NCB = "ncb"
    FRONTLINE = "frontline"
    CCF = "ccf"
    PARTNER = "partner"


class MembershipStatus(StrEnum):
    MEMBER = "member"
    APPLICANT = "applicant"
    SUSPENDED = "suspended"
    NON_MEMBER = "non-member"


class Visibility(StrEnum):
    """Who, besides the owner, may see a record."""

    ALL = "all"  # every member country
    ONLY = "only"  # only the listed countries
    EXCEPT = "except"  # every member but the listed countries
    OWNER = "owner"  # the owner country alone


class Sex(StrEnum):
    """ICAO 9303 sex codes: M, F and X (unspecified)."""

    MALE = "M"
    FEMALE = "F"
    UNSPECIFIED = "X"


class ChangeOp(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    PUT = "put"  # upsert by (owner, reference): import
    DELETE = "delete"
