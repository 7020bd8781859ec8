"""What a policy decision is about. Plain values: the policy does no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from concord.domain.enums import Role, Visibility


@dataclass(frozen=True, slots=True)
class RecordRef:
    """An existing record of any kind, with its owner and access restriction."""

    kind: str
    owner: str
    visibility: Visibility = Visibility.ALL
    countries: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class NewRecord:
    """A record about to be created for ``owner``.

    ``issuer``: for travel documents, the issuing state; only it may report them.
    """

    kind: str
    owner: str
    issuer: str | None = None


@dataclass(frozen=True, slots=True)
class NoticeRef:
    """A notice: its requester, its state, and the record it is about (whose access
    restriction decides who sees the notice once it circulates)."""

    owner: str
    state: str
    subject: RecordRef
    recipients: frozenset[str] | None = None  # a diffusion's chosen countries


@dataclass(frozen=True, slots=True)
class NoticeMove:
    """A move (submit, publish, cancel…) on a notice of ``owner``."""

    owner: str
    move: str


@dataclass(frozen=True, slots=True)
class KeyDirectory:
    """The NCBs' public keys (``country``: the entry written or read; None: all)."""

    country: str | None = None


@dataclass(frozen=True, slots=True)
class CheckRequest:
    """Running a check against the records of ``kind``."""

    kind: str


@dataclass(frozen=True, slots=True)
class UserRef:
    """A user account (existing, or about to be created with this role and country)."""

    country: str
    role: Role
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class TokenRef:
    """An API token, by the account it belongs to."""

    user_id: int
    user_country: str
    user_role: Role


@dataclass(frozen=True, slots=True)
class CountryRef:
    """A country's membership entry (``code`` None: the whole list)."""

    code: str | None = None


@dataclass(frozen=True, slots=True)
class AuditLog:
    """The audit log as a whole."""


@dataclass(frozen=True, slots=True)
class ReadScope:
    """Which records a principal may read, in a form a store can turn into a query.

    ``everything`` and ``nothing`` are the two ends; otherwise the records a
    member ``country`` may see under the owners' restrictions.
    """

    everything: bool = False
    nothing: bool = False
    country: str | None = None
