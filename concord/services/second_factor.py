"""A second factor (TOTP, RFC 6238) for the accounts that can do the most: NCB staff,
the General Secretariat and the CCF. A password alone never logs them in.

An administrator enrols an account (``enrol``: a new secret, shown once as an
``otpauth://`` address for an authenticator app); enrolling again replaces it, which
is how a lost phone is reset. The secret is kept encrypted (AES-GCM under a key
derived from ``CONCORD_SECRET_KEY``), so a copy of the database alone does not give
codes away. A code is accepted one step either side of now, and each step once: the
account remembers the last step used, so a code seen over a shoulder is spent.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import os
import re
from collections.abc import Mapping
from typing import Any

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import or_, update

from concord.audit import AuditEvent
from concord.domain.enums import Role
from concord.domain.principal import Principal
from concord.store import Store
from concord.store.tables import users

REQUIRED_FOR = frozenset({Role.NCB, Role.GS, Role.CCF})
ISSUER = "Concord"
STEP_SECONDS = 30
_CODE = re.compile(r"^\d{6}$")


def required(role: Role | str) -> bool:
    return Role(role) in REQUIRED_FOR


def _key(store: Store) -> AESGCM:
    secret = store.settings.secret_key.encode()
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"concord totp secret v1"
    ).derive(secret)
    return AESGCM(derived)


def _seal(store: Store, user_id: int, secret: str) -> str:
    nonce = os.urandom(12)
    sealed = _key(store).encrypt(nonce, secret.encode(), str(user_id).encode())
    return base64.b64encode(nonce + sealed).decode()


def _unseal(store: Store, user_id: int, stored: str) -> str | None:
    try:
        raw = base64.b64decode(stored)
        return _key(store).decrypt(raw[:12], raw[12:], str(user_id).encode()).decode()
    except (InvalidTag, ValueError):  # another secret key, or the row was tampered with
        return None


def enrol(store: Store, actor: Principal, user: Mapping[str, Any]) -> dict[str, str]:
    """Give ``user`` a new secret (replacing any), and answer it once: the secret and
    the address an authenticator app reads (as text or a QR code)."""
    secret = pyotp.random_base32()
    with store.write() as conn:
        conn.execute(
            update(users)
            .where(users.c.id == user["id"])
            .values(
                totp_secret=_seal(store, int(user["id"]), secret),
                totp_enrolled_at=dt.datetime.now(dt.UTC),
                totp_last_step=None,
            )
        )
    store.audit.emit(
        AuditEvent.of(actor, "user.second_factor", resource="user", resource_id=user["id"])
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=str(user["username"]), issuer_name=ISSUER)
    return {"secret": secret, "uri": uri}


def check(
    store: Store, user: Mapping[str, Any], code: str | None, now: dt.datetime | None = None
) -> str | None:
    """None when ``code`` is a fresh, right code for ``user``; else why not (for the
    audit: the caller answers every failure alike)."""
    if not user.get("totp_secret"):
        return "no second factor enrolled"
    if code is None or not _CODE.match(code.strip()):
        return "no code given"
    secret = _unseal(store, int(user["id"]), str(user["totp_secret"]))
    if secret is None:
        return "the enrolled secret cannot be read"
    totp = pyotp.TOTP(secret)
    at = int((now or dt.datetime.now(dt.UTC)).timestamp()) // STEP_SECONDS
    for step in (at - 1, at, at + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code.strip()):
            return None if _spend(store, int(user["id"]), step) else "code already used"
    return "wrong code"


def _spend(store: Store, user_id: int, step: int) -> bool:
    """Mark ``step`` used, only if it is later than the last one used (atomic)."""
    with store.write() as conn:
        done = conn.execute(
            update(users)
            .where(
                users.c.id == user_id,
                or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step),
            )
            .values(totp_last_step=step)
        )
    return done.rowcount == 1
