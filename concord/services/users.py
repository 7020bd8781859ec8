"""User administration: NCBs staff their own country, the GS administers NCB officers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from concord.audit import AuditEvent
from concord.domain.countries import normalise_country
from concord.domain.enums import Role
from concord.domain.principal import Principal
from concord.errors import Conflict, InvalidInput, NotFound
from concord.policy import Action, UserRef, allow, ensure
from concord.services import second_factor
from concord.services.auth import resolver_cache_clear
from concord.services.passwords import hash_password
from concord.store import Store, countries_repo, users_repo

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,99}$")


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    display_name: str | None
    role: str
    country: str
    active: bool
    second_factor: bool


def _view(row: Any) -> UserView:
    return UserView(
        int(row["id"]),
        row["username"],
        row["display_name"],
        row["role"],
        row["country"],
        bool(row["active"]),
        row["totp_secret"] is not None,
    )


def create_user(
    store: Store,
    principal: Principal,
    *,
    username: str,
    role: str,
    country: str,
    password: str | None,
    display_name: str | None = None,
) -> UserView:
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise InvalidInput(
            "3 to 100 characters: lower-case letters, digits and . _ @ -", field="username"
        )
    try:
        role_value = Role(role)
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}", field="role") from None
    code = normalise_country(country, "country")
    ensure(principal, Action.CREATE, UserRef(code, role_value))
    password_hash = hash_password(password) if password else None
    with store.write() as conn:
        if countries_repo.get(conn, code) is None:
            raise InvalidInput(f"country {code} is not registered", field="country")
        try:
            user_id = users_repo.insert_user(
                conn,
                username=username,
                role=role_value.value,
                country=code,
                password_hash=password_hash,
                display_name=display_name,
                created_by=principal.user_id or None,
            )
        except IntegrityError:
            raise Conflict(f"username {username!r} is taken", field="username") from None
        row = users_repo.by_id(conn, user_id)
    store.audit.emit(
        AuditEvent.of(
            principal,
            "user.create",
            resource="user",
            resource_id=user_id,
            role=role_value.value,
            country=code,
        )
    )
    return _view(row)


def _load_visible(store: Store, principal: Principal, user_id: int, action: Action) -> Any:
    with store.read() as conn:
        row = users_repo.by_id(conn, user_id)
    if row is None or not allow(principal, Action.READ, _ref(row)):
        raise NotFound("no such user", field="user_id")
    ensure(principal, action, _ref(row))
    return row


def _ref(row: Any) -> UserRef:
    return UserRef(row["country"], Role(row["role"]), int(row["id"]))


def set_active(store: Store, principal: Principal, user_id: int, active: bool) -> UserView:
    """Disable (revoking every token) or re-enable an account."""
    _load_visible(store, principal, user_id, Action.DISABLE)
    with store.write() as conn:
        users_repo.set_active(conn, user_id, active)
        if not active:
            users_repo.revoke_all(conn, user_id)
        row = users_repo.by_id(conn, user_id)
    resolver_cache_clear()
    store.audit.emit(
        AuditEvent.of(
            principal,
            "user.enable" if active else "user.disable",
            resource="user",
            resource_id=user_id,
        )
    )
    return _view(row)


def get_user(store: Store, principal: Principal, user_id: int) -> UserView:
    return _view(_load_visible(store, principal, user_id, Action.READ))


def list_users(store: Store, principal: Principal) -> list[UserView]:
    """The accounts this principal administers (and its own)."""
    scope = None if principal.role is Role.GS else principal.country
    with store.read() as conn:
        rows = users_repo.list_users(conn, scope)
    return [_view(r) for r in rows if allow(principal, Action.READ, _ref(r))]


def set_password(store: Store, principal: Principal, user_id: int, password: str) -> None:
    _load_visible(store, principal, user_id, Action.UPDATE)
    digest = hash_password(password)
    with store.write() as conn:
        users_repo.set_password(conn, user_id, digest)
    store.audit.emit(
        AuditEvent.of(principal, "user.password", resource="user", resource_id=user_id)
    )


def enrol_second_factor(store: Store, principal: Principal, user_id: int) -> dict[str, str]:
    """A new authenticator secret for the account (replacing any: a lost phone), shown
    once to the administrator who hands it over."""
    row = _load_visible(store, principal, user_id, Action.UPDATE)
    return second_factor.enrol(store, principal, row)
