"""The directory of NCB public keys: each NCB registers its own; every member reads it.

Registering a new pair replaces the country's current one; a replaced pair stays
listed (with when it was replaced) so envelopes it signed can still be verified.
The private keys never reach the platform.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from concord.audit import AuditEvent
from concord.domain.countries import normalise_country
from concord.domain.principal import Principal
from concord.errors import Conflict, Forbidden, NotFound
from concord.messaging.keys import PublicKeys
from concord.policy import Action, KeyDirectory, allow
from concord.store import Store
from concord.store.tables import ncb_keys


def register(store: Store, principal: Principal, data: object) -> dict[str, Any]:
    """An NCB registers its own public keys (the ``<country>.public.json`` it generated)."""
    keys = PublicKeys.from_json(data)
    if not allow(principal, Action.CREATE, KeyDirectory(keys.country)):
        raise Forbidden("an NCB registers its own country's keys only", field="country")
    published = keys.as_json()
    now = dt.datetime.now(dt.UTC)
    try:
        with store.write() as conn:
            conn.execute(
                update(ncb_keys)
                .where(ncb_keys.c.country == keys.country, ncb_keys.c.replaced_at.is_(None))
                .values(replaced_at=now)
            )
            conn.execute(
                insert(ncb_keys).values(
                    country=keys.country,
                    signing_key=published["signing_key"],
                    encryption_key=published["encryption_key"],
                    signing_fingerprint=keys.signing_fingerprint,
                    encryption_fingerprint=keys.encryption_fingerprint,
                    registered_at=now,
                    registered_by=principal.username,
                )
            )
    except IntegrityError:
        raise Conflict("this signing key is registered already", field="signing_key") from None
    store.audit.emit(
        AuditEvent.of(
            principal,
            "keys.register",
            resource="keys",
            resource_id=keys.country,
            signing=keys.signing_fingerprint,
            encryption=keys.encryption_fingerprint,
        )
    )
    return current_view(store, keys.country)


def _ensure_reader(principal: Principal) -> None:
    if not allow(principal, Action.READ, KeyDirectory()):
        raise Forbidden("not allowed to read the key directory", field="role")


def directory(store: Store, principal: Principal) -> list[dict[str, Any]]:
    """Every country's current keys."""
    _ensure_reader(principal)
    with store.read() as conn:
        rows = conn.execute(
            select(ncb_keys).where(ncb_keys.c.replaced_at.is_(None)).order_by(ncb_keys.c.country)
        ).mappings()
        return [_view(dict(r)) for r in rows]


def history(store: Store, principal: Principal, country: str) -> list[dict[str, Any]]:
    """A country's keys, current first, then those it replaced."""
    _ensure_reader(principal)
    code = normalise_country(country, "country")
    with store.read() as conn:
        rows = conn.execute(
            select(ncb_keys).where(ncb_keys.c.country == code).order_by(ncb_keys.c.id.desc())
        ).mappings()
        found = [_view(dict(r)) for r in rows]
    if not found:
        raise NotFound(f"no keys registered for {code}", field="country")
    return found


def current_view(store: Store, country: str) -> dict[str, Any]:
    with store.read() as conn:
        row = (
            conn.execute(
                select(ncb_keys).where(
                    ncb_keys.c.country == country, ncb_keys.c.replaced_at.is_(None)
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(f"no keys registered for {country}", field="country")
    return _view(dict(row))


def signing_keys(store: Store, country: str, fingerprint: str) -> PublicKeys | None:
    """The registered pair whose signing key has ``fingerprint`` (current or replaced)."""
    with store.read() as conn:
        row = (
            conn.execute(
                select(ncb_keys).where(
                    ncb_keys.c.country == country, ncb_keys.c.signing_fingerprint == fingerprint
                )
            )
            .mappings()
            .first()
        )
    return None if row is None else PublicKeys.from_json(_view(dict(row)))


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "country": row["country"],
        "signing_key": row["signing_key"],
        "encryption_key": row["encryption_key"],
        "signing_fingerprint": row["signing_fingerprint"],
        "encryption_fingerprint": row["encryption_fingerprint"],
        "registered_at": row["registered_at"],
        "registered_by": row["registered_by"],
        "replaced_at": row["replaced_at"],
    }
