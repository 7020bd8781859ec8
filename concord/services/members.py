"""Countries and membership: what the GS administers."""

from __future__ import annotations

from typing import Any

from concord.audit import AuditEvent
from concord.domain.countries import normalise_country
from concord.domain.enums import MembershipStatus
from concord.domain.principal import Principal
from concord.errors import InvalidInput, NotFound
from concord.policy import Action, CountryRef, ensure
from concord.services.auth import resolver_cache_clear
from concord.store import Store, countries_repo


def list_countries(
    store: Store, principal: Principal, status: str | None = None
) -> list[dict[str, Any]]:
    ensure(principal, Action.LIST, CountryRef())
    wanted = _status(status) if status else None
    with store.read() as conn:
        return [dict(r) for r in countries_repo.list_all(conn, wanted)]


def get_country(store: Store, principal: Principal, code: str) -> dict[str, Any]:
    code = normalise_country(code, "code")
    ensure(principal, Action.READ, CountryRef(code))
    with store.read() as conn:
        row = countries_repo.get(conn, code)
    if row is None:
        raise NotFound("no such country", field="code")
    return dict(row)


def set_status(
    store: Store,
    principal: Principal,
    code: str,
    status: str,
    ncb_name: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Admit, suspend or remove a member; suspension cuts its principals off at once.
    ``reason`` (why, for the audit log) is kept with the change."""
    code = normalise_country(code, "code")
    if reason is not None and len(reason) > 1000:
        raise InvalidInput("at most 1000 characters", field="reason")
    ensure(principal, Action.UPDATE, CountryRef(code))
    new = _status(status)
    with store.write() as conn:
        row = countries_repo.get(conn, code)
        if row is None:
            raise NotFound("no such country", field="code")
        if row["is_organisation"]:
            raise InvalidInput("the organisation's own status cannot change", field="code")
        ncb = (
            ncb_name
            or row["ncb_name"]
            or (countries_repo.ncb_name(row["name"]) if new is MembershipStatus.MEMBER else None)
        )
        countries_repo.set_status(conn, code, new, ncb)
        updated = countries_repo.get(conn, code)
    resolver_cache_clear()
    store.audit.emit(
        AuditEvent.of(
            principal,
            "member.status",
            resource="country",
            resource_id=code,
            old=row["status"],
            new=new.value,
            **({"reason": reason} if reason else {}),
        )
    )
    return dict(updated) if updated else {}


def _status(value: str) -> MembershipStatus:
    try:
        return MembershipStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in MembershipStatus)
        raise InvalidInput(f"unknown status {value!r} (one of {allowed})", field="status") from None
