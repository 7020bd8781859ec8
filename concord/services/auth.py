"""Log-in, API tokens, and resolving a bearer token to a Principal.

Tokens are 256 random bits, shown once, stored only as an HMAC-SHA256 keyed
with the platform secret. Resolution is cached for a few seconds
(``token_cache_seconds``) because every check resolves a token; a revocation
or a membership suspension takes effect within that time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time

from concord.audit import AuditEvent
from concord.domain.enums import MembershipStatus, Role
from concord.domain.principal import Principal
from concord.errors import InvalidInput, NotFound, Unauthenticated
from concord.policy import Action, TokenRef, ensure
from concord.services import second_factor
from concord.services.passwords import verify_password
from concord.store import Store, users_repo

TOKEN_PREFIX = "cnd_"  # noqa: S105 - a marker, not a secret


def hash_token(store: Store, token: str) -> str:
    key = store.settings.secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def _ttl(store: Store, days: int | None) -> dt.datetime:
    days = store.settings.token_ttl_days if days is None else days
    if not 1 <= days <= 366:
        raise InvalidInput("must be between 1 and 366 days", field="ttl_days")
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


def issue_token(
    store: Store,
    principal: Principal,
    user_id: int,
    *,
    label: str | None = None,
    ttl_days: int | None = None,
) -> tuple[int, str, dt.datetime]:
    """Create a token for ``user_id``; returns (id, the token in clear, expiry)."""
    with store.write() as conn:
        user = users_repo.by_id(conn, user_id)
        if user is None:
            raise NotFound("no such user", field="user_id")
        ensure(principal, Action.CREATE, TokenRef(user_id, user["country"], Role(user["role"])))
        if not user["active"]:
            raise InvalidInput("the account is disabled", field="user_id")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires = _ttl(store, ttl_days)
        token_id = users_repo.insert_token(
            conn,
            user_id=user_id,
            token_hash=hash_token(store, token),
            label=label,
            expires_at=expires,
        )
    store.audit.emit(
        AuditEvent.of(
            principal,
            "token.create",
            resource="token",
            resource_id=token_id,
            user_id=user_id,
            label=label,
        )
    )
    return token_id, token, expires


def login(
    store: Store,
    username: str,
    password: str,
    *,
    otp: str | None = None,
    label: str | None = None,
    ttl_days: int | None = None,
) -> tuple[int, str, dt.datetime]:
    """Exchange a username and password (and the second factor's code, for the roles
    that need one) for a token. Every attempt is audited."""
    principal = authenticate(store, username, password, otp, via="api")
    return issue_token(
        store, principal, principal.user_id, label=label or "login", ttl_days=ttl_days
    )


def authenticate(
    store: Store, username: str, password: str, otp: str | None, *, via: str
) -> Principal:
    """The principal whose password (and, for the roles that need one, whose fresh
    second-factor code) this is; audited either way (``via``: api or web)."""
    with store.read() as conn:
        user = users_repo.by_username(conn, username)
    ok = verify_password(user["password_hash"] if user else None, password)
    if not ok or user is None or not user["active"]:
        _denied(store, username, "bad credentials or disabled", via)
        raise Unauthenticated("wrong username or password, or the account is disabled")
    if second_factor.required(user["role"]):
        why = second_factor.check(store, dict(user), otp)
        if why is not None:
            _denied(store, username, f"second factor: {why}", via)
            raise Unauthenticated(
                "a current code from the account's authenticator is required"
                + (" (none is enrolled: ask an administrator)" if not user["totp_secret"] else ""),
                field="otp",
            )
    principal = principal_of_user(store, int(user["id"]))
    if principal is None:  # disabled in the meantime
        _denied(store, username, "bad credentials or disabled", via)
        raise Unauthenticated("wrong username or password, or the account is disabled")
    store.audit.emit(
        AuditEvent.of(principal, "login", resource="user", resource_id=user["id"], via=via)
    )
    return principal


def _denied(store: Store, username: str, reason: str, via: str) -> None:
    store.audit.emit(
        AuditEvent.of(None, "login", actor=username[:100], outcome="denied", reason=reason, via=via)
    )


def revoke_token(store: Store, principal: Principal, token_id: int) -> None:
    with store.write() as conn:
        token = users_repo.token_by_id(conn, token_id)
        user = users_repo.by_id(conn, int(token["user_id"])) if token else None
        if token is None or user is None:
            raise NotFound("no such token", field="token_id")
        ref = TokenRef(int(user["id"]), user["country"], Role(user["role"]))
        ensure(principal, Action.REVOKE, ref)
        users_repo.revoke_token(conn, token_id)
    resolver_cache_clear()
    store.audit.emit(
        AuditEvent.of(principal, "token.revoke", resource="token", resource_id=token_id)
    )


class _Cache:
    """token hash -> (principal or None, time cached)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[Principal | None, float]] = {}
        self.lock = threading.Lock()


_cache = _Cache()


def resolver_cache_clear() -> None:
    with _cache.lock:
        _cache.entries.clear()


def cached(store: Store, token: str) -> Principal | None:
    """The principal of a bearer token if the cache knows it, else None (ask ``resolve``).

    Why apart: a server answers cache hits on its event loop and sends the
    database read of a miss to a worker thread, so a slow read never stalls
    the requests of other clients. A malformed token, or one the cache knows
    to be invalid, raises Unauthenticated.
    """
    _, hit = _cache_entry(store, token)
    return None if hit is None else _known(hit[0])


def resolve(store: Store, token: str) -> Principal:
    """The principal a bearer token stands for, or Unauthenticated."""
    digest, hit = _cache_entry(store, token)
    if hit is not None:
        return _known(hit[0])
    now = time.monotonic()
    principal = _lookup(store, digest)
    with _cache.lock:
        if len(_cache.entries) > 100_000:
            _cache.entries.clear()
        _cache.entries[digest] = (principal, now)
    return _known(principal)


def _cache_entry(store: Store, token: str) -> tuple[str, tuple[Principal | None, float] | None]:
    """The token's hash and its cache entry if still fresh; a malformed token raises."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise Unauthenticated("malformed bearer token")
    digest = hash_token(store, token)
    with _cache.lock:
        hit = _cache.entries.get(digest)
    if hit is None or time.monotonic() - hit[1] >= store.settings.token_cache_seconds:
        return digest, None
    return digest, hit


def _known(principal: Principal | None) -> Principal:
    if principal is None:
        raise Unauthenticated("unknown, expired or revoked token")
    return principal


def _lookup(store: Store, digest: str) -> Principal | None:
    with store.read() as conn:
        row = users_repo.token_with_user(conn, digest)
    if row is None or row["revoked_at"] is not None or not row["active"]:
        return None
    expires = row["expires_at"]
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.UTC)
    if expires <= dt.datetime.now(dt.UTC):
        return None
    return Principal(
        int(row["user_id"]),
        row["username"],
        Role(row["role"]),
        row["country"],
        MembershipStatus(row["country_status"]),
    )


def principal_of_user(store: Store, user_id: int) -> Principal | None:
    """The principal of an active account (None when disabled or gone): a web session
    answers for its user only while the account stays active."""
    from concord.store import countries_repo

    with store.read() as conn:
        user = users_repo.by_id(conn, user_id)
        if user is None or not user["active"]:
            return None
        status = countries_repo.status_of(conn, user["country"]) or MembershipStatus.NON_MEMBER
    return Principal(int(user["id"]), user["username"], Role(user["role"]), user["country"], status)
