"""The single decision point. Every rule is a function of (principal, action, resource).

Deny by default: a resource type or action without a rule is refused, and so is
every principal whose country is not a member in good standing.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from concord.domain.enums import Role, Visibility
from concord.domain.notices import CIRCULATED, Move, may_move
from concord.domain.principal import Principal
from concord.errors import Forbidden
from concord.policy.resources import (
    AuditLog,
    CheckRequest,
    CountryRef,
    KeyDirectory,
    NewRecord,
    NoticeMove,
    NoticeRef,
    ReadScope,
    RecordRef,
    TokenRef,
    UserRef,
)


class Action(StrEnum):
    READ = "read"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    DISABLE = "disable"
    REVOKE = "revoke"
    VERIFY = "verify"
    CHECK = "check"


CIRCULATED_STATES = frozenset(state.value for state in CIRCULATED)
# A diffusion's recipients see it while it stands, and learn when it is stopped.
DIFFUSION_SEEN_STATES = frozenset({"published", "cancelled", "withdrawn", "expired"})
# Roles that read nominal data at all; partners get valid / not valid only.
_RECORD_READERS = frozenset({Role.NCB, Role.FRONTLINE})
_READ_EVERYTHING = frozenset({Role.GS, Role.CCF})
# Who may create which roles: NCBs staff their own country; the GS administers NCBs.
_CREATABLE_BY = {
    Role.NCB: frozenset({Role.FRONTLINE, Role.PARTNER}),
    Role.GS: frozenset({Role.NCB, Role.GS, Role.CCF}),
}


def visible_to(record: RecordRef, country: str) -> bool:
    """Whether a member ``country`` may see ``record`` under its owner's restriction."""
    if record.owner == country:
        return True
    match record.visibility:
        case Visibility.ALL:
            return True
        case Visibility.ONLY:
            return country in record.countries
        case Visibility.EXCEPT:
            return country not in record.countries
        case _:
            return False


def _record(p: Principal, action: Action, r: RecordRef) -> bool:
    if action is Action.CHECK:  # may this record answer this principal's check?
        if p.role is Role.GS:
            return True
        return p.role in (*_RECORD_READERS, Role.PARTNER) and visible_to(r, p.country)
    if action is Action.READ:
        if p.role in _READ_EVERYTHING:
            return True
        return p.role in _RECORD_READERS and visible_to(r, p.country)
    if action in (Action.UPDATE, Action.DELETE):
        return p.role is Role.NCB and p.country == r.owner
    return False


def _new_record(p: Principal, action: Action, r: NewRecord) -> bool:
    if r.issuer is not None and r.issuer != r.owner:
        return False
    return action is Action.CREATE and p.role is Role.NCB and p.country == r.owner


# Partners (airlines, hotels, banks) check travel documents only.
_PARTNER_CHECKS = frozenset({"document", "mrz"})
_CHECKERS = frozenset({Role.NCB, Role.FRONTLINE, Role.GS})


def _check_request(p: Principal, action: Action, r: CheckRequest) -> bool:
    if action is not Action.CHECK:
        return False
    return p.role in _CHECKERS or (p.role is Role.PARTNER and r.kind in _PARTNER_CHECKS)


def _user(p: Principal, action: Action, u: UserRef) -> bool:
    if p.user_id == 0 and action in (Action.CREATE, Action.UPDATE, Action.DISABLE, Action.READ):
        return True  # the operator at the command line
    if action is Action.READ and u.user_id == p.user_id:
        return True
    if action in (Action.CREATE, Action.UPDATE, Action.DISABLE, Action.READ, Action.LIST):
        if u.role not in _CREATABLE_BY.get(p.role, frozenset()):
            return False
        return p.role is Role.GS or u.country == p.country
    return False


def _token(p: Principal, action: Action, t: TokenRef) -> bool:
    if t.user_id == p.user_id and action in (Action.CREATE, Action.LIST, Action.REVOKE):
        return True
    if p.user_id == 0 and action in (Action.CREATE, Action.REVOKE):
        return True
    if action is Action.REVOKE:  # whoever administers the account may cut its access
        return _user(p, Action.DISABLE, UserRef(t.user_country, t.user_role, t.user_id))
    return False


def _country(p: Principal, action: Action, c: CountryRef) -> bool:
    if action in (Action.READ, Action.LIST):
        return True
    return action is Action.UPDATE and p.role is Role.GS


def _notice(p: Principal, action: Action, n: NoticeRef) -> bool:
    """Requests are seen by their requester and the oversight roles; a notice that
    circulates is seen by every member that may see its subject record."""
    if action is not Action.READ:
        return False
    if p.role in _READ_EVERYTHING:
        return True
    if p.role is Role.NCB and p.country == n.owner:
        return True
    if p.role not in _RECORD_READERS:
        return False
    if n.recipients is not None:  # a diffusion: its recipients, also once it is stopped
        return p.country in n.recipients and n.state in DIFFUSION_SEEN_STATES
    return n.state in CIRCULATED_STATES and visible_to(n.subject, p.country)


def _notice_move(p: Principal, action: Action, m: NoticeMove) -> bool:
    if action is not Action.UPDATE:
        return False
    return may_move(p.role, p.country, m.owner, Move(m.move))


def _keys(p: Principal, action: Action, k: KeyDirectory) -> bool:
    """Every member's officers read the directory; an NCB writes its own entry only."""
    if action in (Action.READ, Action.LIST):
        return p.role in (Role.NCB, Role.FRONTLINE, Role.GS, Role.CCF)
    return action is Action.CREATE and p.role is Role.NCB and k.country == p.country


def _audit(p: Principal, action: Action, _: AuditLog) -> bool:
    return action in (Action.READ, Action.VERIFY) and p.role in (Role.GS, Role.CCF)


_RULES: dict[type, Callable[[Principal, Action, Any], bool]] = {
    RecordRef: _record,
    NewRecord: _new_record,
    UserRef: _user,
    TokenRef: _token,
    CountryRef: _country,
    AuditLog: _audit,
    NoticeRef: _notice,
    KeyDirectory: _keys,
    NoticeMove: _notice_move,
    CheckRequest: _check_request,
}


def allow(principal: Principal | None, action: Action, resource: object) -> bool:
    """True only when a rule grants ``action`` on ``resource`` to ``principal``."""
    if principal is None or not principal.in_good_standing:
        return False
    rule = _RULES.get(type(resource))
    if rule is None:
        return False
    return bool(rule(principal, action, resource))


def ensure(principal: Principal | None, action: Action, resource: object) -> None:
    """Raise Forbidden unless allowed (use NotFound instead where existence is secret)."""
    if not allow(principal, action, resource):
        raise Forbidden(f"not allowed to {action.value} this {_describe(resource)}")


def _describe(resource: object) -> str:
    if isinstance(resource, RecordRef | NewRecord):
        return f"{resource.kind} record"
    return type(resource).__name__.removesuffix("Ref").lower()


def read_scope(principal: Principal | None, kind: str) -> ReadScope:
    """The set of ``kind`` records ``principal`` may read, for list queries.

    Must agree with ``allow(principal, READ, record)`` for every record; the
    policy tests check that on random records.
    """
    if principal is None or not principal.in_good_standing:
        return ReadScope(nothing=True)
    if principal.role in _READ_EVERYTHING:
        return ReadScope(everything=True)
    if principal.role in _RECORD_READERS:
        return ReadScope(country=principal.country)
    return ReadScope(nothing=True)
